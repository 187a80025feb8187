"""The operator's path from a fresh database: synth → load → link → status, through the real command."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def _run(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "familycontext.cli", *args], env=env, capture_output=True, text=True,
                          timeout=600)


def test_synth_load_link_status_from_an_empty_database(tmp_path: Path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'fc.sqlite3'}", "FAMILYCONTEXT_DATA_DIR": str(tmp_path)}
    out = tmp_path / "borough"
    assert _run(env, "migrate", "-v", "0").returncode == 0
    synth = _run(env, "synth", "--people", "2000", "--seed", "1", "--out", str(out))
    assert synth.returncode == 0, synth.stderr
    bundles = sorted(str(p) for p in out.iterdir() if p.is_dir())
    assert len(bundles) == 5
    load = _run(env, "load", *bundles)
    assert load.returncode == 0, load.stdout + load.stderr
    link = _run(env, "link")
    assert link.returncode == 0, link.stderr
    status = json.loads(_run(env, "status", "--json").stdout)

    assert status["live_snapshots"] == 5
    with open(out / "truth.csv", newline="") as fh:
        truth = list(csv.DictReader(fh))
    records = sum(s["records"] for snaps in status["services"].values() for s in snaps)
    real_people = len({row["person_key"] for row in truth})
    # Linkage must join records (fewer people than records) without collapsing distinct people together.
    assert real_people * 0.9 <= status["people"] <= real_people * 1.1
    assert status["people"] < records

    # Loading the same bundles again changes nothing, and status says so.
    again = _run(env, "load", *bundles)
    assert again.returncode == 0 and again.stdout.count("Same as the live snapshot") == 5, again.stdout
    assert json.loads(_run(env, "status", "--json").stdout)["services"] == status["services"]


def test_status_before_migrate_says_what_to_run_first(tmp_path: Path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
           "FAMILYCONTEXT_DATA_DIR": str(tmp_path)}
    for command in (("status",), ("status", "--json")):
        done = _run(env, *command)
        assert done.returncode == 2 and "run 'familycontext migrate' first" in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
