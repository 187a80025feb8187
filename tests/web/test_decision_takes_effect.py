"""A decision in the web review queue takes effect on the people at once (issue 18): the pair's
people are re-formed from the live run's stored scores, and their read model rows rebuilt."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from familycontext.governance.models import AuditEntry
from familycontext.linkage.models import (
    LinkEvidence,
    PersonIdEvent,
    RecordAssignment,
    ReviewDecision,
    ReviewPair,
)
from familycontext.linkage.runs import run_linkage
from familycontext.people.linkage_view import review_queue
from familycontext.people.models import Person, SearchEntry
from familycontext.people.readmodel import rebuild_people
from familycontext.people.search import search_people
from familycontext.sources.models import Snapshot, Source, SourceRecord
from tests.linkage.messy import population
from tests.web.family import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def linked(client):
    """A small messy population, linked by a real run with its read model published."""
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
    run = run_linkage(progress=False, publish_read_model=rebuild_people)
    client.force_login(make_user("dana", "data_manager"))
    return run


def _record(unique_id: str) -> SourceRecord:
    key, record_id = unique_id.split(":")
    return SourceRecord.objects.get(snapshot__live=True, snapshot__source__key=key, record_id=record_id)


def _person(unique_id: str) -> str:
    return _record(unique_id).person_id


def _found(unique_id: str) -> set[str]:
    r = _record(unique_id)
    return {p.id for p in search_people(r.first_name, r.last_name, r.date_of_birth)}


def _pair_of_two_people() -> tuple[str, str]:
    """A CMS record and a police record of different people, both named and dated."""
    cms = SourceRecord.objects.filter(snapshot__source__key="cms").exclude(first_name="").exclude(
        date_of_birth=None).order_by("pk")
    police = SourceRecord.objects.filter(snapshot__source__key="police").exclude(first_name="").exclude(
        date_of_birth=None).order_by("pk")
    c = "cms:" + cms.first().record_id
    d = next("police:" + r.record_id for r in police if r.person_id != _person(c))
    return c, d


def _people_of(uids) -> dict[str, str]:
    return {u: _person(u) for u in uids}


def test_same_person_joins_the_records_at_once_in_pages_and_search_as_the_next_run_does(client, linked):
    c, d = _pair_of_two_people()
    two = {c: _person(c), d: _person(d)}
    affected = [a.unique_id for a in RecordAssignment.objects.filter(person_id__in=two.values())]
    assert _person(c) not in _found(d)  # two people before
    pair = ReviewPair.objects.create(run=linked, unique_id_l=c, unique_id_r=d, match_probability=0.85,
                                     match_weight=2.0, evidence={})

    response = client.post(f"/data/matches/{pair.pk}", {"decision": "same"}, follow=True)

    assert "Their people have been updated" in response.content.decode()
    now = _people_of(affected)
    assert now[c] == now[d]
    for person_id in set(now.values()):  # the read model matches the assignments, person by person
        assert Person.objects.get(pk=person_id).record_count == list(now.values()).count(person_id)
        assert SearchEntry.objects.filter(person_id=person_id).exists()
    for gone in set(two.values()) - set(now.values()):
        assert not Person.objects.filter(pk=gone).exists() and not SearchEntry.objects.filter(person_id=gone).exists()
    assert now[c] in _found(c) and now[c] in _found(d)
    assert PersonIdEvent.objects.filter(run=linked, kind="merged", person_id=now[c]).exists()
    assert LinkEvidence.objects.filter(person_id=now[c], forced_by_decision=True, unique_id_l=min(c, d)).exists()
    page = client.get(f"/data/people/{now[c]}/why-linked").content.decode()
    assert c.split(":")[1] in page and d.split(":")[1] in page

    # The next full run forms the same people, under the same ids.
    run_linkage(progress=False, publish_read_model=rebuild_people)
    assert _people_of(affected) == now


def test_different_people_splits_the_person_at_once_and_keeps_the_larger_part_its_id(client, linked):
    link = (LinkEvidence.objects.filter(run=linked, forced_by_decision=False)
            .order_by("match_probability", "pk").first())
    a, b = link.unique_id_l, link.unique_id_r
    before = _person(a)
    assert _person(b) == before
    records = Person.objects.get(pk=before).record_count
    pair = ReviewPair.objects.create(run=linked, unique_id_l=a, unique_id_r=b, match_probability=link.match_probability,
                                     match_weight=link.match_weight or 0.0, evidence=link.evidence)

    assert client.post(f"/data/matches/{pair.pk}", {"decision": "different"}).status_code == 302

    pa, pb = _person(a), _person(b)
    assert pa != pb and before in (pa, pb)
    parts = [Person.objects.get(pk=p).record_count for p in (pa, pb)]
    assert sum(parts) == records
    assert Person.objects.get(pk=before).record_count == max(parts)
    assert pa in _found(a) and pb in _found(b)
    assert {pa, pb} - {before} <= set(PersonIdEvent.objects.filter(run=linked, kind="created")
                                       .values_list("person_id", flat=True))
    assert not LinkEvidence.objects.filter(person_id__in=[pa, pb], unique_id_l=a, unique_id_r=b).exists()

    run_linkage(progress=False, publish_read_model=rebuild_people)
    assert (_person(a), _person(b)) == (pa, pb)


def _audit(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action, username="dana").order_by("pk"))


def test_undoing_a_same_person_decision_from_the_pair_page_puts_the_people_back(client, linked):
    c, d = _pair_of_two_people()
    affected = [a.unique_id for a in RecordAssignment.objects.filter(person_id__in=[_person(c), _person(d)])]
    before = _people_of(affected)
    pair = ReviewPair.objects.create(run=linked, unique_id_l=c, unique_id_r=d, match_probability=0.85,
                                     match_weight=2.0, evidence={})
    client.post(f"/data/matches/{pair.pk}", {"decision": "same"})
    assert _person(c) == _person(d)
    decision = ReviewDecision.objects.get()
    page = client.get(f"/data/matches/{pair.pk}").content.decode()
    assert "Undo this decision" in page and f"/data/decisions/{decision.pk}/undo" in page

    response = client.post(f"/data/decisions/{decision.pk}/undo", {"pair": pair.pk}, follow=True)

    assert response.redirect_chain[-1][0] == f"/data/matches/{pair.pk}"
    assert "Decision undone" in response.content.decode()
    assert not ReviewDecision.objects.exists()
    after = _people_of(affected)
    assert after[c] != after[d]
    # The same people as before the decision (a part whose id was retired comes back under a new id).
    groups = {frozenset(u for u in affected if p[u] == p[x]) for p in (before,) for x in affected}
    assert {frozenset(u for u in affected if after[u] == after[x]) for x in affected} == groups
    for person_id in set(after.values()):
        assert Person.objects.get(pk=person_id).record_count == list(after.values()).count(person_id)
    assert after[c] in _found(c) and after[c] not in _found(d)
    assert review_queue().filter(pk=pair.pk).exists()  # back in the queue
    (entry,) = _audit("match_decision_undone")
    assert entry.details["records"] == [min(c, d), max(c, d)] and entry.details["decision"] == "same person"
    assert entry.details["person_ids"][0] == entry.details["person_ids"][1]  # one person before the undo
    assert entry.details["person_ids_now"] == [after[min(c, d)], after[max(c, d)]]

    run_linkage(progress=False, publish_read_model=rebuild_people)
    assert _person(c) != _person(d)


def test_undoing_a_different_people_decision_from_the_run_page_joins_them_again(client, linked):
    link = (LinkEvidence.objects.filter(run=linked, forced_by_decision=False)
            .order_by("match_probability", "pk").first())
    a, b = link.unique_id_l, link.unique_id_r
    before = _person(a)
    records = Person.objects.get(pk=before).record_count
    pair = ReviewPair.objects.create(run=linked, unique_id_l=a, unique_id_r=b, match_probability=link.match_probability,
                                     match_weight=link.match_weight or 0.0, evidence=link.evidence)
    client.post(f"/data/matches/{pair.pk}", {"decision": "different"})
    assert _person(a) != _person(b)
    decision = ReviewDecision.objects.get()
    page = client.get(f"/data/linkage-runs/{linked.pk}").content.decode()
    assert f"/data/decisions/{decision.pk}/undo" in page and 'name="csrfmiddlewaretoken"' in page

    response = client.post(f"/data/decisions/{decision.pk}/undo", {"run": linked.pk}, follow=True)

    assert response.redirect_chain[-1][0] == f"/data/linkage-runs/{linked.pk}"
    assert _person(a) == _person(b) == before
    assert Person.objects.get(pk=before).record_count == records
    assert LinkEvidence.objects.filter(person_id=before, unique_id_l=a, unique_id_r=b).exists()
    assert len(_audit("match_decision_undone")) == 1
    # Undone twice (a second tab): refused in words, nothing changes.
    again = client.post(f"/data/decisions/{decision.pk}/undo", {"run": linked.pk}, follow=True)
    assert "already been undone" in again.content.decode()
    assert len(_audit("match_decision_undone")) == 1


def test_only_a_data_manager_may_undo_and_only_with_a_csrf_token(client, linked):
    from django.test import Client

    c, d = _pair_of_two_people()
    pair = ReviewPair.objects.create(run=linked, unique_id_l=c, unique_id_r=d, match_probability=0.85,
                                     match_weight=2.0, evidence={})
    client.post(f"/data/matches/{pair.pk}", {"decision": "same"})
    decision = ReviewDecision.objects.get()
    for roles in (("practitioner",), ("team_manager",), ("auditor",), ("administrator",)):
        other = Client()
        other.force_login(make_user("x" + roles[0], *roles))
        assert other.post(f"/data/decisions/{decision.pk}/undo").status_code == 403
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_user("dana2", "data_manager"))
    assert strict.post(f"/data/decisions/{decision.pk}/undo").status_code == 403
    assert client.get(f"/data/decisions/{decision.pk}/undo").status_code == 405
    assert ReviewDecision.objects.filter(pk=decision.pk).exists() and _person(c) == _person(d)
