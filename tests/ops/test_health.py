"""/healthz and /readyz: public, JSON, and honest about what is missing."""

from __future__ import annotations

import json

import pytest
from django.db import DatabaseError

from familycontext.sources.models import Snapshot


def test_healthz_answers_without_sign_in_or_database(client):
    # No django_db mark: any database query here would fail the test.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_is_ready_with_a_live_snapshot_for_every_service(client, family):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ready"}


@pytest.mark.django_db
def test_readyz_names_the_services_without_a_live_snapshot(client, family):
    Snapshot.objects.filter(source__service__in=["police", "school"]).update(live=False)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert json.loads(response.content) == {
        "status": "not ready", "missing": ["live snapshot: school", "live snapshot: police"]}


@pytest.mark.django_db
def test_readyz_on_an_empty_database_is_not_ready(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert len(json.loads(response.content)["missing"]) == 5


@pytest.mark.django_db
def test_readyz_when_the_database_fails_says_so_and_nothing_more(client, monkeypatch):
    def broken():
        raise DatabaseError('could not connect to server "db.internal" as user "fc"')

    monkeypatch.setattr("familycontext.ops.health.missing_services", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "not ready", "missing": ["database"]}
    assert b"db.internal" not in response.content


@pytest.mark.django_db
def test_probes_reveal_nothing_personal(client, family):
    for url in ("/healthz", "/readyz"):
        body = client.get(url).content.decode()
        for fact in ("Ava", "Smith", "CMS100", "P00000001", "Exampleton"):
            assert fact not in body


def test_only_reading_is_allowed(client):
    assert client.post("/healthz").status_code == 405
