"""Schools, landlords, social care teams and police units, each with a named person to call.

Phone numbers come from Ofcom's ranges reserved for drama (0161 496 0xxx, 07700 900xxx), and
emails are at example.org, so nothing generated can ring or reach a real person.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from familycontext.synth.names import ascii_fold, origin_pools, pick_origin

ASC_TEAMS = ("Locality Team", "Learning Disability Team", "Community Mental Health Team",
             "Hospital Discharge Team", "Reablement Service", "Sensory Impairment Team")
ASC_ROLES = ("Social Worker", "Senior Practitioner", "Care Coordinator", "Occupational Therapist")
POLICE_ROLES = ("Detective Constable", "Police Constable", "Detective Sergeant")
POLICE_UNITS = ("Public Protection Unit", "Multi-Agency Safeguarding Hub", "Neighbourhood Team")
SCHOOL_ROLES = ("Designated Safeguarding Lead", "Deputy Designated Safeguarding Lead",
                "Head Teacher", "Family Support Worker")
HOUSING_ROLES = ("Housing Officer", "Tenancy Sustainment Officer", "Neighbourhood Officer")


@dataclass(frozen=True, slots=True)
class Contact:
    name: str
    role: str
    phone: str
    email: str

    def columns(self) -> list[str]:
        return [self.name, self.role, self.phone, self.email]


def make_contact(rng: random.Random, role: str) -> Contact:
    origin = pick_origin(rng)
    pools = origin_pools()[origin]
    first = (pools.female if rng.random() < 0.6 else pools.male).pick(rng)
    last = pools.last.pick(rng)
    phone = (f"0161 496 0{rng.randrange(1000):03d}" if rng.random() < 0.8
             else f"07700 900{rng.randrange(1000):03d}")
    local = f"{ascii_fold(first)}.{ascii_fold(last)}".lower().replace(" ", "")
    return Contact(f"{first} {last}", role, phone, f"{local}@example.org")


@dataclass(frozen=True, slots=True)
class School:
    name: str
    phase: str  # primary, secondary, alternative
    town: str
    contacts: tuple[Contact, ...]


def make_schools(rng: random.Random, towns: tuple[str, ...], children: int) -> list[School]:
    """About one primary per 250 pupils and one secondary per 1,000, plus alternative provision."""
    pools = origin_pools()[0]
    schools: list[School] = []
    names: set[str] = set()

    def add(phase: str, town: str, name: str) -> None:
        if name in names:
            return
        names.add(name)
        contacts = tuple(make_contact(rng, role) for role in SCHOOL_ROLES[: rng.randint(1, 3)])
        schools.append(School(name, phase, town, contacts))

    primaries = max(3, children // 250)
    while sum(s.phase == "primary" for s in schools) < primaries:
        town = rng.choice(towns)
        style = rng.randrange(3)
        if style == 0:
            name = f"St {pools.male.pick(rng) if rng.random() < 0.5 else pools.female.pick(rng)}'s " \
                   f"{rng.choice(('C of E', 'RC', 'Catholic'))} Primary School"
        elif style == 1:
            name = f"{town} {rng.choice(('Primary School', 'Infant School', 'Junior School'))}"
            name = f"{pools.last.pick(rng)} {name}" if rng.random() < 0.7 else name
        else:
            name = f"{pools.last.pick(rng)} {rng.choice(('Primary Academy', 'Community Primary School'))}"
        add("primary", town, name)
    secondaries = max(2, children // 1000)
    while sum(s.phase == "secondary" for s in schools) < secondaries:
        town = rng.choice(towns)
        name = rng.choice((f"{town} High School", f"{pools.last.pick(rng)} Academy",
                           f"{town} {pools.last.pick(rng)} School", f"{pools.last.pick(rng)} College"))
        add("secondary", town, name)
    for town in towns[: max(1, len(towns) // 3)]:
        add("alternative", town, f"{town} Pupil Referral Unit")
    add("alternative", towns[0], "Northmoor Hospital School")
    return schools


@dataclass(frozen=True, slots=True)
class Organisation:
    """A landlord, an adult social care team or a police unit, with the people to call there."""

    name: str
    contacts: tuple[Contact, ...]


def make_organisations(rng: random.Random, names: list[str], roles: tuple[str, ...],
                       contacts_each: int) -> list[Organisation]:
    return [Organisation(name, tuple(make_contact(rng, rng.choice(roles)) for _ in range(contacts_each)))
            for name in names]
