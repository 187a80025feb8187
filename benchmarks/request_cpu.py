"""CPU and queries per request, per endpoint, without a server: Django's test client in one process.

For finding where a request's CPU goes (issue 9) between full load tests. Run it against a
throw-away database built by the operator's commands (it signs in a practitioner and writes
audit entries), e.g.:

    export DATABASE_URL=sqlite:////tmp/fc.sqlite3 FAMILYCONTEXT_DATA_DIR=/tmp/fc-data
    familycontext migrate && familycontext synth --people 20000 --out /tmp/synth
    familycontext load /tmp/synth/* && familycontext link
    .venv/bin/python benchmarks/request_cpu.py --journeys 60 [--profile /tmp/out.prof]

or under scripts/with-postgres. Each journey is the load test's: search (POST) → results →
person → each service card the page offers. Prints, per endpoint, the mean CPU of this process
(time.process_time) and, on PostgreSQL, of its database backend (from /proc), and the queries.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import re
import statistics
import time
from collections import defaultdict
from urllib.parse import urlencode

CARD_URL = re.compile(r'data-fc-details-url="(/person/[^"]+/service/[^"]+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--journeys", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", help="write cProfile statistics here (journeys after the first five)")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "familycontext.settings")
    import django

    django.setup()
    logging.disable(logging.CRITICAL)  # the access log would dominate the terminal
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from familycontext.accounts import sessions
    from familycontext.accounts.models import LiveSession
    from familycontext.accounts.roles import set_roles
    from familycontext.governance.reason import SESSION_KEY
    from familycontext.people.models import Person

    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    user, _ = get_user_model().objects.get_or_create(username="cpu-benchmark", defaults={"first_name": "Bench"})
    set_roles(user, ["practitioner"])
    client = Client()
    client.force_login(user)
    session = client.session
    session[SESSION_KEY] = {"cms_id": "CMS0000001", "type": "section_47", "text": ""}
    session[sessions.LIVE_TOKEN] = "benchmark"
    session.save()
    LiveSession.objects.update_or_create(user=user, defaults={"token": "benchmark"})

    people = list(Person.objects.filter(restricted=False).order_by("id")
                  .values_list("id", "first_name", "last_name", "date_of_birth")[:5000])
    random.Random(args.seed).shuffle(people)
    csrf = CSRF.search(client.get("/").content.decode()).group(1)

    def backend_cpu() -> float:
        if connection.vendor != "postgresql":
            return 0.0
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    cpu, db_cpu, queries = defaultdict(list), defaultdict(list), defaultdict(list)

    def measure(name: str, method, *args, **kwargs):
        count = [0]

        def counter(execute, sql, params, many, context):
            count[0] += 1
            return execute(sql, params, many, context)

        db_before, before = backend_cpu(), time.process_time()
        with connection.execute_wrapper(counter):
            response = method(*args, **kwargs)
        cpu[name].append((time.process_time() - before) * 1000)
        db_cpu[name].append((backend_cpu() - db_before) * 1000)
        queries[name].append(count[0])
        if response.status_code not in (200, 302):
            raise SystemExit(f"{name}: HTTP {response.status_code}")
        return response

    profiler = None
    if args.profile:
        import cProfile

        # Timed by this process's CPU clock, so waits on the database and other engineers' load
        # do not show up as time spent in the function that waited.
        profiler = cProfile.Profile(time.process_time)
    for n, (person_id, first, last, dob) in enumerate(people[: args.journeys]):
        if profiler and n == 5:
            profiler.enable()
        form = {"csrfmiddlewaretoken": csrf, "search-by": "name", "first-name": first, "last-name": last}
        if dob:
            form.update({"date-of-birth-day": dob.day, "date-of-birth-month": dob.month,
                         "date-of-birth-year": dob.year})
        # Form-encoded, as a browser (and the load test's Locust) sends it; the test client's
        # default, multipart, costs Django several times more to parse.
        measure("search (POST)", client.post, "/", urlencode(form),
                content_type="application/x-www-form-urlencoded")
        measure("results", client.get, "/results")
        page = measure("person", client.get, f"/person/{person_id}")
        for url in CARD_URL.findall(page.content.decode()):
            measure("card", client.get, url, HTTP_X_REQUESTED_WITH="fetch")
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.profile)

    print(f"{connection.vendor}, {len(people):,} people sampled, {args.journeys} journeys")
    for name in cpu:
        print(f"{name:14s} n={len(cpu[name]):4d}  CPU {statistics.mean(cpu[name]):6.2f} ms"
              f" (median {statistics.median(cpu[name]):5.2f})"
              f"  database CPU {statistics.mean(db_cpu[name]):5.2f} ms"
              f"  queries {statistics.mean(queries[name]):5.1f} (max {max(queries[name])})")


if __name__ == "__main__":
    main()
