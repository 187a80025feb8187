"""The few SQL expressions the model needs that DuckDB and Spark spell differently.

The linkage model (``model.py``) is written once; each comparison level asks this module for
the dialect's spelling of "Jaro-Winkler similarity", "the lists share an element", and so on.
Everything else in the model is plain SQL that both engines read alike.

The same *numbers* matter as much as the same meaning: a pair just above 0.92 in one engine and
just below in the other would be scored differently and could end in a different person.

* Jaro-Winkler. Spark has none built in, and the one in Splink's JAR (Apache Commons Text)
  scores about 1 name pair in 2,000 differently from DuckDB's at our thresholds (it counts
  transpositions differently). So the model's Jaro-Winkler is defined as DuckDB's Jaro
  similarity plus Winkler's prefix boost written in plain SQL; Spark computes that Jaro with a
  Spark SQL expression (:func:`spark_jaro`) that follows DuckDB's algorithm step by step. The
  boost is not left to DuckDB's ``jaro_winkler_similarity`` because its build fuses the final
  multiply-add into one rounding, which no Spark SQL expression can do: exact values such as
  0.75 + 0.2 * 0.25 = 0.8 then land a bit either side of a threshold.
* Damerau-Levenshtein is only used as "at most one edit", which Spark spells with its
  built-in Levenshtein plus one adjacent swap.

Spark runs therefore need no JAR and no Python on the executors.
"""

from __future__ import annotations

from typing import Protocol


class Dialect(Protocol):
    """How one engine spells the model's non-standard SQL."""

    name: str

    def jaro_winkler(self, a: str, b: str) -> str: ...

    def share_any(self, list_a: str, list_b: str) -> str: ...

    def contains(self, items: str, value: str) -> str: ...

    def any_jaro_winkler_at_least(self, items: str, value: str, threshold: float) -> str: ...

    def overlap_at_least(self, list_a: str, list_b: str, share: float) -> str: ...

    def at_most_one_edit(self, a: str, b: str) -> str: ...

    def any_at_most_one_edit(self, items: str, value: str) -> str: ...


def _prefix(a: str, b: str) -> str:
    """Winkler's common prefix: leading characters the two strings share, at most 4."""
    return " + ".join(
        f"CAST(least(length({a}), length({b})) >= {k} AND substr({a}, 1, {k}) = substr({b}, 1, {k})"
        " AS INT)"
        for k in range(1, 5)
    )


def _spark_prefix(a: str, b: str) -> str:
    """The same count as :func:`_prefix` in one Spark lambda (a smaller plan to compile)."""
    return (
        f"size(filter(sequence(1, least(length({a}), length({b}), 4)),"
        f" jw_n -> substr({a}, 1, jw_n) = substr({b}, 1, jw_n)))"
    )


def _winkler(jaro: str, a: str, b: str, prefix: str | None = None) -> str:
    """Winkler's boost of a Jaro similarity ``jaro`` (a column or lambda variable), in plain
    double arithmetic that both engines evaluate alike: above 0.7, add 0.1 per common-prefix
    character (at most 4) times the distance still to 1."""
    return (
        f"CASE WHEN {jaro} > CAST(0.7 AS DOUBLE) THEN {jaro} + ({prefix or _prefix(a, b)})"
        f" * CAST(0.1 AS DOUBLE) * (CAST(1 AS DOUBLE) - {jaro}) ELSE {jaro} END"
    )


class DuckDBDialect:
    """DuckDB's built-in functions (Jaro and Damerau-Levenshtein from rapidfuzz)."""

    name = "duckdb"

    def jaro_winkler(self, a: str, b: str) -> str:
        # Not jaro_winkler_similarity(): DuckDB's build fuses the boost's multiply-add (one
        # rounding), which Spark cannot do, so 1 pair in ~100 differs in the last bit, enough
        # to fall on the other side of a threshold such as 0.8 (s = 0.75, prefix 2).
        return f"({_winkler(f'jaro_similarity({a}, {b})', a, b)})"

    def share_any(self, list_a: str, list_b: str) -> str:
        return f"list_has_any({list_a}, {list_b})"

    def contains(self, items: str, value: str) -> str:
        return f"list_has({items}, {value})"

    def any_jaro_winkler_at_least(self, items: str, value: str, threshold: float) -> str:
        return (
            f"len(list_filter({items}, lambda v: {self.jaro_winkler('v', value)}"
            f" >= {threshold})) > 0"
        )

    def overlap_at_least(self, list_a: str, list_b: str, share: float) -> str:
        return (
            f"len(list_intersect({list_a}, {list_b}))"
            f" >= {share} * greatest(len({list_a}), len({list_b}))"
        )

    def at_most_one_edit(self, a: str, b: str) -> str:
        return f"({_could_be_one_edit(a, b)} AND damerau_levenshtein({a}, {b}) <= 1)"

    def any_at_most_one_edit(self, items: str, value: str) -> str:
        return f"len(list_filter({items}, lambda v: {self.at_most_one_edit('v', value)})) > 0"


