"""The live snapshots with their sources, read with one plain statement and reused while unchanged.

Every person page and card needs the live snapshots (which source, how current). Through the ORM
that was a query costing several times more Python than the database spent on it, and its result
is the same for every request until a load goes live (docs/adr/0002). Each call still reads the live
snapshots' rows afresh, in one plain statement: the rows themselves are the version. Only when
they differ from the last ones seen by this process are new ``Snapshot`` and ``Source`` objects
built. So a load going live, a source renamed or a snapshot edited by hand shows at the next
request, in every process, with no invalidation to forget.

The objects are shared by the requests (and threads) of one process: read them, never change
them. They describe sources, never people.
"""

from __future__ import annotations

from django.db import connections, router

from familycontext.sources.models import Snapshot, Source

_SNAPSHOT_FIELDS = ("id", "source_id", "live", "content_hash", "date_current_as_of", "coverage_start",
                    "coverage_end", "coverage_area", "coverage_explanation", "record_count", "row_count",
                    "created_at", "published_at")
_SOURCE_FIELDS = ("id", "key", "service", "name")

# (database alias, rows) -> snapshots; replaced whole, so a reader never sees half an update.
_seen: tuple[str, tuple, tuple[Snapshot, ...]] | None = None


def _select(connection) -> str:
    q = connection.ops.quote_name
    snap, src = q(Snapshot._meta.db_table), q(Source._meta.db_table)
    columns = [f"s.{q(f)}" for f in _SNAPSHOT_FIELDS] + [f"src.{q(f)}" for f in _SOURCE_FIELDS]
    return (f"SELECT {', '.join(columns)} FROM {snap} s JOIN {src} src ON src.{q('id')} = s.{q('source_id')} "
            f"WHERE s.{q('live')} ORDER BY src.{q('name')}, s.{q('id')}")


def live_snapshots() -> tuple[Snapshot, ...]:
    """Every live snapshot, with ``.source`` set, ordered by source name (then id)."""
    global _seen
    alias = router.db_for_read(Snapshot)
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(_select(connection))
        rows = tuple(tuple(row) for row in cursor.fetchall())
    seen = _seen
    if seen is not None and seen[0] == alias and seen[1] == rows:
        return seen[2]
    n = len(_SNAPSHOT_FIELDS)
    snapshots = []
    for row in rows:
        values = list(row[:n])
        # Values as the ORM would give them (e.g. SQLite's booleans and datetimes).
        for i, name in enumerate(_SNAPSHOT_FIELDS):
            column = Snapshot._meta.get_field(name).cached_col
            for converter in connection.ops.get_db_converters(column) + column.get_db_converters(connection):
                values[i] = converter(values[i], column, connection)
        snapshot = Snapshot.from_db(alias, list(_SNAPSHOT_FIELDS), values)
        snapshot.source = Source.from_db(alias, list(_SOURCE_FIELDS), list(row[n:]))
        snapshots.append(snapshot)
    result = tuple(snapshots)
    _seen = (alias, rows, result)
    return result
