"""Every use of Splink's private parts, in one place.

Splink's public API trains and scores, but three things linkage needs are not public: reading
and setting the prior (how common matches are) between training steps, copying and restoring
the model around an EM pass that may fail, and reading or correcting a level's m and u (floor,
"matches taken out of u"). They live here, behind plain functions, and nowhere else:
``tests/linkage/test_splink_contract.py`` checks each of them against the installed Splink and
fails, naming what moved, on an upgrade that changes them. ``TESTED_SPLINK`` is the version
they were written against; the contract test fails on any other until someone re-checks this
module and moves the number.

The comparison and blocking-rule *creators* the model is written with are also imported from
``splink.internals`` (Splink 5 exports them only there), so the model imports them from here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import splink
from splink import Linker
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.comparison_library import CustomComparison

__all__ = [
    "TESTED_SPLINK",
    "BlockingRuleCreator",
    "ComparisonCreator",
    "CustomComparison",
    "Level",
    "installed_version",
    "level_labels",
    "levels",
    "prior",
    "restore_model",
    "set_prior",
    "snapshot_model",
]

TESTED_SPLINK = "5.0"


def installed_version() -> str:
    return str(splink.__version__)


def _settings(linker: Linker) -> Any:
    return linker._settings_obj  # noqa: SLF001 - the one place (see the module docstring)


def prior(linker: Linker) -> float:
    """The model's probability that two random records match (lambda)."""
    return float(_settings(linker)._probability_two_random_records_match)  # noqa: SLF001


def set_prior(linker: Linker, value: float) -> None:
    _settings(linker)._probability_two_random_records_match = value  # noqa: SLF001


def snapshot_model(linker: Linker) -> Any:
    """A copy of the model's comparisons and prior, for ``restore_model``.

    Splink's EM session takes the comparisons its blocking rule reads out of the model, and
    adjusts the prior, in place; it puts them back only when training succeeds.
    """
    return _settings(linker).core_model_settings.copy()


def restore_model(linker: Linker, snapshot: Any) -> None:
    _settings(linker).core_model_settings = snapshot


@dataclass(frozen=True)
class Level:
    """One comparison level of a live model, with the m/u operations training needs."""

    comparison: str  # the comparison's output column name, e.g. "first_name"
    _level: Any

    @property
    def is_null(self) -> bool:
        return bool(self._level.is_null_level)

    @property
    def gamma(self) -> int:
        return int(self._level.comparison_vector_value)

    @property
    def label(self) -> str:
        return str(self._level.label_for_charts)

    @property
    def m_fixed(self) -> bool:
        return bool(self._level._fix_m_probability)  # noqa: SLF001

    @property
    def u_fixed(self) -> bool:
        return bool(self._level._fix_u_probability)  # noqa: SLF001

    @property
    def m_trained(self) -> bool:
        return bool(self._level._m_is_trained)  # noqa: SLF001

    @property
    def u_trained(self) -> bool:
        return bool(self._level._u_is_trained)  # noqa: SLF001

    @property
    def m(self) -> float:
        return float(self._level._m_probability)  # noqa: SLF001

    @property
    def u(self) -> float:
        return float(self._level._u_probability)  # noqa: SLF001

    def set_m(self, value: float) -> None:
        """Set the current m (Splink keeps it until the next training step recomputes it)."""
        self._level._m_probability = value  # noqa: SLF001

    def replace_u_estimates(self, value: float, description: str) -> None:
        """Make ``value`` u's only estimate: Splink recomputes u from its list of estimates
        after every training step, so setting the current u alone would not last."""
        self._level._trained_u_probabilities = [  # noqa: SLF001
            {"probability": value, "description": description, "m_or_u": "u"}
        ]
        self._level.u_probability = value

    def clear_m_estimates(self) -> None:
        """Forget m's estimates, so the next EM pass learns m afresh."""
        self._level._trained_m_probabilities = []  # noqa: SLF001


def levels(linker: Linker) -> Iterator[Level]:
    """Every level of every comparison of the linker's model, in the model's order."""
    for comparison in _settings(linker).comparisons:
        for level in comparison.comparison_levels:
            yield Level(comparison.output_column_name, level)


def level_labels(linker: Linker) -> dict[str, dict[int, str]]:
    """Per comparison, each level's comparison-vector value (gamma) and its chart label."""
    labels: dict[str, dict[int, str]] = {}
    for level in levels(linker):
        labels.setdefault(level.comparison, {})[level.gamma] = level.label
    return labels
