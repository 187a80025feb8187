"""Why a person's records are one person: links with evidence, decisions, id history."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from familycontext.linkage.models import LinkageRun, LinkEvidence, PersonIdEvent, ReviewDecision
from familycontext.people.linkage_view.records import RecordView, person_records, records_for
from familycontext.people.linkage_view.words import FieldEvidence, describe_evidence, percent


@dataclass(frozen=True)
class LinkView:
    """One link that joined two of a person's records, with its evidence."""

    left: RecordView
    right: RecordView
    probability: str
    forced_by_decision: bool
    evidence: list[FieldEvidence]


@dataclass
class WhyLinked:
    person_id: str
    records: list[RecordView]
    links: list[LinkView]
    events: list[PersonIdEvent]
    decisions: list[ReviewDecision]
    run: LinkageRun | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def known(self) -> bool:
        return bool(self.records or self.links or self.events)


def why_linked(person_id: str) -> WhyLinked:
    """Which records make this person, the evidence for every link, decisions and id history."""
    records = person_records(person_id)
    evidence = list(
        LinkEvidence.objects.filter(person_id=person_id)
        .select_related("run")
        .order_by("-match_probability", "pk")
    )
    views = {r.unique_id: r for r in records}
    views |= records_for(
        uid for e in evidence for uid in (e.unique_id_l, e.unique_id_r) if uid not in views
    )
    links = [
        LinkView(
            views[e.unique_id_l],
            views[e.unique_id_r],
            percent(e.match_probability),
            e.forced_by_decision,
            describe_evidence(e.evidence),
        )
        for e in evidence
    ]
    uids = list(views)
    decisions = (
        list(
            ReviewDecision.objects.filter(
                Q(unique_id_l__in=uids) | Q(unique_id_r__in=uids)
            ).order_by("-decided_at", "pk")
        )
        if uids
        else []
    )
    events = list(
        PersonIdEvent.objects.filter(person_id=person_id)
        .select_related("run")
        .order_by("run__started_at", "pk")
    )
    run = (
        evidence[0].run
        if evidence
        else LinkageRun.objects.filter(outcome=LinkageRun.Outcome.FINISHED).first()
    )
    return WhyLinked(person_id, records, links, events, decisions, run)