def _could_be_one_edit(a: str, b: str) -> str:
    """A cheap necessary condition for "one edit apart", in SQL both dialects read alike.

    One insertion, deletion, substitution or swap of neighbours changes the length by at most
    one and, in strings of three or more characters, leaves the first or the last character
    alone. Testing this first spares most pairs the edit-distance computation.
    """
    return (
        f"abs(length({a}) - length({b})) <= 1 AND (least(length({a}), length({b})) < 3"
        f" OR substr({a}, 1, 1) = substr({b}, 1, 1) OR right({a}, 1) = right({b}, 1))"
    )


def spark_jaro(a: str, b: str) -> str:
    """DuckDB's ``jaro_similarity`` as a Spark SQL expression (no UDF, no JAR).

    As DuckDB does it: each character of ``b`` in turn is matched with the first not yet
    matched equal character of ``a`` within max(len)/2 - 1 positions; transpositions are the
    matched characters out of order, halved with integer division; the similarity is
    (m/|a| + m/|b| + (m - t)/m) / 3, in that order of operations, and 0 when nothing matches
    or a string is empty.
    """
    la, lb = f"length({a})", f"length({b})"
    bound = f"greatest(floor(greatest({la}, {lb}) / 2) - 1, 0)"
    # Positions in a matched by b's characters, in b's order.
    matched = (
        f"aggregate(sequence(1, {lb}), CAST(array() AS ARRAY<INT>), "
        f"(jw_acc, jw_j) -> concat(jw_acc, filter(array(array_min(filter(sequence(1, {la}), "
        f"jw_i -> abs(jw_i - jw_j) <= {bound} AND substr({a}, jw_i, 1) = substr({b}, jw_j, 1)"
        " AND NOT array_contains(jw_acc, jw_i)))), jw_x -> jw_x IS NOT NULL)))"
    )
    transpositions = (
        "size(filter(zip_with("
        f"transform(jw_t, jw_k -> substr({a}, jw_k, 1)), "
        f"transform(array_sort(jw_t), jw_k -> substr({a}, jw_k, 1)), "
        "(jw_p, jw_q) -> jw_p <> jw_q), jw_z -> jw_z))"
    )
    jaro = (
        "CASE WHEN size(jw_t) = 0 THEN CAST(0 AS DOUBLE) ELSE "
        f"(size(jw_t) / {la} + size(jw_t) / {lb}"
        f" + (size(jw_t) - floor({transpositions} / 2)) / size(jw_t)) / CAST(3 AS DOUBLE) END"
    )
    return (
        f"(CASE WHEN {a} IS NULL OR {b} IS NULL THEN CAST(NULL AS DOUBLE)"
        f" WHEN {la} = 0 OR {lb} = 0 THEN CAST(0 AS DOUBLE)"
        f" ELSE transform(array({matched}), jw_t -> {jaro})[0] END)"
    )


def spark_jaro_winkler(a: str, b: str) -> str:
    """The model's Jaro-Winkler in Spark SQL: :func:`spark_jaro` with the shared boost."""
    boost = _winkler("jw_s", a, b, _spark_prefix(a, b))
    return f"transform(array({spark_jaro(a, b)}), jw_s -> {boost})[0]"


class SparkDialect:
    """Spark SQL's built-in array functions, and DuckDB's similarity functions rebuilt in SQL."""

    name = "spark"

    def jaro_winkler(self, a: str, b: str) -> str:
        return spark_jaro_winkler(a, b)

    def share_any(self, list_a: str, list_b: str) -> str:
        return f"arrays_overlap({list_a}, {list_b})"

    def contains(self, items: str, value: str) -> str:
        return f"array_contains({items}, {value})"

    def any_jaro_winkler_at_least(self, items: str, value: str, threshold: float) -> str:
        return f"exists({items}, v -> {spark_jaro_winkler('v', value)} >= {threshold})"

    def overlap_at_least(self, list_a: str, list_b: str, share: float) -> str:
        # size(NULL) is -1 when ANSI mode is off: guard so a missing list never "overlaps".
        return (
            f"({list_a} IS NOT NULL AND {list_b} IS NOT NULL"
            f" AND size(array_intersect({list_a}, {list_b}))"
            f" >= {share} * greatest(size({list_a}), size({list_b})))"
        )

    def at_most_one_edit(self, a: str, b: str) -> str:
        swapped = (
            f"(length({a}) = length({b}) AND length({b}) >= 2 AND exists(sequence(1, length({b}) - 1),"
            f" jw_i -> {a} = concat(substr({b}, 1, jw_i - 1), substr({b}, jw_i + 1, 1),"
            f" substr({b}, jw_i, 1), substr({b}, jw_i + 2))))"
        )
        return f"({_could_be_one_edit(a, b)} AND (levenshtein({a}, {b}) <= 1 OR {swapped}))"

    def any_at_most_one_edit(self, items: str, value: str) -> str:
        return f"exists({items}, v -> {self.at_most_one_edit('v', value)})"


DIALECTS: dict[str, Dialect] = {"duckdb": DuckDBDialect(), "spark": SparkDialect()}


def dialect(name: str) -> Dialect:
    """The dialect for an engine name; a clear error for anything else."""
    try:
        return DIALECTS[name]
    except KeyError:
        raise ValueError(f"unknown linkage engine {name!r}; use 'duckdb' or 'spark'") from None
