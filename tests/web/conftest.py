from __future__ import annotations

import pytest

from familycontext.governance.reason import SESSION_KEY
from tests.web.family import build_family, make_user


@pytest.fixture
def family(db):
    return build_family()


@pytest.fixture
def practitioner(db):
    return make_user("pat", "practitioner")


@pytest.fixture
def signed_in(client, practitioner):
    client.force_login(practitioner)
    return client


@pytest.fixture
def with_reason(signed_in):
    session = signed_in.session
    session[SESSION_KEY] = {"cms_id": "CMS100", "type": "section_47", "text": ""}
    session.save()
    return signed_in
