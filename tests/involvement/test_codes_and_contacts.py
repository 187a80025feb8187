from datetime import date, datetime
from types import SimpleNamespace

import pytest

from familycontext.involvement.codes import as_date, code_is, nature_of_involvement, normalise_code
from familycontext.involvement.contacts import ContactDetails, mailto_href, tel_href


@pytest.mark.parametrize(
    "spelling",
    ["Burglary – residential", "Burglary - residential", "burglary-residential",
     "  BURGLARY  —  Residential ", "Burglary \u2212 residential"],
)
def test_offence_type_spellings_match(spelling: str) -> None:
    assert code_is(spelling, "Burglary – residential")


def test_codes_that_differ_do_not_match() -> None:
    assert not code_is("Burglary – business and community", "Burglary – residential")
    assert normalise_code("anti_social_behaviour") == normalise_code("Anti-social behaviour")
    assert normalise_code(None) == ""


@pytest.mark.parametrize(
    ("raw", "nature"),
    [("Convicted", "Convicted"), (" convict ", "Convicted"), ("SUSPECT", "Suspect"),
     ("Offender", None), ("", None), (None, None)],
)
def test_nature_of_involvement(raw: str | None, nature: str | None) -> None:
    assert nature_of_involvement(raw) == nature


def test_as_date_accepts_datetimes_and_blanks() -> None:
    assert as_date(datetime(2025, 1, 2, 13, 0)) == date(2025, 1, 2)
    assert as_date("") is None and as_date(None) is None
    with pytest.raises(TypeError):
        as_date("2025-01-02")


@pytest.mark.parametrize(
    ("phone", "href"),
    [
        ("0161 123 4567", "tel:01611234567"),
        ("(0161) 123-4567", "tel:01611234567"),
        ("07700 900123", "tel:07700900123"),
        ("+44 (0)161 123 4567", "tel:+441611234567"),
        ("+44 7700 900123", "tel:+447700900123"),
        ("0044 161 123 4567", "tel:+441611234567"),
        ("0161 123 4567 ext 234", "tel:01611234567"),
        ("0151 7777 7777", None),  # 12 digits: not a UK number
        ("123", None),
        ("n/a", None),
        ("", None),
    ],
)
def test_tel_link_keeps_only_digits_and_the_leading_plus_or_zero(phone: str, href: str | None) -> None:
    assert tel_href(phone) == href


@pytest.mark.parametrize(
    ("email", "ok"),
    [("a.worker@example.gov.uk", True), ("o'brien+asc@council.gov.uk", True),
     ("n/a", False), ("someone@localhost", False), ("a b@example.com", False),
     ("a@@example.com", False), ("", False)],
)
def test_mailto_only_for_plausible_addresses(email: str, ok: bool) -> None:
    href = mailto_href(email)
    assert (href is not None) is ok
    if ok:
        assert href is not None and href.startswith("mailto:") and "@" in href


def test_contact_from_row() -> None:
    row = SimpleNamespace(contact_name=" Sam Lee ", contact_role="Head of Year",
                          contact_phone="0161 000 1111", contact_email="nope")
    c = ContactDetails.from_row(row)
    assert c is not None
    assert (c.name, c.role, c.tel_href, c.mailto_href, c.email) == (
        "Sam Lee", "Head of Year", "tel:01610001111", None, "nope")


def test_row_naming_no_contact_gives_none() -> None:
    row = SimpleNamespace(contact_name="", contact_role=None, contact_phone=" ", contact_email="")
    assert ContactDetails.from_row(row) is None
