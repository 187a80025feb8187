"""Which process is doing a load or linkage run, and whether it is still there (issue 17).

A run killed with SIGKILL (or on a machine that lost power) cannot mark itself finished: it
stays "running" in the database. Each run records the host and process id doing it, with the
process's start time so a reused pid is not mistaken for the run's own. ``reap`` marks a
running row abandoned when, on the same host, that process no longer exists; rows from other
hosts are left alone unless they are older than ``stale_after`` (a run longer than that is
assumed dead: linkage at 1M records takes minutes, not a day).
"""

from __future__ import annotations

import os
import socket
from datetime import timedelta
from pathlib import Path

from django.db.models import Model, Q
from django.utils import timezone

STALE_AFTER = timedelta(hours=24)
_SEPARATOR = "@"


def _start_ticks(pid: int) -> str:
    """The process's start time in clock ticks since boot (Linux), or '' where unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    # Field 22; the command name (field 2) is in parentheses and may hold spaces.
    return stat.rsplit(")", 1)[-1].split()[19]


def this_process() -> tuple[str, int]:
    """(host, pid) to record on a run: the host name carries the process's start time after '@'."""
    pid = os.getpid()
    ticks = _start_ticks(pid)
    return (f"{socket.gethostname()}{_SEPARATOR}{ticks}" if ticks else socket.gethostname())[:255], pid


def host_name(host: str) -> str:
    """The machine's name from a recorded ``host`` (without the start time)."""
    return host.split(_SEPARATOR, 1)[0]


def is_alive(host: str, pid: int | None) -> bool | None:
    """True/False for a process on this host; None when it ran elsewhere (cannot be told from here)."""
    name, _, ticks = host.partition(_SEPARATOR)
    if not pid or name != socket.gethostname():
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, another user's
    if ticks and _start_ticks(pid) not in ("", ticks):
        return False  # the pid was reused by a later process
    return True


def reap(model: type[Model], running: str, abandoned: str, *, stale_after: timedelta = STALE_AFTER) -> list[int]:
    """Mark ``model`` rows still ``running`` whose process is gone as ``abandoned``; returns their ids.

    ``model`` has ``outcome``, ``host``, ``pid``, ``started_at``, ``finished_at``, ``message`` and
    ``abandoned_at`` fields (``sources.Load`` and ``linkage.LinkageRun``).
    """
    now = timezone.now()
    found = []
    for pk, host, pid, started in model.objects.filter(outcome=running).values_list("pk", "host", "pid", "started_at"):
        alive = is_alive(host, pid)
        if alive is False or (alive is None and started < now - stale_after):
            found.append(pk)
    if found:
        how = "its process ended without finishing"
        model.objects.filter(Q(pk__in=found), outcome=running).update(
            outcome=abandoned, abandoned_at=now, message=how)
    return found
