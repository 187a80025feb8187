"""Search benchmark (issue 5): recall and speed of find_people at local-authority scale.

    .venv/bin/python benchmarks/search_benchmark.py --people 1000000 --queries 2000
    DATABASE_URL=postgres://... .venv/bin/python benchmarks/search_benchmark.py --people 1000000

Builds a borough with the synthetic generator's population and noise model, but writes the
people, their index and a Person row each straight into the database from the generator's
truth: the loader and linkage are bypassed (their speed and accuracy have their own
benchmarks), so a miss here is search's fault. Each true person gets one to three noisy source
records (the same ``Noise.identity`` the extracts use). Queries are made from the *true* person
with one kind of damage each (typo, nickname, surname first, wrong boxes, wildcard, half a
hyphenated surname, dropped diacritics, day/month swap, one digit of the date wrong, no date)
and are run through ``find_people`` and, side by side on the same data, through the 2023
app's approach: case-insensitive substring match on first OR last name OR exact date of
birth, ranked exact first, then prefix.

Not part of the test suite. SQLite by default, in a fresh file under /tmp.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

KINDS = ("clean", "typo_first", "typo_last", "nickname", "surname_first", "one_box", "wildcard",
         "hyphen_half", "diacritics_dropped", "dob_swapped", "dob_digit", "no_dob")
SERVICES = ("cms", "school", "housing", "adult_social_care", "police")


@dataclass
class Query:
    kind: str
    first: str
    last: str
    dob: date | None
    answer: str


def setup_django(database: str | None) -> None:
    if database:
        os.environ["DATABASE_URL"] = database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "familycontext.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def population(people: int, seed: int, as_of: date, rng: random.Random, sample_rate: float, samples: dict):
    """Yield (person_id, record dicts) for ``people`` true people; keep a sample for queries."""
    from familycontext.synth.noise import Noise, NoiseRates
    from familycontext.synth.places import Borough
    from familycontext.synth.population import PopulationBuilder

    borough = Borough(random.Random(f"{seed}:borough"), int(people / 2.4))
    builder = PopulationBuilder(random.Random(f"{seed}:population"), borough, as_of, nhs_offset=seed)
    noise = Noise(NoiseRates(), random.Random(f"{seed}:noise"), borough, as_of)
    record_number = 0
    while builder.count < people:
        before = builder.count
        cluster = builder.cluster()
        if builder.count > people:
            builder.count = before
            cluster = builder.singles(people - before)
        for person in cluster.people:
            copies = 1 + (rng.random() < 0.35) + (rng.random() < 0.1)
            records = []
            for _ in range(copies):
                record_number += 1
                service = rng.choice(SERVICES)
                cols = noise.identity(person, f"R{record_number:09d}", nhs_share=0.5)
                records.append({
                    "person_id": person.key, "record_id": cols[0], "first_name": cols[1], "last_name": cols[2],
                    "other_names": cols[3], "date_of_birth": date.fromisoformat(cols[4]) if cols[4] else None,
                    "gender": cols[5], "address": cols[6], "postcode": cols[7], "nhs_number": cols[8],
                    "snapshot__source__service": service,
                })
            if rng.random() < sample_rate:
                samples["any"].append((person, records))
            if ("-" in person.last or any("-" in r["last_name"] for r in records)) and rng.random() < sample_rate * 8:
                samples["hyphen"].append((person, records))
            if (person.first + person.last).isascii() is False and rng.random() < sample_rate * 8:
                samples["accented"].append((person, records))
            yield person.key, records


def write_people(groups, person_rows: list):
    """Pass groups through, collecting a Person row (first record's values) for the 2023 baseline."""
    for person_id, records in groups:
        r = records[0]
        person_rows.append((person_id, r["first_name"], r["last_name"], r["date_of_birth"], r["gender"] or "Unknown",
                            "", r["address"], r["postcode"], r["nhs_number"][:10], False, len(records)))
        yield person_id, records


def flush_people(person_rows: list) -> None:
    from django.db import connection

    from familycontext.people.models import Person

    cols = ("id", "first_name", "last_name", "date_of_birth", "gender", "cms_id", "address", "postcode",
            "nhs_number", "restricted", "record_count")
    sql = f"INSERT INTO {Person._meta.db_table} ({', '.join(cols)}) VALUES ({', '.join(['%s'] * len(cols))})"
    with connection.cursor() as cursor:
        cursor.executemany(sql, person_rows)
    person_rows.clear()


def build(people: int, seed: int, as_of: date, queries: int) -> dict:
    from django.db import transaction

    from familycontext.people.index import write_index
    from familycontext.people.models import NameKey, Person, SearchEntry

    rng = random.Random(f"{seed}:bench")
    samples: dict = defaultdict(list)
    sample_rate = min(1.0, queries * 2 / people)
    person_rows: list = []

    class Batched:
        """Flush Person rows as the index writer walks the population."""

        def __iter__(self):
            for item in write_people(population(people, seed, as_of, rng, sample_rate, samples), person_rows):
                if len(person_rows) >= 20_000:
                    flush_people(person_rows)
                yield item

    started = time.perf_counter()
    with transaction.atomic():
        Person.objects.all().delete()
        indexed = write_index(Batched())
        flush_people(person_rows)
    seconds = time.perf_counter() - started
    print(f"built {indexed:,} people, {NameKey.objects.count():,} index keys, "
          f"{SearchEntry.objects.count():,} search entries in {seconds:.0f}s", flush=True)
    return {"samples": samples, "build_seconds": seconds, "keys": NameKey.objects.count()}


def make_queries(samples: dict, count: int, seed: int) -> list[Query]:
    from nicknames import NickNamer

    from familycontext.synth.names import strip_accents
    from familycontext.synth.noise import dob_digit_error, typo

    rng = random.Random(f"{seed}:queries")
    namer = NickNamer()
    made: list[Query] = []
    pool = list(samples["any"])
    rng.shuffle(pool)
    per_kind = max(1, count // len(KINDS))
    for kind in KINDS:
        source = samples["hyphen"] if kind == "hyphen_half" else samples["accented"] if kind == "diacritics_dropped" else pool
        rng.shuffle(source)
        taken = 0
        for person, records in source:
            if taken >= per_kind:
                break
            first, last, dob = person.first, person.last, person.dob
            if kind == "typo_first":
                first = typo(first, rng)
            elif kind == "typo_last":
                last = typo(last, rng)
            elif kind == "nickname":
                names = sorted(namer.nicknames_of(first.lower())) or sorted(namer.canonicals_of(first.lower()))
                if not names:
                    continue
                first = rng.choice(names).title()
            elif kind == "surname_first":
                first, last = last, first
            elif kind == "one_box":
                first, last = (f"{first} {last}", "") if rng.random() < 0.5 else ("", f"{first} {last}")
            elif kind == "wildcard":
                first, last = f"{first[:max(3, len(first) - 2)]}*", f"%{last}%"
            elif kind == "hyphen_half":
                hyphenated = [r["last_name"] for r in records if "-" in r["last_name"]] or [last]
                last = rng.choice(hyphenated[0].split("-"))
            elif kind == "diacritics_dropped":
                first, last = strip_accents(first), strip_accents(last)
            elif kind == "dob_swapped":
                if dob.day > 12 or dob.day == dob.month:
                    continue
                dob = date(dob.year, dob.day, dob.month)
            elif kind == "dob_digit":
                dob = dob_digit_error(dob, rng, date(2025, 6, 1))
            elif kind == "no_dob":
                dob = None
            made.append(Query(kind, first, last, dob, person.key))
            taken += 1
    return made


def baseline_2023(first: str, last: str, dob: date | None) -> list[str]:
    """The 2023 app: icontains on first OR last OR exact date of birth; exact first, then prefix."""
    from django.db.models import Case, IntegerField, Q, Value, When

    from familycontext.people.models import Person

    condition = Q()
    if first:
        condition |= Q(first_name__icontains=first)
    if last:
        condition |= Q(last_name__icontains=last)
    if dob:
        condition |= Q(date_of_birth=dob)
    if not condition:
        return []
    exact, prefix = Q(), Q()
    for field, text in (("first_name", first), ("last_name", last)):
        if text:
            exact &= Q(**{f"{field}__iexact": text})
            prefix &= Q(**{f"{field}__istartswith": text})
    rank = Case(When(exact, then=Value(0)), When(prefix, then=Value(1)), default=Value(2),
                output_field=IntegerField())
    return list(Person.objects.filter(condition).annotate(rank=rank).order_by("rank", "-date_of_birth")
                .values_list("id", flat=True)[:10])


def run(queries: list[Query], search) -> dict:
    ranks, times = [], []
    by_kind: dict[str, list[int | None]] = defaultdict(list)
    for q in queries:
        started = time.perf_counter()
        ids = search(q)
        times.append((time.perf_counter() - started) * 1000)
        rank = ids.index(q.answer) + 1 if q.answer in ids[:10] else None
        ranks.append(rank)
        by_kind[q.kind].append(rank)
    times.sort()

    def pct(p: float) -> float:
        return times[min(len(times) - 1, int(p * len(times)))]

    return {
        "queries": len(queries),
        "recall@1": sum(r == 1 for r in ranks) / len(ranks),
        "recall@10": sum(r is not None for r in ranks) / len(ranks),
        "p50_ms": pct(0.50), "p95_ms": pct(0.95), "p99_ms": pct(0.99), "mean_ms": statistics.fmean(times),
        "by_kind": {k: {"n": len(v), "recall@1": sum(r == 1 for r in v) / len(v),
                        "recall@10": sum(r is not None for r in v) / len(v)} for k, v in by_kind.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=2400)
    parser.add_argument("--baseline-queries", type=int, default=240,
                        help="the 2023 approach scans the table; run it on this many of the queries")
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--database", help="database URL (default: a fresh SQLite file in /tmp)")
    parser.add_argument("--reuse", action="store_true", help="skip the build; the database already holds it")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--misses", type=int, default=0, help="print this many queries find_people missed at 1")
    args = parser.parse_args()
    database = args.database or os.environ.get("DATABASE_URL")
    if not database:
        path = Path(f"/tmp/familycontext-search-{args.people}.sqlite3")
        if not args.reuse:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        database = f"sqlite:///{path}"
    setup_django(database)
    from django.db import connection

    from familycontext.people.matching import find_people

    as_of = date(2025, 6, 1)
    if args.reuse:
        # Rebuild only the sample, not the database: same seeds give the same people.
        samples: dict = defaultdict(list)
        rng = random.Random(f"{args.seed}:bench")
        for _ in population(args.people, args.seed, as_of, rng, min(1.0, args.queries * 2 / args.people), samples):
            pass
        built = {"samples": samples, "build_seconds": None, "keys": None}
    else:
        built = build(args.people, args.seed, as_of, args.queries)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    queries = make_queries(built["samples"], args.queries, args.seed)
    print(f"{len(queries)} queries: {dict(Counter(q.kind for q in queries))}", flush=True)
    for q in queries[:30]:  # warm the caches as a running server would be
        find_people(q.first, q.last, q.dob)

    ours = run(queries, lambda q: [m.person_id for m in find_people(q.first, q.last, q.dob, limit=10)])
    missed = [q for q in queries if (found := find_people(q.first, q.last, q.dob, limit=1)) == []
              or found[0].person_id != q.answer][: args.misses]
    for q in missed:
        print("missed", q, [(m.person_id, m.score) for m in find_people(q.first, q.last, q.dob, limit=3)])
    step = max(1, len(queries) // max(1, args.baseline_queries))
    subset = queries[::step][: args.baseline_queries]
    old = run(subset, lambda q: baseline_2023(q.first, q.last, q.dob))
    ours_subset = run(subset, lambda q: [m.person_id for m in find_people(q.first, q.last, q.dob, limit=10)])
    figures = {"people": args.people, "engine": connection.vendor, "build_seconds": built["build_seconds"],
               "index_keys": built["keys"], "find_people": ours, "find_people_on_baseline_subset": ours_subset,
               "baseline_2023": old}
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Search at {args.people:,} people on {connection.vendor}")
    for column in ("approach", "queries", "recall@1", "recall@10", "p50 ms", "p95 ms", "p99 ms"):
        table.add_column(column)
    for name, f in (("find_people", ours), ("find_people (subset)", ours_subset), ("2023 substring", old)):
        table.add_row(name, str(f["queries"]), f"{f['recall@1']:.3f}", f"{f['recall@10']:.3f}",
                      f"{f['p50_ms']:.1f}", f"{f['p95_ms']:.1f}", f"{f['p99_ms']:.1f}")
    kinds = Table(title="Recall by kind of noise (find_people | 2023)")
    for column in ("kind", "n", "recall@1", "recall@10", "2023 recall@1", "2023 recall@10"):
        kinds.add_column(column)
    for kind in KINDS:
        f, b = ours["by_kind"].get(kind), old["by_kind"].get(kind)
        if f:
            kinds.add_row(kind, str(f["n"]), f"{f['recall@1']:.3f}", f"{f['recall@10']:.3f}",
                          f"{b['recall@1']:.3f}" if b else "-", f"{b['recall@10']:.3f}" if b else "-")
    console = Console(width=120)
    console.print(table)
    console.print(kinds)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, default=str))
    print(json.dumps({k: v for k, v in figures.items() if k != "find_people"} | {
        "find_people": {k: v for k, v in ours.items() if k != "by_kind"}}, default=str))


if __name__ == "__main__":
    main()
