"""Audit retention (SPEC 8): entries older than ``audit.retention_days`` are purged by a command.

Purging removes a prefix of the chain and leaves a checkpoint (the sequence and hash of the last
entry removed) in the chain head, so ``audit verify`` still checks everything that remains. The
purge refuses to run over a broken chain (it would destroy the evidence) and records itself.
On PostgreSQL the append-only trigger lets the DELETE through only because the purge sets
``familycontext.purge = 'on'`` for its own transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from familycontext.governance import chain, checkpoints
from familycontext.governance.audit import record_event
from familycontext.governance.models import Alert, AuditAction, AuditChainHead, AuditEntry


class PurgeRefused(Exception):
    """The chain does not verify; purging would remove the evidence."""


@dataclass(frozen=True)
class PurgeResult:
    deleted: int
    through_sequence: int
    cutoff: datetime
    alerts_deleted: int


def _allow_delete(on: bool) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('familycontext.purge', %s, true)", ["on" if on else "off"])


def purge(*, retention_days: int | None = None, now: datetime | None = None, actor: str = "") -> PurgeResult:
    """Remove entries (and alerts) older than the retention period; record that it ran."""
    days = retention_days or settings.CONFIG.audit.retention_days
    cutoff = (now or timezone.now()) - timedelta(days=days)
    checked = chain.verify()
    if not checked.ok:
        raise PurgeRefused(f"The audit chain does not verify, so nothing was purged: {checked.problem}")
    with transaction.atomic():
        head = chain.locked_head()
        first_kept = (AuditEntry.objects.filter(at__gte=cutoff).order_by("sequence")
                      .values_list("sequence", flat=True).first())
        through = first_kept - 1 if first_kept is not None else head.last_sequence
        deleted = 0
        if through > head.purged_through_sequence:
            last = AuditEntry.objects.get(sequence=through)
            doomed = AuditEntry.objects.filter(sequence__lte=through)
            _allow_delete(True)
            deleted = doomed._raw_delete(doomed.db)
            _allow_delete(False)
            AuditChainHead.objects.filter(id=chain.HEAD_ID).update(
                purged_through_sequence=through, purged_through_hash=last.entry_hash, purged_at=timezone.now())
            purged_hash = last.entry_hash
            transaction.on_commit(lambda: checkpoints.write(checkpoints.PURGE, through, purged_hash))
        alerts_deleted, _ = Alert.objects.filter(at__lt=cutoff).delete()
        record_event(AuditAction.AUDIT_PURGED, actor=actor, details={
            "retention_days": days, "cutoff": cutoff.isoformat(), "entries_deleted": deleted,
            "purged_through_sequence": max(through, head.purged_through_sequence),
            "alerts_deleted": alerts_deleted})
    return PurgeResult(deleted, max(through, head.purged_through_sequence), cutoff, alerts_deleted)
