"""What a data manager reads about linkage, in plain words (SPEC 5.6, 6).

Linkage keeps its evidence as Splink left it: per field, the comparison level reached (a chart
label such as "Jaro-Winkler >= 0.92") and a match weight in bits. A data manager deciding
whether two records are one person needs sentences ("Date of birth: day and month swapped,
strong evidence for"), the two records side by side, and — for a person — which records were
joined, why, and how the person's id came and went. This module turns the linkage tables into
that; the web layer only lays it out. Its one write is a review decision (``record_decision``),
which every later linkage run obeys.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from familycontext.linkage.models import (
    LinkageRun,
    LinkEvidence,
    PersonIdEvent,
    ReviewDecision,
    ReviewPair,
)
from familycontext.people.family import normalise_address, normalise_postcode
from familycontext.sources.models import Snapshot, Source, SourceRecord
from familycontext.sources.services import CMS, SERVICE_LABELS

# The linkage comparisons, in the order a person reads a record; unknown ones follow, named from their key.
FIELD_LABELS = {
    "first_name": "First name",
    "last_name": "Last name",
    "other_names": "Other names",
    "date_of_birth": "Date of birth",
    "gender": "Gender",
    "address": "Address and postcode",
    "postcode": "Postcode",
    "nhs_number": "NHS number",
}
NOT_SHOWN = "Not shown: restricted record"
_SEPARATOR = ":"  # linkage.standardise.UNIQUE_ID_SEPARATOR: "<source key>:<record id>"


def field_label(name: str) -> str:
    return FIELD_LABELS.get(name, name.replace("_", " ").capitalize())


def strength(weight: float | None) -> str:
    """A match weight (bits: log2 of how much likelier the agreement is for a match) in words.

    Bands: 5 bits is 32 times likelier, 2 bits 4 times, half a bit about 1.4 times.
    """
    if weight is None or (isinstance(weight, float) and math.isnan(weight)):
        return "no evidence either way"
    if weight >= 5:
        return "strong evidence for"
    if weight >= 2:
        return "evidence for"
    if weight >= 0.5:
        return "weak evidence for"
    if weight > -0.5:
        return "no real evidence either way"
    if weight > -2:
        return "weak evidence against"
    if weight > -5:
        return "evidence against"
    return "strong evidence against"


_LEVEL_WORDS = [
    (re.compile(r"^exact$", re.I), "the same"),
    (re.compile(r"^same$", re.I), "the same"),
    (re.compile(r"^all other$", re.I), "different"),
    (re.compile(r"^missing on either record$", re.I), "missing from one or both records"),
    (re.compile(r"^day and month transposed$", re.I), "day and month swapped"),
    (re.compile(r"^jaro-winkler >= 0\.9\d?(?: \(a typo\))?$", re.I), "spelt almost the same (a typo)"),
    (re.compile(r"^jaro-winkler >= 0\.[0-8]\d?.*$", re.I), "spelt similarly"),
    (re.compile(r"^sounds the same \(metaphone\)$", re.I), "sound the same"),
    (re.compile(r"^sounds alike \(soundex.*\)$", re.I), "sound alike"),
]


def plain_level(label: str | None) -> str:
    """A Splink level label in plain words; labels already in words pass through unchanged."""
    text = " ".join(str(label or "").split())
    if not text:
        return "not compared"
    for pattern, words in _LEVEL_WORDS:
        if pattern.match(text):
            return words
    return re.sub(r"\s*\((?:metaphone|soundex)[^)]*\)", "", text)


@dataclass(frozen=True)
class FieldEvidence:
    """One field's part in a match score: how the two values compared and what that weighed."""

    field: str
    label: str
    level: str
    weight: float | None
    strength: str

    @property
    def sentence(self) -> str:
        """'Date of birth: day and month swapped, strong evidence for'."""
        return f"{self.label}: {self.level}, {self.strength}"

    @property
    def weight_text(self) -> str:
        if self.weight is None:
            return "0"
        return f"{self.weight:+.1f}".replace("-", "−")


def describe_evidence(evidence: dict[str, Any] | None) -> list[FieldEvidence]:
    """Per-field evidence (``{field: {"level": label, "weight": bits}}``) as plain-word items."""
    order = {name: i for i, name in enumerate(FIELD_LABELS)}
    items = []
    for name, value in sorted((evidence or {}).items(), key=lambda kv: (order.get(kv[0], 99), kv[0])):
        value = value if isinstance(value, dict) else {}
        weight = value.get("weight")
        weight = float(weight) if isinstance(weight, int | float) and not math.isnan(weight) else None
        items.append(FieldEvidence(field=name, label=field_label(name), level=plain_level(value.get("level")),
                                   weight=weight, strength=strength(weight)))
    return items


