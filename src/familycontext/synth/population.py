"""The borough's true population, built one family cluster at a time.

A cluster is the set of households that belong together for children's social care: a child's
home, the separated parent's new home (with half-siblings), the grandparents' home. Building
whole clusters keeps relationships consistent and lets the generator stream: nothing about
one cluster is needed once it has been written.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from familycontext.synth.names import origin_pools, pick_origin, surname_for
from familycontext.synth.nhs import reserved_number
from familycontext.synth.places import Address, Borough

YEAR = 365.25


@dataclass(slots=True)
class Person:
    """One real individual: the truth every source record is a noisy copy of."""

    key: str
    first: str
    last: str
    dob: date
    gender: str
    origin: int
    address: Address
    nhs: str
    role: str  # child, parent, step_parent, grandparent, lodger, adult
    previous_surnames: tuple[str, ...] = ()
    previous_address: Address | None = None

    def age(self, on: date) -> int:
        return on.year - self.dob.year - ((on.month, on.day) < (self.dob.month, self.dob.day))


@dataclass(slots=True)
class Link:
    """How ``other`` is related to ``child``, in the words CMS uses (Mother, Half-brother, ...)."""

    child: Person
    other: Person
    label: str


@dataclass(slots=True)
class Cluster:
    people: list[Person] = field(default_factory=list)
    children: list[Person] = field(default_factory=list)  # the children at the centre of the family
    links: list[Link] = field(default_factory=list)
    households: list[list[Person]] = field(default_factory=list)
    kind: str = "adult"
    vulnerable: bool = False  # raises the chance of CMS, police, ASC and housing cases together


def _other(gender: str) -> str:
    return "Male" if gender == "Female" else "Female"


class PopulationBuilder:
    """Makes people and clusters; owns the person counter so keys and NHS numbers are unique."""

    def __init__(self, rng: random.Random, borough: Borough, as_of: date, nhs_offset: int) -> None:
        self.rng = rng
        self.borough = borough
        self.as_of = as_of
        self.count = 0
        self._nhs_offset = nhs_offset
        self._pools = origin_pools()

    # --- people ---------------------------------------------------------------------------
    def _dob(self, age_years: float) -> date:
        return self.as_of - timedelta(days=int(age_years * YEAR) + self.rng.randrange(365))

    def first_name(self, origin: int, gender: str) -> str:
        pools = self._pools[origin]
        if gender == "Female" or (gender == "Other" and self.rng.random() < 0.5):
            return pools.female.pick(self.rng)
        return pools.male.pick(self.rng)

    def family_name(self, origin: int) -> str:
        return self._pools[origin].last.pick(self.rng)

    def person(self, *, origin: int, gender: str, age: float, last: str, address: Address,
               role: str, previous_surnames: tuple[str, ...] = ()) -> Person:
        index = self.count
        self.count += 1
        if gender != "Other" and age >= 16 and self.rng.random() < 0.003:
            gender = "Other"
        person = Person(
            key=f"P{index:08d}",
            first=self.first_name(origin, gender),
            last=surname_for(origin, last, gender),
            dob=self._dob(min(age, 100.0)),
            gender=gender,
            origin=origin,
            address=address,
            nhs=reserved_number(index, self._nhs_offset),
            role=role,
            previous_surnames=tuple(surname_for(origin, s, gender) for s in previous_surnames if s != last),
        )
        if self.rng.random() < 0.08:
            person.previous_address = self.borough.new_address()
        return person

    def _adult_age(self) -> float:
        """Adults living without children: many are past 65, as in a real borough."""
        if self.rng.random() < 0.38:
            return self.rng.triangular(65, 99, 67)
        return self.rng.uniform(18, 65)

    def _gender(self) -> str:
        return "Female" if self.rng.random() < 0.5 else "Male"

    # --- clusters -------------------------------------------------------------------------
    def cluster(self) -> Cluster:
        roll = self.rng.random()
        if roll < 0.32:
            return self._singles(1)
        if roll < 0.61:
            return self._couple()
        if roll < 0.65:
            return self._singles(self.rng.randint(2, 4), sharers=True)
        return self._family()

    def singles(self, count: int) -> Cluster:
        """Fill the last few places of the population exactly."""
        return self._singles(count, sharers=True) if count > 1 else self._singles(1)

    def _singles(self, count: int, sharers: bool = False) -> Cluster:
        address = self.borough.new_address()
        cluster = Cluster(kind="sharers" if sharers else "single")
        for _ in range(count):
            age = self.rng.uniform(18, 60) if sharers else self._adult_age()
            origin = pick_origin(self.rng)
            cluster.people.append(self.person(origin=origin, gender=self._gender(), age=age,
                                              last=self.family_name(origin), address=address,
                                              role="adult"))
        cluster.households.append(list(cluster.people))
        return cluster

    def _couple(self) -> Cluster:
        address = self.borough.new_address()
        origin = pick_origin(self.rng)
        age = self._adult_age()
        gender = self._gender()
        surname = self.family_name(origin)
        first = self.person(origin=origin, gender=gender, age=age, last=surname, address=address,
                            role="adult")
        partner_origin = origin if self.rng.random() < 0.88 else pick_origin(self.rng)
        maiden = self.family_name(partner_origin)
        married = self.rng.random() < 0.6
        second = self.person(origin=partner_origin, gender=_other(gender),
                             age=max(18.0, age + self.rng.gauss(0, 4)),
                             last=surname if married else maiden, address=address, role="adult",
                             previous_surnames=(maiden,) if married else ())
        cluster = Cluster(people=[first, second], kind="couple")
        cluster.households.append([first, second])
        return cluster

    def _children(self, count: int) -> list[float]:
        """Ages of siblings, youngest first, one to five years apart, all under 18."""
        ages = [self.rng.uniform(0, 17)]
        for _ in range(count - 1):
            older = ages[-1] + self.rng.uniform(1, 5)
            if older >= 18:
                break
            ages.append(older)
        return ages

    def _family(self) -> Cluster:
        rng = self.rng
        cluster = Cluster(kind="family")
        home = self.borough.new_address()
        origin = pick_origin(rng)
        father_origin = origin if rng.random() < 0.88 else pick_origin(rng)
        kid_count = rng.choices((1, 2, 3, 4, 5), (38, 40, 15, 5, 2))[0]
        kid_ages = self._children(kid_count)
        mother_age = kid_ages[-1] + rng.triangular(17, 42, 28)
        father_age = max(kid_ages[-1] + 17, mother_age + rng.gauss(2.5, 4))
        maiden = self.family_name(origin)
        father_surname = self.family_name(father_origin)
        shape = rng.choices(("together", "lone_mother", "step_father", "step_mother", "kinship",
                             "lone_father"), (55, 20, 15, 4, 3, 3))[0]
        cluster.vulnerable = rng.random() < {"together": 0.06, "lone_mother": 0.2, "step_father": 0.2,
                                             "step_mother": 0.15, "kinship": 0.8,
                                             "lone_father": 0.15}[shape]
        married = shape in ("together", "step_mother") and rng.random() < 0.65
        mother_home = home if shape in ("together", "lone_mother", "step_father") else \
            self.borough.new_address()
        mother = self.person(origin=origin, gender="Female", age=mother_age,
                             last=father_surname if married else maiden, address=mother_home,
                             role="parent", previous_surnames=(maiden,) if married else ())
        father_home = home if shape in ("together", "step_mother", "lone_father") else \
            self.borough.new_address()
        father = self.person(origin=father_origin, gender="Male", age=father_age,
                             last=father_surname, address=father_home, role="parent")
        kids_surname = father_surname if (married or rng.random() < 0.55) else mother.last
        other_surname = mother.last if kids_surname == father_surname else father_surname
        household = [mother] if mother_home == home else []
        if father_home == home:
            household.append(father)
        children = [self.person(origin=origin, gender=self._gender(), age=a, last=kids_surname,
                                address=home, role="child",
                                previous_surnames=(other_surname,) if rng.random() < 0.3 else ())
                    for a in kid_ages]
        cluster.children = children
        cluster.people.extend([mother, father, *children])
        household.extend(children)
        for child in children:
            cluster.links.append(Link(child, mother, "Mother"))
            cluster.links.append(Link(child, father, "Father"))
            for sibling in children:
                if sibling is not child:
                    cluster.links.append(Link(child, sibling, "Sibling"))

        if shape == "step_father":
            self._step_parent(cluster, household, mother, "Male", home, "Step-father")
            self._elsewhere(cluster, father)
        elif shape == "step_mother":
            self._step_parent(cluster, household, father, "Female", home, "Step-mother")
            self._elsewhere(cluster, mother)
        elif shape == "lone_mother":
            self._elsewhere(cluster, father)
        elif shape == "lone_father":
            cluster.households.append([mother])
        if shape == "kinship" or rng.random() < 0.2:
            self._grandparents(cluster, household, mother, home, carers=shape == "kinship")
        if shape == "kinship":
            cluster.households.append([mother])
            cluster.households.append([father])
        if rng.random() < 0.03:
            lodger_origin = pick_origin(rng)
            lodger = self.person(origin=lodger_origin, gender=self._gender(), age=rng.uniform(19, 60),
                                 last=self.family_name(lodger_origin), address=home, role="lodger")
            cluster.people.append(lodger)
            household.append(lodger)
            cluster.links.extend(Link(child, lodger, "Household member") for child in children)
        grown_age = rng.uniform(18, 24)
        if rng.random() < 0.1 and mother_age - grown_age >= 17:
            grown = self.person(origin=origin, gender=self._gender(), age=grown_age,
                                last=kids_surname, address=home, role="adult")
            cluster.people.append(grown)
            household.append(grown)
            cluster.links.extend(Link(child, grown, "Sibling") for child in children)
        cluster.households.insert(0, household)
        return cluster

    def _step_parent(self, cluster: Cluster, household: list[Person], partner: Person, gender: str,
                     home: Address, label: str) -> None:
        """A new partner in the child's home, maybe with a younger half-sibling."""
        rng = self.rng
        origin = partner.origin if rng.random() < 0.85 else pick_origin(rng)
        eldest = max(c.age(self.as_of) for c in cluster.children)
        step = self.person(origin=origin, gender=gender,
                           age=max(18.0, eldest + 18, partner.age(self.as_of) + rng.gauss(1, 5)),
                           last=self.family_name(origin), address=home, role="step_parent")
        cluster.people.append(step)
        household.append(step)
        if gender == "Male" and rng.random() < 0.4:  # the mother takes the new surname
            partner.previous_surnames = (*partner.previous_surnames, partner.last)
            partner.last = step.last
        for child in cluster.children:
            cluster.links.append(Link(child, step, label))
        youngest = cluster.children[0].age(self.as_of)
        if youngest >= 2 and rng.random() < 0.5:
            baby = self.person(origin=origin, gender=self._gender(), age=rng.uniform(0, youngest - 1),
                               last=step.last, address=home, role="child")
            cluster.people.append(baby)
            household.append(baby)
            half = "Half-sister" if baby.gender == "Female" else "Half-brother"
            for child in cluster.children:
                cluster.links.append(Link(child, baby, half))
                label = "Half-sister" if child.gender == "Female" else "Half-brother"
                cluster.links.append(Link(baby, child, label))
            cluster.children.append(baby)
            cluster.links.append(Link(baby, partner, "Mother" if partner.gender == "Female" else "Father"))
            cluster.links.append(Link(baby, step, "Father" if gender == "Male" else "Mother"))

    def _elsewhere(self, cluster: Cluster, parent: Person) -> None:
        """The separated parent's own household, sometimes with a new partner and a half-sibling."""
        rng = self.rng
        household = [parent]
        if rng.random() < 0.35:
            gender = _other(parent.gender)
            origin = parent.origin if rng.random() < 0.85 else pick_origin(rng)
            partner = self.person(origin=origin, gender=gender,
                                  age=max(18.0, parent.age(self.as_of) + rng.gauss(-2, 4)),
                                  last=self.family_name(origin), address=parent.address, role="adult")
            cluster.people.append(partner)
            household.append(partner)
            if rng.random() < 0.5:
                surname = parent.last if parent.gender == "Male" else partner.last
                half = self.person(origin=parent.origin, gender=self._gender(), age=rng.uniform(0, 6),
                                   last=surname, address=parent.address, role="child")
                cluster.people.append(half)
                household.append(half)
                label = "Half-sister" if half.gender == "Female" else "Half-brother"
                cluster.links.extend(Link(child, half, label) for child in cluster.children)
        cluster.households.append(household)

    def _grandparents(self, cluster: Cluster, household: list[Person], mother: Person, home: Address,
                      carers: bool) -> None:
        """Maternal grandparents: carers in kinship care, else in their own home or living in."""
        rng = self.rng
        living_in = carers or rng.random() < 0.2
        address = home if living_in else self.borough.new_address()
        age = mother.age(self.as_of) + rng.triangular(18, 40, 27)
        surname = mother.previous_surnames[0] if mother.previous_surnames else mother.last
        grandmother = self.person(origin=mother.origin, gender="Female", age=min(age, 99),
                                  last=surname, address=address, role="grandparent")
        together = [grandmother]
        if rng.random() < 0.6:
            together.append(self.person(origin=mother.origin, gender="Male",
                                        age=min(age + rng.gauss(2, 3), 100), last=surname,
                                        address=address, role="grandparent"))
        cluster.people.extend(together)
        if living_in:
            household.extend(together)
        else:
            cluster.households.append(together)
        for child in cluster.children:
            for grandparent in together:
                if carers and rng.random() < 0.5:
                    label = "Carer"
                else:
                    label = "Grandmother" if grandparent.gender == "Female" else "Grandfather"
                cluster.links.append(Link(child, grandparent, label))
