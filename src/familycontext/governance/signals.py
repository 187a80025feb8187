"""Audit entries for data loads and match decisions made outside a web request (the operator's
``familycontext load``, ``accept-load``, ``reject-load`` and linkage commands), without ``sources``
or ``linkage`` knowing about governance (they sit below it in the layers).

Inside a web request the view records the action itself, with its own details, so these handlers
stay silent there. User and role changes arrive through ``accounts.signals`` and are recorded by
the web layer, which may import both packages.
"""

from __future__ import annotations

from django.db.models.signals import post_save

from familycontext.governance.audit import current_request, record_event
from familycontext.governance.models import AuditAction
from familycontext.linkage.models import ReviewDecision
from familycontext.sources.models import Load


def load_finished(sender, instance: Load, created: bool, **kwargs) -> None:
    if created or instance.outcome == Load.Outcome.RUNNING or current_request.get() is not None:
        return
    record_event(AuditAction.DATA_LOADED, actor=instance.loaded_by, details={
        "load": instance.pk, "bundle": instance.bundle, "outcome": instance.outcome,
        "source": instance.source.key if instance.source_id else "", "rows_read": instance.rows_read,
        "rows_rejected": instance.rows_rejected, "message": instance.message[:500]})


def match_decided(sender, instance: ReviewDecision, created: bool, **kwargs) -> None:
    if current_request.get() is not None:
        return
    record_event(AuditAction.MATCH_DECIDED, actor=instance.decided_by, details={
        "decision": "same person" if instance.same_person else "different people",
        "records": [instance.unique_id_l, instance.unique_id_r], "new": created})


def connect() -> None:
    post_save.connect(load_finished, sender=Load, dispatch_uid="governance-load")
    post_save.connect(match_decided, sender=ReviewDecision, dispatch_uid="governance-match")
