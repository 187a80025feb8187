"""The 2021 reference UI, served unmodified at /FamilyContext/ when ``api.reference_ui_folder`` names
its production build (docs/api.md, "The reference UI").

The build's own files (scripts, styles, images) are served as they are. Every other address under
/FamilyContext/ is one of the app's own routes and gets its index.html, but only to a user who has
come through the product's sign-in (local account or single sign-on, second factor included), holds
a role that may view people, and has stated a reason for access on the product's reason page. The
stock UI then finds that session through /api/auth/status, so each person view it makes carries the
reason and is audited as on the web pages.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import SuspiciousFileOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_safe
from django.views.static import serve

from familycontext.accounts.roles import CAN_VIEW_PEOPLE, has_role
from familycontext.governance.reason import current_reason

PREFIX = "/FamilyContext/"  # where the build expects to live (its PUBLIC_URL); fixed at build time
INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
FILE_NAME = re.compile(r"[^/]+\.[A-Za-z0-9]+$")  # "main.511b285b.chunk.js", not "person/P00000001"


def folder() -> Path | None:
    configured = settings.CONFIG.api.reference_ui_folder
    return Path(configured) if configured else None


def _is_asset(rest: str) -> bool:
    """A file of the build (answered as a file or 404), as opposed to one of the app's routes."""
    return rest.split("/", 1)[0] in ("static", "assets") or bool(FILE_NAME.search(rest))


@lru_cache(maxsize=4)
def _index(path: Path, mtime: float) -> tuple[bytes, str]:
    """index.html and the Content-Security-Policy that lets exactly its inline script run.

    The build's webpack runtime is an inline <script>; rather than allow 'unsafe-inline', the
    policy names that script by its SHA-256, so the page keeps the product's strict policy.
    """
    html = path.read_bytes()
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"
        for script in INLINE_SCRIPT.findall(html.decode("utf-8")))
    policy = "; ".join([
        "default-src 'self'", f"script-src 'self' {hashes}".strip(), "style-src 'self'",
        "img-src 'self' data:", "font-src 'self'", "connect-src 'self'", "form-action 'self'",
        "frame-ancestors 'none'", "base-uri 'self'", "object-src 'none'"])
    return html, policy


def _app_page(request: HttpRequest, build: Path) -> HttpResponse:
    """The app's index.html, after the product's own sign-in and reason pages."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not has_role(request.user, *CAN_VIEW_PEOPLE):
        return redirect(settings.LOGIN_REDIRECT_URL)  # the home page says what this account may do
    if current_reason(request) is None:
        return redirect(f"{reverse('web:reason')}?{urlencode({'next': request.get_full_path()})}")
    index = build / "index.html"
    html, policy = _index(index, index.stat().st_mtime)
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = policy
    response["Cache-Control"] = "no-store"
    return response


@require_safe
def reference_ui(request: HttpRequest, rest: str = "") -> HttpResponse:
    build = folder()
    if build is None:
        raise Http404("The reference UI is not served here (api.reference_ui_folder is blank).")
    if not _is_asset(rest) or rest == "index.html":
        return _app_page(request, build)
    try:
        response = serve(request, rest, document_root=str(build))
    except SuspiciousFileOperation as exc:  # "..": nothing outside the build is served
        raise Http404("No such file in the reference UI build.") from exc
    # Hashed names never change content; the rest (manifest, icons) is checked each time.
    response["Cache-Control"] = "public, max-age=31536000, immutable" if rest.startswith("static/") \
        else "no-cache"
    return response


def sent_by_the_served_ui(request: HttpRequest) -> bool:
    """Whether this API call comes from the reference UI page this server serves (same origin)."""
    if folder() is None:
        return False
    referer = urlsplit(request.headers.get("Referer", ""))
    return referer.netloc == request.get_host() and referer.path.startswith(PREFIX)
