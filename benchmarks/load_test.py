"""Load test: gunicorn + PostgreSQL + ~100,000 linked people, 100 social workers at once.

Run it under a throw-away PostgreSQL server:

    scripts/with-postgres .venv/bin/python benchmarks/load_test.py --people 235000 --save-dump /tmp/fc.dump
    scripts/with-postgres .venv/bin/python benchmarks/load_test.py --restore /tmp/fc.dump

It builds the borough with the operator's own commands (synth → load → link; 235,000 synthetic
residents give ~100,000 people known to a service), or restores a dump of one, then:
creates a practitioner and one signed-in session per simulated user (with a reason for access,
so sign-in's deliberately slow password hashing is not what is measured), starts scripts/serve
(gunicorn, production settings) on a local port, waits for /readyz, and runs Locust headless
(benchmarks/locustfile.py). It prints Locust's figures (requests per second, p50/p95/p99,
failures) and the server's own timings per view from its JSON request log, which are free of
the load generator's CPU use. Optionally `--wrk` measures person pages with wrk as well.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PG_BIN = sorted(Path("/usr/lib/postgresql").glob("*/bin"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--people", type=int, default=235_000, help="synthetic residents to generate")
    source.add_argument("--restore", type=Path, help="pg_restore this dump instead of building")
    source.add_argument("--reuse", action="store_true", help="the database is already built")
    parser.add_argument("--save-dump", type=Path, help="pg_dump the built database here")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--spawn-rate", type=float, default=20)
    parser.add_argument("--run-time", default="120s")
    parser.add_argument("--wait", default="0.2,0.6", help="seconds between a user's actions: min,max")
    parser.add_argument("--ecomap", type=float, default=0.0,
                        help="share of person pages on which the user also opens the ecomap (0-1)")
    parser.add_argument("--processes", type=int, default=1, help="Locust worker processes")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: scripts/serve's)")
    parser.add_argument("--threads", type=int, help="gunicorn threads per worker")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--wrk", action="store_true", help="also run wrk on person pages")
    parser.add_argument("--out", type=Path, help="keep the work folder (CSV, logs) here")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL must be a PostgreSQL database: run under scripts/with-postgres")
    work = args.out or Path(tempfile.mkdtemp(prefix="fc-load-"))
    work.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "FAMILYCONTEXT_DATA_DIR": str(work / "data"),
           "DJANGO_SETTINGS_MODULE": "familycontext.settings_production",
           "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
           "FAMILYCONTEXT_ALLOWED_HOSTS": "127.0.0.1,localhost", "FAMILYCONTEXT_SECURE": "0"}

    if args.restore:
        step("restore", [pg("pg_restore"), "--no-owner", "--no-privileges", "-d", url, str(args.restore)], env)
    step("migrate", [fc(), "migrate", "--no-input", "-v", "0"], env)
    if not (args.restore or args.reuse):
        synth = work / "synth"
        step("synth", [fc(), "synth", "--people", str(args.people), "--seed", str(args.seed),
                       "--out", str(synth), "-v", "0"], env)
        step("load", [fc(), "load", *sorted(str(p) for p in synth.iterdir() if p.is_dir())], env,
             quiet=True)
        step("link", [fc(), "link"], env, quiet=True)
    if args.save_dump:
        step("dump", [pg("pg_dump"), "-Fc", "-f", str(args.save_dump), url], env)
    # A restored (or just loaded) database has no planner statistics yet: without this,
    # autovacuum analyses every table during the run, and its CPU is counted as the service's.
    step("vacuum", [pg("vacuumdb"), "--analyze", "--quiet", "-d", url], env)
    step("prepare", [sys.executable, __file__, "--prepare", str(work), str(args.users)], env)
    counts = json.loads((work / "counts.json").read_text())
    print(f"database: {counts['people']:,} people, {counts['records']:,} live records", flush=True)

    server_env = {**env, "FAMILYCONTEXT_BIND": f"127.0.0.1:{args.port}"}
    if args.workers:
        server_env["FAMILYCONTEXT_WORKERS"] = str(args.workers)
    if args.threads:
        server_env["FAMILYCONTEXT_THREADS"] = str(args.threads)
    log = open(work / "server.log", "w")
    server = subprocess.Popen([str(ROOT / "scripts" / "serve")], env=server_env, stdout=log,
                              stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{args.port}"
    try:
        wait_ready(base, server)
        mark = (work / "server.log").stat().st_size
        locust_env = {**env, "LOADTEST_SESSIONS": str(work / "sessions.txt"),
                      "LOADTEST_PEOPLE": str(work / "people.csv"), "LOADTEST_WAIT": args.wait,
                      "LOADTEST_ECOMAP": str(args.ecomap)}
        command = [str(BIN / "locust"), "-f", str(ROOT / "benchmarks" / "locustfile.py"), "--headless",
                   "-u", str(args.users), "-r", str(args.spawn_rate), "-t", args.run_time,
                   "--host", base, "--csv", str(work / "locust"), "--reset-stats", "--only-summary",
                   "--loglevel", "WARNING"]
        if args.processes > 1:
            command += ["--processes", str(args.processes)]
        print(f"locust: {args.users} users, wait {args.wait} s, ecomap on {args.ecomap:.0%} of person pages, "
              f"{args.run_time}; load average before: {_load()}", flush=True)
        started = time.time()
        before = {"app": group_cpu(server.pid), "db": postgres_cpu(url),
                  "locust": resource.getrusage(resource.RUSAGE_CHILDREN)}
        subprocess.run(command, env=locust_env, check=False)
        seconds = time.time() - started
        print(f"load average after: {_load()}", flush=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = {"app": group_cpu(server.pid) - before["app"], "db": postgres_cpu(url) - before["db"],
               "locust": (after.ru_utime + after.ru_stime)
               - (before["locust"].ru_utime + before["locust"].ru_stime)}
        report_locust(work / "locust_stats.csv")
        requests = report_server(work / "server.log", mark, seconds)
        report_cpu(cpu, requests, seconds)
        if args.wrk:
            run_wrk(base, work)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    print(f"work folder: {work}")


def _load() -> str:
    """The machine's load average (1, 5, 15 min): how much else competed for the cores."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def fc() -> str:
    return str(BIN / "familycontext")


