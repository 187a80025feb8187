"""Identifiers look like the real thing and never collide."""

from __future__ import annotations

import random

from familycontext.synth.extracts import IdScheme
from familycontext.synth.nhs import check_digit, is_valid, reserved_number
from familycontext.synth.school import upn


def test_the_published_example_nhs_number_passes_and_a_typo_fails() -> None:
    assert is_valid("9434765919")
    assert not is_valid("9434765918")
    assert check_digit("943476591") == 9


def test_test_range_nhs_numbers_are_distinct_and_valid() -> None:
    numbers = [reserved_number(i, 12345) for i in range(20_000)]
    issued = [n for n in numbers if n]
    assert len(set(issued)) == len(issued)
    assert all(n.startswith("999") and is_valid(n) for n in issued)
    assert 0.85 < len(issued) / len(numbers) < 0.95  # about 1 in 11 bases has no valid check digit


def test_record_ids_never_repeat() -> None:
    scheme = IdScheme(random.Random(1), 10**5)
    drawn = [scheme.next() for _ in range(10**5)]
    assert len(set(drawn)) == 10**5


def test_upns_have_a_check_letter_and_twelve_digits() -> None:
    value = upn("999000000123")
    assert value[0].isalpha() and value[1:] == "999000000123"
    assert upn("999000000124")[0] != value[0]
