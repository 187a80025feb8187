"""Issue 17: a linkage run killed with SIGKILL — while scoring, or inside its publication
transaction — changes nothing users see; the run is then found abandoned and the new
snapshot is still waiting; the next run publishes it.

Real processes on a SQLite file (the operator's commands), state read straight from the file.
"""

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

from tests.publication.test_publication import _changed_police

pytestmark = pytest.mark.slow

# Everything a page or API answer is computed from.
PUBLISHED = {
    "live snapshots": "select id, source_id, record_count from sources_snapshot where live = 1 order by id",
    "people": "select id, first_name, last_name, date_of_birth, address, record_count, restricted from people_person"
              " order by id",
    "linked records": "select r.snapshot_id, r.record_id, r.person_id from sources_sourcerecord r"
                      " join sources_snapshot s on s.id = r.snapshot_id where s.live = 1 order by 1, 2",
    "search entries": "select count(*) from people_searchentry",
    "name keys": "select count(*) from people_namekey",
    "assignments": "select source_key, record_id, person_id from linkage_recordassignment order by 1, 2",
}

# Kill the process inside the publication transaction: after the snapshots went live and people
# were rewritten, as the search index is written.
KILL_IN_PUBLICATION = """
import os, signal, django
django.setup()
import familycontext.people.index as index
def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
index.write_index = die
from django.core.management import call_command
call_command("link")
"""


def _cli(env: dict, *args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "familycontext.cli", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def _ok(env: dict, *args: str) -> str:
    proc = _cli(env, *args)
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, (args, out, err[-3000:])
    return out


def _state(db: Path) -> dict:
    con = sqlite3.connect(db)
    try:
        return {name: con.execute(sql).fetchall() for name, sql in PUBLISHED.items()}
    finally:
        con.close()


def _running_runs(db: Path) -> int:
    con = sqlite3.connect(db)
    try:
        return con.execute("select count(*) from linkage_linkagerun where outcome = 'running'").fetchone()[0]
    finally:
        con.close()


def test_a_killed_link_changes_nothing_and_is_found_abandoned(tmp_path: Path):
    from familycontext.synth import generate

    borough = tmp_path / "borough"
    generate(people=300, seed=17, out=borough)
    db = tmp_path / "fc.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "FAMILYCONTEXT_DATA_DIR": str(tmp_path),
           "DJANGO_SETTINGS_MODULE": "familycontext.settings"}
    _ok(env, "migrate", "-v", "0")
    _ok(env, "load", *[str(p) for p in sorted(borough.iterdir()) if (p / "manifest.toml").exists()], "--no-quality")
    _ok(env, "link")
    published = _state(db)
    assert published["people"] and published["search entries"][0][0] > 0

    _ok(env, "load", str(_changed_police(borough, tmp_path)), "--no-quality")
    assert _state(db) == published, "a load changed the published state"

    # 1. Killed while scoring: as soon as its run is recorded.
    proc = _cli(env, "link")
    deadline = time.monotonic() + 120
    while _running_runs(db) == 0 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)
    assert proc.poll() is None, "the run finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert _state(db) == published, "a link killed while scoring changed the published state"

    # 2. Killed inside the publication transaction.
    killed = subprocess.run([sys.executable, "-c", KILL_IN_PUBLICATION], env=env, capture_output=True, text=True,
                            timeout=600)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-3000:]
    assert _state(db) == published, "a link killed while publishing changed the published state"

    status = json.loads(_ok(env, "status", "--json"))
    assert status["running_linkage_runs"] == []
    assert len(status["abandoned_linkage_runs"]) == 2 and all(r["abandoned_at"] for r in status["abandoned_linkage_runs"])
    assert [s["service"] for s in status["waiting_for_linkage"]] == ["police"]
    text = _ok(env, "status")
    assert "New snapshot waiting for linkage: Greater Manchester Police" in text and "abandoned" in text

    out = _ok(env, "link")
    assert "1 new snapshots published" in out
    now = _state(db)
    assert now["live snapshots"] != published["live snapshots"]
    assert json.loads(_ok(env, "status", "--json"))["waiting_for_linkage"] == []
