"""Paging any list or queryset for a GOV.UK pagination component: the one builder of its links."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.http import HttpRequest


def pagination(page: Page, base: str, params: Mapping[str, str] | None = None, *,
               label: str = "Pages") -> dict | None:
    """The parameters of the GOV.UK pagination macro for ``page``, or None when everything fits on
    one page. Links go to ``base`` with ``params`` (a screen's filters) and the page number."""
    paginator = page.paginator
    if paginator.num_pages <= 1:
        return None
    kept = dict(params or {})

    def href(number: int) -> str:
        return f"{base}?{urlencode({**kept, 'page': number})}"

    items = []
    for number in paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1):
        if number == paginator.ELLIPSIS:
            items.append({"ellipsis": True})
        else:
            items.append({"number": number, "href": href(number), "current": number == page.number})
    return {
        "items": items,
        "previous": {"href": href(page.previous_page_number())} if page.has_previous() else None,
        "next": {"href": href(page.next_page_number())} if page.has_next() else None,
        "landmarkLabel": label,
    }


def paginate(request: HttpRequest, items: Any, per_page: int, *, label: str = "Pages",
             params: Mapping[str, str] | None = None) -> tuple[Page, dict | None]:
    """The requested page (a bad or too-high number gives the nearest real page) and its links
    (``pagination``) back to this request's path."""
    page = Paginator(items, per_page).get_page(request.GET.get("page"))
    return page, pagination(page, request.path, params, label=label)
