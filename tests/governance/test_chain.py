"""The audit trail is append-only and hash-chained: tampering behind the product's back is found
by `familycontext audit verify`, which names the first bad entry; on PostgreSQL the database
itself refuses UPDATE and DELETE."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from familycontext.governance import chain
from familycontext.governance.audit import record_event
from familycontext.governance.models import AppendOnlyError, AuditChainHead, AuditEntry

pytestmark = pytest.mark.django_db

POSTGRES = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL only")
SQLITE = pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite only")


def five_entries() -> list[AuditEntry]:
    return [record_event("data_loaded", actor="loader", details={"load": n}) for n in range(1, 6)]


def verify_output() -> str:
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


def verify_error() -> str:
    with pytest.raises(CommandError) as failed:
        verify_output()
    return str(failed.value)


def test_entries_chain_each_to_the_one_before_and_the_chain_verifies():
    entries = five_entries()
    assert [e.sequence for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].prev_hash == chain.GENESIS
    assert all(b.prev_hash == a.entry_hash for a, b in zip(entries, entries[1:], strict=False))
    head = AuditChainHead.objects.get()
    assert (head.last_sequence, head.last_hash) == (5, entries[-1].entry_hash)
    assert "5 entries checked" in verify_output()


def test_the_hash_covers_what_the_database_gives_back():
    entry = record_event("searched", actor="x", search_terms={"b": "2", "a": "1"},
                         address="2001:0db8:0000:0000:0000:0000:0000:0001")
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.client_address == "2001:db8::1"
    assert chain.entry_hash(stored) == stored.entry_hash == entry.entry_hash


def test_the_product_cannot_change_or_delete_entries_even_in_bulk():
    entry = five_entries()[0]
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(username="someone else")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    entry.username = "someone else"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        AuditEntry(action="searched").save()  # not through the chain
    assert AuditEntry.objects.count() == 5


@SQLITE
def test_a_field_changed_by_raw_sql_is_named_by_verify():
    five_entries()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE governance_auditentry SET username = 'nobody' WHERE sequence = 3")
    message = verify_error()
    assert "entry 3 " in message and "was changed" in message
    assert not chain.verify().ok and chain.verify().bad_sequence == 3


@SQLITE
def test_a_row_deleted_by_raw_sql_is_named_by_verify():
    five_entries()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM governance_auditentry WHERE sequence = 2")
    message = verify_error()
    assert "entry 3 " in message and "entry 2 removed" in message


@SQLITE
def test_the_last_rows_deleted_by_raw_sql_are_found_through_the_chain_head():
    five_entries()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM governance_auditentry WHERE sequence >= 4")
    assert "entries 4 to 5 removed from the end" in verify_error()


@SQLITE
def test_a_forged_row_inserted_by_raw_sql_is_named_by_verify():
    entries = five_entries()
    # A forger who knows the format: a well-formed entry with a correct hash, chained to the last one.
    forged = AuditEntry(sequence=6, at=entries[-1].at, username="ghost", action="signed_in",
                        prev_hash=entries[-1].entry_hash)
    forged.entry_hash = chain.entry_hash(forged)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO governance_auditentry (sequence, at, username, user_name, action, person_id, person_name,"
            " person_date_of_birth, reason_cms_id, reason_type, reason_text, prev_hash, entry_hash)"
            " VALUES (6, %s, 'ghost', '', 'signed_in', '', '', '', '', '', '', %s, %s)",
            [entries[-1].at, forged.prev_hash, forged.entry_hash])
    message = verify_error()
    assert "entry 6 " in message and "beyond the chain head" in message


@SQLITE
def test_a_row_replaced_in_the_middle_is_named_by_verify():
    five_entries()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE governance_auditentry SET prev_hash = %s WHERE sequence = 4", ["f" * 64])
    message = verify_error()
    assert "entry 4 " in message


@POSTGRES
def test_postgresql_itself_refuses_update_and_delete_of_audit_rows():
    five_entries()
    for sql in ("UPDATE governance_auditentry SET username = 'nobody' WHERE sequence = 3",
                "DELETE FROM governance_auditentry WHERE sequence = 2"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditEntry.objects.count() == 5 and chain.verify().ok


@POSTGRES
def test_on_postgresql_a_superuser_bypassing_the_trigger_is_still_caught_by_verify():
    five_entries()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")  # triggers off: superuser only
        cursor.execute("UPDATE governance_auditentry SET username = 'nobody' WHERE sequence = 3")
        cursor.execute("DELETE FROM governance_auditentry WHERE sequence = 5")
    assert "entry 3 " in verify_error()


def test_an_empty_trail_verifies():
    assert chain.verify().ok and chain.verify().checked == 0
