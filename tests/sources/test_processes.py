"""sources.processes: a run whose process is gone is marked abandoned, with when; a live one is not."""

from __future__ import annotations

import socket
import subprocess
import sys
from datetime import timedelta

import pytest
from django.utils import timezone

from familycontext.linkage.models import LinkageRun
from familycontext.linkage.runs import reap_abandoned
from familycontext.sources.loader import reap_abandoned_loads
from familycontext.sources.models import Load
from familycontext.sources.processes import is_alive, this_process

pytestmark = pytest.mark.django_db


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_this_process_is_alive_and_a_finished_one_is_not():
    host, pid = this_process()
    assert is_alive(host, pid) is True
    assert is_alive(host, _dead_pid()) is False
    assert is_alive("another-host", pid) is None  # cannot be told from here


def test_a_reused_pid_is_not_taken_for_the_run_s_process():
    host, pid = this_process()
    name = host.split("@")[0]
    assert is_alive(f"{name}@1", pid) is False  # same pid, another start time


def test_loads_and_runs_whose_process_is_gone_are_marked_abandoned_with_when():
    host, pid = this_process()
    Load.objects.create(bundle="alive", host=host, pid=pid)
    dead = Load.objects.create(bundle="dead", host=socket.gethostname(), pid=_dead_pid())
    elsewhere_old = Load.objects.create(bundle="old", host="another-host", pid=1)
    Load.objects.filter(pk=elsewhere_old.pk).update(started_at=timezone.now() - timedelta(days=2))
    Load.objects.create(bundle="new", host="another-host", pid=1)
    assert sorted(reap_abandoned_loads()) == sorted([dead.pk, elsewhere_old.pk])
    outcomes = dict(Load.objects.values_list("bundle", "outcome"))
    assert outcomes == {"alive": "running", "dead": "abandoned", "old": "abandoned", "new": "running"}
    assert Load.objects.get(pk=dead.pk).abandoned_at is not None

    run = LinkageRun.objects.create(started_at=timezone.now(), upper_threshold=0.9, lower_threshold=0.5,
                                    host=socket.gethostname(), pid=_dead_pid())
    assert reap_abandoned() == [run.pk]
    run.refresh_from_db()
    assert run.outcome == LinkageRun.Outcome.ABANDONED and run.abandoned_at and "process ended" in run.message
