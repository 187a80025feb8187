"""`familycontext refresh FOLDER`: every bundle under FOLDER, then linkage, one refresh at a time."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import CommandError, call_command

from familycontext.people.management.commands.refresh import find_bundles, refresh_lock
from familycontext.sources.models import Load, Snapshot
from familycontext.synth import generate
from tests.sources.bundles import person, write_bundle

pytestmark = pytest.mark.django_db


@pytest.fixture
def nightly(tmp_path, settings):
    settings.DATA_DIR = tmp_path / "data"
    drop = tmp_path / "drop"
    generate(100, 3, drop, as_of=date(2026, 11, 20))
    return drop


def test_refresh_loads_every_bundle_and_prints_one_plain_line_each(nightly, capsys):
    call_command("refresh", str(nightly), "--no-link")
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.startswith("LOADED")]
    assert len(lines) == 5 and "\x1b[" not in out
    assert "refresh: 5 bundles, 5 loads: 5 loaded" in out
    assert "5 snapshots waiting for linkage" in out
    assert Snapshot.objects.filter(waiting=True).count() == 5 and not Snapshot.objects.filter(live=True).exists()


def test_refresh_twice_reports_unchanged(nightly, capsys):
    call_command("refresh", str(nightly), "--no-link")
    call_command("refresh", str(nightly), "--no-link")
    assert "5 loads: 5 unchanged" in capsys.readouterr().out


def test_refresh_then_runs_linkage_over_the_new_snapshots(nightly, capsys):
    from familycontext.linkage.models import LinkageRun

    call_command("refresh", str(nightly))
    out = capsys.readouterr().out
    assert LinkageRun.objects.count() == 1, out
    assert "refresh: 5 bundles" in out and "5 new snapshots published" in out
    assert Snapshot.objects.filter(live=True).count() == 5 and not Snapshot.objects.filter(waiting=True).exists()


def test_a_refused_bundle_makes_refresh_exit_non_zero_but_the_others_load(nightly, capsys):
    write_bundle(nightly / "zz-broken", "cms", {"people": [person("C1")]}, columns={"people": ["record_id"]}, source="cms-two")
    with pytest.raises(CommandError, match="1 loads refused or failed") as info:
        call_command("refresh", str(nightly), "--no-link")
    assert info.value.returncode == 1
    out = capsys.readouterr().out
    assert "REFUSED" in out and "people.csv, row 1: required column" in out
    assert Load.objects.filter(outcome=Load.Outcome.LOADED).count() == 5


def test_a_second_refresh_while_one_runs_exits_non_zero_and_does_nothing(nightly, settings):
    with refresh_lock(settings.DATA_DIR):
        with pytest.raises(CommandError, match="another refresh is running") as info:
            call_command("refresh", str(nightly), "--no-link")
    assert info.value.returncode == 3
    assert not Load.objects.exists()
    call_command("refresh", str(nightly), "--no-link")  # the lock is released afterwards
    assert Load.objects.count() == 5


def test_find_bundles_finds_nested_manifests_only(tmp_path):
    write_bundle(tmp_path / "a" / "cms", "cms", {"people": [person("C1")]})
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "notes.txt").write_text("not a bundle")
    assert find_bundles(tmp_path) == [tmp_path / "a" / "cms"]
