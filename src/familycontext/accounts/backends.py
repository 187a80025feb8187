"""The sign-in backend: Django's ModelBackend, with a cheaper way to load the signed-in user.

Every request loads the user, then the session policy reads the user's live-session token and
the pages read the user's roles: three ORM queries, each costing more Python than the database
spends answering it. ``get_user`` reads all three in one query (docs/adr/0002), so they stay exactly
as current as before — read fresh on every request, never cached across requests — at a third
of the cost.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group

from familycontext.accounts.models import LiveSession
from familycontext.ops.plain_sql import ModelReader

# Set on the user by ``get_user``: its live-session token (``NO_LIVE_SESSION`` when it has none),
# read by ``accounts.sessions``; the roles go where ``accounts.roles.roles_of`` caches them.
LIVE_TOKEN_ATTRIBUTE = "_familycontext_live_token"
NO_LIVE_SESSION = ""


class UserBackend(ModelBackend):
    """ModelBackend whose ``get_user`` also brings the live-session token and the roles."""

    def get_user(self, user_id):
        from familycontext.accounts.roles import ROLES

        reader = _reader()
        try:
            pk = reader.model._meta.pk.to_python(user_id)
        except Exception:  # a tampered or stale session: no user, as ModelBackend would say
            return None
        connection = reader.database()
        q = connection.ops.quote_name
        extra = f"ls.{q(LiveSession._meta.get_field('token').column)}, g.{q('name')}"
        rows = reader.fetch(_from_where(connection), [pk], extra=extra, connection=connection)
        if not rows:
            return None
        user, (token, _) = rows[0]
        if not self.user_can_authenticate(user):
            return None
        setattr(user, LIVE_TOKEN_ATTRIBUTE, token if token is not None else NO_LIVE_SESSION)
        user._familycontext_roles = frozenset(role for _, (_, role) in rows if role in ROLES)
        return user


_READER: list[ModelReader] = []
_SQL: dict[str, str] = {}


def _reader() -> ModelReader:
    """The user model's columns, read as ``u`` (made on first use: the user model may be swapped)."""
    if not _READER:
        _READER.append(ModelReader(get_user_model(), alias="u"))
    return _READER[0]


def _from_where(connection) -> str:
    """The query after its SELECT list, written once per database vendor (portable SQL, quoted names)."""
    sql = _SQL.get(connection.vendor)
    if sql is None:
        q = connection.ops.quote_name
        user_model = get_user_model()
        membership = user_model.groups.through
        user_pk = q(user_model._meta.pk.column)
        member_user = q(membership._meta.get_field("user").column)
        member_group = q(membership._meta.get_field("group").column)
        sql = (
            f"FROM {q(user_model._meta.db_table)} u "
            f"LEFT JOIN {q(LiveSession._meta.db_table)} ls "
            f"ON ls.{q(LiveSession._meta.get_field('user').column)} = u.{user_pk} "
            f"LEFT JOIN {q(membership._meta.db_table)} m ON m.{member_user} = u.{user_pk} "
            f"LEFT JOIN {q(Group._meta.db_table)} g ON g.{q(Group._meta.pk.column)} = m.{member_group} "
            f"WHERE u.{user_pk} = %s"
        )
        _SQL[connection.vendor] = sql
    return sql
