"""generate(): the synthetic local authority, as one bundle per service plus the ground truth.

Output is a pure function of (people, seed, as_of, rates): every random draw comes from a
generator seeded with a string derived from the seed (never from hash() or the clock), and
the population is built and written one family cluster at a time so memory stays flat.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from familycontext.synth.adult_social_care import AdultSocialCareExtract
from familycontext.synth.bundle import Truth
from familycontext.synth.cms import CmsExtract
from familycontext.synth.extracts import Context, Extract, InvolvementRates
from familycontext.synth.housing import HousingExtract
from familycontext.synth.noise import NoiseRates
from familycontext.synth.places import Borough
from familycontext.synth.police import PoliceExtract
from familycontext.synth.population import PopulationBuilder
from familycontext.synth.school import SchoolExtract

PEOPLE_PER_HOUSEHOLD = 2.4
CHILD_SHARE = 0.21


@dataclass
class Summary:
    """What a run produced: rows per file (header excluded), truth rows, time taken."""

    people: int
    rows: dict[str, int] = field(default_factory=dict)  # "cms/people" -> rows
    truth_rows: int = 0
    seconds: float = 0.0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


@contextmanager
def _progress(enabled: bool, total: int) -> Iterator[object]:
    if not enabled:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn()) as bar:
        task = bar.add_task("People generated", total=total)
        yield lambda done: bar.update(task, completed=done)


def generate(people: int, seed: int, out: str | Path, as_of: date | None = None, *,
             noise: NoiseRates | None = None, rates: InvolvementRates | None = None,
             progress: bool = False) -> Summary:
    """Write DIR/<service>/manifest.toml and CSVs, and DIR/truth.csv, for ``people`` individuals."""
    if people < 1:
        raise ValueError("people must be at least 1")
    started = time.perf_counter()
    as_of = as_of or date.today()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    borough = Borough(random.Random(f"{seed}:borough"), int(people / PEOPLE_PER_HOUSEHOLD))
    builder = PopulationBuilder(random.Random(f"{seed}:population"), borough, as_of,
                                nhs_offset=random.Random(f"{seed}:nhs").randrange(10**6))
    truth = Truth(out / "truth.csv")
    context = Context(out, seed, as_of, noise or NoiseRates(), rates or InvolvementRates(), borough, truth)
    extracts: list[Extract] = [
        CmsExtract(context),
        SchoolExtract(context, children=int(people * CHILD_SHARE)),
        HousingExtract(context),
        AdultSocialCareExtract(context),
        PoliceExtract(context),
    ]
    with _progress(progress, people) as advance:
        reported = 0
        while builder.count < people:
            before = builder.count
            cluster = builder.cluster()
            if builder.count > people:  # too big to fit: fill the last places with single adults
                builder.count = before
                cluster = builder.singles(people - before)
            for extract in extracts:
                extract.take(cluster)
            if advance is not None and builder.count - reported >= 5_000:
                advance(builder.count)  # type: ignore[operator]
                reported = builder.count
        if advance is not None:
            advance(builder.count)  # type: ignore[operator]
    summary = Summary(people=builder.count)
    for extract in extracts:
        for name, rows in extract.close().items():
            summary.rows[f"{extract.service}/{name}"] = rows
    truth.close()
    summary.truth_rows = truth.rows
    summary.seconds = time.perf_counter() - started
    return summary
