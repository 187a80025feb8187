"""The data manager's pages (SPEC 5.6): role enforcement, loads and quality, held-load decisions,
quarantine and its CSV download, uncertain matches, why linked, linkage runs."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.core.cache import cache
from django.utils import timezone

from familycontext.governance.models import AuditEntry
from familycontext.linkage.models import (
    LinkageRun,
    LinkEvidence,
    PersonIdEvent,
    ReviewDecision,
    ReviewPair,
)
from familycontext.people.linkage_view import linkage_by_source
from familycontext.people.models import Person
from familycontext.sources.loader import load_bundle
from familycontext.sources.models import Load, Snapshot, Source, SourceRecord
from tests.sources.bundles import load_live, person, publish_waiting, write_bundle
from tests.web.family import make_user

pytestmark = pytest.mark.django_db

DATA_MANAGER_URLS = [
    "/data/loads",
    "/data/loads/1",
    "/data/loads/1/accept",
    "/data/loads/1/reject",
    "/data/loads/1/quarantine",
    "/data/loads/1/quarantine.csv",
    "/data/matches",
    "/data/matches/1",
    "/data/linkage-runs",
    "/data/linkage-runs/1",
    "/data/people/P00000001/why-linked",
    "/data/people",
]


@pytest.fixture
def manager(client):
    cache.clear()  # the linkage-by-source figures are cached per run and live snapshots
    client.force_login(make_user("dana", "data_manager", first_name="Dana", last_name="Manager"))
    return client


def _people(n: int, prefix: str = "C") -> list[dict]:
    return [person(f"{prefix}{i}", first=f"Child{i}") for i in range(n)]


@pytest.fixture
def held(tmp_path) -> Load:
    """A CMS load of 3 people after a live one of 10: held for a data manager."""
    load_live(write_bundle(tmp_path / "v1", "cms", {"people": _people(10)}))
    load = load_bundle(write_bundle(tmp_path / "v2", "cms", {"people": _people(3, "N")},
                                    date_current_as_of="2026-11-21"))
    assert load.outcome == Load.Outcome.HELD
    return load


def _live_ids() -> list[str]:
    return sorted(SourceRecord.objects.filter(snapshot__live=True).values_list("record_id", flat=True))


def _audit(action: str) -> list[AuditEntry]:
    """Entries the data manager's requests wrote (loads made by fixtures are audited too, as events)."""
    return list(AuditEntry.objects.filter(action=action, username="dana").order_by("pk"))


# --- roles ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("roles", [("practitioner",), ("team_manager",), ("auditor",), ("administrator",)])
def test_every_data_manager_page_and_download_is_refused_to_other_roles(client, held, roles):
    client.force_login(make_user("other", *roles))
    for url in DATA_MANAGER_URLS:
        assert client.get(url).status_code == 403, url
    for url in ("/data/loads/1/accept", "/data/loads/1/reject", "/data/matches/1", "/data/linkage-runs/start"):
        assert client.post(url, {"decision": "same"}).status_code == 403, url
    assert Load.objects.get(pk=held.pk).outcome == Load.Outcome.HELD
    assert not ReviewDecision.objects.exists()


def test_signed_out_users_are_sent_to_sign_in_from_every_data_manager_page(client):
    for url in DATA_MANAGER_URLS:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/sign-in"), url


def test_menu_shows_data_manager_pages_only_to_data_managers(client, manager):
    page = manager.get("/data/loads").content.decode()
    assert 'href="/data/matches"' in page and 'href="/data/linkage-runs"' in page
    client.force_login(make_user("pat", "practitioner"))
    assert 'href="/data/loads"' not in client.get("/conditions").content.decode()


# --- loads and quality ----------------------------------------------------------------------------


def test_loads_are_listed_newest_first_with_outcome_rows_and_date_current_as_of(manager, held):
    page = manager.get("/data/loads").content.decode()
    assert page.index(f"Load {held.pk}<") < page.index(f"Load {held.pk - 1}<")
    assert "Held" in page and "Live" in page
    assert "21 November 2026" in page and "20 November 2026" in page
    assert "1 load is held" in page


def test_load_page_shows_the_quality_report_in_words_and_the_drop_warning(manager, held):
    page = manager.get(f"/data/loads/{held.pk}").content.decode()
    assert "Data-quality report" in page
    assert "Records with a first name" in page and "100%" in page
    assert "Records by gender" in page and "Female: 100%" in page
    assert "a drop of 70%" in page and "more than the 50% allowed" in page
    assert "Accept this load" in page and "Reject this load" in page


