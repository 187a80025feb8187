from __future__ import annotations

import pytest

from familycontext.governance.models import AuditEntry
from familycontext.governance.reason import SESSION_KEY

pytestmark = pytest.mark.django_db

CHILD = "/person/P00000001"
MOTHER = "/person/P00000002"
# Facts only the opened cards show.
SCHOOL_DETAIL = "Exampleton Primary"
SCHOOL_CONTACT = "dsl@primary.example.org"
POLICE_DETAIL = "Violence with injury"
HOUSING_CONTACT = "housing@homes.example.org"
ASC_DETAIL = "Exampleton Adult Social Care"


def test_a_reason_is_needed_before_the_first_person_view(signed_in, family):
    response = signed_in.get(CHILD)
    assert response.status_code == 302
    assert response["Location"] == "/reason?next=%2Fperson%2FP00000001"
    assert not AuditEntry.objects.exists()
    details = signed_in.get(CHILD + "/service/school")
    assert details["Location"].startswith("/reason?next=")


def test_giving_a_reason_returns_to_the_person_and_is_kept_in_the_session(signed_in, family):
    response = signed_in.post("/reason", {"reason-cms-id": "CMS100", "reason-type": "section_17",
                                          "next": CHILD})
    assert response["Location"] == CHILD
    assert signed_in.session[SESSION_KEY] == {"cms_id": "CMS100", "type": "section_17", "text": ""}
    page = signed_in.get(CHILD).content.decode()
    assert "Section 17 child in need assessment for child CMS100" in page
    assert 'href="/reason?next=/person/P00000001"' in page  # change it from any page
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.reason_cms_id, entry.reason_type) == ("viewed_person", "CMS100", "section_17")


def test_reason_form_explains_what_is_missing(signed_in):
    page = signed_in.post("/reason", {"reason-cms-id": "", "reason-type": ""}).content.decode()
    assert 'href="#reason-cms-id"' in page and 'href="#reason-type"' in page
    assert 'id="reason-type"' in page  # the first radio, which the summary links to
    page = signed_in.post("/reason", {"reason-cms-id": "CMS1", "reason-type": "other"}).content.decode()
    assert 'href="#reason-other"' in page and "Describe the work" in page
    assert SESSION_KEY not in signed_in.session


def test_other_reason_keeps_its_text_and_audit_entries_carry_it(signed_in, family):
    signed_in.post("/reason", {"reason-cms-id": "CMS100", "reason-type": "other",
                               "reason-other": "Strategy meeting", "next": CHILD})
    signed_in.get(CHILD)
    entry = AuditEntry.objects.get()
    assert (entry.reason_type, entry.reason_text) == ("other", "Strategy meeting")


def test_reason_next_cannot_leave_the_site(signed_in, family):
    response = signed_in.post("/reason", {"reason-cms-id": "CMS100", "reason-type": "section_47",
                                          "next": "//evil.example.com/"})
    assert response["Location"] == "/"


def test_person_page_shows_basic_details_with_sources(with_reason, family):
    page = with_reason.get(CHILD).content.decode()
    assert "<h1 class=\"govuk-heading-l\">Ava Smith</h1>" in page
    assert "Ava Jones" in page  # other names from the source records
    assert "CMS100" in page and "Female" in page and "(age 9 years)" in page
    assert "12 High Street, Exampleton, EX1 2AB" in page
    assert "Children&#39;s Case Management, Exampleton Schools" in page


def test_mother_has_one_address_from_records_that_write_it_differently(with_reason, family):
    page = with_reason.get(MOTHER).content.decode()
    assert page.count("<li>12") == 1
    assert "Exampleton Homes" in page


def test_person_page_shows_flags_and_freshness_but_never_card_details(with_reason, family):
    child = with_reason.get(CHILD).content.decode()
    mother = with_reason.get(MOTHER).content.decode()
    for text in (SCHOOL_DETAIL, SCHOOL_CONTACT):
        assert text not in child
    for text in (POLICE_DETAIL, HOUSING_CONTACT, ASC_DETAIL, "Shoplifting", "0161 496 000"):
        assert text not in mother
    assert "Records found" in child and "Information correct as of" in child
    assert "Coverage area" in child and "Everyone known to Exampleton Schools" in child
    assert "Police information is shown for people aged 18 and over" in child
    assert 'href="/person/P00000001/service/school"' in child
    assert 'data-fc-details-url="/person/P00000001/service/school"' in child
    assert mother.count("Records found") == 3  # housing, adult social care, police; no school (age)


def test_card_details_come_from_the_card_endpoint_as_a_fragment(with_reason, family):
    fragment = with_reason.get(CHILD + "/service/school", HTTP_X_REQUESTED_WITH="fetch")
    html = fragment.content.decode()
    assert fragment.status_code == 200
    assert SCHOOL_DETAIL in html and "Current" in html
    assert 'href="tel:01614960000"' in html and f'href="mailto:{SCHOOL_CONTACT}"' in html
    assert "<html" not in html
    assert fragment["Cache-Control"] == "no-store"


def test_card_details_have_a_full_page_without_javascript(with_reason, family):
    page = with_reason.get(MOTHER + "/service/police").content.decode()
    assert "<html" in page and "Police details" in page
    assert POLICE_DETAIL in page and "Suspect" in page
    assert "Shoplifting" not in page  # non-safeguarding: only "Records found: Yes"
    assert "Records found: Yes" in page
    housing = with_reason.get(MOTHER + "/service/housing").content.decode()
    assert HOUSING_CONTACT in housing and "Rent arrears" in housing
    asc = with_reason.get(MOTHER + "/service/adult-social-care").content.decode()
    assert ASC_DETAIL in asc


