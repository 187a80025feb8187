"""Schools (the Synergy extract): pupils on roll, leavers, movers and dual registrations."""

from __future__ import annotations

from datetime import date

from familycontext.sources.services import SCHOOL
from familycontext.synth.extracts import Context, Extract, random_day
from familycontext.synth.organisations import School, make_schools
from familycontext.synth.places import BOROUGH
from familycontext.synth.population import Cluster, Person

UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
LA_NUMBER = "999"  # not a real local authority number


def upn(digits12: str) -> str:
    """A Unique Pupil Number: check letter (weights 2-13, modulus 23) then twelve digits."""
    total = sum(int(d) * w for d, w in zip(digits12, range(2, 14), strict=True))
    return UPN_LETTERS[total % 23] + digits12


class SchoolExtract(Extract):
    service = SCHOOL
    source_name = "Synergy"
    coverage_years = 3
    nhs_share = 0.05
    id_space = 10**9
    coverage_explanation = (f"Pupils on roll at {BOROUGH}'s schools and academies, and pupils who left "
                            "in the last three years. Independent schools are not included.")

    def __init__(self, context: Context, children: int) -> None:
        super().__init__(context)
        self.schools = make_schools(self.rng, context.borough.towns, children)
        self.by_phase: dict[tuple[str, str], list[School]] = {}
        for school in self.schools:
            self.by_phase.setdefault((school.phase, school.town), []).append(school)
            self.by_phase.setdefault((school.phase, ""), []).append(school)

    def format_id(self, number: int) -> str:
        return upn(f"{LA_NUMBER}{number:09d}")

    def _school(self, phase: str, town: str, other_than: School | None = None) -> School:
        local = self.by_phase.get((phase, town)) if self.rng.random() < 0.85 else None
        choices = [s for s in (local or self.by_phase[(phase, "")]) if s is not other_than]
        return self.rng.choice(choices or self.by_phase[(phase, "")])

    def _row(self, school: School, admission: str, start: date, end: date | None) -> list[str]:
        contact = self.rng.choice(school.contacts).columns() if self.rng.random() < 0.9 else [""] * 4
        return [school.name, admission, start.isoformat(), end.isoformat() if end else "", *contact]

    def _enrolments(self, child: Person) -> list[list[str]]:
        rng, as_of = self.rng, self.as_of
        reception = child.dob.year + (5 if child.dob.month >= 9 else 4)  # September after 4th birthday
        if date(reception, 9, 1) > as_of:
            return []
        year_group = as_of.year - reception - (0 if as_of.month >= 9 else 1)  # 0 = reception
        if year_group > 13:
            return []
        town = child.address.town
        rows: list[list[str]] = []
        primary = self._school("primary", town)
        secondary_start = date(reception + 7, 9, rng.randint(1, 7))
        primary_start = date(reception, 9, rng.randint(1, 7))
        if year_group >= 7:  # at secondary (or left): the primary place ended in July
            primary_end = date(reception + 7, 7, rng.randint(15, 24))
            if primary_end >= self.coverage_start:
                rows.append(self._row(primary, "Main provision", primary_start, primary_end))
            staying = year_group <= 11 or rng.random() < self.rates.sixth_form
            current = self._school("secondary", town)
            start = secondary_start
            if not staying:  # left at 16: a historic secondary record only
                end = date(reception + 12, 7, rng.randint(15, 24))
                if end >= self.coverage_start:
                    rows.append(self._row(current, "Main provision", start, end))
                return rows
        else:
            current, start = primary, primary_start
        if rng.random() >= self.rates.school_enrolled:  # educated at home or out of area
            return rows
        if rng.random() < self.rates.school_mover and start < as_of:
            moved = random_day(rng, start, as_of)
            earlier = current
            current = self._school(current.phase, town, other_than=earlier)
            if moved >= self.coverage_start:
                rows.append(self._row(earlier, "Main provision", start, moved))
            start = moved
        rows.append(self._row(current, "Main provision", start, None))
        if rng.random() < self.rates.dual_registration:
            alternative = self._school("alternative", town)
            admission = rng.choice(("Secondary provision", "Off site provision"))
            rows.append(self._row(alternative, admission, random_day(rng, start, as_of), None))
        return rows

    def take(self, cluster: Cluster) -> None:
        for person in cluster.people:
            if person.age(self.as_of) > 19:
                continue
            enrolments = self._enrolments(person)
            if not enrolments:
                continue
            for identity in self.records(person):
                for enrolment in enrolments:
                    self.files["enrolments"].add([*identity, *enrolment])
