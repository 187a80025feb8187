"""The audit hash chain: canonical serialisation, appending under a lock, and verification.

Each entry's hash is SHA-256 over a canonical JSON of its sequence number, every recorded field
and the previous entry's hash. Changing any field, removing an entry or slipping one in breaks
the chain at that point, and ``verify`` names the first entry where it breaks.

What it cannot do on its own: someone with write access to the database who recomputes every
hash after their change, and rewrites the chain head, produces a consistent chain. Against that,
keep the head hash printed by ``familycontext audit verify`` somewhere they cannot write (see
docs/security.md).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address

from familycontext.governance.models import AuditChainHead, AuditEntry

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
    query fewer on each audited request (issue 9).
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


def append(entries: list[AuditEntry]) -> list[AuditEntry]:
    """Chain and save ``entries`` in order, in one transaction, holding the chain-head lock."""
    with transaction.atomic():
        head = locked_head()
        sequence, previous = head.last_sequence, head.last_hash
        for entry in entries:
            sequence += 1
            entry.sequence = sequence
            entry.prev_hash = previous
            if entry.at is None:
                entry.at = timezone.now()
            _normalise(entry)
            entry.entry_hash = entry_hash(entry)
            if len(entries) == 1:
                entry.save(force_insert=True)  # AuditEntry.save checks it is chained and new
            previous = entry.entry_hash
        if len(entries) > 1:
            # A page of results: one INSERT for its 20 entries rather than 20 (issue 9).
            # The manager refuses bulk_create to everyone else: entries must come through here.
            QuerySet(model=AuditEntry).bulk_create(entries)
        AuditChainHead.objects.filter(id=HEAD_ID).update(last_sequence=sequence, last_hash=previous)
    return entries


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
