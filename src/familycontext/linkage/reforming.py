"""A decision takes effect at once: the people of a decided pair re-formed from stored scores.

A decision in the web review queue (or its undo) need not wait for ``familycontext link``. The
people the two records belong to now are re-formed here from the pair scores the live linkage
run stored (its links, ``LinkEvidence``, and its review pairs, ``ReviewPair``), with every
decision among their records and the run's policy (its link threshold and the rules in force),
by the same ``forming.form_people`` a run uses: Splink is not run again. Person ids follow the
run's stable-id rules (``stable_ids.assign_person_ids``), and the id changes are recorded as
events of the live run. The caller holds the transaction and rebuilds the read model rows of
``Reformed.person_ids`` in it (``people.linkage_view.review``).

What only a full run does: identity checks against records outside the two people, and pairs
the run never scored (below its review floor) or stored (pairs decided before it ran).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pandas as pd
from django.db.models import Q

from familycontext.linkage.clustering import Decision, pair_key
from familycontext.linkage.forming import form_people
from familycontext.linkage.models import (
    LinkageRun,
    LinkEvidence,
    PersonIdEvent,
    RecordAssignment,
    ReviewDecision,
    ReviewPair,
)
from familycontext.linkage.policy import RULES
from familycontext.linkage.results import links_and_review
from familycontext.linkage.runs import next_person_number, records_frame
from familycontext.linkage.stable_ids import assign_person_ids
from familycontext.linkage.standardise import UNIQUE_ID_SEPARATOR, standardise_table
from familycontext.sources.models import SourceRecord

SCORE_COLUMNS = ["unique_id_l", "unique_id_r", "match_probability", "match_weight"]


@dataclass
class Reformed:
    """What a re-forming changed: the person ids before and after (rebuild both), per record."""

    before: dict[str, str] = field(default_factory=dict)  # unique_id -> person id before
    after: dict[str, str] = field(default_factory=dict)  # unique_id -> person id after

    @property
    def person_ids(self) -> set[str]:
        return set(self.before.values()) | set(self.after.values())

    @property
    def changed(self) -> bool:
        return self.before != self.after


def _split(uid: str) -> tuple[str, str]:
    source, _, record = uid.partition(UNIQUE_ID_SEPARATOR)
    return source, record


def _among(model: type, run: LinkageRun, uids: set[str]) -> list:
    """The run's rows of ``model`` (a pair table) with both records in ``uids``."""
    rows = model.objects.filter(run=run, unique_id_l__in=uids, unique_id_r__in=uids)
    return list(rows)


def _stored_scores(run: LinkageRun, uids: set[str]) -> pd.DataFrame:
    """Every pair score the run stored among ``uids``: its links (not the bare decision rows,
    which carry no score) and its review pairs, strongest first where a pair is in both."""
    rows = [
        (e.unique_id_l, e.unique_id_r, e.match_probability, e.match_weight)
        for e in _among(LinkEvidence, run, uids)
        if e.match_weight is not None or not e.forced_by_decision
    ]
    rows += [
        (p.unique_id_l, p.unique_id_r, p.match_probability, p.match_weight)
        for p in _among(ReviewPair, run, uids)
    ]
    frame = pd.DataFrame.from_records(rows, columns=SCORE_COLUMNS)
    keys = [pair_key(a, b) for a, b in zip(frame["unique_id_l"], frame["unique_id_r"], strict=True)]
    frame["unique_id_l"] = [k[0] for k in keys]
    frame["unique_id_r"] = [k[1] for k in keys]
    frame["match_weight"] = frame["match_weight"].astype(float)
    frame = frame.sort_values("match_probability", ascending=False, kind="stable")
    return frame.drop_duplicates(["unique_id_l", "unique_id_r"]).reset_index(drop=True)


def _decisions(uids: set[str]) -> list[Decision]:
    rows = ReviewDecision.objects.filter(unique_id_l__in=uids, unique_id_r__in=uids)
    return list(rows.order_by("decided_at", "pk").values_list("unique_id_l", "unique_id_r", "same_person"))


def _policy(run: LinkageRun) -> tuple[float, list[str]]:
    """The live run's link threshold and rules in force (its learnt policy)."""
    learnt = (run.figures or {}).get("policy") or {}
    moved = learnt.get("link_threshold_moved_to")
    off = set(learnt.get("rules_switched_off") or [])
    return (run.upper_threshold if moved is None else float(moved)), [r for r in RULES if r not in off]


def _reached(run: LinkageRun, person_ids: set[str], most: int = 50) -> set[str]:
    """These people, and the people a stored link no person uses now joins them to (a decision
    cut it: undoing the decision may restore it), until no more are reached (at most ``most``)."""
    found = set(person_ids)
    while len(found) < most:
        uids = {
            f"{s}{UNIQUE_ID_SEPARATOR}{r}"
            for s, r in RecordAssignment.objects.filter(person_id__in=found).values_list("source_key", "record_id")
        }
        cut = LinkEvidence.objects.filter(run=run, person_id="").filter(
            Q(unique_id_l__in=uids) | Q(unique_id_r__in=uids)
        )
        ends = {u for pair in cut.values_list("unique_id_l", "unique_id_r") for u in pair} - uids
        if not ends:
            break
        more = set()
        for uid in ends:
            source, record = _split(uid)
            more |= set(RecordAssignment.objects.filter(source_key=source, record_id=record)
                        .values_list("person_id", flat=True))
        if more <= found:
            break
        found |= more
    return found


