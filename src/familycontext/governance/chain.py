"""The audit hash chain: canonical serialisation, appending under a lock, and verification.

Each entry's hash is SHA-256 over a canonical JSON of its sequence number, every recorded field
and the previous entry's hash. Changing any field, removing an entry or slipping one in breaks
the chain at that point, and ``verify`` names the first entry where it breaks.

What it cannot do on its own: someone with write access to the database who recomputes every
hash after their change, or deletes the last entries and moves the head back, produces a
consistent chain. Against that, every append also writes a signed checkpoint of the head outside
the database (``governance.checkpoints``), which ``verify_against`` checks (docs/security.md).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address

from familycontext.governance import checkpoints
from familycontext.governance.models import AppendOnlyError, AuditChainHead, AuditEntry

GENESIS = "0" * 64
HEAD_ID = 1

# The fields an entry's hash covers, in a fixed order (sequence and prev_hash are added).
HASHED_FIELDS = (
    "at", "user_id", "username", "user_name", "action", "person_id", "person_name",
    "person_date_of_birth", "search_terms", "reason_cms_id", "reason_type", "reason_text",
    "client_address", "details",
)


def _canonical_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(entry: AuditEntry) -> bytes:
    """The bytes an entry's hash is taken over: stable across databases and Python versions."""
    data: dict[str, Any] = {"sequence": entry.sequence, "prev_hash": entry.prev_hash}
    for name in HASHED_FIELDS:
        value = getattr(entry, name)
        data[name] = _canonical_time(value) if name == "at" else value
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def entry_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(canonical(entry)).hexdigest()


def _normalise(entry: AuditEntry) -> None:
    """Make the in-memory values exactly what the database will give back, before hashing."""
    for field in AuditEntry._meta.concrete_fields:
        value = getattr(entry, field.attname)
        max_length = getattr(field, "max_length", None)
        if isinstance(value, str) and max_length and field.get_internal_type() == "CharField":
            setattr(entry, field.attname, value[:max_length])
    if entry.client_address and ":" in entry.client_address:
        entry.client_address = clean_ipv6_address(entry.client_address)
    if entry.search_terms is not None or entry.details is not None:
        # JSON round trip: tuples become lists, keys become strings, as they will be when read back.
        entry.search_terms = json.loads(json.dumps(entry.search_terms, default=str))
        entry.details = json.loads(json.dumps(entry.details, default=str))


def locked_head() -> AuditChainHead:
    """The chain head, locked for this transaction (created first if a flush removed it).

    The head exists on every write but the first, so it is created only when missing: one
    query fewer on each audited request (docs/adr/0002).
    """
    if connection.vendor == "sqlite":
        # Take SQLite's write lock now (waiting for other writers) rather than on the first write,
        # where a reader that was overtaken would fail instead of waiting.
        if not AuditChainHead.objects.filter(id=HEAD_ID).update(last_sequence=F("last_sequence")):
            AuditChainHead.objects.bulk_create([AuditChainHead(id=HEAD_ID)], ignore_conflicts=True)
        return AuditChainHead.objects.get(id=HEAD_ID)
    head = AuditChainHead.objects.select_for_update().filter(id=HEAD_ID).first()
    if head is None:
        AuditChainHead.objects.bulk_create([AuditChainHead(id=HEAD_ID)], ignore_conflicts=True)
        head = AuditChainHead.objects.select_for_update().get(id=HEAD_ID)
    return head


# Appending runs on every audited request, so its three statements are plain SQL written once per
# database vendor: through the ORM they cost several times more Python than the database spends
# on them (docs/adr/0002). What is written, and the lock, are exactly as before.

def _q(name: str) -> str:
    return connection.ops.quote_name(name)


_SQL: dict[str, dict[str, str]] = {}
_INSERT_FIELDS = [f for f in AuditEntry._meta.concrete_fields if not f.primary_key]


