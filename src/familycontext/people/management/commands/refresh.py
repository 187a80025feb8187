"""familycontext refresh FOLDER — the nightly job: load every bundle under FOLDER, then link.

The loads' snapshots wait for linkage; the link run publishes them with their people in one
transaction, so pages show last night's state, whole, until it finishes (issue 17). With
``--no-link`` they stay waiting until the next ``familycontext link``.

A bundle is any folder (FOLDER itself or one below it) holding a manifest.toml. Two refreshes
never overlap: the second finds the lock taken and exits non-zero at once, because two
interleaved loads and linkage runs could publish people built from a mix of snapshots. The lock
is an OS file lock in the data directory (FAMILYCONTEXT_DATA_DIR), released by the kernel if the
process dies, so a killed refresh never leaves a stale lock behind. Output is one plain line per
bundle and a totals line, without colour codes when not on a terminal, for a cron log.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.markup import escape

from familycontext.sources.loader import load_bundles
from familycontext.sources.models import Load
from familycontext.sources.snapshots import waiting_snapshots

LOCK_NAME = "refresh.lock"


class RefreshRunning(Exception):
    """Another refresh holds the lock."""


@contextmanager
def refresh_lock(directory: Path | None = None) -> Iterator[Path]:
    """Hold the refresh lock for the duration of the block, or raise RefreshRunning at once."""
    directory = Path(directory or settings.DATA_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / LOCK_NAME
    handle = open(path, "a+")  # noqa: SIM115 (held open for the lock's lifetime)
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip()
            raise RefreshRunning(f"another refresh is running ({holder or 'lock'} held on {path}); "
                                 "this one did nothing") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} since {time.strftime('%Y-%m-%d %H:%M:%S')}")
        handle.flush()
        yield path
    finally:
        handle.close()  # closing the descriptor releases the lock


def find_bundles(folder: Path) -> list[Path]:
    """Every folder at or under ``folder`` with a manifest.toml, in a stable order."""
    found = [p.parent for p in folder.rglob("manifest.toml") if p.is_file()]
    return sorted(set(found), key=lambda p: str(p))


class Command(BaseCommand):
    help = "Load every bundle under FOLDER (each folder with a manifest.toml), then link. One refresh at a time."

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)
        parser.add_argument("--no-link", action="store_true", help="Load only; do not run linkage")

    def handle(self, *args, folder: Path, no_link: bool = False, **options):
        console = Console(file=self.stdout, highlight=False, soft_wrap=True)
        if not folder.is_dir():
            raise CommandError(f"{folder}: not a folder")
        try:
            with refresh_lock():
                failed = self._refresh(console, folder, link=not no_link)
        except RefreshRunning as exc:
            raise CommandError(str(exc), returncode=3) from None
        if failed:
            raise CommandError(f"refresh finished with {failed} loads refused or failed", returncode=1)

    def _refresh(self, console: Console, folder: Path, *, link: bool) -> int:
        started = time.monotonic()
        bundles = find_bundles(folder)
        if not bundles:
            console.print(escape(f"refresh: no bundles (folders with manifest.toml) under {folder}"))
        outcomes: Counter[str] = Counter()
        people = 0
        for bundle in bundles:
            try:
                loads = load_bundles(bundle, loaded_by="refresh")
            except Exception as exc:  # one broken bundle must not stop the night's other loads
                outcomes["failed"] += 1
                console.print(escape(f"FAILED {bundle}: {type(exc).__name__}: {exc}"))
                continue
            for load in loads:
                outcomes[load.outcome] += 1
                if load.outcome == Load.Outcome.LOADED and load.snapshot_id:
                    people += load.snapshot.record_count
                console.print(escape(f"{load.outcome.upper():9} load {load.pk}: {load.message}"
                                     f" [{load.rows_read} rows, {load.rows_rejected} quarantined]"))
        failed = outcomes[Load.Outcome.REFUSED] + outcomes[Load.Outcome.FAILED] + outcomes["failed"]
        summary = ", ".join(f"{n} {k}" for k, n in sorted(outcomes.items())) or "nothing loaded"
        console.print(escape(f"refresh: {len(bundles)} bundles, {sum(outcomes.values())} loads: {summary}; "
                             f"{people:,} people in new snapshots; {time.monotonic() - started:.1f}s"))
        if link:
            call_command("link", stdout=self.stdout)
        else:
            waiting = len(waiting_snapshots())
            if waiting:
                console.print(f"refresh: {waiting} snapshots waiting for linkage; pages show them after "
                              "'familycontext link' publishes them")
        return failed