def pg(program: str) -> str:
    found = shutil.which(program)
    return found or str(PG_BIN[-1] / program)


def step(name: str, command: list[str], env: dict, quiet: bool = False) -> None:
    started = time.time()
    result = subprocess.run(command, env=env, cwd=ROOT, capture_output=quiet, text=True)
    if result.returncode != 0:
        sys.exit(f"{name} failed:\n{(result.stdout or '')[-3000:]}{(result.stderr or '')[-3000:]}")
    print(f"{name}: {time.time() - started:.0f} s", flush=True)


def wait_ready(base: str, server: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.time() + timeout
    last = ""
    while time.time() < deadline:
        if server.poll() is not None:
            sys.exit("the server stopped; see server.log")
        try:
            with urllib.request.urlopen(f"{base}/readyz", timeout=5):
                return
        except urllib.error.HTTPError as exc:
            last = exc.read().decode()
        except OSError as exc:
            last = str(exc)
        time.sleep(0.5)
    sys.exit(f"not ready after {timeout:.0f} s: {last}")


def report_locust(stats: Path) -> None:
    rows = list(csv.DictReader(stats.open()))
    print(f"\n{'request':<16}{'count':>8}{'fail':>6}{'rps':>8}{'p50':>7}{'p95':>7}{'p99':>7}{'max':>8}")
    for row in rows:
        print(f"{(row['Name'] or row['Type'])[:15]:<16}{row['Request Count']:>8}{row['Failure Count']:>6}"
              f"{float(row['Requests/s']):>8.1f}{row['50%']:>7}{row['95%']:>7}{row['99%']:>7}"
              f"{float(row['Max Response Time']):>8.0f}")


def report_server(log: Path, start: int, seconds: float) -> int:
    """Server-side durations per view, from the JSON request log written during the run."""
    by_view: dict[str, list[float]] = {}
    statuses: dict[int, int] = {}
    with log.open() as handle:
        handle.seek(start)
        for line in handle:
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if entry.get("logger") != "familycontext.requests":
                continue
            statuses[entry["status"]] = statuses.get(entry["status"], 0) + 1
            by_view.setdefault(entry.get("view") or entry.get("route") or "?", []).append(entry["duration_ms"])
    print(f"\nserver's own timings (ms), whole run incl. ramp-up, {seconds:.0f} s; statuses {statuses}")
    for view, times in sorted(by_view.items()):
        times.sort()
        p95 = times[int(0.95 * (len(times) - 1))]
        print(f"  {view:<22}{len(times):>8}  p50 {statistics.median(times):6.1f}  p95 {p95:6.1f}")
    return sum(statuses.values())


def _cpu_seconds(pid: int, children: bool = False) -> float:
    """User + system CPU of a process (and of its reaped children), from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12]) + (int(fields[13]) + int(fields[14]) if children else 0)
    return ticks / os.sysconf("SC_CLK_TCK")


def _processes() -> list[tuple[int, int, int, str]]:
    """(pid, parent, process group, command line) of every process."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        found.append((int(entry.name), int(fields[1]), int(fields[2]), command))
    return found


def group_cpu(group: int) -> float:
    return sum(_cpu_seconds(pid, children=True) for pid, _, pgid, _ in _processes() if pgid == group)


def postgres_cpu(url: str) -> float:
    """CPU of the PostgreSQL server behind ``url`` (found by its socket folder), with its backends."""
    folder = url.split("host=", 1)[-1].split("&", 1)[0]
    processes = _processes()
    masters = {pid for pid, _, _, command in processes if "postgres" in command and folder in command}
    return sum(_cpu_seconds(pid, children=pid in masters) for pid, parent, _, _ in processes
               if pid in masters or parent in masters)


def report_cpu(cpu: dict[str, float], requests: int, seconds: float) -> None:
    """CPU per request of gunicorn + PostgreSQL, and of Locust.

    Locust does the same work for every request whatever the server's version, so its CPU per
    request gauges the machine's own speed, which varies by up to ~40 % on a shared host
    (docs/scale.md); the server's figure divided by Locust's compares versions across runs.
    """
    if not requests:
        return
    per_request = (cpu["app"] + cpu["db"]) / requests * 1000
    locust = cpu["locust"] / requests * 1000
    print(f"\nCPU during the run ({seconds:.0f} s, {os.cpu_count()} cores): gunicorn {cpu['app']:.0f} s, "
          f"PostgreSQL {cpu['db']:.0f} s, Locust {cpu['locust']:.0f} s")
    print(f"CPU per request (gunicorn + PostgreSQL): {per_request:.1f} ms; "
          f"at that cost 2 otherwise idle cores serve about {2000 / per_request:.0f} requests/s")
    if locust:
        print(f"Locust's CPU per request {locust:.2f} ms (the machine's speed); "
              f"server / Locust = {per_request / locust:.1f} (compares versions across runs)")


def run_wrk(base: str, work: Path) -> None:
    if not shutil.which("wrk"):
        print("wrk is not installed (apt-get install wrk); skipped")
        return
    session = (work / "sessions.txt").read_text().split()[0]
    people = [row["person_id"] for row in csv.DictReader((work / "people.csv").open())][:500]
    script = work / "people.lua"
    script.write_text(
        "local ids = {" + ",".join(f'"{p}"' for p in people) + "}\n"
        "request = function()\n  local id = ids[math.random(#ids)]\n"
        f'  return wrk.format("GET", "/person/" .. id, {{["Cookie"] = "sessionid={session}"}})\nend\n')
    print("\nwrk: person pages, 2 threads, 100 connections, 30 s, no pauses")
    subprocess.run(["wrk", "-t2", "-c100", "-d30s", "--timeout", "30s", "--latency", "-s", str(script), base], check=False)


def prepare(work: Path, users: int) -> None:
    """In Django: one practitioner account and one signed-in session per simulated user (the
    one-live-session-per-user policy allows no more), and people to look up."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )

    from familycontext.accounts import sessions as policy
    from familycontext.accounts.models import LiveSession
    from familycontext.accounts.roles import set_roles
    from familycontext.governance.reason import SESSION_KEY as REASON_KEY
    from familycontext.people.models import Person
    from familycontext.sources.models import SourceRecord

    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
    with (work / "sessions.txt").open("w") as out:
        for n in range(users):
            user, _ = get_user_model().objects.get_or_create(
                username=f"loadtest{n:03d}", defaults={"first_name": "Load", "last_name": f"Test {n}"})
            user.set_unusable_password()
            user.save()
            set_roles(user, ["practitioner"])
            # The session carries the account's live-session token, as signing in would leave it
            # (accounts.sessions), or the session policy would send it to the sign-in page.
            token = secrets.token_urlsafe(32)
            LiveSession.objects.update_or_create(user=user, defaults={"token": token})
            session = SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session[policy.SIGNED_IN_AT] = session[policy.LAST_SEEN] = time.time()
            session[policy.LIVE_TOKEN] = token
            session[REASON_KEY] = {"cms_id": "CMS0000001", "type": "section_47", "text": ""}
            session.create()
            out.write(session.session_key + "\n")
    people = Person.objects.filter(restricted=False).order_by("?")[:3000]
    with (work / "people.csv").open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["person_id", "first_name", "last_name", "date_of_birth"])
        for p in people.values_list("id", "first_name", "last_name", "date_of_birth"):
            writer.writerow([p[0], p[1], p[2], p[3].isoformat() if p[3] else ""])
    (work / "counts.json").write_text(json.dumps({
        "people": Person.objects.count(),
        "records": SourceRecord.objects.filter(snapshot__live=True).count()}))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--prepare":
        prepare(Path(sys.argv[2]), int(sys.argv[3]))
    else:
        main()
