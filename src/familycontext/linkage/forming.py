"""Forming people from scored pairs: links, identity checks and a data manager's decisions.

Connected components of the links first (one union-find, plain lists, fast); then, only inside
the few components holding an identity conflict or a "different people" decision, the
strongest-first clustering that obeys cannot-link constraints (``clustering.cluster``). Same
result as running that clustering on everything, since components are independent, at a
fraction of the cost. Each record ends with *how* its person was formed (``Formed``), and every
pair kept apart with *which* check kept it apart (``clustering.IDENTITY_CHECKS``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from familycontext.linkage.clustering import (
    Decision,
    UnionFind,
    cluster,
    identity_conflict_checks,
    pair_key,
)
from familycontext.linkage.policy import RULES, UNDATED_HOUSEMATES

Pair = tuple[str, str]

# How much stronger (in bits of match weight) an undated record's best link into its own person
# must be than its best link into a person it was kept apart from, for it to stay: 10 bits is
# odds of about 1000 to 1, the precision linkage aims for.
CLEAR_WINNER_BITS = 10.0


class Formed(StrEnum):
    """How a record's person was formed."""

    LINKED = "linked"  # a connected component of links and same-person decisions
    REFORMED = "re-formed"  # strongest link first around a conflict or a different-people decision
    UNDATED_ALONE = "undated, on its own"  # no date of birth, linked into two people kept apart


@dataclass
class People:
    """Who is one person: per record row, a row of the same person and how it was formed."""

    label: list[int]  # equal labels = one person (each label is a row of that person)
    formed: list[Formed]
    linked: Any  # boolean mask over the predictions: at or above the upper threshold
    conflicts: dict[Pair, str]  # pairs kept apart by an identity check -> the check
    skipped: list[Pair]  # links not used because they would join records kept apart
    conflicting: list[Pair]  # same-person decisions that could not be obeyed
    forced_used: pd.DataFrame
    alone: set[str] = field(default_factory=set)  # undated records left on their own

    @property
    def conflict_pairs(self) -> list[Pair]:
        return list(self.conflicts)


def _not_forced_together(conflicts: dict[Pair, str], decisions: list[Decision]) -> dict[Pair, str]:
    """Drop conflicts between records a data manager has decided are one person."""
    same = [pair_key(a, b) for a, b, s in decisions if s]
    index = {u: i for i, u in enumerate(sorted({u for p in same for u in p}))}
    forced = UnionFind(len(index))
    for a, b in same:
        forced.try_union(index[a], index[b])
    return {
        (a, b): check
        for (a, b), check in conflicts.items()
        if a not in index or b not in index or forced.find(index[a]) != forced.find(index[b])
    }


def clear_winners(undated: set[str], links: pd.DataFrame, cluster_of: dict[str, str]) -> set[str]:
    """The undated records whose best link into their own person beats, by CLEAR_WINNER_BITS,
    their best link into any other person (an exact name against a sibling's nickname)."""
    own: dict[str, float] = {}
    other: dict[str, float] = {}
    if "match_weight" in links.columns:
        weights = links["match_weight"].astype(float)
    else:  # the same number, from the probability
        p = links["match_probability"].astype(float).clip(1e-15, 1 - 1e-15)
        weights = np.log2(p / (1 - p))
    for a, b, w in zip(links["unique_id_l"], links["unique_id_r"], weights, strict=True):
        for x, y in ((a, b), (b, a)):
            if x in undated:
                best = own if cluster_of.get(x) == cluster_of.get(y) else other
                best[x] = max(best.get(x, float("-inf")), float(w))
    return {
        x for x in undated if x in own and own[x] - other.get(x, float("-inf")) >= CLEAR_WINNER_BITS
    }


def _undated(con: Any, records: str, rows: list[int]) -> list[int]:
    con.register("ends", pa.table({"rid": pa.array(rows, pa.int64())}))
    try:
        sql = f"SELECT rid FROM ends JOIN {records} USING (rid) WHERE dob IS NULL"  # noqa: S608
        return [int(r) for (r,) in con.sql(sql).fetchall()]
    finally:
        con.unregister("ends")


