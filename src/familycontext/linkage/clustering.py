"""Pairwise links to people, obeying a data manager's decisions.

"Same person" decisions are links that beat any model score. "Different people" decisions are
cannot-link constraints: plain connected components would let transitivity re-join a vetoed
pair through a third record, so links are added strongest first and a link that would put a
vetoed pair into one person is skipped. The weakest links in a chain are thus the ones cut.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from rapidfuzz.distance import JaroWinkler

Decision = tuple[str, str, bool]


def pair_key(a: str, b: str) -> tuple[str, str]:
    """Pairs are unordered; store them with the smaller unique_id first."""
    return (a, b) if a <= b else (b, a)


@dataclass
class ClusterOutcome:
    cluster_of: dict[str, str]
    used_links: pd.DataFrame  # unique_id_l, unique_id_r, match_probability, forced
    skipped_links: list[tuple[str, str]] = field(default_factory=list)
    conflicting_decisions: list[tuple[str, str]] = field(default_factory=list)


class _Components:
    """Union-find whose sets remember which other records they must never join."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))  # a list: scalar access is far faster than numpy's
        self.cannot: dict[int, set[int]] = {}

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def forbid(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        self.cannot.setdefault(ra, set()).add(b)
        self.cannot.setdefault(rb, set()).add(a)

    def try_union(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        ca, cb = self.cannot.get(ra, set()), self.cannot.get(rb, set())
        if any(self.find(x) == rb for x in ca) or any(self.find(x) == ra for x in cb):
            return False
        self.parent[rb] = ra
        if cb:
            self.cannot[ra] = ca | cb
            self.cannot.pop(rb, None)
        return True


def cluster(
    unique_ids: Iterable[str],
    links: pd.DataFrame,
    decisions: Iterable[Decision] = (),
) -> ClusterOutcome:
    """Group records into people from ``links`` (unique_id_l, unique_id_r, match_probability).

    Every link passed is a candidate; pass only pairs above the upper threshold. Each person's
    cluster id is its smallest unique_id, so it does not depend on processing order.
    """
    ids = list(unique_ids)
    index = {uid: i for i, uid in enumerate(ids)}
    comps = _Components(len(ids))

    latest: dict[tuple[str, str], bool] = {}
    for a, b, same in decisions:
        if a in index and b in index and a != b:  # else: a record no longer in any live snapshot
            latest[pair_key(a, b)] = bool(same)  # a later decision on the same pair wins
    vetoes = {pair for pair, same in latest.items() if not same}
    forced = sorted(pair for pair, same in latest.items() if same)
    for a, b in vetoes:
        comps.forbid(index[a], index[b])

    candidates = links.loc[:, ["unique_id_l", "unique_id_r", "match_probability"]].copy()
    keys = [
        pair_key(a, b)
        for a, b in zip(candidates["unique_id_l"], candidates["unique_id_r"], strict=True)
    ]
    candidates["unique_id_l"] = [k[0] for k in keys]
    candidates["unique_id_r"] = [k[1] for k in keys]
    if vetoes:
        vetoed = pd.Series([k in vetoes for k in keys], index=candidates.index, dtype=bool)
        candidates = candidates[~vetoed]
    candidates["forced"] = False
    forced_frame = pd.DataFrame(
        {
            "unique_id_l": [a for a, _ in forced],
            "unique_id_r": [b for _, b in forced],
            "match_probability": 1.0,
            "forced": True,
        }
    )
    ordered = pd.concat(
        [forced_frame, candidates.sort_values("match_probability", ascending=False, kind="stable")]
    )
    ordered = ordered.drop_duplicates(["unique_id_l", "unique_id_r"], keep="first")

    used = np.zeros(len(ordered), dtype=bool)
    skipped: list[tuple[str, str]] = []
    conflicts: list[tuple[str, str]] = []
    left = [index[u] for u in ordered["unique_id_l"]]
    right = [index[u] for u in ordered["unique_id_r"]]
    is_forced = ordered["forced"].to_numpy()
    for i, (a, b) in enumerate(zip(left, right, strict=True)):
        if comps.try_union(a, b):
            used[i] = True
        elif is_forced[i]:
            conflicts.append((ids[a], ids[b]))
        else:
            skipped.append((ids[a], ids[b]))

    roots = [comps.find(i) for i in range(len(ids))]
    smallest: dict[int, str] = {}
    for uid, root in zip(ids, roots, strict=True):
        current = smallest.get(root)
        if current is None or uid < current:
            smallest[root] = uid
    cluster_of = {uid: smallest[root] for uid, root in zip(ids, roots, strict=True)}
    return ClusterOutcome(
        cluster_of=cluster_of,
        used_links=ordered[used].reset_index(drop=True),
        skipped_links=skipped,
        conflicting_decisions=conflicts,
    )


def dobs_compatible(a: str, b: str) -> bool:
    """Could these two dates of birth (YYYY-MM-DD) be one person's, allowing for a typing error?

    Same date, day and month transposed, one character wrong or two adjacent swapped, or the same
    year. Anything else (a father and son of the same name at the same address) is a conflict.
    """
    if a == b or a[:4] == b[:4]:  # same year covers day and month transposed
        return True
    diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    if len(diffs) == 1:
        return True
    return (
        len(diffs) == 2
        and diffs[1] == diffs[0] + 1
        and a[diffs[0]] == b[diffs[1]]
        and a[diffs[1]] == b[diffs[0]]
    )


def first_names_compatible(a: dict, b: dict) -> bool:
    """Could these two records' first names be one person's: same, nickname, typo, sound-alike,
    an initial, one name inside the other ("Mary" / "Mary Ann"), or swapped with the surname?"""
    fa, fb = a["first_name"], b["first_name"]
    if fa is None or fb is None or fa == fb:
        return True
    if fa == b["last_name"] or fb == a["last_name"]:
        return True
    if set(a["first_name_variants"]) & set(b["first_name_variants"]):
        return True
    if (
        a["first_name_metaphone"] == b["first_name_metaphone"]
        or JaroWinkler.similarity(fa, fb) >= 0.8
    ):
        return True
    ta, tb = fa.split(" "), fb.split(" ")
    if (len(ta[0]) == 1 or len(tb[0]) == 1) and ta[0][0] == tb[0][0]:
        return True
    return bool(set(ta) & set(tb))


_SIGNATURE = ["first_name", "last_name", "dob", "first_name_variants", "first_name_metaphone"]


def identity_conflicts(
    records: pd.DataFrame, cluster_of: dict[str, str], decisions: Iterable[Decision] = ()
) -> list[tuple[str, str]]:
    """Record pairs in one tentative person that cannot both describe them.

    Pairwise scores assume fields are independent, but a household shares surname, address and
    postcode, so twins or a father and son of the same name can outscore the threshold, and a
    record with little detail can chain two people together. Pairs whose dates of birth or
    first names conflict beyond a typing error become automatic "different people"
    constraints, except where a data manager has decided the records are one person.
    """
    frame = records[["unique_id", *_SIGNATURE]].copy()
    frame["cluster_id"] = frame["unique_id"].map(cluster_of)
    frame = frame[frame.groupby("cluster_id")["unique_id"].transform("size") > 1]
    if frame.empty:
        return []
    frame["key"] = (
        frame["first_name"].fillna("")
        + "|"
        + frame["last_name"].fillna("")
        + "|"
        + frame["dob"].fillna("")
    )
    frame = frame[frame.groupby("cluster_id")["key"].transform("nunique") > 1]
    same_pairs = [pair_key(a, b) for a, b, same in decisions if same]
    ids = sorted(set(frame["unique_id"]) | {u for pair in same_pairs for u in pair})
    index = {u: i for i, u in enumerate(ids)}
    forced = _Components(len(ids))
    for a, b in same_pairs:
        forced.try_union(index[a], index[b])
    conflicts: list[tuple[str, str]] = []
    for _cluster_id, group in frame.groupby("cluster_id"):
        signatures: dict[str, tuple[dict, list[str]]] = {}
        for row in group.to_dict("records"):
            signatures.setdefault(row["key"], (row, []))[1].append(row["unique_id"])
        keys = sorted(signatures)
        for i, k1 in enumerate(keys):
            r1, ids1 = signatures[k1]
            for k2 in keys[i + 1 :]:
                r2, ids2 = signatures[k2]
                dob_ok = (
                    r1["dob"] is None or r2["dob"] is None or dobs_compatible(r1["dob"], r2["dob"])
                )
                if dob_ok and first_names_compatible(r1, r2):
                    continue
                conflicts.extend(
                    pair_key(a, b)
                    for a in ids1
                    for b in ids2
                    if forced.find(index[a]) != forced.find(index[b])
                )
    return conflicts
