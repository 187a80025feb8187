"""Request ids, JSON log lines, and no personal data in application logs (SPEC 8)."""

from __future__ import annotations

import io
import json
import logging

import pytest

from familycontext.ops.logs import JsonFormatter, RequestIdFilter

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_lines():
    """Every log record from every logger, down to DEBUG, formatted as production formats it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    levels = {name: logging.getLogger(name).level for name in ("", "familycontext", "django")}
    root.addHandler(handler)
    for name in levels:
        logging.getLogger(name).setLevel(logging.DEBUG)
    lines: list[str] = []

    def read() -> list[str]:
        lines[:] = [line for line in stream.getvalue().splitlines() if line]
        return lines

    yield read
    root.removeHandler(handler)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def test_a_request_id_is_made_and_echoed(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert len(first) == 32 and first != second


def test_a_request_id_from_nginx_is_kept(client):
    response = client.get("/healthz", headers={"X-Request-ID": "edge-4f1c2a9b"})
    assert response["X-Request-ID"] == "edge-4f1c2a9b"


def test_a_request_id_that_is_not_an_id_is_replaced(client):
    response = client.get("/healthz", headers={"X-Request-ID": "Ava Smith 2015-01-01\n{}"})
    assert len(response["X-Request-ID"]) == 32
    assert "Ava" not in response["X-Request-ID"]


def test_each_request_writes_one_json_line_with_id_route_status_and_duration(
        with_reason, family, log_lines):
    response = with_reason.get("/person/P00000001")
    assert response.status_code == 200
    access = [json.loads(line) for line in log_lines()]
    access = [e for e in access if e["logger"] == "familycontext.requests"]
    assert len(access) == 1
    entry = access[0]
    assert entry["request_id"] == response["X-Request-ID"]
    assert entry["route"] == "/person/<str:person_id>"
    assert entry["view"] == "web:person"
    assert entry["status"] == 200 and entry["method"] == "GET"
    assert isinstance(entry["duration_ms"], float)


def test_every_line_is_json(with_reason, family, log_lines):
    with_reason.get("/person/P00000001")
    with_reason.get("/no/such/page?first-name=Ava")
    lines = log_lines()
    assert lines
    for line in lines:
        assert isinstance(json.loads(line), dict)


def test_no_personal_data_in_logs_from_search_person_cards_and_errors(with_reason, family, log_lines):
    """Search by name and by CMS id, results, a person, each card, a missing person, a 404 with
    a name in its query string: not one log line may hold a name, a date of birth, an id."""
    child = family.child
    dob = child.date_of_birth
    with_reason.post("/", {"search-by": "name", "first-name": "Ava", "last-name": "Smith",
                           "date-of-birth-day": dob.day, "date-of-birth-month": dob.month,
                           "date-of-birth-year": dob.year})
    assert with_reason.get("/results").status_code == 200
    with_reason.post("/", {"search-by": "cms-id", "cms-id": "CMS100"})
    assert with_reason.get("/person/P00000001").status_code == 200
    for service in ("school", "housing", "adult-social-care", "police"):
        with_reason.get(f"/person/P00000001/service/{service}", headers={"X-Requested-With": "fetch"})
    assert with_reason.get("/person/P99999999").status_code == 404
    with_reason.get("/person/P00000002/service/no-such-card")
    with_reason.get("/?first-name=Ava&last-name=Smith")
    with_reason.get(f"/missing/Smith/{dob.isoformat()}")

    text = "\n".join(log_lines())
    assert "familycontext.requests" in text  # the capture did see the requests
    forbidden = ["Ava", "Smith", "Jane", "CMS100", "P00000001", "P00000002", "P99999999",
                 dob.isoformat(), dob.strftime("%d/%m/%Y"), "High Street", "EX1 2AB"]
    for fact in forbidden:
        assert fact not in text, f"{fact!r} appears in the logs"


def test_a_server_error_is_logged_with_route_and_traceback_but_not_the_path(
        with_reason, family, log_lines, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("something broke")

    monkeypatch.setattr("familycontext.web.views.people.service_summary", broken)
    with_reason.raise_request_exception = False
    response = with_reason.get("/person/P00000001")
    assert response.status_code == 500
    errors = [json.loads(line) for line in log_lines()]
    errors = [e for e in errors if e["level"] == "ERROR"]
    assert errors, "the 500 was not logged"
    assert errors[0]["message"] == "Internal Server Error: /person/<str:person_id>"
    assert "RuntimeError: something broke" in errors[0]["exception"]
    assert errors[0]["request_id"] == response["X-Request-ID"]
    assert "P00000001" not in "\n".join(log_lines())
