"""A linkage run's trained model, level by level, for the run's page."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from familycontext.people.linkage_view.words import field_label, plain_level, strength


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
            levels.append(
                ModelLevel(
                    plain_level(level.get("label_for_charts")),
                    m if isinstance(m, int | float) else None,
                    u if isinstance(u, int | float) else None,
                )
            )
        out.append(ModelComparison(name, field_label(name), levels))
    return out
