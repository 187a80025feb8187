"""The ecomap on the person page and the print version (issue 10), against the hand-made family."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from familycontext.governance.break_glass import SESSION_KEY as BREAK_GLASS_KEY
from familycontext.governance.models import AuditEntry
from familycontext.sources import models as s
from familycontext.web.ecomap import dot_source, sanitise_svg
from tests.web.test_person import (
    ASC_DETAIL,
    HOUSING_CONTACT,
    POLICE_DETAIL,
    SCHOOL_CONTACT,
    SCHOOL_DETAIL,
)

pytestmark = pytest.mark.django_db

CHILD = "/person/P00000001"
SVG = "{http://www.w3.org/2000/svg}"


class ListReader(HTMLParser):
    """node id -> (text of the item, services named in it) from the ecomap's list."""

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[str, dict] = {}
        self._node: str | None = None
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "li" and "data-node" in a:
            self._node, self._depth = a["data-node"], 0
            self.items[self._node] = {"text": "", "services": []}
        elif tag == "li" and self._node:
            self._depth += 1
            if "data-service" in a:
                self.items[self._node]["services"].append(a["data-service"])

    def handle_endtag(self, tag):
        if tag == "li" and self._node:
            if self._depth == 0:
                self._node = None
            else:
                self._depth -= 1

    def handle_data(self, data):
        if self._node:
            self.items[self._node]["text"] += data


def read_svg(html: str) -> tuple[ET.Element, dict[str, list[str]], set[tuple[str, str]]]:
    """The <svg> element, each node's text lines, and the edges (tail, head) from their ids."""
    svg = ET.fromstring(html[html.index("<svg"):html.index("</svg>") + 6])
    nodes, edges = {}, set()
    for g in svg.iter(f"{SVG}g"):
        classes = g.get("class", "").split()
        if "node" in classes:
            nodes[g.get("id")] = [t.text for t in g.iter(f"{SVG}text")]
        elif "edge" in classes:
            tail, head = g.get("id").split("--")
            edges.add((tail, head))
    return svg, nodes, edges


def normal(text: str) -> str:
    return " ".join(text.split())


def test_picture_and_list_carry_the_same_people_relationships_and_flags(with_reason, family):
    html = with_reason.get(CHILD + "/ecomap", HTTP_X_REQUESTED_WITH="fetch").content.decode()
    svg, nodes, edges = read_svg(html)
    reader = ListReader()
    reader.feed(html)
    people = {k: v for k, v in nodes.items() if re.fullmatch(r"ecomap-p\d+", k)}
    assert set(people) == set(reader.items)
    expected = {  # name, relationship, age, services with records found
        "Ava Smith": ("This person", "age 9", {"school"}),
        "Jane Smith": ("Mother", "age 35", {"housing", "adult_social_care", "police"}),
        "Tom Brown": ("Same address", "age 50", set()),
    }
    seen = {}
    for node_id, lines in people.items():
        name, relationship, age = lines[:3]
        services_in_picture = {head.removeprefix(node_id + "-").replace("-", "_")
                               for tail, head in edges if tail == node_id and head.startswith(node_id + "-")}
        for head in services_in_picture:  # each service node is labelled with its service
            title = nodes[f"{node_id}-{head.replace('_', '-')}"]
            assert title[1] == "Records found"
        item = reader.items[node_id]
        assert normal(item["text"]).startswith(f"{name}: {relationship}, {age}")
        assert set(item["services"]) == services_in_picture
        seen[name] = (relationship, age, services_in_picture)
    assert seen == expected
    assert {("ecomap-p0", "ecomap-p1"), ("ecomap-p0", "ecomap-p2")} <= edges
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "ecomap-title"
    assert svg.find(f"{SVG}title").text.startswith("Ecomap of Ava Smith")
    assert "Jane Smith, Mother, age 35. Records found: Housing, Adult Social Care, Police." in svg.find(f"{SVG}desc").text


