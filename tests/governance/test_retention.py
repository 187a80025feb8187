"""`familycontext audit purge` enforces the retention period, keeps the chain verifiable through a
checkpoint, refuses to run over a broken chain, and records itself."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from familycontext.governance import chain
from familycontext.governance.audit import build_entry
from familycontext.governance.models import Alert, AuditChainHead, AuditEntry
from familycontext.governance.retention import PurgeRefused, purge

pytestmark = pytest.mark.django_db


def entry_at(days_ago: int, action: str = "searched") -> AuditEntry:
    entry = build_entry(action, username="old")
    entry.at = timezone.now() - timedelta(days=days_ago)
    return chain.append([entry])[0]


def test_purge_removes_entries_older_than_the_retention_and_the_chain_still_verifies():
    old = [entry_at(800), entry_at(760)]
    kept = [entry_at(10), entry_at(1)]
    out = io.StringIO()
    call_command("audit", "purge", stdout=out)  # default retention: 730 days
    assert "Purged 2 audit entries" in out.getvalue()
    remaining = list(AuditEntry.objects.order_by("sequence"))
    assert [e.sequence for e in remaining][:2] == [k.sequence for k in kept]
    purge_entry = remaining[-1]
    assert purge_entry.action == "audit_purged" and purge_entry.details["entries_deleted"] == 2
    head = AuditChainHead.objects.get()
    assert (head.purged_through_sequence, head.purged_through_hash) == (2, old[-1].entry_hash)
    assert chain.verify().ok and chain.verify().checked == 3


def test_purge_honours_a_shorter_retention_and_purges_old_alerts():
    entry_at(100)
    Alert.objects.create(kind="many_views", at=timezone.now() - timedelta(days=100), message="old")
    Alert.objects.create(kind="many_views", at=timezone.now(), message="new")
    result = purge(retention_days=60)
    assert (result.deleted, result.alerts_deleted) == (1, 1)
    assert list(Alert.objects.values_list("message", flat=True)) == ["new"]
    assert purge(retention_days=60).deleted == 0  # running again changes nothing but records itself
    assert AuditEntry.objects.filter(action="audit_purged").count() == 2
    assert chain.verify().ok


def test_purge_refuses_to_run_over_a_broken_chain():
    entry_at(900)
    entry_at(1)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute("UPDATE governance_auditentry SET username = 'x' WHERE sequence = 2")
            cursor.execute("SET LOCAL session_replication_role = origin")
    else:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE governance_auditentry SET username = 'x' WHERE sequence = 2")
    with pytest.raises(PurgeRefused):
        purge()
    with pytest.raises(CommandError, match="does not verify"):
        call_command("audit", "purge")
    assert AuditEntry.objects.count() == 2


def test_purge_refuses_a_retention_under_thirty_days():
    with pytest.raises(CommandError, match="at least 30"):
        call_command("audit", "purge", "--days", "3")