def test_loads_that_are_not_held_have_no_decision_buttons(manager, held):
    live = Load.objects.filter(outcome=Load.Outcome.LOADED).get()
    page = manager.get(f"/data/loads/{live.pk}").content.decode()
    assert "Accept this load" not in page
    response = manager.post(f"/data/loads/{live.pk}/accept")
    assert response.status_code == 400 and "not held any more" in response.content.decode()


def test_confirmation_page_changes_nothing_until_confirmed(manager, held):
    before = _live_ids()
    page = manager.get(f"/data/loads/{held.pk}/accept").content.decode()
    assert "Are you sure you want to accept this load?" in page and 'name="csrfmiddlewaretoken"' in page
    assert _live_ids() == before and Load.objects.get(pk=held.pk).outcome == Load.Outcome.HELD


def test_accepting_a_held_load_makes_it_live_and_is_audited(manager, held):
    assert _live_ids() == sorted(f"C{i}" for i in range(10))
    response = manager.post(f"/data/loads/{held.pk}/accept")
    assert response.status_code == 302 and response["Location"] == f"/data/loads/{held.pk}"
    assert _live_ids() == sorted(f"C{i}" for i in range(10))  # live only with the next linkage run
    assert Load.objects.get(pk=held.pk).outcome == Load.Outcome.LOADED
    (entry,) = _audit("data_loaded")
    assert entry.username == "dana" and entry.details["decision"] == "accepted" and entry.details["load"] == held.pk
    page = manager.get(response["Location"]).content.decode()
    assert "Load accepted" in page and "New snapshot waiting for linkage" in page and "Waiting for linkage" in page
    publish_waiting()
    assert _live_ids() == sorted(f"N{i}" for i in range(3))


def test_rejecting_a_held_load_keeps_the_live_snapshot_and_is_audited(manager, held):
    live = Snapshot.objects.get(live=True)
    response = manager.post(f"/data/loads/{held.pk}/reject")
    assert response.status_code == 302
    assert Snapshot.objects.get(live=True) == live and _live_ids() == sorted(f"C{i}" for i in range(10))
    assert Load.objects.get(pk=held.pk).outcome == Load.Outcome.REJECTED
    assert not Snapshot.objects.filter(pk=held.snapshot_id).exists()
    (entry,) = _audit("data_loaded")
    assert entry.details["decision"] == "rejected"


def test_post_without_csrf_token_is_refused(held):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("dana", "data_manager"))
    assert client.post(f"/data/loads/{held.pk}/accept").status_code == 403
    assert Load.objects.get(pk=held.pk).outcome == Load.Outcome.HELD


def test_unknown_load_is_a_plain_not_found_page(manager):
    response = manager.get("/data/loads/999999")
    assert response.status_code == 404 and "Page not found" in response.content.decode()


# --- quarantine ----------------------------------------------------------------------------------


@pytest.fixture
def with_rejects(tmp_path) -> Load:
    rows = [person(f"C{i}", first=f"Child{i}") for i in range(40)]
    rows.append(person("BAD1", first="=HYPERLINK(\"http://x.example\",\"click\")", dob="not a date"))
    load = load_bundle(write_bundle(tmp_path / "q", "cms", {"people": rows}))
    assert load.rows_rejected == 1, load.message
    return load


def test_quarantine_page_lists_file_row_column_and_reason(manager, with_rejects):
    page = manager.get(f"/data/loads/{with_rejects.pk}/quarantine").content.decode()
    assert "people.csv" in page and ">42<" in page and ">first_name<" in page
    assert "starts like a spreadsheet formula" in page
    assert "Download rejected rows (CSV)" in page