def test_the_ecomap_shows_flags_only_and_audits_each_person_it_shows(with_reason, family):
    html = with_reason.get(CHILD + "/ecomap", HTTP_X_REQUESTED_WITH="fetch").content.decode()
    for detail in (SCHOOL_DETAIL, SCHOOL_CONTACT, POLICE_DETAIL, HOUSING_CONTACT, ASC_DETAIL, "Shoplifting",
                   "0161 496", "Secret Lane", "Rose"):
        assert detail not in html
    assert "<script" not in html and "style=" not in html
    assert re.search(r"<[^>]*\son\w+=", html) is None  # no event handler attributes
    assert list(AuditEntry.objects.values_list("action", "person_id")) == [
        ("shown_on_ecomap", "P00000001"), ("shown_on_ecomap", "P00000002"), ("shown_on_ecomap", "P00000003")]


def test_the_person_page_offers_the_ecomap_without_showing_or_auditing_it(with_reason, family):
    page = with_reason.get(CHILD).content.decode()
    assert 'data-fc-details-url="/person/P00000001/ecomap"' in page
    assert 'href="/person/P00000001/print"' in page
    assert "<svg" not in page.split('id="ecomap-heading"')[1]
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["viewed_person"]


def test_without_javascript_the_ecomap_is_a_page_of_its_own(with_reason, family):
    page = with_reason.get(CHILD + "/ecomap").content.decode()
    assert "<html" in page and "Family and services at a glance" in page and "<svg" in page
    assert 'id="ecomap-list"' in page


def _relate_hidden_to_child():
    cms = s.Snapshot.objects.get(source__service="cms")
    child = s.SourceRecord.objects.get(snapshot=cms, record_id="CMS100")
    s.SourceRecord.objects.create(snapshot=cms, record_id="CMS104", first_name="Rose", last_name="Hidden",
                                  person_id="P00000004", restricted=True, address="1 Secret Lane")
    s.CmsRelationship.objects.create(snapshot=cms, record=child, related_record_id="CMS104",
                                     relationship="Aunt")


def test_a_restricted_relative_appears_without_services_until_break_glass(with_reason, family):
    _relate_hidden_to_child()
    html = with_reason.get(CHILD + "/ecomap", HTTP_X_REQUESTED_WITH="fetch").content.decode()
    _, nodes, _ = read_svg(html)
    hidden = next(k for k, v in nodes.items() if v[0] == "Rose Hidden")
    assert nodes[hidden][1:] == ["Aunt", "age 30", "Restricted record"]
    assert not any(k.startswith(hidden + "-") for k in nodes)
    assert "Secret Lane" not in html and "Restricted record: services not shown" in html

    session = with_reason.session
    session[BREAK_GLASS_KEY] = ["P00000004"]
    session.save()
    html = with_reason.get(CHILD + "/ecomap", HTTP_X_REQUESTED_WITH="fetch").content.decode()
    _, nodes, _ = read_svg(html)
    assert nodes[hidden + "-housing"] == ["Housing", "Records found"]
    assert "Secret Lane" not in html and "Refuge Homes" not in html


def test_print_page_has_the_ecomap_flags_user_reason_time_and_dates_of_each_source(with_reason, family):
    with_reason.get("/person/P00000002/service/police")  # opened in this session
    page = with_reason.get(CHILD + "/print").content.decode()
    assert "Printed by" in page and "Pat Worker" in page
    assert "Section 47 enquiry for child CMS100" in page
    assert 'id="ecomap-list"' in page and "<svg" in page
    assert "Records found in Exampleton Schools" in page
    sources = page[page.index('id="print-sources"'):]
    for name in ("Children&#39;s Case Management", "Exampleton Schools", "Exampleton Homes",
                 "Adult Care Records", "Exampleshire Police"):
        assert name in sources
    # Whom to call: the child's own school (a service with records), and the mother's police
    # contact opened in this session; not the mother's housing contact, which was never opened.
    contacts = page[page.index('id="print-contacts"'):page.index('id="print-sources"')]
    assert SCHOOL_CONTACT in contacts
    assert "PC Lee" in contacts and "tel:01614960003" in contacts
    assert HOUSING_CONTACT not in page
    assert POLICE_DETAIL not in page  # contacts only, never the offences
    actions = list(AuditEntry.objects.values_list("action", "person_id"))
    assert actions[0] == ("viewed_police", "P00000002")
    assert sorted(a for a in actions if a[0] == "printed") == [
        ("printed", "P00000001"), ("printed", "P00000002"), ("printed", "P00000003")]
    # The school contact printed is a view of the child's school details, recorded as such.
    assert ("viewed_school", "P00000001") in actions


