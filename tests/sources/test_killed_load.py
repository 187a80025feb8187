"""A load killed with SIGKILL in the middle of writing leaves the previous snapshot live and intact."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.sources.bundles import person, write_bundle

pytestmark = pytest.mark.slow


def _cli(env: dict, *args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "familycontext.cli", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def test_sigkill_during_write_leaves_previous_snapshot_live(tmp_path: Path):
    db = tmp_path / "fc.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "FAMILYCONTEXT_DATA_DIR": str(tmp_path)}
    assert _cli(env, "migrate", "-v", "0").wait() == 0
    small = write_bundle(tmp_path / "v1", "cms", {"people": [person(f"A{i}") for i in range(50)]})
    assert _cli(env, "load", str(small)).wait() == 0
    big = write_bundle(tmp_path / "v2", "cms", {"people": [person(f"B{i}", first=f"N{i}") for i in range(120_000)]},
                       date_current_as_of="2026-11-21")

    proc = _cli(env, "load", str(big))
    wal = Path(f"{db}-wal")
    deadline = time.monotonic() + 120
    # The write transaction has begun once the write-ahead log grows well past its resting size.
    while time.monotonic() < deadline and proc.poll() is None:
        if wal.exists() and wal.stat().st_size > 4_000_000:
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the load finished before it could be killed; make the bundle bigger"
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    con = sqlite3.connect(db)
    live = con.execute(
        "select s.id, s.record_count from sources_snapshot s where s.live = 1 or s.waiting = 1"
    ).fetchall()
    assert len(live) == 1 and live[0][1] == 50
    assert con.execute("select count(*) from sources_sourcerecord where snapshot_id = ?", (live[0][0],)).fetchone()[0] == 50
    assert con.execute("select count(*) from sources_sourcerecord where record_id like 'B%'").fetchone()[0] == 0
    con.close()

    # The killed load is found abandoned, not left "running" (issue 17).
    status = _cli(env, "status", "--json")
    out, err = status.communicate(timeout=120)
    found = json.loads(out)
    assert found["running_loads"] == [] and len(found["abandoned_loads"]) == 1, (out, err)
    con = sqlite3.connect(db)
    assert con.execute("select outcome from sources_load order by id desc limit 1").fetchone()[0] == "abandoned"
    con.close()

    # The database is usable afterwards: the same bundle loads cleanly.
    done = _cli(env, "load", str(big))
    out, err = done.communicate(timeout=300)
    assert done.returncode == 0, err
