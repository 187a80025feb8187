"""The one builder of GOV.UK pagination links, used by every paged screen."""

from django.core.paginator import Paginator
from django.test import RequestFactory

from familycontext.web.pagination import paginate, pagination


def test_a_single_page_has_no_pagination():
    page = Paginator(list(range(5)), 10).get_page(1)
    assert pagination(page, "/audit/") is None


def test_links_keep_the_screens_filters_and_elide_the_middle():
    page = Paginator(list(range(100)), 10).get_page(5)
    links = pagination(page, "/audit/", {"person": "P 1", "show": "all"}, label="Pages of audit entries")
    numbers = [item.get("number") for item in links["items"]]
    assert numbers == [1, None, 4, 5, 6, None, 10]
    assert links["items"][3] == {"number": 5, "href": "/audit/?person=P+1&show=all&page=5", "current": True}
    assert links["previous"] == {"href": "/audit/?person=P+1&show=all&page=4"}
    assert links["next"] == {"href": "/audit/?person=P+1&show=all&page=6"}
    assert links["landmarkLabel"] == "Pages of audit entries"


def test_paginate_reads_the_page_asked_for_and_links_back_to_the_same_path():
    request = RequestFactory().get("/data/loads/", {"page": "99"})
    page, links = paginate(request, list(range(25)), 10)
    assert page.number == 3 and list(page.object_list) == list(range(20, 25))
    assert links["previous"] == {"href": "/data/loads/?page=2"} and links["next"] is None
