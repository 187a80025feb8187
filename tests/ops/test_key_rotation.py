"""Rotating DJANGO_SECRET_KEY with the old key in DJANGO_SECRET_KEY_FALLBACKS keeps people
signed in; rotating without it signs everyone out (docs/deployment.md, key rotation)."""

from __future__ import annotations

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db

OLD = "old-key-" + "a1" * 30
NEW = "new-key-" + "b2" * 30


def test_a_session_signed_with_the_old_key_survives_rotation_with_a_fallback(client, practitioner):
    with override_settings(SECRET_KEY=OLD):
        client.force_login(practitioner)
        assert client.get("/reason").status_code == 200  # signed in (the reason page needs a session)
    with override_settings(SECRET_KEY=NEW, SECRET_KEY_FALLBACKS=[OLD]):
        assert client.get("/reason").status_code == 200


def test_without_the_fallback_everyone_is_signed_out(client, practitioner):
    with override_settings(SECRET_KEY=OLD):
        client.force_login(practitioner)
    with override_settings(SECRET_KEY=NEW, SECRET_KEY_FALLBACKS=[]):
        response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in")
