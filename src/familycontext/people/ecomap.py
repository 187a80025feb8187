"""The ecomap (issue 10): a person at the centre, their related individuals around them, and for
each person the services with records found.

A pure function of plain values (the person, the related individuals from ``people.family``, and
each person's closed-card flags), so the picture and the accessible list are drawn from one
description and are tested without a database or a layout engine. Only flags go in: an ecomap
must never reveal a detail that opening a card would audit separately.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

SAME_ADDRESS = "Same address"
THIS_PERSON = "This person"


class PersonLike(Protocol):
    """What the ecomap reads of a person: ``people.models.Person`` fits, so does a test double."""

    id: str
    date_of_birth: date | None
    restricted: bool

    @property
    def full_name(self) -> str: ...


@dataclass(frozen=True)
class Related:
    """One related individual as ``people.family`` finds them; ``person`` is None for a CMS record
    not linked to any person."""

    relationship: str
    person: PersonLike | None
    cms_id: str = ""


@dataclass(frozen=True)
class ServiceFlag:
    """One closed card, reduced to what the ecomap may show: whether records were found."""

    service: str  # "school", "housing", "adult_social_care", "police"
    title: str  # "School", ...
    records_found: bool
    source_name: str | None = None


@dataclass(frozen=True)
class ServiceNode:
    node_id: str
    service: str
    title: str
    source_name: str | None


@dataclass(frozen=True)
class PersonNode:
    node_id: str
    person_id: str | None  # None: a CMS record not linked to a person
    name: str
    relationships: tuple[str, ...]  # empty for the person at the centre
    age: str  # "age 9", "age not known"
    is_centre: bool
    withheld: bool  # restricted and not opened by break-glass: no service nodes
    services: tuple[ServiceNode, ...]

    @property
    def relationship(self) -> str:
        return THIS_PERSON if self.is_centre else ", ".join(self.relationships)

    @property
    def note(self) -> str:
        """What is true of this person's services, in words (the list and the picture's description)."""
        if self.withheld:
            return "Restricted record: services not shown"
        if self.person_id is None:
            return "Not linked to a person: no service information"
        if not self.services:
            return "No records found in the services shown"
        return "Records found: " + ", ".join(s.title for s in self.services)


@dataclass(frozen=True)
class Edge:
    tail: str
    head: str
    kind: str  # "relationship" (centre to a related individual) or "service"


@dataclass(frozen=True)
class Ecomap:
    centre: PersonNode
    related: tuple[PersonNode, ...]

    @property
    def people(self) -> tuple[PersonNode, ...]:
        return (self.centre, *self.related)

    @property
    def edges(self) -> tuple[Edge, ...]:
        edges = [Edge(self.centre.node_id, p.node_id, "relationship") for p in self.related]
        edges += [Edge(p.node_id, s.node_id, "service") for p in self.people for s in p.services]
        return tuple(edges)

    @property
    def title(self) -> str:
        return f"Ecomap of {self.centre.name}: related individuals and services with records found"

    @property
    def description(self) -> str:
        """The whole picture in words, for the SVG's <desc>."""
        parts = [f"{self.centre.name} ({self.centre.age}) is at the centre. {self.centre.note}."]
        if not self.related:
            parts.append("No related individuals are shown.")
        for p in self.related:
            parts.append(f"{p.name}, {p.relationship}, {p.age}. {p.note}.")
        return " ".join(parts)


def age_label(date_of_birth: date | None, today: date) -> str:
    """'age 9', or 'age not known' without a (plausible) date of birth."""
    if date_of_birth is None or date_of_birth > today:
        return "age not known"
    years = today.year - date_of_birth.year - ((today.month, today.day) < (date_of_birth.month, date_of_birth.day))
    return f"age {years}"


def _services(prefix: str, flags: Sequence[ServiceFlag]) -> tuple[ServiceNode, ...]:
    return tuple(
        ServiceNode(f"{prefix}-{f.service.replace('_', '-')}", f.service, f.title, f.source_name)
        for f in flags
        if f.records_found
    )


def build_ecomap(
    centre: PersonLike,
    related: Sequence[Related],
    flags: Mapping[str, Sequence[ServiceFlag]],
    *,
    today: date,
    unrestricted: Collection[str] = (),
) -> Ecomap:
    """Describe the ecomap.

    ``flags`` maps a person id to that person's closed-card flags; a person without an entry has
    no service nodes. ``unrestricted`` holds the ids of restricted people whose records the user
    has opened by break-glass; every other restricted person is shown without services. A person
    related in several ways (linked in the CMS from both sides) is one node listing each way.
    """

    def withheld(person: PersonLike) -> bool:
        return person.restricted and person.id not in unrestricted

    def node(index: int, person: PersonLike, relationships: tuple[str, ...], is_centre: bool) -> PersonNode:
        node_id = f"ecomap-p{index}"
        hidden = withheld(person)
        return PersonNode(
            node_id=node_id, person_id=person.id, name=person.full_name, relationships=relationships,
            age=age_label(person.date_of_birth, today), is_centre=is_centre, withheld=hidden,
            services=() if hidden else _services(node_id, flags.get(person.id, ())),
        )

    # Merge by person, keeping first-seen order (people.family sorts them oldest first).
    order: list[str] = []
    ways: dict[str, list[str]] = {}
    people: dict[str, PersonLike] = {}
    for item in related:
        if item.person is None:
            key = f"record:{item.cms_id}"
        elif item.person.id == centre.id:
            continue
        else:
            key = item.person.id
            people[key] = item.person
        if key not in ways:
            order.append(key)
            ways[key] = []
        if item.relationship and item.relationship not in ways[key]:
            ways[key].append(item.relationship)

    nodes: list[PersonNode] = []
    for index, key in enumerate(order, start=1):
        if key in people:
            nodes.append(node(index, people[key], tuple(ways[key]), False))
        else:
            cms_id = key.removeprefix("record:")
            nodes.append(PersonNode(
                node_id=f"ecomap-p{index}", person_id=None, name=f"Record {cms_id}",
                relationships=tuple(ways[key]), age="age not known", is_centre=False,
                withheld=False, services=(),
            ))
    return Ecomap(centre=node(0, centre, (), True), related=tuple(nodes))
