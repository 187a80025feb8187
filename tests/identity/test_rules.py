"""The identity rules every package asks (familycontext.identity), pinned on the cases users see."""

from __future__ import annotations

from datetime import date

import pytest

from familycontext.identity import addresses, contact, dates, names, nhs, postcodes


@pytest.mark.parametrize("placeholder", ["0000000000", "1111111111", "000 000 0000"])
def test_a_repeated_digit_passes_the_check_digit_but_is_not_an_nhs_number(placeholder):
    assert nhs.valid(placeholder) is None
    assert nhs.problem(placeholder) == nhs.PLACEHOLDER


def test_nhs_numbers_as_written():
    assert nhs.valid("943 476 5919") == nhs.valid("943-476-5919") == "9434765919"
    assert nhs.problem("9434765918") == nhs.BAD_CHECK_DIGIT
    assert nhs.valid("") is None and nhs.problem("") is None


@pytest.mark.parametrize(("a", "b"), [("Strauß", "Strauss"), ("Øster", "Oster"), ("Łukasz", "Lukasz"),
                                      ("Zoë O'Brien-Smith", "zoe obrien-smith"), ("O’Neil", "ONeil")])
def test_names_fold_to_one_form(a, b):
    assert names.fold(a) == names.fold(b) != ""
    assert names.plain(a) == names.plain(b)


def test_linkage_form_drops_hyphens_and_a_generation_suffix():
    assert names.plain("Łukasz Øster-Nowak Jnr") == "lukasz oster nowak"
    assert names.plain("Jnr") == "jnr" and names.plain(" ") is None


def test_search_words_keep_hyphen_parts():
    (word,) = names.words("Smith-Jones")
    assert word.forms == ("smithjones", "smith", "jones")


def test_nicknames_meet_at_the_formal_name_not_at_a_shared_nickname():
    assert names.nickname_forms("bill") & names.nickname_forms("william")
    assert not names.nickname_forms("carolyn") & names.nickname_forms("lyndon")


def test_postcode_parts():
    assert postcodes.parse(" sk42ab ") == postcodes.Postcode("SK4 2AB", "SK4 2", "SK4", "SK")
    assert postcodes.parse("EC1A 1BB").area == "EC"
    assert postcodes.parse("not one") is None and postcodes.standard("abc-1") == "ABC1"
    assert postcodes.outward("M1 1AE") == "M1" and postcodes.outward("M1") == ""


def test_address_words_key_and_same_home():
    words = addresses.words("12, High St. SK4 2AB", "sk4 2ab")
    assert words == ["12", "high", "street"]
    assert addresses.key(words) == "12 high" and addresses.house_number(words) == "12"
    assert addresses.key(addresses.words("The Old Rectory")) is None
    assert addresses.same_home("12 high street", "12 high street exampleton")
    assert not addresses.same_home("flat 2 12 high street", "12 high street")


def test_one_phone_rule_for_the_report_and_the_tel_link():
    for number in ("0161 496 0123", "07700 900123", "+44 (0)161 496 0123", "0161 496 0123 ext 2"):
        assert contact.is_uk_phone(number) and contact.tel_href(number)
    for number in ("0151 7777 7777", "123", "n/a", "", "call the office"):
        assert not contact.is_uk_phone(number) and contact.tel_href(number) is None
    assert contact.tel_href("+33 1 23 45 67 89") == "tel:+33123456789"
    assert not contact.is_uk_phone("+33 1 23 45 67 89")


def test_one_two_digit_year_rule_never_gives_a_future_year():
    today = date(2026, 12, 3)
    assert dates.two_digit_year(68, today) == 1968 and dates.two_digit_year(26, today) == 2026
    assert dates.two_digit_year(27, today) == 1927
    assert dates.in_formats("01/02/68", ["%d/%m/%y"], today) == date(1968, 2, 1)
    with pytest.raises(ValueError, match="two-digit year"):
        dates.typed("01/02/68", today)


@pytest.mark.parametrize(("a", "b"), [("Strauß", "Strauss"), ("Łukasz Øster", "Lukasz Oster")])
def test_linkage_and_search_fold_a_name_the_same(a, b):
    from familycontext.linkage.standardise import normalise_name
    from familycontext.people.index import words as search_words

    assert normalise_name(a) == normalise_name(b) == names.plain(b)
    assert [w.forms for w in search_words(a)] == [w.forms for w in search_words(b)]


def test_the_reports_house_number_and_street_checks():
    assert addresses.has_street("12 High St") and addresses.has_street("Elm Road, Exampleton")
    assert not addresses.has_street("Rose Cottage") and addresses.has_house_number("Rose Cottage")
    assert addresses.has_house_number("Flat B, Elm Court") and not addresses.has_house_number("Elm Road")
