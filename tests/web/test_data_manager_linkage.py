"""A review decision made through the page is obeyed by the next linkage run (SPEC 6), and the
why-linked page explains a real run's links."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from familycontext.linkage.models import LinkEvidence, ReviewDecision, ReviewPair
from familycontext.linkage.runs import run_linkage
from familycontext.people.readmodel import rebuild_people
from familycontext.sources.models import Snapshot, Source, SourceRecord
from tests.linkage.messy import population
from tests.web.family import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def records() -> None:
    """A small messy population in live snapshots, enough for the model to train on."""
    frame, _truth = population(120, seed=21)
    for key, group in frame.groupby("source"):
        source = Source.objects.create(key=key, service=key, name=key.replace("_", " ").title())
        snapshot = Snapshot.objects.create(source=source, live=True, content_hash=key,
                                           date_current_as_of=timezone.now())
        SourceRecord.objects.bulk_create(
            SourceRecord(snapshot=snapshot, record_id=row.record_id, first_name=row.first_name,
                         last_name=row.last_name, gender=row.gender, postcode=row.postcode, address=row.address,
                         date_of_birth=date.fromisoformat(row.date_of_birth) if row.date_of_birth else None)
            for row in group.itertuples()
        )


def _person(unique_id: str) -> str:
    key, record_id = unique_id.split(":")
    return SourceRecord.objects.get(snapshot__live=True, snapshot__source__key=key, record_id=record_id).person_id


def test_decisions_made_on_the_page_are_obeyed_by_the_next_run(client, records):
    client.force_login(make_user("dana", "data_manager"))
    first = run_linkage(progress=False)
    # A pair the run linked, and two records of different people from different sources.
    link = LinkEvidence.objects.filter(run=first, forced_by_decision=False).order_by("match_probability").first()
    a, b = link.unique_id_l, link.unique_id_r
    assert _person(a) == _person(b)
    c = "cms:" + SourceRecord.objects.filter(snapshot__source__key="cms").order_by("pk").first().record_id
    d = next("police:" + r for r in SourceRecord.objects.filter(snapshot__source__key="police")
             .order_by("pk").values_list("record_id", flat=True) if _person("police:" + r) != _person(c))
    # Put both pairs in front of the data manager, as a run leaves pairs it is unsure of.
    together = ReviewPair.objects.create(run=first, unique_id_l=c, unique_id_r=d,
                                         match_probability=0.85, match_weight=2.0, evidence={})
    apart = ReviewPair.objects.create(run=first, unique_id_l=a, unique_id_r=b, match_probability=link.match_probability,
                                      match_weight=link.match_weight or 0.0, evidence=link.evidence)
    assert client.post(f"/data/matches/{together.pk}", {"decision": "same"}).status_code == 302
    assert client.post(f"/data/matches/{apart.pk}", {"decision": "different", "note": "Twins"}).status_code == 302
    assert ReviewDecision.objects.count() == 2

    second = run_linkage(progress=False)
    assert second.outcome == "finished"
    assert _person(c) == _person(d)
    assert _person(a) != _person(b)
    assert LinkEvidence.objects.filter(run=second, forced_by_decision=True, person_id=_person(c)).exists()

    rebuild_people()
    page = client.get(f"/data/people/{_person(c)}/why-linked").content.decode()
    assert "Joined because a data manager decided these records are the same person" in page
    assert c.split(":")[1] in page and d.split(":")[1] in page
    assert "Decisions by data managers about these records" in page and "Same person" in page
    scored = LinkEvidence.objects.filter(run=second, forced_by_decision=False).first()
    page = client.get(f"/data/people/{scored.person_id}/why-linked").content.decode()
    assert "Match probability" in page and "First name" in page
