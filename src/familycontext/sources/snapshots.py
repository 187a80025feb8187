"""Snapshots waiting for linkage, and the swap that makes them live (issue 17).

A load never makes its snapshot live by itself: ``stage`` marks it waiting. A linkage run links
the waiting snapshots with the live ones of the other sources and, in the one transaction that
writes its linkage and the people read model, calls ``publish`` for each waiting snapshot it
linked. Until then pages and APIs are computed from the previous published state, whole.
"""

from __future__ import annotations

from django.db import router, transaction
from django.db.models import Q
from django.utils import timezone

from familycontext.sources.models import (
    AscInvolvement,
    CmsRelationship,
    HousingCase,
    HousingTenancy,
    PoliceContact,
    PoliceOffence,
    SchoolEnrolment,
    Snapshot,
    SourceRecord,
)

ROW_MODELS = (CmsRelationship, SchoolEnrolment, HousingTenancy, HousingCase, AscInvolvement, PoliceContact, PoliceOffence)


def discard_rows(snapshot: Snapshot) -> None:
    """Delete a snapshot's records and rows in bulk (data minimisation: superseded data goes)."""
    db = router.db_for_write(SourceRecord)
    for model in ROW_MODELS:
        model.objects.filter(snapshot=snapshot)._raw_delete(db)
    SourceRecord.objects.filter(snapshot=snapshot)._raw_delete(db)


def stage(snapshot: Snapshot) -> Snapshot | None:
    """Make ``snapshot`` the one its source's next linkage run publishes; returns the waiting one it replaced.

    A snapshot already waiting for the same source is replaced and its rows discarded (a newer
    extract supersedes it before anyone saw it). The live snapshot is not touched.
    """
    with transaction.atomic():
        previous = (
            Snapshot.objects.select_for_update().filter(source=snapshot.source, waiting=True).exclude(pk=snapshot.pk).first()
        )
        if previous is not None:
            previous.waiting = False
            previous.save(update_fields=["waiting"])
            discard_rows(previous)
        snapshot.waiting = True
        snapshot.save(update_fields=["waiting"])
    return previous


def publish(snapshot: Snapshot) -> Snapshot | None:
    """Make ``snapshot`` its source's live snapshot; returns the one it replaced (now emptied).

    Called by a linkage run inside the transaction that publishes its linkage and the people
    read model (never on its own by the product: that would show records without their people).
    A reader sees either the old snapshot or the new one, never both or neither.
    """
    with transaction.atomic():
        previous = (
            Snapshot.objects.select_for_update().filter(source=snapshot.source, live=True).exclude(pk=snapshot.pk).first()
        )
        if previous is not None:
            previous.live = False
            previous.save(update_fields=["live"])
            discard_rows(previous)
        snapshot.live = True
        snapshot.waiting = False
        snapshot.published_at = timezone.now()
        snapshot.save(update_fields=["live", "waiting", "published_at"])
    return previous


def waiting_snapshots() -> list[Snapshot]:
    """Every snapshot loaded and waiting for the linkage run that makes it live, oldest first."""
    return list(Snapshot.objects.filter(waiting=True).select_related("source").order_by("created_at", "pk"))


def snapshots_to_link() -> list[Snapshot]:
    """What the next linkage run links: each source's waiting snapshot, else its live one."""
    found = Snapshot.objects.filter(Q(live=True) | Q(waiting=True)).select_related("source").order_by("source__key", "pk")
    chosen: dict[int, Snapshot] = {}
    for snapshot in found:
        if snapshot.source_id not in chosen or snapshot.waiting:
            chosen[snapshot.source_id] = snapshot
    return list(chosen.values())
