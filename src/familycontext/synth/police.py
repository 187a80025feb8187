"""Police (Greater Manchester Police): people with offence records, and the offences."""

from __future__ import annotations

from datetime import date

from familycontext.config.settings import NON_SAFEGUARDING_OFFENCES, SAFEGUARDING_OFFENCES
from familycontext.sources.services import POLICE
from familycontext.synth.extracts import Context, Extract, random_day, years_before
from familycontext.synth.organisations import (
    POLICE_ROLES,
    POLICE_UNITS,
    Organisation,
    make_organisations,
)
from familycontext.synth.places import BOROUGH
from familycontext.synth.population import Cluster, Person

# Offence groups outside both display lists: loaded, counted in the data-quality report, never shown.
OTHER_OFFENCES = ("Fraud", "Bicycle theft", "Stalking and harassment", "Vehicle offences")
# Relative frequency of safeguarding types: violence is common, homicide very rare.
SAFEGUARDING_WEIGHTS = {"Homicide": 0.2, "Other sexual offences": 4, "Possession of weapons": 8,
                        "Rape": 2, "Robbery": 6, "Violence with injury": 30, "Violence without injury": 40}


class PoliceExtract(Extract):
    service = POLICE
    source_name = "Greater Manchester Police"
    coverage_area = "Greater Manchester Police area"
    coverage_years = 8
    nhs_share = 0.02
    id_space = 10**9
    coverage_explanation = ("People recorded as convicted of or suspected of an offence in the last "
                            f"eight years who live in {BOROUGH}. Victims and witnesses are not included.")

    def __init__(self, context: Context) -> None:
        super().__init__(context)
        names = [f"{BOROUGH} {unit}" for unit in POLICE_UNITS]
        self.units: list[Organisation] = make_organisations(self.rng, names, POLICE_ROLES, contacts_each=5)
        self.safeguarding = list(SAFEGUARDING_OFFENCES)
        self.safeguarding_weights = [SAFEGUARDING_WEIGHTS.get(t, 5) for t in self.safeguarding]

    def format_id(self, number: int) -> str:
        text = f"{number:09d}"
        return f"PNC{text[:2]}/{text[2:]}{'ABCDEFGHJKLMNPQRTUVWXYZ'[number % 23]}"

    def _chance(self, person: Person, vulnerable: bool) -> float:
        age = person.age(self.as_of)
        if age < 18:
            return 0.0
        chance = self.rates.police_female if person.gender == "Female" else self.rates.police_male
        chance *= 1.5 if age < 36 else 1.0 if age < 56 else 0.3
        if vulnerable and person.role in ("parent", "step_parent", "adult", "lodger"):
            chance *= self.rates.vulnerable_multiplier
        return min(0.9, chance)

    def _offence_type(self) -> str:
        roll = self.rng.random()
        if roll < 0.35:
            return self.rng.choices(self.safeguarding, self.safeguarding_weights)[0]
        if roll < 0.9:
            return self.rng.choice(NON_SAFEGUARDING_OFFENCES)
        return self.rng.choice(OTHER_OFFENCES)

    def _offences(self, person: Person) -> list[tuple[str, str, str]]:
        rng = self.rng
        since = max(self.coverage_start, years_before(person.dob, -18))
        count = 1
        while count < 8 and rng.random() < 0.45:
            count += 1
        found = []
        for _ in range(count):
            day: date = random_day(rng, since, self.as_of)
            nature = "Convicted" if rng.random() < 0.6 else "Suspect"
            found.append((day.isoformat(), self._offence_type(), nature))
        return found

    def take(self, cluster: Cluster) -> None:
        rng = self.rng
        for person in cluster.people:
            if rng.random() >= self._chance(person, cluster.vulnerable):
                continue
            offences = self._offences(person)
            unit = rng.choice(self.units)
            for n, identity in enumerate(self.records(person)):
                contact = rng.choice(unit.contacts).columns() if rng.random() < 0.85 else [""] * 4
                self.files["people"].add([*identity, f"{BOROUGH} district", *contact])
                for offence in offences if n == 0 else offences[:1]:
                    self.files["offences"].add([identity[0], *offence])
