"""The linkage model: which fields are compared, how closely, and which pairs are compared at all.

Each comparison is a ladder of levels from strongest agreement to disagreement; Splink learns a
match weight for every rung without labels. The model is written once; the few expressions that
DuckDB and Spark spell differently (Jaro-Winkler, list functions, "one edit apart") come from
``sql_dialects``, which makes both engines compute the same numbers, so ``settings("spark")``
is the same model as ``settings("duckdb")``.

Columns referenced here are produced by ``standardise.standardise``.
"""

from __future__ import annotations

import copy
from typing import Any

from splink import SettingsCreator, block_on

from familycontext.linkage.splink_internals import (
    BlockingRuleCreator,
    ComparisonCreator,
    CustomComparison,
)
from familycontext.linkage.sql_dialects import Dialect, dialect

Level = dict[str, Any]


def _null(*columns: str) -> Level:
    cond = " OR ".join(f"{c}_l IS NULL OR {c}_r IS NULL" for c in columns)
    return {
        "sql_condition": cond,
        "label_for_charts": "missing on either record",
        "is_null_level": True,
    }


def _level(sql: str, label: str, tf: str | None = None) -> Level:
    level: Level = {"sql_condition": sql, "label_for_charts": label}
    if tf:
        level["tf_adjustment_column"] = tf
        level["tf_adjustment_weight"] = 1.0
    return level


_ELSE: Level = {"sql_condition": "ELSE", "label_for_charts": "all other"}


def _fixed(level: Level, *, m: float | None = None, u: float | None = None) -> Level:
    """A level whose m and/or u is set from domain knowledge, not learnt.

    Used where the synthetic or local data cannot teach the right value: unsupervised
    training on clean fields learns "never disagrees" (weight -inf), which real extracts,
    with their miskeyed genders and partial alias lists, would punish.
    """
    level = dict(level)
    if m is not None:
        level |= {"m_probability": m, "fix_m_probability": True}
    if u is not None:
        level |= {"u_probability": u, "fix_u_probability": True}
    return level


def _swapped(sql: Dialect) -> str:
    """First and last names in each other's places, with the tolerance of a straight comparison.

    Either one crossing shares a name word exactly and the other is near (a typo, a nickname:
    Luke Barnes ~ Barnes Lucas; one part of a double-barrelled name: Oliver Mitchell ~
    Clark-Mitchell Oliver), or both crossings are one keystroke out (Douglas Newman ~ Newmann
    Duoglas).
    Recording the family name first is common for names whose order differs by culture, and a
    swapped name is no less likely to be mistyped than one in its place.
    """
    first_crosses = sql.share_any("first_name_parts_l", "last_name_parts_r")
    last_crosses = sql.share_any("last_name_parts_l", "first_name_parts_r")
    first_near = f"{sql.jaro_winkler('first_name_l', 'last_name_r')}"
    last_near = f"{sql.jaro_winkler('last_name_l', 'first_name_r')}"
    return (
        f"({first_crosses} AND ({last_crosses} OR {last_near} >= 0.8"
        f" OR {sql.contains('first_name_forms_r', 'last_name_l')}))"
        f" OR ({last_crosses} AND ({first_near} >= 0.8"
        f" OR {sql.contains('first_name_forms_l', 'last_name_r')}))"
        # Both crossings one keystroke out (cheaper than two more Jaro-Winklers, on Spark too).
        f" OR ({sql.at_most_one_edit('first_name_l', 'last_name_r')}"
        f" AND {sql.at_most_one_edit('last_name_l', 'first_name_r')})"
    )


def _same_home(sql: Dialect) -> str:
    """The two records give one home: the same postcode, or the same house on the same street."""
    same_street = sql.overlap_at_least("address_tokens_l", "address_tokens_r", 0.6)
    return f"(postcode_l = postcode_r OR (house_number_l = house_number_r AND {same_street}))"


def _not_an_undated_housemate(sql: Dialect, condition: str) -> str:
    """``condition``, unless one record has no date of birth and both give one home.

    A household holds relatives whose first names often look or sound alike (Kiera and Kerry,
    Luisa and Lucia, Caitriona and Carolyn, a mother and daughter sharing a nickname). Surname
    and home then agree for them as for one person (the model counts those two independently,
    which a family is not), and without a date of birth nothing else tells them apart. There a
    first name that is only alike (sound, a loose spelling, a shared nickname) is no
    evidence that the records are one person, so it falls through to "all other"; exact names,
    nicknames of one another, typos and swaps still count.
    """
    undated_housemate = f"(dob_l IS NULL OR dob_r IS NULL) AND {_same_home(sql)}"
    return f"(({condition}) AND NOT coalesce({undated_housemate}, false))"