def reform_pair(unique_id_l: str, unique_id_r: str) -> Reformed:
    """Re-form the people the two records belong to now, obeying the decisions stored (call
    inside a transaction, after the decision is saved or removed)."""
    owners = RecordAssignment.objects.select_related("run").filter(
        Q(source_key=_split(unique_id_l)[0], record_id=_split(unique_id_l)[1])
        | Q(source_key=_split(unique_id_r)[0], record_id=_split(unique_id_r)[1])
    )
    owners = list(owners)
    if not owners:
        return Reformed()  # neither record is linked yet: the next run takes the decision
    run = owners[0].run
    assignments = list(
        RecordAssignment.objects.select_for_update()
        .filter(person_id__in=_reached(run, {a.person_id for a in owners}))
        .order_by("source_key", "record_id")
    )
    before = {a.unique_id: a.person_id for a in assignments}
    ids = list(before)
    uids = set(ids)
    frame = records_frame(
        SourceRecord.objects.filter(
            snapshot_id__in={a.snapshot_id for a in assignments},
            person_id__in=set(before.values()),
        )
    )
    frame = frame[(frame["source"] + UNIQUE_ID_SEPARATOR + frame["record_id"]).isin(uids)]
    frame = frame.set_index(frame["source"] + UNIQUE_ID_SEPARATOR + frame["record_id"]).loc[ids]
    table = standardise_table(frame.drop(columns=["snapshot_id"]).reset_index(drop=True))
    scores = _stored_scores(run, uids)
    row_of = {u: i for i, u in enumerate(ids)}
    rid_l = scores["unique_id_l"].map(row_of).to_numpy()
    rid_r = scores["unique_id_r"].map(row_of).to_numpy()
    decisions = _decisions(uids)
    upper, rules = _policy(run)
    con = duckdb.connect()
    try:
        con.register("records", table)
        people = form_people(con, "records", ids, scores, rid_l, rid_r, upper, decisions, rules)
    finally:
        con.close()
    outcome = links_and_review(scores, pd.Series(rid_l), pd.Series(rid_r), people, upper, decisions)

    cluster_of = {uid: str(people.label[i]) for i, uid in enumerate(ids)}
    assigned = assign_person_ids(cluster_of, before, next_person_number())
    after = {uid: assigned.person_of_cluster[c] for uid, c in cluster_of.items()}
    _write(run, assignments, after, assigned, outcome.links, people.label, row_of)
    return Reformed(before, after)


def _write(run, assignments, after, assigned, links, label, row_of) -> None:  # type: ignore[no-untyped-def]
    moved = [a for a in assignments if after[a.unique_id] != a.person_id]
    for a in moved:
        a.person_id = after[a.unique_id]
    RecordAssignment.objects.bulk_update(moved, ["person_id"])
    for a in moved:
        SourceRecord.objects.filter(snapshot_id=a.snapshot_id, record_id=a.record_id).update(
            person_id=a.person_id
        )
    kinds = PersonIdEvent.Kind
    events = [PersonIdEvent(run=run, kind=kinds.CREATED, person_id=p) for p in assigned.created]
    for kind, changes in ((kinds.SPLIT, assigned.splits), (kinds.MERGED, assigned.merges),
                          (kinds.RETIRED, assigned.retired)):
        events += [PersonIdEvent(run=run, kind=kind, person_id=p, related_person_ids=r)
                   for p, r in changes.items()]
    PersonIdEvent.objects.bulk_create(events)

    # Links: a stored score the people no longer use keeps its row (an undo may need it) but
    # belongs to no one; a decision's link with no score is written as the run writes it.
    uids = set(after)
    used = {pair_key(a, b): bool(f) for a, b, f in zip(links["unique_id_l"], links["unique_id_r"],
                                                        links["forced"], strict=True)}
    stored = _among(LinkEvidence, run, uids)
    bare = [e.pk for e in stored if e.forced_by_decision and e.match_weight is None]
    LinkEvidence.objects.filter(pk__in=bare).delete()
    kept = {}
    for e in stored:
        if e.pk in bare:
            continue
        key = pair_key(e.unique_id_l, e.unique_id_r)
        e.person_id = after[e.unique_id_l] if key in used else ""
        e.forced_by_decision = used.get(key, False)
        kept[key] = e
    LinkEvidence.objects.bulk_update(list(kept.values()), ["person_id", "forced_by_decision"])
    review = {pair_key(p.unique_id_l, p.unique_id_r): p for p in _among(ReviewPair, run, uids)}
    LinkEvidence.objects.bulk_create(
        LinkEvidence(
            run=run, person_id=after[a], unique_id_l=a, unique_id_r=b,
            match_probability=review[(a, b)].match_probability if (a, b) in review else 1.0,
            match_weight=review[(a, b)].match_weight if (a, b) in review else None,
            forced_by_decision=forced,
            evidence=review[(a, b)].evidence if (a, b) in review else {},
        )
        for (a, b), forced in used.items()
        if (a, b) not in kept
    )
    for p in review.values():
        p.same_person_now = label[row_of[p.unique_id_l]] == label[row_of[p.unique_id_r]]
    ReviewPair.objects.bulk_update(list(review.values()), ["same_person_now"])
