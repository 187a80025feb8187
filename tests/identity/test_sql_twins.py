"""Each SQL twin (DuckDB, used by linkage's one-query standardisation) gives what its Python
rule gives, on generated input (Hypothesis)."""

from __future__ import annotations

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from familycontext.identity import addresses, nhs, postcodes

pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.NonInteractiveExampleWarning")

_con = duckdb.connect()


def _sql(expression: str, **columns: str | None) -> object:
    names = ", ".join(f"${k}::VARCHAR AS {k}" for k in columns)
    return _con.execute(f"SELECT {expression} FROM (SELECT {names})", columns).fetchall()[0][0]


def _valid_nhs(draw_digits: str) -> str:
    total = sum(int(d) * (10 - i) for i, d in enumerate(draw_digits))
    return draw_digits + str((11 - total % 11) % 11 % 10)


nhs_like = st.one_of(
    st.text(alphabet="0123456789 -x", max_size=14),
    st.text(alphabet="0123456789", min_size=9, max_size=9).map(_valid_nhs),
    st.sampled_from(["0000000000", "1111111111", "943 476 5919", "943-476-5919"]),
)


@settings(max_examples=100, deadline=None)
@given(nhs_like)
def test_nhs_number_sql_twin(value):
    assert _sql(nhs.sql_valid("v"), v=value) == nhs.valid(value)


postcode_like = st.one_of(
    st.text(alphabet="ABCDEFGHKLMNPRSTUWYZabcxyz0123456789 -", max_size=9),
    st.from_regex(r"[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}", fullmatch=True),
)


@settings(max_examples=100, deadline=None)
@given(postcode_like)
def test_postcode_sql_twins(value):
    sql = postcodes.sql_parts("v")
    parsed = postcodes.parse(value)
    got = {name: _sql(expression, v=value) for name, expression in sql.items()}
    assert got["compact"] == (postcodes.compact(value) or None)
    assert got["standard"] == (postcodes.standard(value) or None)
    assert (got["sector"], got["outward"], got["area"]) == (
        (parsed.sector, parsed.outward, parsed.area) if parsed else (None, None, None))


address_like = st.lists(
    st.one_of(st.sampled_from(["12", "12a", "Flat", "2", "High", "St.", "Rd", "ave", "gdns", "The",
                               "Old", "Rectory", ",", "SK4", "2AB", "SK42AB", "pk", "x"]),
              st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCZ0123456789,.-'", max_size=8)),
    max_size=8,
).map(" ".join)


@settings(max_examples=100, deadline=None)
@given(address_like, st.sampled_from(["", "SK4 2AB", "sk42ab", "M1 1AE", "x"]))
def test_address_sql_twins(address, postcode):
    compact = postcodes.sql_parts("p")["compact"]
    kept = addresses.sql_without_postcode(addresses.sql_expanded("a"), compact)
    words = addresses.words(address, postcode)
    assert _sql(kept, a=address, p=postcode) == words
    assert _sql(addresses.sql_house_number(kept), a=address, p=postcode) == addresses.house_number(words)
    assert _sql(addresses.sql_key(kept), a=address, p=postcode) == addresses.key(words)