def first_name(sql: Dialect) -> ComparisonCreator:
    """Exact, swapped with the surname, nickname (Bill ~ William), typo, then sound-alike."""
    loose = _not_an_undated_housemate
    return CustomComparison(
        output_column_name="first_name",
        comparison_levels=[
            _null("first_name"),
            _level("first_name_l = first_name_r", "exact", tf="first_name"),
            _level(_swapped(sql), "first and last names swapped"),
            _level(
                # One is a nickname of the other (either way: the dataset lists some only one
                # way, e.g. Katie under Catherine), or both are nicknames of one full name
                # (Bill ~ Will). Merely sharing a nickname is the weaker level below.
                f"{sql.share_any('first_name_forms_l', 'first_name_forms_r')}"
                f" OR {sql.contains('first_name_variants_l', 'first_name_r')}"
                f" OR {sql.contains('first_name_variants_r', 'first_name_l')}",
                "nickname or full form",
            ),
            _level(
                loose(sql, sql.share_any("first_name_variants_l", "first_name_variants_r")),
                "share a nickname (Katie ~ Catherine, both Katy; Carolyn ~ Lyndon, both Lynn)",
            ),
            _level(
                f"{sql.jaro_winkler('first_name_l', 'first_name_r')} >= 0.92",
                "Jaro-Winkler >= 0.92",
            ),
            _level(
                loose(
                    sql,
                    f"({sql.any_jaro_winkler_at_least('first_name_variants_l', 'first_name_r', 0.9)})"
                    f" OR ({sql.any_jaro_winkler_at_least('first_name_variants_r', 'first_name_l', 0.9)})",
                ),
                "typo of a nickname or full form (Stu ~ Suart)",
            ),
            _level(
                loose(sql, "first_name_metaphone_l = first_name_metaphone_r"),
                "sounds the same (metaphone)",
            ),
            _level(
                loose(sql, f"{sql.jaro_winkler('first_name_l', 'first_name_r')} >= 0.80"),
                "Jaro-Winkler >= 0.80",
            ),
            _level(
                loose(sql, "first_name_soundex_l = first_name_soundex_r"),
                "sounds alike (soundex: Siobhan ~ Shevaun)",
            ),
            _ELSE,
        ],
    )


def last_name(sql: Dialect) -> ComparisonCreator:
    """Exact, one part of a hyphenated name, swapped, typo (of the whole or of one part),
    sound-alike, or a former surname."""
    return CustomComparison(
        output_column_name="last_name",
        comparison_levels=[
            _null("last_name"),
            _level("last_name_l = last_name_r", "exact", tf="last_name"),
            _level(
                sql.share_any("last_name_parts_l", "last_name_parts_r"),
                "shares part of a hyphenated surname",
            ),
            {
                # Swapped names are counted once, under first name; counting them here too
                # made two swapped common names outscore a missing date of birth and a move.
                "sql_condition": _swapped(sql),
                "label_for_charts": "first and last names swapped (counted under first name)",
                "is_null_level": True,
            },
            _level(
                f"{sql.jaro_winkler('last_name_l', 'last_name_r')} >= 0.94",
                "Jaro-Winkler >= 0.94 (a typo)",
            ),
            # Jaro-Winkler scores one slip in a short name low (Bird ~ Blrd is 0.85).
            _level(sql.at_most_one_edit("last_name_l", "last_name_r"), "one keystroke wrong"),
            _level(
                # Only a surname of two or more parts has one to mistype (and it is cheaper so).
                f"(last_name_l LIKE '% %'"
                f" AND {sql.any_at_most_one_edit('last_name_parts_l', 'last_name_r')})"
                f" OR (last_name_r LIKE '% %'"
                f" AND {sql.any_at_most_one_edit('last_name_parts_r', 'last_name_l')})",
                "a typo of one part of a hyphenated surname (Wright ~ Williams-Wrigth)",
            ),
            _level("last_name_metaphone_l = last_name_metaphone_r", "sounds the same (metaphone)"),
            _level(
                f"{sql.jaro_winkler('last_name_l', 'last_name_r')} >= 0.88", "Jaro-Winkler >= 0.88"
            ),
            _level(
                f"{sql.contains('other_names_r', 'last_name_l')}"
                f" OR {sql.contains('other_names_l', 'last_name_r')}",
                "surname is the other record's former or other name",
            ),
            _ELSE,
        ],
    )


