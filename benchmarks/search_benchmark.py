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
# --hard: harder, combined damage, reported on its own lines (not in the headline figures).
HARD_KINDS = ("typo_first_letter", "typo_both", "dob_swapped_typo", "dob_digit_typo", "dob_year_digit",
              "title", "initial", "comma_surname_first", "surname_changed", "no_dob_typo", "no_dob_first_letter")
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


def first_letter_typo(text: str, rng: random.Random) -> str:
    """The first letter wrong or dropped: the slip the generator's ``typo`` never makes."""
    import string

    if len(text) < 4:
        return text
    if rng.random() < 0.5:
        return text[1:].capitalize()
    return rng.choice([c for c in string.ascii_uppercase if c != text[0].upper()]) + text[1:]


def hard_query(kind: str, person, rng: random.Random, as_of: date) -> tuple[str, str, date | None] | None:
    """One query with combined or form-style damage, or None if this person cannot take it."""
    from familycontext.synth.noise import dob_digit_error, typo

    first, last, dob = person.first, person.last, person.dob
    if kind == "typo_first_letter":
        if rng.random() < 0.5:
            first = first_letter_typo(first, rng)
        else:
            last = first_letter_typo(last, rng)
    elif kind == "typo_both":
        first, last = typo(first, rng), typo(last, rng)
    elif kind == "dob_swapped_typo":
        if dob.day > 12 or dob.day == dob.month:
            return None
        dob = date(dob.year, dob.day, dob.month)
        first, last = (typo(first, rng), last) if rng.random() < 0.5 else (first, typo(last, rng))
    elif kind == "dob_digit_typo":
        dob = dob_digit_error(dob, rng, as_of)
        first, last = (typo(first, rng), last) if rng.random() < 0.5 else (first, typo(last, rng))
    elif kind == "dob_year_digit":
        year = dob.year + rng.choice((-1, 1)) * (1 if rng.random() < 0.5 else 10)
        try:
            dob = dob.replace(year=year)
        except ValueError:
            return None
        if dob > as_of:
            return None
    elif kind in ("no_dob_typo", "no_dob_first_letter"):
        damage = typo if kind == "no_dob_typo" else first_letter_typo
        first, last, dob = (damage(first, rng), last, None) if rng.random() < 0.5 else (first, damage(last, rng), None)
    elif kind == "title":
        boy = person.gender == "Male" and (as_of - dob).days < 16 * 365
        first = f"{'Master' if boy else rng.choice(('Mr', 'Mrs', 'Ms', 'Miss'))} {first}"
    elif kind == "initial":
        first = first[0]
    elif kind == "comma_surname_first":
        first, last = f"{last.upper()}, {first}", ""
    elif kind == "surname_changed":
        if not person.previous_surnames:
            return None
        last = person.previous_surnames[-1] if rng.random() < 0.5 else last
        if last == person.last:
            last = person.previous_surnames[-1]
    return first, last, dob


def make_queries(samples: dict, count: int, seed: int, hard: bool = False) -> list[Query]:
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
    for kind in HARD_KINDS if hard else ():
        rng.shuffle(pool)
        taken = 0
        for person, _records in pool:
            if taken >= per_kind:
                break
            damaged = hard_query(kind, person, rng, date(2025, 6, 1))
            if damaged:
                made.append(Query(kind, *damaged, person.key))
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
    ranks, times, cpu = [], [], []
    by_kind: dict[str, list[int | None]] = defaultdict(list)
    for q in queries:
        started, started_cpu = time.perf_counter(), time.process_time()
        ids = search(q)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
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
        # CPU of this process alone (all of it on SQLite; PostgreSQL's own work is not in it):
        # steadier than wall-clock time on a machine shared with other work.
        "cpu_p50_ms": sorted(cpu)[len(cpu) // 2], "cpu_p95_ms": sorted(cpu)[min(len(cpu) - 1, int(0.95 * len(cpu)))],
        "by_kind": {k: {"n": len(v), "recall@1": sum(r == 1 for r in v) / len(v),
                        "recall@10": sum(r is not None for r in v) / len(v)} for k, v in by_kind.items()},
    }


