"""What every service's extract has in common: its files, its record ids, its noisy identities.

Each service subclass decides whom it knows and what rows it holds about them; this base gives
it record ids in the service's own style, a noisy copy of the person for each record, the
occasional duplicate, a line in truth.csv per record, and its manifest.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from familycontext.sources.services import files_for
from familycontext.synth.bundle import CsvFile, Truth, write_manifest
from familycontext.synth.noise import Noise, NoiseRates
from familycontext.synth.places import BOROUGH, Borough
from familycontext.synth.population import Cluster, Person


@dataclass(frozen=True)
class InvolvementRates:
    """How often each service knows someone. Defaults give plausible shares for a borough."""

    cms_family: float = 0.10  # families with children known to children's social care
    cms_vulnerable_family: float = 0.65
    restricted: float = 0.005  # adoption, refuge
    school_enrolled: float = 0.97
    sixth_form: float = 0.6
    school_mover: float = 0.12  # changed school mid-phase
    dual_registration: float = 0.03
    social_housing: float = 0.2
    historic_tenancy: float = 0.15
    anti_social_behaviour: float = 0.07
    rent_arrears: float = 0.15
    notice_given_arrears: float = 0.3
    eviction_given_notice: float = 0.2
    asc_working_age: float = 0.015
    asc_older: float = 0.06  # 65-79
    asc_oldest: float = 0.2  # 80 and over
    police_male: float = 0.05
    police_female: float = 0.02
    vulnerable_multiplier: float = 3.0  # CMS-known families are known elsewhere more often


@dataclass
class Context:
    """Everything the extracts share for one run."""

    out: Path
    seed: int
    as_of: date
    noise_rates: NoiseRates
    rates: InvolvementRates
    borough: Borough
    truth: Truth


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def random_day(rng: random.Random, start: date, end: date) -> date:
    """A day in [start, end]; start when the range is empty."""
    span = (end - start).days
    return start + timedelta(days=rng.randint(0, span)) if span > 0 else start


class IdScheme:
    """Distinct, random-looking ids: counter -> (counter * a + b) mod m, a bijection when gcd(a, m) = 1."""

    def __init__(self, rng: random.Random, modulus: int) -> None:
        self.modulus = modulus
        self.offset = rng.randrange(modulus)
        multiplier = rng.randrange(modulus // 3, modulus) | 1
        while math.gcd(multiplier, modulus) != 1:
            multiplier += 2
        self.multiplier = multiplier
        self.count = 0

    def next(self) -> int:
        if self.count >= self.modulus:
            raise OverflowError("record id space exhausted")
        value = (self.count * self.multiplier + self.offset) % self.modulus
        self.count += 1
        return value


class Extract:
    """One service's bundle. Subclasses set the class attributes and implement ``take``."""

    service: str
    source_name: str
    coverage_area: str = BOROUGH
    coverage_explanation: str
    coverage_years: int
    nhs_share: float
    id_space: int = 10**7

    def __init__(self, context: Context) -> None:
        self.context = context
        self.as_of = context.as_of
        self.rates = context.rates
        self.rng = random.Random(f"{context.seed}:{self.service}")
        self.noise = Noise(context.noise_rates, self.rng, context.borough, context.as_of)
        self.ids = IdScheme(self.rng, self.id_space)
        self.coverage_start = years_before(context.as_of, self.coverage_years)
        self.files: dict[str, CsvFile] = {}
        for spec in files_for(self.service):
            header = spec.columns + self.extra_columns(spec.name)
            self.files[spec.name] = CsvFile(context.out / self.service / f"{spec.name}.csv", header,
                                            random.Random(f"{context.seed}:{self.service}:{spec.name}"))

    def extra_columns(self, file: str) -> tuple[str, ...]:
        return ()

    def format_id(self, number: int) -> str:
        raise NotImplementedError

    def take(self, cluster: Cluster) -> None:
        """Add whatever this service knows about the people of one cluster."""
        raise NotImplementedError

    def records(self, person: Person) -> list[list[str]]:
        """The person's identity as this source holds it, plus a duplicate now and then."""
        copies = 2 if self.rng.random() < self.context.noise_rates.duplicate else 1
        found = []
        for _ in range(copies):
            record_id = self.format_id(self.ids.next())
            self.context.truth.add(self.service, record_id, person.key)
            found.append(self.noise.identity(person, record_id, self.nhs_share))
        return found

    def manifest(self) -> dict[str, str | date]:
        return {
            "service": self.service,
            "source_name": self.source_name,
            "date_current_as_of": self.as_of,
            "coverage_start": self.coverage_start,
            "coverage_end": self.as_of,
            "coverage_area": self.coverage_area,
            "coverage_explanation": self.coverage_explanation,
        }

    def close(self) -> dict[str, int]:
        for file in self.files.values():
            file.close()
        write_manifest(self.context.out / self.service, self.manifest())
        return {name: file.rows for name, file in self.files.items()}