def other_names(sql: Dialect) -> ComparisonCreator:
    """Aliases and previous names: agreement is evidence, one record lacking them is not."""
    return CustomComparison(
        output_column_name="other_names",
        comparison_levels=[
            _null("other_names"),
            _level(sql.share_any("other_names_l", "other_names_r"), "share an other name"),
            # Alias lists are partial: not sharing one is no evidence either way.
            _fixed(_ELSE | {"label_for_charts": "no other name shared"}, m=0.9, u=0.9),
        ],
    )


def date_of_birth(sql: Dialect) -> ComparisonCreator:
    """Exact, day and month transposed (03/04 vs 04/03), one part wrong (a digit), same year."""
    return CustomComparison(
        output_column_name="date_of_birth",
        comparison_levels=[
            _null("dob"),
            _level("dob_l = dob_r", "exact", tf="dob"),
            _level(
                "dob_year_l = dob_year_r AND dob_month_l = dob_day_r AND dob_day_l = dob_month_r",
                "day and month transposed",
            ),
            _level(
                sql.at_most_one_edit("dob_l", "dob_r"),
                "one keystroke wrong (a digit, or two adjacent digits swapped)",
            ),
            _level(
                "(dob_year_l = dob_year_r AND dob_month_l = dob_month_r)"
                " OR (dob_year_l = dob_year_r AND dob_day_l = dob_day_r)"
                " OR (dob_month_l = dob_month_r AND dob_day_l = dob_day_r)",
                "two of day, month and year agree (a digit wrong)",
            ),
            _level("dob_year_l = dob_year_r", "same year only"),
            _ELSE,
        ],
    )


def gender() -> ComparisonCreator:
    return CustomComparison(
        output_column_name="gender",
        # About 1 in 50 true matches has a miskeyed gender in council extracts (assumed, not
        # learnt: a clean training set would learn "never differs" and veto real matches).
        comparison_levels=[
            _null("gender"),
            _fixed(_level("gender_l = gender_r", "same"), m=0.98),
            _fixed(_ELSE, m=0.02),
        ],
    )


def address(sql: Dialect) -> ComparisonCreator:
    """Postcode and address as one comparison, from same home down to same district.

    Kept as one comparison on purpose: postcode and address agree together, so scoring them
    separately would count one shared home twice, and a household (twins, a father and son of
    the same name) would outscore the threshold on residence alone. People move, so
    disagreement is only mild evidence.
    """
    # At least 60% of the longer token list is shared (tokens are unique per record).
    same_street = sql.overlap_at_least("address_tokens_l", "address_tokens_r", 0.6)
    return CustomComparison(
        output_column_name="address",
        comparison_levels=[
            {
                "sql_condition": "(postcode_l IS NULL OR postcode_r IS NULL)"
                " AND (address_tokens_l IS NULL OR address_tokens_r IS NULL)",
                "label_for_charts": "missing on either record",
                "is_null_level": True,
            },
            _level(
                f"postcode_l = postcode_r AND (house_number_l = house_number_r OR {same_street})",
                "same address and postcode",
                tf="postcode",
            ),
            _level(
                f"house_number_l = house_number_r AND {same_street}",
                "same address, postcode differs or missing",
            ),
            _level("postcode_l = postcode_r", "same postcode"),
            _level("postcode_sector_l = postcode_sector_r", "same postcode sector"),
            _level("postcode_outward_l = postcode_outward_r", "same outward code (district)"),
            _ELSE,
        ],
    )


def nhs_number() -> ComparisonCreator:
    """Compared only when both numbers pass the checksum (invalid ones are nulled upstream)."""
    return CustomComparison(
        output_column_name="nhs_number",
        comparison_levels=[
            _null("nhs_number"),
            # One person, one number: random pairs share one about as often as a checksum
            # lets a typo through to someone else's number (fixed: sampling rarely sees it).
            _fixed(_level("nhs_number_l = nhs_number_r", "same"), u=1e-7),
            _ELSE,
        ],
    )