def percent(probability: float | None) -> str:
    """A match probability as people read it: '97.3%', never '100%' unless it is exactly 1."""
    if probability is None:
        return "Not scored"
    value = probability * 100
    if value < 100 and f"{value:.1f}" == "100.0":
        return "more than 99.9%"
    return f"{value:.1f}%"


# --- records ------------------------------------------------------------------------------------


def split_unique_id(unique_id: str) -> tuple[str, str]:
    """'<source key>:<record id>' -> (source key, record id); source keys are slugs, ids may hold ':'."""
    key, _, record_id = unique_id.partition(_SEPARATOR)
    return key, record_id


@dataclass(frozen=True)
class RecordView:
    """One source record as the data manager sees it (live, or gone since the run)."""

    unique_id: str
    source_key: str
    record_id: str
    source_name: str = ""
    service: str = ""
    first_name: str = ""
    last_name: str = ""
    other_names: str = ""
    date_of_birth: date | None = None
    gender: str = ""
    address: str = ""
    postcode: str = ""
    nhs_number: str = ""
    restricted: bool = False
    person_id: str = ""
    live: bool = True

    @property
    def service_label(self) -> str:
        return SERVICE_LABELS.get(self.service, self.service)

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p) or "Name not known"

    @property
    def address_text(self) -> str:
        if self.restricted:
            return NOT_SHOWN
        return ", ".join(p for p in (self.address, self.postcode) if p)


def _view(record: SourceRecord) -> RecordView:
    source = record.snapshot.source
    return RecordView(
        unique_id=f"{source.key}{_SEPARATOR}{record.record_id}", source_key=source.key,
        record_id=record.record_id, source_name=source.name, service=source.service,
        first_name=record.first_name, last_name=record.last_name, other_names=record.other_names,
        date_of_birth=record.date_of_birth, gender=record.gender, address=record.address,
        postcode=record.postcode, nhs_number=record.nhs_number, restricted=record.restricted,
        person_id=record.person_id,
    )


def records_for(unique_ids: Iterable[str]) -> dict[str, RecordView]:
    """The live records behind linkage ids; an id no live snapshot holds any more is marked not live."""
    wanted: dict[str, set[str]] = {}
    ids = list(dict.fromkeys(unique_ids))
    for uid in ids:
        key, record_id = split_unique_id(uid)
        wanted.setdefault(key, set()).add(record_id)
    found: dict[str, RecordView] = {}
    for key, record_ids in wanted.items():
        rows = SourceRecord.objects.filter(snapshot__live=True, snapshot__source__key=key,
                                           record_id__in=record_ids).select_related("snapshot__source")
        for row in rows:
            view = _view(row)
            found[view.unique_id] = view
    for uid in ids:
        if uid not in found:
            key, record_id = split_unique_id(uid)
            found[uid] = RecordView(unique_id=uid, source_key=key, record_id=record_id, live=False)
    return found


def person_records(person_id: str) -> list[RecordView]:
    """A person's live source records, CMS first (how social workers know a person), then by source."""
    rows = (SourceRecord.objects.filter(snapshot__live=True, person_id=person_id)
            .select_related("snapshot__source").order_by("snapshot__source__name", "record_id"))
    order = {key: i for i, key in enumerate(SERVICE_LABELS)}
    return sorted((_view(r) for r in rows), key=lambda v: (order.get(v.service, 9), v.source_name, v.record_id))


# --- side by side ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComparedField:
    """One row of a side-by-side comparison: both values, whether they differ (in words), the evidence."""

    label: str
    left: str
    right: str
    agreement: str
    differs: bool
    evidence: FieldEvidence | None = None
    compared: bool = True  # False for the rows that only say which records these are


def _norm(text: str) -> str:
    return " ".join(str(text or "").casefold().replace("-", " ").split())


def _agreement(left: str, right: str, *, normalise=_norm) -> tuple[str, bool]:
    a, b = normalise(left), normalise(right)
    if not a and not b:
        return "Missing from both", False
    if not a:
        return "Missing from record 1", True
    if not b:
        return "Missing from record 2", True
    return ("Same", False) if a == b else ("Different", True)


