"""Pairwise links to people, obeying a data manager's decisions.

"Same person" decisions are links that beat any model score. "Different people" decisions are
cannot-link constraints: plain connected components would let transitivity re-join a vetoed
pair through a third record, so links are added strongest first and a link that would put a
vetoed pair into one person is skipped. The weakest links in a chain are thus the ones cut.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

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


class UnionFind:
    """The one union-find of the codebase, over row numbers 0..n-1.

    ``union_all`` joins many pairs at once (connected components, the fast path: plain lists,
    no constraint); ``forbid`` and ``try_union`` make it remember, per set, the records it must
    never join (cannot-link constraints, for decisions and identity checks).
    """

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

    def union_all(self, left: Iterable[int], right: Iterable[int]) -> None:
        """Join every pair, ignoring constraints (inlined: this runs over every link)."""
        parent = self.parent
        for a, b in zip(left, right, strict=True):
            while parent[a] != a:
                parent[a] = parent[parent[a]]
                a = parent[a]
            while parent[b] != b:
                parent[b] = parent[parent[b]]
                b = parent[b]
            if a != b:
                parent[b] = a

    def roots(self) -> list[int]:
        """Each row's root row."""
        return [self.find(i) for i in range(len(self.parent))]

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
    comps = UnionFind(len(ids))

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


def _first_names_compatible_sql(a: str, b: str) -> str:
    """Could these two records' first names be one person's: same, swapped with the surname
    (or a typo of it), nickname or a typo of one (Stu ~ Suart), typo or transposed letters
    (Jay ~ Jya), sound-alike, an initial, or one name inside the other ("Mary" / "Mary Ann")?"""
    return f"""(
        {a}.first_name IS NULL OR {b}.first_name IS NULL OR {a}.first_name = {b}.first_name
        OR {a}.first_name = {b}.last_name OR {b}.first_name = {a}.last_name
        OR list_has_any({a}.first_name_parts, {b}.last_name_parts)
        OR list_has_any({b}.first_name_parts, {a}.last_name_parts)
        OR jaro_winkler_similarity({a}.first_name, {b}.last_name) >= 0.9
        OR jaro_winkler_similarity({b}.first_name, {a}.last_name) >= 0.9
        OR list_has_any({a}.first_name_variants, {b}.first_name_variants)
        OR {a}.first_name_metaphone = {b}.first_name_metaphone
        OR {a}.first_name_soundex = {b}.first_name_soundex
        OR jaro_winkler_similarity({a}.first_name, {b}.first_name) >= 0.8
        OR damerau_levenshtein({a}.first_name, {b}.first_name) <= 1
        OR len(list_filter({a}.first_name_variants,
                lambda v: jaro_winkler_similarity(v, {b}.first_name) >= 0.88)) > 0
        OR len(list_filter({b}.first_name_variants,
                lambda v: jaro_winkler_similarity(v, {a}.first_name) >= 0.88)) > 0
        OR ((length(split_part({a}.first_name, ' ', 1)) = 1
             OR length(split_part({b}.first_name, ' ', 1)) = 1)
            AND {a}.first_name[1] = {b}.first_name[1])
        OR list_has_any(string_split({a}.first_name, ' '), string_split({b}.first_name, ' '))
    )"""


def _dobs_compatible_sql(a: str, b: str) -> str:
    """SQL twin of ``dobs_compatible``."""
    return f"""(
        {a}.dob IS NULL OR {b}.dob IS NULL OR {a}.dob[1:4] = {b}.dob[1:4]
        OR damerau_levenshtein({a}.dob, {b}.dob) <= 1
    )"""


# The identity checks, in the order a conflicting pair is named by: the first that fails.
IDENTITY_CHECKS = ("nhs_number", "date_of_birth", "first_name", "gender")


def _conflict_sql(check: str) -> str:
    """The SQL condition under which two members ``a`` and ``b`` fail ``check``."""
    return {
        "nhs_number": "a.nhs_number <> b.nhs_number",
        "date_of_birth": f"NOT {_dobs_compatible_sql('a', 'b')}",
        "first_name": f"NOT {_first_names_compatible_sql('a', 'b')}",
        # A missing first name counts as differing: twins of whom one record lacks the name
        # (pseudopeople: 4 of 28 false links) are otherwise joined on surname, date and home.
        "gender": "(a.gender <> b.gender AND coalesce(a.first_name <> b.first_name, true))",
    }[check]


def identity_conflict_checks(
    con: Any, records: str, tentative: str, checks: Iterable[str] = IDENTITY_CHECKS
) -> list[tuple[int, int, str]]:
    """Record pairs (row numbers) in one tentative person that cannot both describe them.

    Pairwise scores assume fields are independent, but a household shares surname, address and
    postcode, so twins or a father and son of the same name can outscore the threshold, and a
    record with little detail can chain two people together. Pairs whose dates of birth or
    first names conflict beyond a typing error, whose valid NHS numbers differ, or whose
    genders differ along with their first names (twins Francis and Frances) become
    automatic "different people" constraints (the caller exempts pairs a data manager has
    decided are one person). Two records with the same valid NHS number are never a conflict:
    one number is one person, and a date of birth mistyped beyond one keystroke is likelier
    than a number shared. ``tentative`` maps each row ``rid`` to its component ``root``;
    only components of two or more records are looked at, in SQL.

    ``checks`` are the checks applied (a deployment's policy may switch some off); each pair
    comes with the check that keeps it apart, the first that fails in ``IDENTITY_CHECKS`` order.
    """
    enabled = [c for c in IDENTITY_CHECKS if c in set(checks)]
    if not enabled:
        return []
    which = "\n".join(f"WHEN {_conflict_sql(c)} THEN '{c}'" for c in enabled)
    sql = f"""
        WITH multi AS (SELECT root FROM {tentative} GROUP BY root HAVING count(*) > 1),
        members AS (
            SELECT r.rid, t.root, r.first_name, r.last_name, r.dob, r.first_name_variants,
                   r.first_name_parts, r.last_name_parts,
                   r.first_name_metaphone, r.first_name_soundex, r.nhs_number, r.gender
            FROM {tentative} t JOIN multi USING (root) JOIN {records} r USING (rid)
        )
        SELECT a.rid, b.rid, CASE {which} END
        FROM members a JOIN members b ON a.root = b.root AND a.rid < b.rid
        WHERE coalesce(a.nhs_number <> b.nhs_number, true)
          AND ({" OR ".join(_conflict_sql(c) for c in enabled)})
        ORDER BY 1, 2
    """  # noqa: S608 - table names are ours
    return [(int(x), int(y), str(check)) for x, y, check in con.sql(sql).fetchall()]


def identity_conflicts(con: Any, records: str, tentative: str) -> list[tuple[int, int]]:
    """``identity_conflict_checks`` without the check's name."""
    return [(a, b) for a, b, _check in identity_conflict_checks(con, records, tentative)]