def test_each_opened_card_is_audited_with_its_own_action(with_reason, family):
    for service in ("school", "housing", "adult-social-care", "police"):
        person = CHILD if service == "school" else MOTHER
        with_reason.get(f"{person}/service/{service}")
    assert list(AuditEntry.objects.values_list("action", "person_id")) == [
        ("viewed_school", "P00000001"),
        ("viewed_housing", "P00000002"),
        ("viewed_adult_social_care", "P00000002"),
        ("viewed_police", "P00000002"),
    ]
    entry = AuditEntry.objects.first()
    assert (entry.person_name, entry.reason_cms_id) == ("Ava Smith", "CMS100")
    assert entry.person_date_of_birth  # as shown on the page


def test_out_of_band_and_unknown_services_have_no_details(with_reason, family):
    assert with_reason.get(CHILD + "/service/police").status_code == 404
    assert with_reason.get(CHILD + "/service/tax").status_code == 404
    assert with_reason.get("/person/P99999999").status_code == 404
    assert not AuditEntry.objects.exists()


def test_related_individuals_from_cms_and_the_same_address(with_reason, family):
    page = with_reason.get(CHILD).content.decode()
    linked = page[page.index('id="linked"'):page.index("Same address in other records</h3>")]
    nearby = page[page.index("Same address in other records</h3>"):]
    assert "Mother" in linked and "Jane Smith" in linked and "CMS101" in linked
    assert 'href="/person/P00000002"' in linked
    assert "Tom Brown" in nearby and 'href="/person/P00000003"' in nearby
    assert "Jane Smith" not in nearby  # already listed as linked in the CMS
    assert "Rose" not in page  # restricted people are never listed


def test_on_the_mothers_page_her_child_reads_as_her_daughter(with_reason, family):
    page = with_reason.get(MOTHER).content.decode()
    linked = page[page.index('id="linked"'):page.index("Same address in other records</h3>")]
    assert "Daughter (this person is her mother)" in linked and "Ava Smith" in linked
    assert "Has this person as" not in page


def test_restricted_people_show_no_address_and_no_card_details(with_reason, family):
    page = with_reason.get("/person/P00000004").content.decode()
    assert "Secret Lane" not in page and "Not shown: restricted" in page
    # Cards, related people and addresses need break-glass (tests/web/test_audit_screens.py).
    assert "Records found" not in page and "/service/" not in page and "Refuge Homes" not in page
    assert "This is a restricted record" in page and 'href="/person/P00000004/break-glass"' in page
    assert with_reason.get("/person/P00000004/service/housing").status_code == 403
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["viewed_person"]


def test_person_page_prints_the_users_name_and_time(with_reason, family):
    page = with_reason.get(CHILD).content.decode()
    assert 'class="govuk-body-s fc-print-only" id="printed-by">Printed by Pat Worker on ' in page


def test_conditions_page_comes_from_the_configuration(signed_in, settings):
    page = signed_in.get("/conditions").content.decode()
    assert "aged 18 and over" in page and "A maximum of 3 are listed" in page


def test_council_name_phase_banner_and_guidance_come_from_configuration(with_reason, family, settings):
    from familycontext.config.settings import Configuration

    settings.CONFIG = Configuration.model_validate({
        "council": {"name": "Testshire County Council", "feedback_email": "fb@testshire.example",
                    "phase": "Alpha"},
        "guidance": {"person": "Check consent before section 17 work.", "search": "Search guidance."},
    })
    page = with_reason.get(CHILD).content.decode()
    assert 'class="govuk-generic-header__homepage-link">' in page
    assert "Testshire County Council" in page and "govuk-header__crown" not in page
    assert 'href="mailto:fb@testshire.example">give your feedback by email</a>' in page
    assert "Alpha" in page
    assert "Check consent before section 17 work." in page
    assert "Search guidance." in with_reason.get("/").content.decode()


def test_the_summary_says_who_knows_the_mother_her_family_and_offers_to_open_all(with_reason, family):
    page = with_reason.get(MOTHER).content.decode()
    summary = page[page.index('id="person-summary"'):page.index('id="basic-details"')]
    services = summary[summary.index('id="summary-services"'):summary.index("</p>")]
    text = " ".join(__import__("re").sub(r"<[^>]+>", "", services.split(">", 1)[1]).split())
    assert text == "Known to: Housing, Adult Social Care, Police · School: not shown for age 35"
    assert 'href="#card-housing"' in services
    family_line = summary[summary.index('id="summary-family"'):]
    assert "Ava Smith</a> (daughter, age 9 years)" in family_line
    assert "data-fc-open-all" in summary and "recorded in the audit trail" in summary
    assert "data-fc-contacts" in summary  # filled by the page's script as each card is opened


def test_an_opened_card_shows_the_contact_before_the_facts(with_reason, family):
    page = with_reason.get(MOTHER + "/service/housing", HTTP_X_REQUESTED_WITH="fetch").content.decode()
    assert page.index("Contact") < page.index("Involvement") < page.index("Eviction")
    assert 'class="govuk-list fc-contact"' in page
