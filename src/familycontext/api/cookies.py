"""The reference contract's session cookie, FCSESSIONID, accepted beside Django's own.

The contract declares ``cookieAuth`` as a cookie named FCSESSIONID. Family Context's session cookie
keeps Django's name (the web pages use it); on /api/ addresses a request that carries only
FCSESSIONID is read as carrying that session, and whenever an API answer sets or deletes the session
cookie it sets or deletes FCSESSIONID the same way (same value, lifetime and flags), so a client
written to the contract finds the cookie it expects. Listed before SessionMiddleware.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

CONTRACT_COOKIE = "FCSESSIONID"


class ContractSessionCookieMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        ours = settings.SESSION_COOKIE_NAME
        if CONTRACT_COOKIE in request.COOKIES and ours not in request.COOKIES:
            request.COOKIES[ours] = request.COOKIES[CONTRACT_COOKIE]
        response = self.get_response(request)
        if ours in response.cookies:
            morsel = response.cookies[ours]
            response.cookies[CONTRACT_COOKIE] = morsel.value
            for attribute, value in morsel.items():
                if value != "":  # max-age 0 (a deletion) included
                    response.cookies[CONTRACT_COOKIE][attribute] = value
        return response
