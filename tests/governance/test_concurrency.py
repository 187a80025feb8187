"""Concurrent writers never fork the chain: PostgreSQL locks the chain head; SQLite lets one
writer in at a time (checked with separate processes on a database file)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection, connections  # noqa: F401 (connection: skipif conditions)

from familycontext.governance import chain
from familycontext.governance.audit import record_event
from familycontext.governance.models import AuditEntry

WRITERS, EACH = 4, 25


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL only")
def test_threads_writing_at_once_on_postgresql_make_one_unbroken_chain():
    barrier = threading.Barrier(WRITERS)
    failures: list[BaseException] = []

    def write(n: int) -> None:
        try:
            barrier.wait()
            for i in range(EACH):
                record_event("searched", actor=f"writer-{n}", details={"i": i})
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures
    assert list(AuditEntry.objects.values_list("sequence", flat=True)) == list(range(1, WRITERS * EACH + 1))
    assert chain.verify().ok


WRITER = """
import sys, django
django.setup()
from familycontext.governance.audit import record_event
for i in range(int(sys.argv[2])):
    record_event("searched", actor="writer-" + sys.argv[1], details={"i": i})
"""


@pytest.mark.slow
def test_processes_writing_at_once_on_a_sqlite_file_make_one_unbroken_chain(tmp_path: Path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'audit.sqlite3'}",
           "DJANGO_SETTINGS_MODULE": "familycontext.settings", "FAMILYCONTEXT_DATA_DIR": str(tmp_path)}
    subprocess.run([sys.executable, "-m", "django", "migrate", "governance", "-v", "0"], env=env, check=True)
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(n), str(EACH)], env=env,
                                stderr=subprocess.PIPE, text=True) for n in range(WRITERS)]
    for w in writers:
        assert w.wait(timeout=120) == 0, w.stderr.read()
    check = subprocess.run([sys.executable, "-m", "django", "audit", "verify"], env=env,
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    assert f"{WRITERS * EACH} entries checked" in check.stdout
