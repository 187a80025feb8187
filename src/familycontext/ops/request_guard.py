"""Requests refused before any view reads them: a body over the upload limit, or one in a charset
the product does not read (issue 17: these were anonymous 500s).

Django raises ``RequestDataTooBig`` when a view first reads an oversized body, and a form posted as
``charset=utf-16`` fails to decode in CSRF checking and again in the error handler, so gunicorn's
bare page was sent. Checked here up front, they answer 413 and 400 through the product's own error
page (``web.security``) or problem JSON (``api.problems``).
"""

from __future__ import annotations

import codecs

from django.conf import settings
from django.http import HttpRequest

# Charsets whose bytes for ASCII are ASCII: what Django's form and JSON parsing can read.
_READABLE = {"utf-8", "ascii", "latin-1", "iso8859-1", "cp1252", "iso8859-15"}


def refusal(request: HttpRequest) -> tuple[int, str, str] | None:
    """(status, problem slug, message) when the request must be refused, else None."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 400, "bad-request", "The Content-Length header is not a number."
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is not None and length > limit:
        return 413, "request-too-large", (f"The request body is {length:,} bytes; at most {limit:,} are accepted.")
    charset = request.content_params.get("charset") if request.content_params else None
    if charset:
        try:
            name = codecs.lookup(charset).name
        except LookupError:
            name = ""
        if name not in _READABLE:
            return 400, "unreadable-charset", (f"The request body's charset {charset[:40]!r} is not one this "
                                               "service reads: send UTF-8.")
    return None
