"""Issue 17: the audit chain head is anchored outside the database by signed checkpoints.

Truncation (the last entries deleted and the head moved back) and a forged purge checkpoint
(the first entries deleted behind a moved purge mark) leave a chain that verifies on its own;
``audit verify --checkpoints FILE`` fails and names the missing range, whether FILE is the
checkpoint file or the product's own JSON log output.
"""

from __future__ import annotations

import io
import json
import logging
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone

from familycontext.governance import chain, checkpoints
from familycontext.governance.audit import build_entry
from familycontext.governance.models import AuditChainHead, AuditEntry
from familycontext.ops.logs import JsonFormatter

pytestmark = pytest.mark.django_db(transaction=True)  # checkpoints are written when appends commit


@pytest.fixture
def checkpoint_file(tmp_path, settings) -> Path:
    settings.AUDIT_CHECKPOINT_FILE = str(tmp_path / "audit-checkpoints.jsonl")
    settings.AUDIT_CHECKPOINT_KEY = "test-checkpoint-key"
    return Path(settings.AUDIT_CHECKPOINT_FILE)


def _append(n: int, days_ago: int = 0) -> list[AuditEntry]:
    out = []
    for _ in range(n):
        entry = build_entry("searched", username="pat")
        entry.at = timezone.now() - timedelta(days=days_ago)
        out += chain.append([entry])
    return out


def _verify(*files: Path) -> str:
    out = io.StringIO()
    call_command("audit", "verify", *[a for f in files for a in ("--checkpoints", str(f))], stdout=out)
    return out.getvalue()


def _delete(sequences: list[int]) -> None:
    """What someone with write access to the database can do (on PostgreSQL: past the trigger)."""
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('familycontext.purge', 'on', true)")
        marks = ", ".join(["%s"] * len(sequences))
        cursor.execute(f"DELETE FROM {table} WHERE sequence IN ({marks})", sequences)  # noqa: S608


def test_every_append_writes_one_signed_checkpoint_and_verify_accepts_them(checkpoint_file):
    entries = _append(5)
    lines = checkpoint_file.read_text().splitlines()
    assert len(lines) == 5
    last = json.loads(lines[-1])
    assert (last["kind"], last["sequence"], last["hash"]) == ("head", entries[-1].sequence, entries[-1].entry_hash)
    assert set(last) == {"kind", "sequence", "hash", "at", "mac"}
    assert "matches 5 signed checkpoints" in _verify(checkpoint_file)


def test_tail_deleted_and_head_moved_back_verifies_alone_but_fails_against_the_checkpoints(checkpoint_file):
    entries = _append(8)
    _delete([e.sequence for e in entries[5:]])
    AuditChainHead.objects.filter(id=chain.HEAD_ID).update(last_sequence=entries[4].sequence,
                                                           last_hash=entries[4].entry_hash)
    assert chain.verify().ok  # the database alone cannot tell
    with pytest.raises(CommandError) as failed:
        _verify(checkpoint_file)
    message = str(failed.value)
    assert f"entries {entries[5].sequence} to {entries[7].sequence} were removed from the end" in message
    assert f"the chain ends at entry {entries[4].sequence}" in message


def test_first_entries_hidden_behind_a_forged_purge_checkpoint_fail(checkpoint_file):
    entries = _append(6)
    _delete([e.sequence for e in entries[:3]])
    AuditChainHead.objects.filter(id=chain.HEAD_ID).update(purged_through_sequence=entries[2].sequence,
                                                           purged_through_hash=entries[2].entry_hash)
    assert chain.verify().ok
    with pytest.raises(CommandError, match=f"entries 1 to {entries[2].sequence} were removed behind a forged purge"):
        _verify(checkpoint_file)


def test_a_real_purge_is_vouched_for_by_its_signed_purge_checkpoint(checkpoint_file):
    _append(3, days_ago=800)
    _append(2)
    call_command("audit", "purge", stdout=io.StringIO())
    kinds = [json.loads(line)["kind"] for line in checkpoint_file.read_text().splitlines()]
    assert kinds.count("purge") == 1
    assert "The audit trail verifies" in _verify(checkpoint_file)


def test_a_line_without_a_valid_signature_fails_naming_it(checkpoint_file, settings):
    _append(2)
    with checkpoint_file.open("a") as handle:
        handle.write(json.dumps(checkpoints.signed("head", 99, "f" * 64) | {"mac": "0" * 64}) + "\n")
    with pytest.raises(CommandError, match=r"1 checkpoint lines do not carry a valid signature \(lines .*:3\)"):
        _verify(checkpoint_file)
    # Signed with another key (say, a copy of the product with its own key) is no better.
    settings.AUDIT_CHECKPOINT_KEY = "someone else's key"
    forged = checkpoints.signed("head", 99, "f" * 64)
    settings.AUDIT_CHECKPOINT_KEY = "test-checkpoint-key"
    checkpoint_file.write_text(checkpoint_file.read_text().splitlines()[0] + "\n" + json.dumps(forged) + "\n")
    with pytest.raises(CommandError, match="do not carry a valid signature"):
        _verify(checkpoint_file)


def test_the_product_s_json_log_output_serves_as_the_checkpoint_file(tmp_path, settings, caplog):
    settings.AUDIT_CHECKPOINT_FILE = None
    with caplog.at_level(logging.INFO, logger="familycontext.audit.checkpoints"):
        entries = _append(4)
        request_line = logging.makeLogRecord({"name": "familycontext.requests", "msg": "request", "levelname": "INFO"})
        records = [request_line, *caplog.records]
    log = tmp_path / "server.log"
    log.write_text("\n".join(JsonFormatter().format(r) for r in records) + "\nnot json at all\n")
    assert "matches 4 signed checkpoints" in _verify(log)
    _delete([entries[-1].sequence])
    AuditChainHead.objects.filter(id=chain.HEAD_ID).update(last_sequence=entries[-2].sequence,
                                                           last_hash=entries[-2].entry_hash)
    with pytest.raises(CommandError, match=f"entries {entries[-1].sequence} to {entries[-1].sequence} were removed"):
        _verify(log)


def test_a_rewritten_entry_whose_hashes_were_recomputed_fails(checkpoint_file):
    entries = _append(3)
    # Recompute the chain from entry 2 on, as someone with database access could, then fix the head.
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    prev = entries[0].entry_hash
    for entry in entries[1:]:
        entry.username = "someone-else"
        entry.prev_hash = prev
        entry.entry_hash = chain.entry_hash(entry)
        prev = entry.entry_hash
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ALTER TABLE " + table + " DISABLE TRIGGER USER")
            cursor.execute(f"UPDATE {table} SET username = %s, prev_hash = %s, entry_hash = %s WHERE id = %s",  # noqa: S608
                           [entry.username, entry.prev_hash, entry.entry_hash, entry.pk])
            if connection.vendor == "postgresql":
                cursor.execute("ALTER TABLE " + table + " ENABLE TRIGGER USER")
    AuditChainHead.objects.filter(id=chain.HEAD_ID).update(last_hash=prev)
    assert chain.verify().ok
    with pytest.raises(CommandError, match=f"entry {entries[1].sequence} differs from its signed checkpoint"):
        _verify(checkpoint_file)


def test_a_file_without_checkpoints_is_not_taken_as_proof(tmp_path):
    _append(1)
    empty = tmp_path / "empty.log"
    empty.write_text('{"message": "request"}\n')
    with pytest.raises(CommandError, match="No audit checkpoints"):
        _verify(empty)
