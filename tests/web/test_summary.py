"""The person page's summary line is built from the flags' own labels, never from the rules."""

from __future__ import annotations

from types import SimpleNamespace

from familycontext.web.summary import flag_label, service_summary


def card(service, title, *, shown=True, found=False, loaded=True, flag_text="", **extra):
    return SimpleNamespace(service=service, title=title, shown_for_age=shown, records_found=found,
                           loaded=loaded, flag_text=flag_text or ("Records found" if found else ""), **extra)


FOUR = [card("school", "School", shown=False),
        card("housing", "Housing", found=True),
        card("adult_social_care", "Adult Social Care"),
        card("police", "Police", found=True)]


def test_the_summary_names_who_knows_the_person_who_has_no_records_and_what_age_hides():
    assert service_summary(FOUR, "27").text == (
        "Known to: Housing, Police · No records: Adult Social Care · School: not shown for age 27")
    assert service_summary(FOUR, "27").known_to == ("Housing", "Police")


def test_a_service_not_loaded_says_so_and_an_unknown_age_is_not_printed_as_a_number():
    cards = [card("school", "School", shown=False), card("police", "Police", loaded=False)]
    assert service_summary(cards, "Not known").text == "Not loaded: Police · School: not shown for this age"


def test_a_cards_own_label_wins_over_the_words_the_summary_would_otherwise_use():
    # The disclosure module's flags carry their label: the summary groups by it, never re-deciding.
    labelled = [card("housing", "Housing", found=True, label="Records found"),
                card("police", "Police", found=False, label="Not checked: restricted record")]
    assert flag_label(labelled[1]) == "Not checked: restricted record"
    assert service_summary(labelled, "40").text == (
        "Known to: Housing · Not checked: restricted record: Police")


def test_no_records_found_in_a_named_source_still_reads_as_no_records():
    cards = [card("housing", "Housing", label="No records found in Northmoor Homes")]
    assert service_summary(cards, "40").text == "No records: Housing"


def test_a_source_that_knows_the_person_but_shows_nothing_counts_as_known_with_its_own_words():
    cards = [card("police", "Police", label="Known to Greater Manchester Police: no offences in the periods shown"),
             card("housing", "Housing", found=True, label="Records found")]
    assert service_summary(cards, "40").text == (
        "Known to: Police (no offences in the periods shown), Housing")


def test_stored_values_read_as_words_not_python():
    from familycontext.web.jinja import plain

    assert plain(["demo-team-manager", "demo"]) == "demo-team-manager, demo"
    assert plain([]) == "none" and plain(None) == "none"
    assert plain(True) == "yes" and plain(False) == "no"
    assert plain("data_manager") == "data manager" and plain("P00000001") == "P00000001"
    assert plain(["administrator", "team_manager"]) == "administrator, team manager"
