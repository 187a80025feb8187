from __future__ import annotations

import pytest
from django.core.cache import cache

from familycontext.api.tokens import create_token
from tests.web.family import build_family, make_user

REASON = {"HTTP_X_REASON_CMS_ID": "CMS100", "HTTP_X_REASON_TYPE": "section-47"}


@pytest.fixture(autouse=True)
def _fresh_rate_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def family(db):
    return build_family()


@pytest.fixture
def practitioner(db):
    return make_user("pat", "practitioner")


@pytest.fixture
def token(practitioner) -> str:
    return create_token("pat", ["read:people", "read:sources"], 30).secret


@pytest.fixture
def auth(token) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
