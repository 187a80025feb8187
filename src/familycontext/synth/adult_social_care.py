"""Adult Social Care (Mosaic): care and support involvements, past, present and planned."""

from __future__ import annotations

from datetime import date, timedelta

from familycontext.sources.services import ADULT_SOCIAL_CARE
from familycontext.synth.extracts import Context, Extract, random_day
from familycontext.synth.organisations import ASC_ROLES, ASC_TEAMS, Organisation, make_organisations
from familycontext.synth.places import BOROUGH
from familycontext.synth.population import Cluster, Person


class AdultSocialCareExtract(Extract):
    service = ADULT_SOCIAL_CARE
    source_name = "Mosaic Adults"
    coverage_years = 5
    nhs_share = 0.9
    id_space = 9 * 10**6
    coverage_explanation = (f"Adults with a care and support involvement with {BOROUGH} Council in "
                            "the last five years. Care arranged privately or by the NHS alone is not included.")

    def __init__(self, context: Context) -> None:
        super().__init__(context)
        names = [f"{BOROUGH} Council Adult Social Care – {team}" for team in ASC_TEAMS]
        self.teams: list[Organisation] = make_organisations(self.rng, names, ASC_ROLES, contacts_each=4)

    def format_id(self, number: int) -> str:
        return str(10**6 + number)  # Mosaic person ids are plain numbers

    def _chance(self, person: Person, vulnerable: bool) -> float:
        age = person.age(self.as_of)
        if age < 16:
            return 0.0
        chance = (self.rates.asc_oldest if age >= 80 else self.rates.asc_older if age >= 65
                  else self.rates.asc_working_age)
        if vulnerable and person.role in ("parent", "step_parent", "grandparent"):
            chance *= self.rates.vulnerable_multiplier
        return min(0.9, chance)

    def _involvement(self, team: Organisation, status: str, start: date | None, end: date | None,
                     latest: date | None) -> list[str]:
        contact = self.rng.choice(team.contacts).columns() if self.rng.random() < 0.9 else [""] * 4
        return [team.name, start.isoformat() if start else "", end.isoformat() if end else "",
                latest.isoformat() if latest else "", status, *contact]

    def _involvements(self) -> list[list[str]]:
        rng, as_of = self.rng, self.as_of
        status = rng.choices(("active", "ended", "planned", "cancelled"), (55, 25, 10, 10))[0]
        team = rng.choice(self.teams)
        start = random_day(rng, self.coverage_start, as_of - timedelta(days=7))
        if status == "active":
            rows = [self._involvement(team, status, start, None, random_day(rng, start, as_of))]
        elif status == "ended":
            end = random_day(rng, start, as_of)
            rows = [self._involvement(team, status, start, end, random_day(rng, start, end))]
        elif status == "planned":
            start = as_of + timedelta(days=rng.randint(1, 45))
            rows = [self._involvement(team, status, start, None, as_of - timedelta(days=rng.randint(0, 14)))]
        else:
            rows = [self._involvement(team, status, start, start + timedelta(days=rng.randint(0, 20)), start)]
        if rng.random() < 0.2:
            earlier_end = random_day(rng, self.coverage_start, start)
            earlier_start = random_day(rng, self.coverage_start, earlier_end)
            rows.append(self._involvement(rng.choice(self.teams), "ended", earlier_start, earlier_end,
                                          earlier_end))
        return rows

    def take(self, cluster: Cluster) -> None:
        for person in cluster.people:
            if self.rng.random() >= self._chance(person, cluster.vulnerable):
                continue
            rows = self._involvements()
            for identity in self.records(person):
                for row in rows:
                    self.files["involvements"].add([*identity, *row])