def _address_key(record: RecordView) -> str:
    return f"{normalise_address(record.address)}|{normalise_postcode(record.postcode)}".strip("|")


def compare(left: RecordView, right: RecordView, evidence: dict[str, Any] | None) -> list[ComparedField]:
    """Two records field by field, each row saying in words whether the values are the same.

    A restricted record's address is never shown, and neither is how it compared: "same
    postcode" beside the other record's address would disclose it.
    """
    by_field = {e.field: e for e in describe_evidence(evidence)}
    dob = [govuk_date(r.date_of_birth) if r.date_of_birth else "" for r in (left, right)]
    rows: list[ComparedField] = []

    def add(label: str, a: str, b: str, name: str | None = None, normalise=_norm) -> None:
        words, differs = _agreement(a, b, normalise=normalise)
        rows.append(ComparedField(label, a or "Not recorded", b or "Not recorded", words, differs,
                                  by_field.pop(name, None) if name else None))

    for label, values in (
        ("Source", [r.source_name if r.live else f"{r.source_key}: no longer in the live data" for r in (left, right)]),
        ("Record ID", [left.record_id, right.record_id]),
    ):
        rows.append(ComparedField(label, values[0], values[1], "", False, None, compared=False))
    add("First name", left.first_name, right.first_name, "first_name")
    add("Last name", left.last_name, right.last_name, "last_name")
    add("Other names", left.other_names, right.other_names, "other_names")
    add("Date of birth", dob[0], dob[1], "date_of_birth")
    add("Gender", "" if left.gender == "Unknown" else left.gender,
        "" if right.gender == "Unknown" else right.gender, "gender")
    if left.restricted or right.restricted:
        by_field.pop("address", None)
        by_field.pop("postcode", None)
        rows.append(ComparedField("Address", left.address_text or "Not recorded",
                                  right.address_text or "Not recorded", "Not shown", False, None))
    else:
        words, differs = _agreement(_address_key(left), _address_key(right), normalise=lambda s: s)
        rows.append(ComparedField("Address", left.address_text or "Not recorded",
                                  right.address_text or "Not recorded", words, differs,
                                  by_field.pop("address", None) or by_field.pop("postcode", None)))
    add("NHS number", left.nhs_number, right.nhs_number, "nhs_number")
    for leftover in by_field.values():  # comparisons added to the model later still show
        rows.append(ComparedField(leftover.label, "", "", "", False, leftover))
    return rows