def _sql() -> dict[str, str]:
    """The statements, written once per database vendor."""
    found = _SQL.get(connection.vendor)
    if found is None:
        head = _q(AuditChainHead._meta.db_table)
        returning = connection.features.can_return_columns_from_insert
        found = {
            # SQLite: take the write lock now (waiting for other writers) rather than at the first
            # write, where a reader that was overtaken would fail instead of waiting.
            "lock": (f"UPDATE {head} SET {_q('last_sequence')} = {_q('last_sequence')} WHERE {_q('id')} = %s"
                     if connection.vendor == "sqlite" else ""),
            "head": (f"SELECT {_q('last_sequence')}, {_q('last_hash')} FROM {head} WHERE {_q('id')} = %s"
                     + ("" if connection.vendor == "sqlite" else " FOR UPDATE")),
            "insert": (f"INSERT INTO {_q(AuditEntry._meta.db_table)} "
                       f"({', '.join(_q(f.column) for f in _INSERT_FIELDS)}) VALUES "),
            "row": "(" + ", ".join(["%s"] * len(_INSERT_FIELDS)) + ")",
            "returning": f" RETURNING {_q(AuditEntry._meta.pk.column)}" if returning else "",
            "update": (f"UPDATE {head} SET {_q('last_sequence')} = %s, {_q('last_hash')} = %s "
                       f"WHERE {_q('id')} = %s"),
            "ids": (f"SELECT {_q('sequence')}, {_q(AuditEntry._meta.pk.column)} "
                    f"FROM {_q(AuditEntry._meta.db_table)} WHERE {_q('sequence')} BETWEEN %s AND %s"),
        }
        _SQL[connection.vendor] = found
    return found


def lock_head() -> None:
    """Take the chain-head lock for the rest of the transaction, so a check made before appending
    (``audit.record_view_once``) sees every entry another request appended first."""
    _head_for_append()


def _head_for_append() -> tuple[int, str]:
    """(last sequence, last hash) of the chain head, locked until the transaction ends."""
    sql = _sql()
    with connection.cursor() as cursor:
        if sql["lock"]:
            cursor.execute(sql["lock"], [HEAD_ID])
        cursor.execute(sql["head"], [HEAD_ID])
        row = cursor.fetchone()
    if row is None:  # the very first entry (or after a flush): create the head, then lock it
        head = locked_head()
        return head.last_sequence, head.last_hash
    return row[0], row[1]


def _insert(entries: list[AuditEntry]) -> None:
    """Insert ``entries``; sets their primary keys as ``save`` would.

    One entry: one INSERT returning its id. Several (a page of results): one single-row INSERT
    sent for each with ``executemany`` (one statement for psycopg to parse and PostgreSQL to
    prepare, however many rows; a 20-row VALUES list has too many parameters for psycopg to
    cache its parsing), then their ids read back by sequence, under the same lock.
    """
    sql = _sql()
    params = [[f.get_db_prep_save(getattr(e, f.attname), connection) for f in _INSERT_FIELDS] for e in entries]
    with connection.cursor() as cursor:
        if len(entries) == 1:
            cursor.execute(sql["insert"] + sql["row"] + sql["returning"], params[0])
            ids = ([cursor.fetchone()[0]] if sql["returning"] else
                   [connection.ops.last_insert_id(cursor, AuditEntry._meta.db_table, AuditEntry._meta.pk.column)])
        else:
            cursor.executemany(sql["insert"] + sql["row"], params)
            cursor.execute(sql["ids"], [entries[0].sequence, entries[-1].sequence])
            by_sequence = dict(cursor.fetchall())
            ids = [by_sequence[e.sequence] for e in entries]
    for entry, pk_value in zip(entries, ids, strict=True):
        entry.pk = pk_value
        entry._state.adding = False
        entry._state.db = connection.alias


def append(entries: list[AuditEntry]) -> list[AuditEntry]:
    """Chain and save ``entries`` in order, in one transaction, holding the chain-head lock."""
    for entry in entries:
        if entry.pk is not None and not entry._state.adding:
            raise AppendOnlyError("Audit entries cannot be changed.")
    with transaction.atomic():
        sequence, previous = _head_for_append()
        for entry in entries:
            sequence += 1
            entry.sequence = sequence
            entry.prev_hash = previous
            if entry.at is None:
                entry.at = timezone.now()
            _normalise(entry)
            entry.entry_hash = entry_hash(entry)
            previous = entry.entry_hash
        # Nothing else may insert entries in bulk (the manager refuses it): entries must come
        # through here.
        if len(entries) == 1 and connection.vendor == "postgresql":
            _insert_one_and_move_head(entries[0], sequence, previous)
        else:
            _insert(entries)
            with connection.cursor() as cursor:
                cursor.execute(_sql()["update"], [sequence, previous, HEAD_ID])
        # Outside the database, once the entries are committed (a rolled-back append leaves none).
        transaction.on_commit(lambda: checkpoints.write(checkpoints.HEAD, sequence, previous))
    return entries


