"""Linkage evidence in plain words: field names, match weights as strengths, Splink level labels."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

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
    (
        re.compile(r"^jaro-winkler >= 0\.9\d?(?: \(a typo\))?$", re.I),
        "spelt almost the same (a typo)",
    ),
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
    for name, value in sorted(
        (evidence or {}).items(), key=lambda kv: (order.get(kv[0], 99), kv[0])
    ):
        value = value if isinstance(value, dict) else {}
        weight = value.get("weight")
        weight = (
            float(weight) if isinstance(weight, int | float) and not math.isnan(weight) else None
        )
        items.append(
            FieldEvidence(
                field=name,
                label=field_label(name),
                level=plain_level(value.get("level")),
                weight=weight,
                strength=strength(weight),
            )
        )
    return items


def percent(probability: float | None) -> str:
    """A match probability as people read it: '97.3%', never '100%' unless it is exactly 1."""
    if probability is None:
        return "Not scored"
    value = probability * 100
    if value < 100 and f"{value:.1f}" == "100.0":
        return "more than 99.9%"
    return f"{value:.1f}%"


def govuk_date(value: date) -> str:
    return f"{value.day} {value:%B %Y}"
