"""Publishing a snapshot: the atomic swap that makes a load live and lets the old rows go."""

from __future__ import annotations

from django.db import router, transaction
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


def publish(snapshot: Snapshot) -> Snapshot | None:
    """Make ``snapshot`` its source's live snapshot; returns the one it replaced (now emptied).

    Runs in one transaction: a reader sees either the old snapshot or the new one, never both
    or neither, and a crash part way leaves the old one live.
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
        snapshot.published_at = timezone.now()
        snapshot.save(update_fields=["live", "published_at"])
    return previous