def _insert_one_and_move_head(entry: AuditEntry, sequence: int, last_hash: str) -> None:
    """PostgreSQL: the entry's INSERT and the head's UPDATE in one statement (a data-modifying
    WITH), still inside ``append``'s transaction and under its lock: one round trip fewer on
    every audited request (docs/adr/0002)."""
    sql = _sql()
    params = [f.get_db_prep_save(getattr(entry, f.attname), connection) for f in _INSERT_FIELDS]
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH inserted AS ({sql['insert']}{sql['row']}{sql['returning']}) "
            f"{sql['update']} RETURNING (SELECT {_q(AuditEntry._meta.pk.column)} FROM inserted)",
            [*params, sequence, last_hash, HEAD_ID])
        row = cursor.fetchone()
    if row is None or row[0] is None:  # the head row is missing: cannot happen under its lock
        raise RuntimeError("audit chain head not found while appending")
    entry.pk = row[0]
    entry._state.adding = False
    entry._state.db = connection.alias


@dataclass(frozen=True)
class Verification:
    """The outcome of walking the chain. ``problem`` names the first bad entry, or is empty."""

    checked: int
    head_sequence: int
    head_hash: str
    problem: str = ""
    bad_sequence: int | None = None
    bad_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problem


def _walk(chunk: int = 2000) -> Iterator[AuditEntry]:
    last = None
    while True:
        query = AuditEntry.objects.order_by("sequence")
        if last is not None:
            query = query.filter(sequence__gt=last)
        batch = list(query[:chunk])
        if not batch:
            return
        yield from batch
        last = batch[-1].sequence


def verify() -> Verification:
    """Walk the whole chain from the purge checkpoint to the head; stop at the first bad entry."""
    head = AuditChainHead.objects.filter(id=HEAD_ID).first() or AuditChainHead(id=HEAD_ID)
    expected_sequence = head.purged_through_sequence + 1
    expected_prev = head.purged_through_hash if head.purged_through_sequence else GENESIS
    checked = 0

    def bad(entry: AuditEntry, why: str) -> Verification:
        return Verification(checked, head.last_sequence, head.last_hash,
                            f"entry {entry.sequence} (id {entry.pk}, {_canonical_time(entry.at)}, "
                            f"{entry.action}): {why}", entry.sequence, entry.pk)

    for entry in _walk():
        if entry.sequence < expected_sequence:
            return bad(entry, f"comes before the start of the chain (expected {expected_sequence}): "
                              "inserted behind the product's back")
        if entry.sequence > expected_sequence:
            missing = (f"entry {expected_sequence}" if entry.sequence == expected_sequence + 1
                       else f"entries {expected_sequence} to {entry.sequence - 1}")
            return bad(entry, f"{missing} removed just before it")
        if entry.sequence > head.last_sequence:
            return bad(entry, f"is beyond the chain head ({head.last_sequence}): inserted behind the product's back")
        if entry.prev_hash != expected_prev:
            return bad(entry, "does not link to the entry before it (inserted or replaced behind the product's back)")
        if entry_hash(entry) != entry.entry_hash:
            return bad(entry, "was changed after it was written (its hash does not match its content)")
        checked += 1
        expected_sequence = entry.sequence + 1
        expected_prev = entry.entry_hash
    if expected_sequence - 1 != head.last_sequence or expected_prev != head.last_hash:
        if head.last_sequence == 0 and checked == 0:
            return Verification(0, 0, head.last_hash)
        return Verification(
            checked, head.last_sequence, head.last_hash,
            f"the chain ends at entry {expected_sequence - 1} but its head says {head.last_sequence}: "
            f"entries {expected_sequence} to {head.last_sequence} removed from the end",
            expected_sequence, None)
    return Verification(checked, head.last_sequence, head.last_hash)


def verify_against(found: checkpoints.Checkpoints) -> list[str]:
    """What signed checkpoints read from outside the database say is wrong with the chain in it."""
    head = AuditChainHead.objects.filter(id=HEAD_ID).first() or AuditChainHead(id=HEAD_ID)
    named = sorted(s for s in found.heads if head.purged_through_sequence < s <= head.last_sequence)
    hash_of: dict[int, str] = {}
    for start in range(0, len(named), 500):
        hash_of.update(AuditEntry.objects.filter(sequence__in=named[start:start + 500])
                       .values_list("sequence", "entry_hash"))
    return checkpoints.check(found, last_sequence=head.last_sequence, purged_through=head.purged_through_sequence,
                             purged_hash=head.purged_through_hash, hash_of=hash_of)