def print_kinds(title: str, ours: dict, old: dict | None, kinds: tuple[str, ...]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    for column in ("kind", "n", "recall@1", "recall@10", "2023 recall@1", "2023 recall@10"):
        table.add_column(column)
    for kind in kinds:
        f, b = ours["by_kind"].get(kind), (old or {}).get("by_kind", {}).get(kind)
        if f:
            table.add_row(kind, str(f["n"]), f"{f['recall@1']:.3f}", f"{f['recall@10']:.3f}",
                          f"{b['recall@1']:.3f}" if b else "-", f"{b['recall@10']:.3f}" if b else "-")
    Console(width=120).print(table)


def print_misses(queries: list[Query], per_kind: int) -> None:
    """Each query missed at rank 1: its rank (or "-" past 10), the names and dates the index holds
    for the true person, and the top three found with theirs."""
    from familycontext.people.matching import find_people
    from familycontext.people.models import SearchEntry

    def held(person_id: str) -> str:
        entry = SearchEntry.objects.filter(person_id=person_id).first()
        return f"{entry.names} [{entry.dates_of_birth}]" if entry else "(not indexed)"

    shown: Counter = Counter()
    for q in queries:
        if shown[q.kind] >= per_kind:
            continue
        found = find_people(q.first, q.last, q.dob, limit=10)
        ids = [m.person_id for m in found]
        if ids[:1] == [q.answer]:
            continue
        shown[q.kind] += 1
        rank = ids.index(q.answer) + 1 if q.answer in ids else "-"
        print(f"MISS {q.kind} rank={rank} typed={q.first!r} {q.last!r} {q.dob} -> true {held(q.answer)}")
        for m in found[:3]:
            print(f"    {m.score:.3f} {m.date_of_birth_agreement or '':>22} {held(m.person_id)}")


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
    parser.add_argument("--misses", type=int, default=0,
                        help="print up to this many queries per kind that find_people missed at rank 1")
    parser.add_argument("--kinds", help="comma-separated query kinds to run (default: all)")
    parser.add_argument("--hard", action="store_true",
                        help="also run harder kinds (combined damage, titles, initials); reported apart")
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
    cache = Path(f"/tmp/familycontext-search-{args.people}-{args.seed}-{args.queries}"
                 f"{'-hard' if args.hard else ''}.queries.json")
    if args.reuse and cache.exists():
        # The queries depend only on the seeds: keep them beside the database for quick reruns.
        queries = [Query(q["kind"], q["first"], q["last"], date.fromisoformat(q["dob"]) if q["dob"] else None,
                         q["answer"]) for q in json.loads(cache.read_text())]
        built = {"build_seconds": None, "keys": None}
    else:
        if args.reuse:
            # Rebuild only the sample, not the database: same seeds give the same people.
            samples: dict = defaultdict(list)
            rng = random.Random(f"{args.seed}:bench")
            rate = min(1.0, args.queries * 2 / args.people)
            for _ in population(args.people, args.seed, as_of, rng, rate, samples):
                pass
            built = {"samples": samples, "build_seconds": None, "keys": None}
        else:
            built = build(args.people, args.seed, as_of, args.queries)
        queries = make_queries(built["samples"], args.queries, args.seed, hard=args.hard)
        cache.write_text(json.dumps([q.__dict__ for q in queries], default=str))
    if args.kinds:
        queries = [q for q in queries if q.kind in args.kinds.split(",")]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"{len(queries)} queries: {dict(Counter(q.kind for q in queries))}", flush=True)
    for q in queries[:30]:  # warm the caches as a running server would be
        find_people(q.first, q.last, q.dob)

    hard = [q for q in queries if q.kind in HARD_KINDS]
    queries = [q for q in queries if q.kind not in HARD_KINDS]
    ours = run(queries, lambda q: [m.person_id for m in find_people(q.first, q.last, q.dob, limit=10)])
    with_dob = [q for q in queries if q.dob is not None]
    if with_dob:
        ours["with_date_of_birth"] = {k: v for k, v in run(with_dob, lambda q: [
            m.person_id for m in find_people(q.first, q.last, q.dob, limit=10)]).items() if k != "by_kind"}
    if hard:
        ours["hard"] = run(hard, lambda q: [m.person_id for m in find_people(q.first, q.last, q.dob, limit=10)])
        print_kinds("Harder queries (--hard), not in the headline figures", ours["hard"], None, HARD_KINDS)
    if args.misses:
        print_misses(queries + hard, args.misses)
    step = max(1, len(queries) // max(1, args.baseline_queries))
    subset = queries[::step][: args.baseline_queries]
    if not subset:  # --baseline-queries 0: find_people only, for quick iterations
        print_kinds("Recall by kind of noise", ours, None, KINDS)
        print(json.dumps({k: v for k, v in ours.items() if k not in ("by_kind", "hard")}, default=str))
        return
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
    console = Console(width=120)
    console.print(table)
    print_kinds("Recall by kind of noise (find_people | 2023)", ours, old, KINDS)
    if "with_date_of_birth" in ours:
        f = ours["with_date_of_birth"]
        print(f"queries with a date of birth: {f['queries']}, recall@1 {f['recall@1']:.3f}, "
              f"recall@10 {f['recall@10']:.3f}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, default=str))
    print(json.dumps({k: v for k, v in figures.items() if k != "find_people"} | {
        "find_people": {k: v for k, v in ours.items() if k != "by_kind"}}, default=str))


if __name__ == "__main__":
    main()
