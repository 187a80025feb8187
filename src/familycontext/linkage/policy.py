"""A deployment's linkage policy, learnt from its data manager's decisions.

Unsupervised, the model cannot tell a FEBRL-like file (where a duplicate's first name or date of
birth is often replaced outright: the identity checks cut only true pairs) from household data
(where the same field patterns are mostly siblings and parents). The decisions can. Each decided
pair is counted under the reason it was in the review queue (``results.REVIEW_REASONS``); the
queue asks a random calibration sample of each reason first (``results.queue_order``), so these
counts are an unbiased sample of the class. Then:

* an identity check (first name, date of birth, gender, NHS number) or the undated-housemates
  rule is **switched off** once at least ``MIN_DECISIONS`` decisions on pairs it kept apart are
  all "same person"; any "different people" decision in the class keeps it, or switches it
  back, **on**;
* the **link threshold moves down to the review floor** (the lower threshold) once the band's
  decisions are all "same person" and either at least ``MIN_DECISIONS`` or every pair of the
  band; the review floor then moves down one step (``EXPLORE_STEPS``) so the queue asks about
  the pairs just below, and so on while each step's decisions stay all "same person". On
  household data the band holds siblings and parents, a "different" comes early, and nothing
  moves; on FEBRL-like data every scored pair may be one person, and the walk goes down.

A data manager may override any class (force a check on or off, keep the threshold), and decided
pairs are always honoured whatever the policy. Pairs kept apart only through a chain of other
records are counted but switch nothing (the checks that made the chain do).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from familycontext.linkage.clustering import IDENTITY_CHECKS, Decision, pair_key

BAND = "band"
UNDATED_HOUSEMATES = "undated_housemates"
# The rules the policy may switch off: the identity checks, and leaving an undated record on
# its own between two people.
SWITCHABLE = (*IDENTITY_CHECKS, UNDATED_HOUSEMATES)
RULES = SWITCHABLE  # every rule on: the defaults
# Decisions in a class, all "same person", before the policy acts on it. With a random sample of
# 100 all "same", the class is at least 97% same-person at 95% confidence (rule of three).
MIN_DECISIONS = 100
# Review floors below the configured lower threshold, tried in turn (see the module docstring).
EXPLORE_STEPS = (0.5, 0.2, 0.05)


def band_name(probability: float, lower: float) -> str:
    """The band a pair below the link threshold is in: "band" from the lower threshold up,
    "band_below_0.5" from 0.5 up to it, and so on down ``EXPLORE_STEPS``."""
    if probability >= lower:
        return BAND
    for step in EXPLORE_STEPS:
        if step < lower and probability >= step:
            return f"band_below_{step}"
    return f"band_below_{EXPLORE_STEPS[-1]}"


def bands(lower: float) -> list[tuple[str, float]]:
    """(band name, its floor), from the configured band down."""
    return [(BAND, lower), *((f"band_below_{s}", s) for s in EXPLORE_STEPS if s < lower)]


@dataclass(frozen=True)
class Policy:
    """What the decisions changed: rules switched off, the link threshold moved, and why."""

    rules_off: frozenset[str] = frozenset()
    upper: float | None = None  # the moved link threshold, or None: the configured one
    floor: float | None = None  # the moved review floor, or None: the configured lower one
    evidence: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    overridden: Mapping[str, bool] = field(default_factory=dict)  # by a data manager: on?

    @property
    def rules(self) -> list[str]:
        """The rules in force (all of ``RULES`` but those switched off)."""
        return [r for r in RULES if r not in self.rules_off]

    def link_threshold(self, configured: float) -> float:
        return configured if self.upper is None else self.upper

    def review_floor(self, configured: float) -> float:
        return configured if self.floor is None else self.floor

    @property
    def changed(self) -> bool:
        return bool(self.rules_off) or self.upper is not None

    def figures(self) -> dict[str, Any]:
        return {
            "rules_switched_off": sorted(self.rules_off),
            "link_threshold_moved_to": self.upper,
            "review_floor_moved_to": self.floor,
            "decisions_by_reason": {r: dict(c) for r, c in sorted(self.evidence.items())},
            "overridden_by_data_manager": dict(sorted(self.overridden.items())),
            "min_decisions": MIN_DECISIONS,
        }


def count_decisions(
    decisions: Iterable[Decision], reasons: Mapping[tuple[str, str], str]
) -> dict[str, dict[str, int]]:
    """Decisions per reason: {"first_name": {"same": 98, "different": 1}, ...}; the latest
    decision on a pair counts, and pairs with no reason (never queued) are not counted."""
    latest = {pair_key(a, b): bool(same) for a, b, same in decisions}
    counts: dict[str, dict[str, int]] = {}
    for pair, same in latest.items():
        reason = reasons.get(pair)
        if reason is None:
            continue
        c = counts.setdefault(reason, {"same": 0, "different": 0})
        c["same" if same else "different"] += 1
    return counts


def derive(
    evidence: Mapping[str, Mapping[str, int]],
    *,
    lower: float,
    band_sizes: Mapping[str, int] | None = None,
    overrides: Mapping[str, bool] | None = None,
    min_decisions: int = MIN_DECISIONS,
) -> Policy:
    """The policy the counted decisions support (``overrides``: class -> on, by a data manager;
    ``band_sizes``: pairs in each band, so a band smaller than ``min_decisions`` can be learnt
    once all of it is decided)."""
    overrides = dict(overrides or {})
    sizes = dict(band_sizes or {})

    def all_same(reason: str, enough: int) -> bool:
        c = evidence.get(reason, {})
        return c.get("different", 0) == 0 and c.get("same", 0) >= max(1, enough)

    off = {
        rule
        for rule in SWITCHABLE
        if not (overrides[rule] if rule in overrides else not all_same(rule, min_decisions))
    }
    upper = floor = None
    if not overrides.get(BAND, False):  # a data manager may keep the threshold where it is
        for i, (name, band_floor) in enumerate(bands(lower)):
            if not all_same(name, min(min_decisions, sizes.get(name, min_decisions))):
                break
            upper = band_floor
            below = bands(lower)[i + 1 :]
            floor = below[0][1] if below else band_floor
    return Policy(
        rules_off=frozenset(off),
        upper=upper,
        floor=floor,
        evidence={r: dict(c) for r, c in evidence.items()},
        overridden=overrides,
    )
