"""What a data manager reads about linkage, in plain words (SPEC 5.6, 6).

Linkage keeps its evidence as Splink left it: per field, the comparison level reached (a chart
label such as "Jaro-Winkler >= 0.92") and a match weight in bits. A data manager deciding
whether two records are one person needs sentences ("Date of birth: day and month swapped,
strong evidence for"), the two records side by side, and — for a person — which records were
joined, why, and how the person's id came and went. The web layer only lays these out.

One module per concern:

* ``words`` — evidence, weights, level labels and probabilities in words;
* ``records`` — the live source records behind linkage ids;
* ``compare`` — two records side by side;
* ``review`` — the review queue, reasons and decisions (its one write);
* ``why`` — a person's records, links, decisions and id history;
* ``runs`` — a run's trained model, level by level;
* ``by_source`` — per source, records sharing a person with the CMS or another source.

The names below are re-exported so callers can import from the package.
"""

from __future__ import annotations

from familycontext.people.linkage_view.by_source import SourceLinkage, linkage_by_source
from familycontext.people.linkage_view.compare import ComparedField, compare
from familycontext.people.linkage_view.records import (
    RecordView,
    person_records,
    records_for,
    split_unique_id,
)
from familycontext.people.linkage_view.review import (
    DecisionError,
    existing_decision,
    pair_reason,
    reason_words,
    record_decision,
    review_queue,
    undo_decision,
)
from familycontext.people.linkage_view.runs import ModelComparison, ModelLevel, model_comparisons
from familycontext.people.linkage_view.why import LinkView, WhyLinked, why_linked
from familycontext.people.linkage_view.words import (
    FIELD_LABELS,
    NOT_SHOWN,
    FieldEvidence,
    describe_evidence,
    field_label,
    govuk_date,
    percent,
    plain_level,
    strength,
)

__all__ = [
    "FIELD_LABELS",
    "NOT_SHOWN",
    "ComparedField",
    "DecisionError",
    "FieldEvidence",
    "LinkView",
    "ModelComparison",
    "ModelLevel",
    "RecordView",
    "SourceLinkage",
    "WhyLinked",
    "compare",
    "describe_evidence",
    "existing_decision",
    "field_label",
    "govuk_date",
    "linkage_by_source",
    "model_comparisons",
    "pair_reason",
    "percent",
    "person_records",
    "plain_level",
    "reason_words",
    "record_decision",
    "records_for",
    "review_queue",
    "undo_decision",
    "split_unique_id",
    "strength",
    "why_linked",
]
