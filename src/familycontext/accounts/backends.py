"""The sign-in backend: Django's ModelBackend, with a cheaper way to load the signed-in user.

Every request loads the user, then the session policy reads the user's live-session token and
the pages read the user's roles: three ORM queries, each costing more Python than the database
spends answering it. ``get_user`` reads all three in one query (issue 9), so they stay exactly
as current as before — read fresh on every request, never cached across requests — at a third
of the cost.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.db import connections, router

from familycontext.accounts.models import LiveSession

# Set on the user by ``get_user``: its live-session token (``NO_LIVE_SESSION`` when it has none),
# read by ``accounts.sessions``; the roles go where ``accounts.roles.roles_of`` caches them.
LIVE_TOKEN_ATTRIBUTE = "_familycontext_live_token"
NO_LIVE_SESSION = ""


class UserBackend(ModelBackend):
    """ModelBackend whose ``get_user`` also brings the live-session token and the roles."""

    def get_user(self, user_id):
        from familycontext.accounts.roles import ROLES

        user_model = get_user_model()
        try:
            pk = user_model._meta.pk.to_python(user_id)
        except Exception:  # a tampered or stale session: no user, as ModelBackend would say
            return None
        alias = router.db_for_read(user_model)
        connection = connections[alias]
        fields = user_model._meta.concrete_fields
        with connection.cursor() as cursor:
            cursor.execute(_sql(connection), [pk])
            rows = cursor.fetchall()
        if not rows:
            return None
        width = len(fields)
        values = []
        for field, value in zip(fields, rows[0][:width], strict=True):
            column = field.get_col(user_model._meta.db_table)
            for convert in connection.ops.get_db_converters(column) + column.get_db_converters(connection):
                value = convert(value, column, connection)
            values.append(value)
        user = user_model.from_db(alias, [f.attname for f in fields], values)
        if not self.user_can_authenticate(user):
            return None
        token = rows[0][width]
        setattr(user, LIVE_TOKEN_ATTRIBUTE, token if token is not None else NO_LIVE_SESSION)
        user._familycontext_roles = frozenset(r[width + 1] for r in rows if r[width + 1] in ROLES)
        return user


_SQL: dict[str, str] = {}


def _sql(connection) -> str:
    """The one query, written once per database vendor (portable SQL, quoted names)."""
    sql = _SQL.get(connection.vendor)
    if sql is None:
        q = connection.ops.quote_name
        user_model = get_user_model()
        membership = user_model.groups.through
        columns = ", ".join(f"u.{q(f.column)}" for f in user_model._meta.concrete_fields)
        user_pk = q(user_model._meta.pk.column)
        member_user = q(membership._meta.get_field("user").column)
        member_group = q(membership._meta.get_field("group").column)
        sql = (
            f"SELECT {columns}, ls.{q(LiveSession._meta.get_field('token').column)}, g.{q('name')} "
            f"FROM {q(user_model._meta.db_table)} u "
            f"LEFT JOIN {q(LiveSession._meta.db_table)} ls "
            f"ON ls.{q(LiveSession._meta.get_field('user').column)} = u.{user_pk} "
            f"LEFT JOIN {q(membership._meta.db_table)} m ON m.{member_user} = u.{user_pk} "
            f"LEFT JOIN {q(Group._meta.db_table)} g ON g.{q(Group._meta.pk.column)} = m.{member_group} "
            f"WHERE u.{user_pk} = %s"
        )
        _SQL[connection.vendor] = sql
    return sql