def has_tf(comparison: str) -> bool:
    """Whether a comparison has a term-frequency adjusted level (Splink adds mw_tf_adj_<name>)."""
    return comparison in {"first_name", "last_name", "date_of_birth", "address"}


def comparisons(engine: str = "duckdb") -> list[ComparisonCreator]:
    sql = dialect(engine)
    return [
        first_name(sql),
        last_name(sql),
        other_names(sql),
        date_of_birth(sql),
        gender(),
        address(sql),
        nhs_number(),
    ]


def prediction_blocking_rules() -> list[BlockingRuleCreator | str]:
    """Which pairs are scored at all. Each rule is tight (small blocks); together they cover
    the ways a person's records differ: a typo or nickname (same dob and surname sound), a
    changed surname (same dob and postcode or first name), a wrong dob (names and postcode),
    swapped names, and an NHS number.
    """
    return [
        block_on("dob", "last_name_soundex"),
        block_on("dob", "postcode"),
        block_on("first_name_metaphone", "last_name_metaphone", "dob_year"),
        block_on("first_name_soundex", "last_name_soundex", "postcode_outward"),
        block_on("last_name", "postcode", "substr(first_name, 1, 1)"),
        "l.first_name = r.last_name AND l.dob = r.dob",
        "l.last_name = r.first_name AND l.dob = r.dob",
        "l.first_name = r.last_name AND l.last_name = r.first_name",
        block_on("nhs_number"),
        # A missing or mistyped date of birth, or a nickname with a changed surname:
        block_on("first_name", "last_name"),
        block_on("dob", "substr(first_name, 1, 1)"),
        # A changed surname with a missing date of birth, at the same home:
        block_on("first_name", "postcode"),
        block_on("first_name", "address_key"),
        block_on("last_name", "address_key"),
        block_on("postcode", "house_number"),
    ]


def training_blocking_rules() -> list[BlockingRuleCreator]:
    """EM passes: each trains every comparison not in its rule, so two passes cover them all.

    The first pass blocks on the date of birth by its parts, not the ``dob`` column: Splink
    does not train a comparison on a pass whose rule uses a column it reads, and first name
    reads ``dob`` (see ``_not_an_undated_housemate``). Both dates are present in that pass, so
    the first name's levels are learnt exactly as before.
    """
    return [block_on("dob_year", "dob_month", "dob_day"), block_on("first_name", "last_name")]


def deterministic_rules() -> list[BlockingRuleCreator | str]:
    """Near-certain matches, used only to estimate how common matches are (the prior)."""
    return [block_on("first_name", "last_name", "dob"), block_on("nhs_number")]


def settings(*, retain_intermediate: bool = False, engine: str = "duckdb") -> SettingsCreator:
    """The Splink settings for ``engine`` ("duckdb" or "spark"): one model, two SQL dialects."""
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons(engine),
        blocking_rules_to_generate_predictions=prediction_blocking_rules(),
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=retain_intermediate,
        additional_columns_to_retain=["source", "rid"],
    )


def with_parameters(trained: dict[str, Any], engine: str) -> dict[str, Any]:
    """A trained model (as Splink saves it) rewritten into ``engine``'s SQL dialect.

    The learnt and fixed values (m, u, the prior, term-frequency settings) are kept exactly;
    only each level's SQL and the blocking rules are taken from this model in the other
    dialect. Training once and scoring with the same numbers is what makes DuckDB and Spark
    give the same people. A model from a different version of the comparisons is refused.
    """
    target = settings(engine=engine).create_settings_dict(engine)
    out = copy.deepcopy(trained)
    saved, wanted = out.get("comparisons", []), target["comparisons"]
    if [c.get("output_column_name") for c in saved] != [c["output_column_name"] for c in wanted]:
        raise ValueError("the saved model's comparisons differ from this version's model")
    for comparison, fresh in zip(saved, wanted, strict=True):
        levels, fresh_levels = comparison["comparison_levels"], fresh["comparison_levels"]
        if [lv.get("label_for_charts") for lv in levels] != [
            lv.get("label_for_charts") for lv in fresh_levels
        ]:
            raise ValueError(
                f"the saved model's levels for {comparison['output_column_name']} differ from "
                "this version's model"
            )
        for level, fresh_level in zip(levels, fresh_levels, strict=True):
            level["sql_condition"] = fresh_level["sql_condition"]
    out["blocking_rules_to_generate_predictions"] = target["blocking_rules_to_generate_predictions"]
    out["sql_dialect"] = engine
    return out