def test_quarantine_csv_is_an_audited_uncached_attachment_with_formulas_neutralised(manager, with_rejects):
    response = manager.get(f"/data/loads/{with_rejects.pk}/quarantine.csv")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="quarantine-load-{with_rejects.pk}.csv"'
    assert "no-store" in response["Cache-Control"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["file", "row", "column", "reason"]
    first_name = rows[1][rows[0].index("first_name")]
    assert first_name.startswith("'=HYPERLINK")
    (entry,) = _audit("data_loaded")
    assert entry.details["export"] == "quarantined rows" and entry.details["rows"] == 1


def test_quarantine_is_paginated(manager, tmp_path):
    rows = [person(f"C{i}") for i in range(200)] + [person(f"B{i}", first="=1+1") for i in range(60)]
    load = load_bundle(write_bundle(tmp_path / "p", "cms", {"people": rows}))
    assert load.rows_rejected == 60
    first = manager.get(f"/data/loads/{load.pk}/quarantine").content.decode()
    second = manager.get(f"/data/loads/{load.pk}/quarantine?page=2").content.decode()
    assert "page 1 of 2" in first and "page 2 of 2" in second
    assert first.count('<td class="govuk-table__cell govuk-table__cell--numeric">') > second.count(
        '<td class="govuk-table__cell govuk-table__cell--numeric">')


# --- uncertain matches -----------------------------------------------------------------------------


def _source(key: str, service: str, name: str) -> Snapshot:
    source = Source.objects.create(key=key, service=service, name=name)
    return Snapshot.objects.create(source=source, live=True, content_hash=key, date_current_as_of=timezone.now())


@pytest.fixture
def review_pair() -> ReviewPair:
    cms = _source("cms", "cms", "Children's Case Management")
    police = _source("police", "police", "Exampleshire Police")
    SourceRecord.objects.create(snapshot=cms, record_id="CMS7", first_name="Amira", last_name="Khan",
                                date_of_birth=date(2010, 3, 4), gender="Female", address="12 Mill Lane",
                                postcode="NM1 2AB", person_id="P00000007")
    SourceRecord.objects.create(snapshot=police, record_id="POL9", first_name="Amira", last_name="Khan",
                                date_of_birth=date(2010, 4, 3), gender="Female", address="3 Oak Road",
                                postcode="NM4 9ZZ", person_id="P00000008")
    run = LinkageRun.objects.create(started_at=timezone.now(), upper_threshold=0.99, lower_threshold=0.8,
                                    outcome=LinkageRun.Outcome.FINISHED, records_in=2, people_out=2)
    return ReviewPair.objects.create(run=run, unique_id_l="cms:CMS7", unique_id_r="police:POL9",
                                     match_probability=0.93, match_weight=3.8, evidence={
                                         "first_name": {"level": "exact", "weight": 6.2},
                                         "last_name": {"level": "exact", "weight": 5.1},
                                         "date_of_birth": {"level": "day and month transposed", "weight": 5.4},
                                         "gender": {"level": "same", "weight": 0.9},
                                         "address": {"level": "all other", "weight": -2.6},
                                     })


def test_queue_lists_undecided_pairs(manager, review_pair):
    page = manager.get("/data/matches").content.decode()
    assert "1 pair to review" in page and "93.0%" in page
    assert "Children&#39;s Case Management, record CMS7" in page and "Exampleshire Police, record POL9" in page
    assert "Why it is here" in page and "Between the thresholds" in page


def test_a_pair_kept_apart_says_which_check_kept_it_apart(manager, review_pair):
    review_pair.reason, review_pair.match_probability = "date_of_birth", 0.997
    review_pair.save()
    assert "Kept apart: dates of birth" in manager.get("/data/matches").content.decode()
    page = manager.get(f"/data/matches/{review_pair.pk}").content.decode()
    assert "kept apart automatically because the dates of birth differ" in page


def test_pair_is_shown_side_by_side_with_differences_and_evidence_in_words(manager, review_pair):
    page = manager.get(f"/data/matches/{review_pair.pk}").content.decode()
    assert "Are these the same person?" in page
    assert "4 March 2010" in page and "3 April 2010" in page
    assert "Day and month swapped: strong evidence for" in page
    assert "<strong>Different</strong>" in page  # the address differs, said in words
    assert "12 Mill Lane, NM1 2AB" in page and "3 Oak Road, NM4 9ZZ" in page
    assert "Scored between the thresholds" in page


def test_decision_through_the_page_is_stored_audited_and_leaves_the_queue(manager, review_pair):
    response = manager.post(f"/data/matches/{review_pair.pk}", {"decision": "same", "note": "Same school, checked"})
    assert response.status_code == 302 and response["Location"] == "/data/matches"
    decision = ReviewDecision.objects.get()
    assert (decision.unique_id_l, decision.unique_id_r, decision.same_person) == ("cms:CMS7", "police:POL9", True)
    assert decision.decided_by == "dana" and decision.note == "Same school, checked"
    (entry,) = _audit("match_decided")
    assert entry.details["decision"] == "same person" and entry.details["records"] == ["cms:CMS7", "police:POL9"]
    page = manager.get("/data/matches").content.decode()
    assert "Decision saved" in page and "There are no pairs to review" in page
    again = manager.post(f"/data/matches/{review_pair.pk}", {"decision": "different"})
    assert again.status_code == 400 and "already decided by dana" in again.content.decode()
    assert ReviewDecision.objects.get().same_person is True


def test_a_decision_must_be_chosen_and_the_note_kept_short(manager, review_pair):
    response = manager.post(f"/data/matches/{review_pair.pk}", {"decision": "", "note": "x" * 1001})
    page = response.content.decode()
    assert response.status_code == 400 and "There is a problem" in page
    assert "Select whether these records are the same person" in page and "1000 characters or fewer" in page
    assert not ReviewDecision.objects.exists()


def test_restricted_record_address_is_not_shown_in_a_pair(manager, review_pair):
    SourceRecord.objects.filter(record_id="POL9").update(restricted=True)
    page = manager.get(f"/data/matches/{review_pair.pk}").content.decode()
    assert "3 Oak Road" not in page and "NM4 9ZZ" not in page and "Not shown: restricted record" in page


def test_a_pair_replaced_by_a_newer_run_is_not_found(manager):
    assert manager.get("/data/matches/424242").status_code == 404


# --- why linked and runs ---------------------------------------------------------------------------


@pytest.fixture
def linked_person(review_pair) -> Person:
    SourceRecord.objects.filter(record_id="POL9").update(person_id="P00000007")
    run = review_pair.run
    LinkEvidence.objects.create(run=run, person_id="P00000007", unique_id_l="cms:CMS7", unique_id_r="police:POL9",
                                match_probability=0.995, match_weight=8.1, evidence=review_pair.evidence)
    PersonIdEvent.objects.create(run=run, kind=PersonIdEvent.Kind.MERGED, person_id="P00000007",
                                 related_person_ids=["P00000008"])
    return Person.objects.create(id="P00000007", first_name="Amira", last_name="Khan", date_of_birth=date(2010, 3, 4))


def test_why_linked_shows_the_records_the_evidence_and_the_id_history_and_is_audited(manager, linked_person):
    page = manager.get("/data/people/P00000007/why-linked").content.decode()
    assert "Why these records are linked: Amira Khan" in page
    assert "CMS7" in page and "POL9" in page and "Exampleshire Police" in page
    assert "Match probability 99.5%" in page
    assert "Day and month swapped" in page and "Strong evidence for" in page
    assert "Records of several people now belong to this person" in page and "P00000008" in page
    (entry,) = _audit("viewed_person")
    assert entry.person_id == "P00000007" and entry.details == {"page": "why these records are linked"}


def test_a_data_manager_finds_a_person_and_reaches_why_linked_and_restrict(manager, linked_person):
    assert manager.get("/data/people").status_code == 200
    page = manager.post("/data/people", {"person-id": "p00000007"}).content.decode()
    assert "1 person found" in page and "Amira Khan" in page
    assert 'href="/data/people/P00000007/why-linked"' in page
    assert 'href="/person/P00000007/restriction"' in page
    (entry,) = _audit("searched")
    assert entry.search_terms == {"person_id_or_identifier": "p00000007"}
    assert len(_audit("shown_in_results")) == 1
    empty = manager.post("/data/people", {})
    assert empty.status_code == 400 and "Enter a first name" in empty.content.decode()
    none = manager.post("/data/people", {"person-id": "P99999999"}).content.decode()
    assert "0 people found" in none


def test_why_linked_for_an_unknown_person_is_not_found(manager):
    assert manager.get("/data/people/P99999999/why-linked").status_code == 404


def test_person_page_links_to_why_linked_for_data_managers_only(client, family):
    from familycontext.governance.reason import SESSION_KEY

    for roles, shown in ((("practitioner",), False), (("practitioner", "data_manager"), True)):
        client.force_login(make_user("u" + "-".join(roles), *roles))
        session = client.session
        session[SESSION_KEY] = {"cms_id": "CMS100", "type": "section_47", "text": ""}
        session.save()
        page = client.get("/person/P00000001").content.decode()
        assert ("Why these records are linked" in page) is shown


def test_linkage_runs_page_shows_figures_and_the_model(manager, review_pair):
    run = review_pair.run
    run.links_made, run.pairs_for_review, run.duration_seconds = 1, 1, 2.5
    run.model_parameters = {"probability_two_random_records_match": 0.0001, "comparisons": [
        {"output_column_name": "date_of_birth", "comparison_levels": [
            {"label_for_charts": "missing on either record", "is_null_level": True},
            {"label_for_charts": "day and month transposed", "m_probability": 0.02, "u_probability": 0.0005},
        ]}]}
    run.save()
    listing = manager.get("/data/linkage-runs").content.decode()
    assert f"Run {run.pk}" in listing and "99.0%, 80.0%" in listing and "2.5 s" in listing
    assert "Records linked, by source" in listing
    page = manager.get(f"/data/linkage-runs/{run.pk}").content.decode()
    assert "Model parameters" in page and "Day and month swapped" in page and "+5.3" in page
    assert "Pairs for review" in page


def test_a_run_page_shows_the_policy_learnt_with_its_evidence(manager, review_pair):
    run = review_pair.run
    run.figures = {
        "pairs_for_review_by_reason": {"band": 7, "first_name": 2},
        "policy": {"rules_switched_off": ["date_of_birth"], "link_threshold_moved_to": None,
                   "review_floor_moved_to": None, "overridden_by_data_manager": {},
                   "min_decisions": 100,
                   "decisions_by_reason": {"date_of_birth": {"same": 120, "different": 0},
                                           "band": {"same": 40, "different": 3}}},
    }
    run.save()
    page = manager.get(f"/data/linkage-runs/{run.pk}").content.decode()
    assert "Between the thresholds: 7" in page and "Kept apart: first names: 2" in page
    assert "Checks switched off" in page and "date of birth" in page
    assert "The link threshold is as configured" in page
    assert "Kept apart: dates of birth</td>" in page and ">120<" in page


def test_linkage_by_source_counts_records_sharing_a_person_with_the_cms_or_another_source(linked_person):
    SourceRecord.objects.create(snapshot=Snapshot.objects.get(source__key="police"), record_id="POL10",
                                first_name="Solo", person_id="P00000099")
    figures = {c.service: (c.records, c.with_cms, c.with_other_source) for c in linkage_by_source()}
    assert figures == {"cms": (1, 0, 1), "police": (2, 1, 1)}


# --- publication (issue 17) -----------------------------------------------------------------------


def test_a_snapshot_waiting_for_linkage_is_shown_with_a_button_that_starts_an_audited_run(manager, tmp_path,
                                                                                          monkeypatch):
    from familycontext.web.views import linkage as views

    load_live(write_bundle(tmp_path / "v1", "cms", {"people": _people(4)}))
    assert "New snapshot waiting for linkage" not in manager.get("/data/loads").content.decode()
    load_bundle(write_bundle(tmp_path / "v2", "cms", {"people": _people(5)}, date_current_as_of="2026-11-21"))
    for url in ("/data/loads", "/data/linkage-runs"):
        page = manager.get(url).content.decode()
        assert "New snapshot waiting for linkage" in page and "Run linkage now" in page, url
    started = []
    monkeypatch.setattr(views, "start_in_background", lambda: started.append(1) or 4242)
    response = manager.post("/data/linkage-runs/start")
    assert response.status_code == 302 and response["Location"] == "/data/linkage-runs" and started == [1]
    (entry,) = _audit("data_loaded")
    assert entry.details["linkage"] == "started" and entry.details["waiting_snapshots"] == [
        Snapshot.objects.get(waiting=True).pk]
    assert "Linkage run started" in manager.get("/data/linkage-runs").content.decode()


def test_while_a_run_is_going_the_button_is_replaced_and_a_second_start_is_refused(manager, tmp_path, monkeypatch):
    import os
    import socket

    from familycontext.web.views import linkage as views

    load_bundle(write_bundle(tmp_path / "v1", "cms", {"people": _people(4)}))
    run = LinkageRun.objects.create(started_at=timezone.now(), upper_threshold=0.9, lower_threshold=0.5,
                                    host=socket.gethostname(), pid=os.getpid())  # this process: alive
    page = manager.get("/data/loads").content.decode()
    assert f"Linkage run {run.pk} is running" in page and "Run linkage now" not in page
    monkeypatch.setattr(views, "start_in_background", lambda: pytest.fail("started a second run"))
    manager.post("/data/linkage-runs/start")
    assert "already running" in manager.get("/data/linkage-runs").content.decode()
