"""ModelReader (ops.plain_sql) builds the same instances the ORM does (ADR 0002)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from familycontext.ops.plain_sql import ModelReader

pytestmark = pytest.mark.django_db


def test_model_reader_instances_equal_the_orms_field_by_field():
    user_model = get_user_model()
    made = [user_model.objects.create_user(f"reader{n}", password="x" * 16, is_staff=bool(n % 2),
                                           first_name="Zoë" if n else "") for n in range(3)]
    made[0].last_login = None
    reader = ModelReader(user_model, "u")
    connection = reader.database()
    pk = connection.ops.quote_name(user_model._meta.pk.column)
    rows = reader.fetch(f"FROM {reader.table(connection)} WHERE u.{pk} IN (%s, %s, %s) ORDER BY u.{pk}",
                        [u.pk for u in made])
    orm = list(user_model.objects.filter(pk__in=[u.pk for u in made]).order_by("pk"))
    assert len(rows) == len(orm) == 3
    for (plain, extra), expected in zip(rows, orm, strict=True):
        assert extra == ()
        for field in user_model._meta.concrete_fields:
            got, want = getattr(plain, field.attname), getattr(expected, field.attname)
            assert (got, type(got)) == (want, type(want)), field.name
        assert plain._state.db == expected._state.db and not plain._state.adding
