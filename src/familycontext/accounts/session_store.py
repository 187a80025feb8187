"""Django's database session store, reading and updating a session with one plain statement each.

Every signed-in request reads its session and many write it. Through the ORM each costs several
times more Python than the database spends on it, and each update is wrapped in its own
transaction (docs/adr/0002). Same table, same data, same expiry and the same errors as
``django.contrib.sessions.backends.db``: only the reading and the updating of an existing session
are rewritten; creating, deleting and clearing expired sessions are Django's own.
"""

from __future__ import annotations

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router
from django.utils import timezone


class SessionStore(DatabaseSessionStore):
    def load(self):
        model = self.model
        alias = router.db_for_read(model)
        connection = connections[alias]
        q = connection.ops.quote_name
        expiry = model._meta.get_field("expire_date")
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {q('session_data')} FROM {q(model._meta.db_table)} "
                f"WHERE {q('session_key')} = %s AND {q('expire_date')} > %s",
                [self.session_key, expiry.get_db_prep_value(timezone.now(), connection)],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return {}
        return self.decode(row[0])

    def save(self, must_create=False):
        if self.session_key is None or must_create:
            return super().save(must_create=must_create)
        model = self.model
        alias = router.db_for_write(model)
        connection = connections[alias]
        q = connection.ops.quote_name
        expiry = model._meta.get_field("expire_date")
        data = self.encode(self._get_session())
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {q(model._meta.db_table)} SET {q('session_data')} = %s, {q('expire_date')} = %s "
                f"WHERE {q('session_key')} = %s",
                [data, expiry.get_db_prep_value(self.get_expiry_date(), connection), self.session_key],
            )
            updated = cursor.rowcount
        if not updated:
            raise UpdateError  # the session was deleted meanwhile, as Django's store would say
