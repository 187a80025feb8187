"""Marks every test that touches the database ``db``, so `make test` runs only those again on
PostgreSQL; the rest (linkage, rules, synth, identity, ...) do not depend on the vendor and run once.

A test touches the database when it, or any fixture it uses, asks for pytest-django's database
fixtures (``db``, ``transactional_db``, ``live_server``, ...) or carries ``django_db``.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

# Generated-input tests assert behaviour, not speed: on a shared or loaded CI machine input generation
# can be slow, and Hypothesis's timing checks (deadline, too_slow) would then fail a correct test.
settings.register_profile("familycontext", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("familycontext")

DATABASE_FIXTURES = frozenset({"db", "transactional_db", "django_db_reset_sequences",
                               "django_db_serialized_rollback", "live_server", "django_db_setup"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("django_db") or DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)