def form_people(
    con: Any,
    records: str,
    ids: list[str],
    predictions: pd.DataFrame,
    rid_l: Any,
    rid_r: Any,
    upper: float,
    decisions: Iterable[Decision] = (),
    rules: Iterable[str] = RULES,
) -> People:
    """Links at or above ``upper`` into people, with decisions and the ``rules`` in force obeyed
    (``policy.RULES``: the identity checks, and leaving an undated record between two people
    on its own; a deployment's policy may switch some off).

    ``records`` names the standardised records table on ``con`` (row ``rid`` = position in
    ``ids``); ``rid_l``/``rid_r`` are each prediction's row numbers.
    """
    decisions, rules = list(decisions), set(rules)
    n = len(ids)
    row_of = {u: i for i, u in enumerate(ids)}
    linked = (predictions["match_probability"] >= upper).to_numpy()
    left = np.asarray(rid_l)[linked].astype("int64").tolist()
    right = np.asarray(rid_r)[linked].astype("int64").tolist()
    n_model = len(left)
    for a, b, same in decisions:
        if same and a in row_of and b in row_of:
            left.append(row_of[a])
            right.append(row_of[b])
    components = UnionFind(n)
    components.union_all(left, right)
    root = components.roots()

    # Identity checks, in SQL, only inside tentative people with more than one record.
    con.register("tentative", pa.table({"rid": pa.array(range(n)), "root": root}))
    try:
        found = identity_conflict_checks(con, records, "tentative", rules)
    finally:
        con.unregister("tentative")
    conflicts = {pair_key(ids[a], ids[b]): check for a, b, check in found}
    if decisions and conflicts:
        conflicts = _not_forced_together(conflicts, decisions)
    vetoes = [pair_key(a, b) for a, b, same in decisions if not same]
    affected = {root[row_of[u]] for pair in [*conflicts, *vetoes] for u in pair if u in row_of}

    columns = ["unique_id_l", "unique_id_r", "match_probability", "match_weight"]
    candidates = predictions.loc[linked, [c for c in columns if c in predictions.columns]]
    label = list(root)
    formed = [Formed.LINKED] * n
    forced_pairs = sorted({pair_key(a, b) for a, b, s in decisions if s})
    forced_pairs = [(a, b) for a, b in forced_pairs if a in row_of and b in row_of]
    forced_used = pd.DataFrame(
        {"unique_id_l": [a for a, _ in forced_pairs], "unique_id_r": [b for _, b in forced_pairs]}
    ).assign(match_probability=1.0, forced=True)
    if not affected:
        return People(label, formed, linked, conflicts, [], [], forced_used)

    members = [i for i in range(n) if root[i] in affected]
    in_affected = np.asarray([root[a] in affected for a in left[:n_model]], dtype=bool)
    local = candidates.loc[in_affected]
    outcome = cluster(
        [ids[i] for i in members], local, [*[(a, b, False) for a, b in conflicts], *decisions]
    )
    # A record without a date of birth that links, above the threshold, into two people kept
    # apart (a father and son of one name at one address) could be either: it is left on its
    # own, and its pairs go to review, rather than given to one by a guess -- unless its
    # evidence for one of them is overwhelmingly stronger (``clear_winners``).
    decided_same = {u for a, b, same in decisions if same for u in (a, b)}
    ends = sorted({u for pair in outcome.skipped_links for u in pair} - decided_same)
    alone: set[str] = set()
    if ends and UNDATED_HOUSEMATES in rules:
        undated = {ids[r] for r in _undated(con, records, [row_of[u] for u in ends])}
        if undated:
            alone = undated - clear_winners(undated, local, outcome.cluster_of)
    # Each re-formed person is labelled by its smallest row; a record left alone by its own.
    smallest: dict[str, int] = {}
    for uid, cid in outcome.cluster_of.items():
        if uid not in alone:
            smallest[cid] = min(smallest.get(cid, n), row_of[uid])
    for uid, cid in outcome.cluster_of.items():
        x = row_of[uid]
        if uid in alone:
            label[x], formed[x] = x, Formed.UNDATED_ALONE
        else:
            label[x], formed[x] = smallest[cid], Formed.REFORMED
    used_forced = outcome.used_links[outcome.used_links["forced"]]
    unaffected_forced = forced_used[
        [root[row_of[a]] not in affected for a in forced_used["unique_id_l"]]
    ]
    forced_used = pd.concat([used_forced, unaffected_forced], ignore_index=True)
    return People(
        label,
        formed,
        linked,
        conflicts,
        outcome.skipped_links,
        outcome.conflicting_decisions,
        forced_used,
        alone,
    )