def govuk_date(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


# --- review queue and decisions -------------------------------------------------------------------


def _decision_for(left: Any, right: Any) -> QuerySet[ReviewDecision]:
    return ReviewDecision.objects.filter(Q(unique_id_l=left, unique_id_r=right) | Q(unique_id_l=right, unique_id_r=left))


def review_queue() -> QuerySet[ReviewPair]:
    """Pairs the latest run left for review that no data manager has decided yet, likeliest first."""
    decided = _decision_for(OuterRef("unique_id_l"), OuterRef("unique_id_r"))
    return (ReviewPair.objects.annotate(decided=Exists(decided)).filter(decided=False)
            .select_related("run").order_by("-match_probability", "pk"))


def pair_reason(pair: ReviewPair) -> str:
    """Why the pair is in the queue, in words."""
    if pair.match_probability >= pair.run.upper_threshold:
        return ("Scored above the linking threshold, but kept apart automatically because the two "
                "identities conflict (for example different dates of birth)")
    return "Scored between the thresholds: not sure enough to link, too likely to ignore"


def existing_decision(left: str, right: str) -> ReviewDecision | None:
    return _decision_for(left, right).first()


class DecisionError(ValueError):
    """The decision cannot be recorded (already decided); the message says why, in words."""


@transaction.atomic
def record_decision(pair: ReviewPair, *, same_person: bool, by: str, note: str = "") -> ReviewDecision:
    """Keep a data manager's word on a pair. Refused when the pair is already decided, so two
    people deciding at once cannot silently overwrite each other."""
    earlier = existing_decision(pair.unique_id_l, pair.unique_id_r)
    if earlier is not None:
        raise DecisionError(f"This pair was already decided by {earlier.decided_by} "
                            f"on {govuk_date(timezone.localtime(earlier.decided_at).date())}")
    try:
        with transaction.atomic():
            decision = ReviewDecision(unique_id_l=pair.unique_id_l, unique_id_r=pair.unique_id_r,
                                      same_person=same_person, decided_by=by[:150],
                                      decided_at=timezone.now(), note=note.strip())
            decision.save()
    except IntegrityError:
        raise DecisionError("This pair was decided by someone else a moment ago") from None
    return decision


# --- why linked -----------------------------------------------------------------------------------


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
    evidence = list(LinkEvidence.objects.filter(person_id=person_id).select_related("run").order_by("-match_probability", "pk"))
    views = {r.unique_id: r for r in records}
    views |= records_for(uid for e in evidence for uid in (e.unique_id_l, e.unique_id_r) if uid not in views)
    links = [LinkView(views[e.unique_id_l], views[e.unique_id_r], percent(e.match_probability),
                      e.forced_by_decision, describe_evidence(e.evidence)) for e in evidence]
    uids = list(views)
    decisions = list(ReviewDecision.objects.filter(Q(unique_id_l__in=uids) | Q(unique_id_r__in=uids))
                     .order_by("-decided_at", "pk")) if uids else []
    events = list(PersonIdEvent.objects.filter(person_id=person_id).select_related("run").order_by("run__started_at", "pk"))
    run = evidence[0].run if evidence else LinkageRun.objects.filter(outcome=LinkageRun.Outcome.FINISHED).first()
    return WhyLinked(person_id, records, links, events, decisions, run)


# --- runs -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelLevel:
    label: str
    m: float | None
    u: float | None

    @property
    def weight(self) -> float | None:
        if not self.m or not self.u:
            return None
        return math.log2(self.m / self.u)

    @property
    def strength(self) -> str:
        return strength(self.weight) if self.weight is not None else "no evidence either way"


@dataclass(frozen=True)
class ModelComparison:
    field: str
    label: str
    levels: list[ModelLevel]


def model_comparisons(parameters: dict[str, Any] | None) -> list[ModelComparison]:
    """The trained model's comparisons and levels (m, u, weight) from a run's saved Splink model."""
    out = []
    for comparison in (parameters or {}).get("comparisons", []) or []:
        if not isinstance(comparison, dict):
            continue
        name = str(comparison.get("output_column_name", ""))
        levels = []
        for level in comparison.get("comparison_levels", []) or []:
            if not isinstance(level, dict) or level.get("is_null_level"):
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            levels.append(ModelLevel(plain_level(level.get("label_for_charts")),
                                     m if isinstance(m, int | float) else None,
                                     u if isinstance(u, int | float) else None))
        out.append(ModelComparison(name, field_label(name), levels))
    return out


@dataclass(frozen=True)
class SourceLinkage:
    """SPEC 3.1 after linkage: how many of a source's live records share a person with the CMS or another source."""

    source_name: str
    service: str
    records: int
    with_cms: int
    with_other_source: int

    @property
    def service_label(self) -> str:
        return SERVICE_LABELS.get(self.service, self.service)


def linkage_by_source() -> list[SourceLinkage]:
    """Per live source: records, and records whose person also has a CMS record / a record from another source.

    One pass grouping by person, joined back to the records: correlated EXISTS per record took
    seconds per 100,000 records, too slow for a page.
    """
    sr, snap, source = (m._meta.db_table for m in (SourceRecord, Snapshot, Source))
    sql = f"""
        SELECT src.name, src.service, COUNT(*),
               SUM(CASE WHEN p.cms_records - (CASE WHEN src.service = %s THEN 1 ELSE 0 END) > 0
                        THEN 1 ELSE 0 END),
               SUM(CASE WHEN p.sources > 1 THEN 1 ELSE 0 END)
        FROM {sr} r
        JOIN {snap} s ON s.id = r.snapshot_id
        JOIN {source} src ON src.id = s.source_id
        JOIN (SELECT r2.person_id,
                     SUM(CASE WHEN src2.service = %s THEN 1 ELSE 0 END) AS cms_records,
                     COUNT(DISTINCT s2.source_id) AS sources
              FROM {sr} r2
              JOIN {snap} s2 ON s2.id = r2.snapshot_id
              JOIN {source} src2 ON src2.id = s2.source_id
              WHERE s2.live = %s AND r2.person_id <> ''
              GROUP BY r2.person_id) p ON p.person_id = r.person_id
        WHERE s.live = %s AND r.person_id <> ''
        GROUP BY src.name, src.service
        ORDER BY src.name
    """  # noqa: S608 - table names come from the models, values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [CMS, CMS, True, True])
        rows = cursor.fetchall()
    return [SourceLinkage(name, service, int(records), int(with_cms or 0), int(with_other or 0))
            for name, service, records, with_cms, with_other in rows]
