"""A data manager can override the learnt linkage policy (issue 18): keep a check on, keep the
threshold; stored, audited, shown, and obeyed by the next run."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.utils import timezone

from familycontext.governance.models import AuditEntry
from familycontext.linkage.models import LinkageRun, PolicyOverride
from familycontext.linkage.policy import Policy
from familycontext.linkage.runs import run_linkage
from familycontext.sources.models import Snapshot, Source, SourceRecord
from tests.linkage.messy import population
from tests.web.family import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(client):
    client.force_login(make_user("dana", "data_manager"))
    return client


@pytest.fixture
def run() -> LinkageRun:
    return LinkageRun.objects.create(started_at=timezone.now(), upper_threshold=0.99, lower_threshold=0.8,
                                     outcome="finished",
                                     figures={"policy": Policy(rules_off=frozenset({"first_name"})).figures()})


def _audit() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="linkage_policy_changed", username="dana").order_by("pk"))


def test_the_run_page_offers_the_override_with_a_csrf_token(manager, run):
    page = manager.get(f"/data/linkage-runs/{run.pk}").content.decode()
    assert 'action="/data/linkage-policy"' in page and 'name="csrfmiddlewaretoken"' in page
    assert "Keep the first name check on" in page and "Keep the link threshold where it is configured" in page
    assert page.count("Left to the decisions") == 6  # 4 checks, undated records, the threshold


def test_keeping_a_check_on_is_stored_audited_shown_and_given_back(manager, run):
    response = manager.post("/data/linkage-policy", {"keep": ["first_name", "band", "nonsense"], "run": run.pk},
                            follow=True)
    assert response.redirect_chain[-1][0] == f"/data/linkage-runs/{run.pk}"
    page = response.content.decode()
    assert "Linkage policy saved" in page and "Kept on by dana" in page
    assert dict(PolicyOverride.objects.values_list("rule", "keep_on")) == {"band": True, "first_name": True}
    (entry,) = _audit()
    assert entry.details["kept_on"] == ["band", "first_name"] and entry.details["added"] == ["band", "first_name"]

    manager.post("/data/linkage-policy", {"keep": ["band"], "run": run.pk})
    assert list(PolicyOverride.objects.values_list("rule", flat=True)) == ["band"]
    assert _audit()[-1].details["given_back_to_the_decisions"] == ["first_name"]
    manager.post("/data/linkage-policy", {"keep": ["band"], "run": run.pk})
    assert len(_audit()) == 2  # nothing changed: nothing audited


def test_only_a_data_manager_may_override_and_only_with_a_csrf_token(db, run):
    for roles in (("practitioner",), ("team_manager",), ("auditor",), ("administrator",)):
        other = Client()
        other.force_login(make_user("x" + roles[0], *roles))
        assert other.post("/data/linkage-policy", {"keep": ["band"]}).status_code == 403
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_user("dana2", "data_manager"))
    assert strict.post("/data/linkage-policy", {"keep": ["band"]}).status_code == 403
    assert not PolicyOverride.objects.exists()


@pytest.mark.slow
def test_the_next_run_obeys_the_override(manager, run):
    frame, _truth = population(60, seed=5)
    for key, group in frame.groupby("source"):
        source = Source.objects.create(key=key, service=key, name=key)
        snapshot = Snapshot.objects.create(source=source, live=True, content_hash=key, date_current_as_of=timezone.now())
        SourceRecord.objects.bulk_create(
            SourceRecord(snapshot=snapshot, record_id=row.record_id, first_name=row.first_name,
                         last_name=row.last_name, gender=row.gender, postcode=row.postcode, address=row.address,
                         date_of_birth=date.fromisoformat(row.date_of_birth) if row.date_of_birth else None)
            for row in group.itertuples()
        )
    manager.post("/data/linkage-policy", {"keep": ["first_name", "band"], "run": run.pk})
    learnt = run_linkage(progress=False).figures["policy"]
    assert learnt["overridden_by_data_manager"] == {"band": True, "first_name": True}
    assert "first_name" not in learnt["rules_switched_off"] and learnt["link_threshold_moved_to"] is None
