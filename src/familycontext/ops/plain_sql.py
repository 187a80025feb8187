"""Model instances read with one plain statement, for the few queries every request makes.

Building a query through the ORM costs several times more Python than the database spends on a
one-row lookup: 0.3–0.5 ms per query on the person page (docs/adr/0002). ``ModelReader`` writes the
column list once, and turns each row into the same instance the ORM would (``Model.from_db``,
with the database's converters, e.g. SQLite's booleans and dates). The caller writes the
``FROM`` and ``WHERE`` with ``%s`` parameters, as with any cursor.

Imports only Django, so any layer may use it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connections, router
from django.db.models import Model


class ModelReader:
    """Reads ``model``'s concrete fields (or ``fields``) from the table aliased ``alias``."""

    def __init__(self, model: type[Model], alias: str = "t", fields: Sequence[str] | None = None):
        self.model = model
        self.alias = alias
        concrete = model._meta.concrete_fields
        self.fields = [f for f in concrete if fields is None or f.attname in fields or f.name in fields]
        self.attnames = [f.attname for f in self.fields]
        self._converters: dict[str, list] = {}

    def database(self, write: bool = False):
        """The connection the router chooses for this model."""
        alias = (router.db_for_write if write else router.db_for_read)(self.model)
        return connections[alias]

    def columns(self, connection) -> str:
        q = connection.ops.quote_name
        return ", ".join(f"{self.alias}.{q(f.column)}" for f in self.fields)

    def table(self, connection) -> str:
        return f"{connection.ops.quote_name(self.model._meta.db_table)} {self.alias}"

    def _converters_for(self, connection) -> list:
        found = self._converters.get(connection.alias)
        if found is None:
            found = []
            for n, field in enumerate(self.fields):
                column = field.cached_col
                converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
                if converters:
                    found.append((n, column, converters))
            self._converters[connection.alias] = found
        return found

    def build(self, connection, values: Sequence[Any]) -> Model:
        """One instance from the first ``len(self.fields)`` values of a row."""
        values = list(values[: len(self.fields)])
        for n, column, converters in self._converters_for(connection):
            for converter in converters:
                values[n] = converter(values[n], column, connection)
        return self.model.from_db(connection.alias, self.attnames, values)

    def fetch(self, sql_after_select: str, params: Iterable[Any], extra: str = "",
              connection=None) -> list[tuple[Model, tuple]]:
        """``SELECT <columns>[, extra] <sql_after_select>``: each row as (instance, extra values)."""
        connection = connection or self.database()
        sql = f"SELECT {self.columns(connection)}{', ' + extra if extra else ''} {sql_after_select}"
        with connection.cursor() as cursor:
            cursor.execute(sql, list(params))
            rows = cursor.fetchall()
        n = len(self.fields)
        return [(self.build(connection, row), tuple(row[n:])) for row in rows]
