"""Two records side by side, each field saying in words whether the values are the same."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from familycontext.identity import names as name_rules
from familycontext.people.family import normalise_address, normalise_postcode
from familycontext.people.linkage_view.records import RecordView
from familycontext.people.linkage_view.words import FieldEvidence, describe_evidence, govuk_date


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


def _name(text: str) -> str:
    """Names compare as linkage compares them (identity.names.plain): "Strauß" is "Strauss"."""
    return name_rules.plain(text) or ""


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


def compare(
    left: RecordView, right: RecordView, evidence: dict[str, Any] | None
) -> list[ComparedField]:
    """Two records field by field, each row saying in words whether the values are the same.

    A restricted record's address is never shown, and neither is how it compared: "same
    postcode" beside the other record's address would disclose it.
    """
    by_field = {e.field: e for e in describe_evidence(evidence)}
    dob = [govuk_date(r.date_of_birth) if r.date_of_birth else "" for r in (left, right)]
    rows: list[ComparedField] = []

    def add(label: str, a: str, b: str, name: str | None = None, normalise=_norm) -> None:
        words, differs = _agreement(a, b, normalise=normalise)
        rows.append(
            ComparedField(
                label,
                a or "Not recorded",
                b or "Not recorded",
                words,
                differs,
                by_field.pop(name, None) if name else None,
            )
        )

    for label, values in (
        (
            "Source",
            [
                r.source_name if r.live else f"{r.source_key}: no longer in the live data"
                for r in (left, right)
            ],
        ),
        ("Record ID", [left.record_id, right.record_id]),
    ):
        rows.append(ComparedField(label, values[0], values[1], "", False, None, compared=False))
    add("First name", left.first_name, right.first_name, "first_name", _name)
    add("Last name", left.last_name, right.last_name, "last_name", _name)
    add("Other names", left.other_names, right.other_names, "other_names", _name)
    add("Date of birth", dob[0], dob[1], "date_of_birth")
    add(
        "Gender",
        "" if left.gender == "Unknown" else left.gender,
        "" if right.gender == "Unknown" else right.gender,
        "gender",
    )
    if left.restricted or right.restricted:
        by_field.pop("address", None)
        by_field.pop("postcode", None)
        rows.append(
            ComparedField(
                "Address",
                left.address_text or "Not recorded",
                right.address_text or "Not recorded",
                "Not shown",
                False,
                None,
            )
        )
    else:
        words, differs = _agreement(_address_key(left), _address_key(right), normalise=lambda s: s)
        rows.append(
            ComparedField(
                "Address",
                left.address_text or "Not recorded",
                right.address_text or "Not recorded",
                words,
                differs,
                by_field.pop("address", None) or by_field.pop("postcode", None),
            )
        )
    add("NHS number", left.nhs_number, right.nhs_number, "nhs_number")
    for leftover in by_field.values():  # comparisons added to the model later still show
        rows.append(ComparedField(leftover.label, "", "", "", False, leftover))
    return rows