def test_print_page_carries_the_summary_and_no_opened_contacts_of_others(with_reason, family):
    page = with_reason.get(CHILD + "/print").content.decode()
    summary = page[page.index('id="print-summary"'):]
    assert "Known to: School" in summary.split("</p>")[0]
    assert "Police: not shown for age 9" in summary.split("</p>")[0]
    assert "PC Lee" not in page  # the mother's police card was not opened


def test_contacts_opened_for_people_outside_the_printout_are_left_out(with_reason, family):
    with_reason.get("/person/P00000002/service/police")
    page = with_reason.get("/person/P00000005/print").content.decode()  # the namesake: not related
    assert "PC Lee" not in page


def test_ecomap_and_print_need_a_reason_and_the_role(signed_in, client, family):
    assert signed_in.get(CHILD + "/ecomap")["Location"].startswith("/reason?next=")
    assert signed_in.get(CHILD + "/print")["Location"].startswith("/reason?next=")
    assert not AuditEntry.objects.filter(action__in=["viewed_person", "printed"]).exists()


def test_names_cannot_inject_graphviz_escapes_or_markup():
    from datetime import date

    from familycontext.people.ecomap import build_ecomap

    class P:
        id, date_of_birth, restricted = "X", date(2010, 1, 1), False
        full_name = 'Eve "\\N" <script>alert(1)</script>'

    dot = dot_source(build_ecomap(P(), [], {}, today=date(2025, 1, 1)))
    assert 'label="Eve \\"\\\\N\\" <script>alert(1)</script>\\nThis person\\nage 15"' in dot


def test_sanitiser_keeps_shapes_and_text_and_drops_everything_else():
    hostile = (
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "boom">]>'
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'width="10pt" height="10pt" viewBox="0 0 10 10" onload="alert(1)">'
        '<script>alert(2)</script><style>*{}</style>'
        '<g id="a" class="node" style="fill:red"><title>a</title>'
        '<a xlink:href="javascript:alert(3)"><text x="1" y="2" fill="#000">hi</text></a>'
        '<polygon points="0,0 1,1" fill="#fff" stroke="#000" onclick="x()"/>'
        '<text x="1" y="2">Ann &lt;b&gt;</text></g>'
        '<foreignObject><div>no</div></foreignObject></svg>'
    )
    out = str(sanitise_svg(hostile, title="T <1>", description="D & d"))
    for bad in ("script", "onload", "onclick", "style", "javascript", "foreignObject", "<a ", "xlink", "alert"):
        assert bad not in out
    assert '<polygon points="0,0 1,1" fill="#fff" stroke="#000" />' in out
    assert "<text x=\"1\" y=\"2\">Ann &lt;b&gt;</text>" in out
    assert '<title id="ecomap-title">T &lt;1&gt;</title><desc id="ecomap-desc">D &amp; d</desc>' in out
    with pytest.raises(ValueError):
        sanitise_svg("<html></html>", title="t", description="d")


def test_a_restricted_persons_ecomap_and_printout_need_break_glass(with_reason, family):
    for path in ("/person/P00000004/ecomap", "/person/P00000004/print"):
        assert with_reason.get(path)["Location"] == "/person/P00000004"
    assert not AuditEntry.objects.exists()
    session = with_reason.session
    session[BREAK_GLASS_KEY] = ["P00000004"]
    session.save()
    page = with_reason.get("/person/P00000004/print").content.decode()
    assert "Rose Hidden" in page and "Records found in Exampleton Homes" in page
    _, nodes, _ = read_svg(page)
    assert nodes["ecomap-p0-housing"] == ["Housing", "Records found"]
    assert ("printed", "P00000004") in AuditEntry.objects.values_list("action", "person_id")


def test_print_page_prints_each_stale_sources_warning(with_reason, family):
    from datetime import timedelta

    from django.utils import timezone

    s.Snapshot.objects.filter(source__service="housing").update(
        date_current_as_of=timezone.now() - timedelta(days=30))
    page = with_reason.get("/person/P00000002/print").content.decode()
    warnings = page[page.index('id="print-stale-warnings"'):page.index('id="print-basic-details"')]
    assert "Housing: This information from Exampleton Homes is 30 days old" in warnings
    assert "Exampleton Schools" not in warnings  # current sources carry no warning
    assert "Yes: see the warning above" in page[page.index('id="print-sources"'):]
