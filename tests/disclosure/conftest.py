from __future__ import annotations

import pytest
from django.core.cache import cache

from familycontext.api.tokens import create_token
from familycontext.governance.reason import SESSION_KEY
from tests.disclosure.refuge import build_refuge
from tests.web.family import build_family, make_user


@pytest.fixture(autouse=True)
def _fresh_rate_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def refuge(db):
    build_family()
    return build_refuge()


@pytest.fixture
def practitioner(db):
    return make_user("pat", "practitioner")


@pytest.fixture
def web(client, practitioner):
    client.force_login(practitioner)
    session = client.session
    session[SESSION_KEY] = {"cms_id": "CMS100", "type": "section_47", "text": ""}
    session.save()
    return client


@pytest.fixture
def api(client, practitioner):
    token = create_token("pat", ["read:people", "read:sources"], 30).secret
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_X_REASON_CMS_ID": "CMS100",
               "HTTP_X_REASON_TYPE": "section-47"}

    def get(path: str, **extra):
        return client.get(path, **{**headers, **extra})

    def post(path: str, body: dict):
        return client.post(path, body, content_type="application/json", **headers)

    get.post = post
    return get
