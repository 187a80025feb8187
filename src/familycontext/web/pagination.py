"""Paging any list or queryset for a GOV.UK pagination component."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest


def paginate(request: HttpRequest, items: Any, per_page: int, *, label: str = "Pages") -> tuple[Page, dict | None]:
    """The requested page (a bad or too-high number gives the nearest real page) and the
    parameters of the GOV.UK pagination macro, or None when everything fits on one page."""
    paginator = Paginator(items, per_page)
    page = paginator.get_page(request.GET.get("page"))
    if paginator.num_pages <= 1:
        return page, None
    base = request.path

    def href(number: int) -> str:
        return f"{base}?page={number}"

    items_ = []
    for number in paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1):
        if number == paginator.ELLIPSIS:
            items_.append({"ellipsis": True})
        else:
            items_.append({"number": number, "href": href(number), "current": number == page.number})
    return page, {
        "items": items_,
        "previous": {"href": href(page.previous_page_number())} if page.has_previous() else None,
        "next": {"href": href(page.next_page_number())} if page.has_next() else None,
        "landmarkLabel": label,
    }
