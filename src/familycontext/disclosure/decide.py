"""The one decision: what this viewer may be shown about a person, now.

Inputs: the person, the viewer (which restricted people their session opened by break-glass),
today, and the configuration. Output: a ``PersonDisclosure`` (or, for a line in a list, a
``PersonSummary``) holding only what may be shown, already worded where words are shared
(``WITHHELD``). Channels copy from it and decide nothing.

The rules:

- A restricted person (by the CMS or a data manager) not opened by this session's break-glass:
  name, date of birth, age and CMS id only. No addresses, other names, flags, details or related
  people; asking for them raises ``Withheld``.
- An address where a restricted person lives (``RestrictedHomes``) is withheld for everyone
  recorded at it, and is never used to list people "at the same address"
  (``disclosure.withhold_restricted_households``, default on).
- Restricted people are never listed as living at the same address as anyone.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from django.conf import settings
from django.utils import timezone

from familycontext.config.settings import Configuration
from familycontext.disclosure.homes import WITHHELD, RestrictedHomes
from familycontext.governance import break_glass, restrictions
from familycontext.involvement.ages import age_on
from familycontext.involvement.cards import Card
from familycontext.involvement.records import card as read_card
from familycontext.involvement.records import cards as read_cards
from familycontext.people.family import linked_in_cms, same_address
from familycontext.people.models import Person
from familycontext.people.records import addresses as record_addresses
from familycontext.people.records import live_records, other_names
from familycontext.sources.live import live_snapshots
from familycontext.sources.models import Snapshot, SourceRecord

SAME_ADDRESS = "Same address in other records"


class Withheld(Exception):
    """The viewer asked for what restriction withholds (a restricted person's flags, details or family)."""


@dataclass(frozen=True)
class DisclosedAddress:
    """One address as the person page lists it, with the sources that hold it; or withheld."""

    address: str
    postcode: str
    sources: tuple[str, ...]
    withheld: bool = False

    @property
    def text(self) -> str:
        return WITHHELD if self.withheld else ", ".join(p for p in (self.address, self.postcode) if p)


def _age(date_of_birth: date | None, today: date) -> int | None:
    if date_of_birth is None or date_of_birth > today:
        return None
    return age_on(date_of_birth, today)


@dataclass(frozen=True)
class PersonSummary:
    """A person as one line of a list shows them: search results, related individuals, API summaries."""

    person: Person
    restricted: bool  # restricted and not opened by this viewer's break-glass
    address_withheld: bool  # restricted, or living where a restricted person lives
    age: int | None

    @property
    def id(self) -> str:
        return self.person.id

    @property
    def cms_id(self) -> str:
        return self.person.cms_id

    @property
    def first_name(self) -> str:
        return self.person.first_name

    @property
    def last_name(self) -> str:
        return self.person.last_name

    @property
    def full_name(self) -> str:
        return self.person.full_name

    @property
    def date_of_birth(self) -> date | None:
        return self.person.date_of_birth

    @property
    def gender(self) -> str:
        return self.person.gender

    @property
    def address(self) -> str:
        return "" if self.address_withheld else self.person.address

    @property
    def postcode(self) -> str:
        return "" if self.address_withheld else self.person.postcode

    @property
    def address_first_line(self) -> str | None:
        return None if self.address_withheld else (self.person.address_first_line or None)

    @property
    def address_text(self) -> str:
        """The results table's address cell."""
        return WITHHELD if self.address_withheld else (self.person.address_first_line or "Not known")


@dataclass(frozen=True)
class RelatedPerson:
    """A related individual; ``summary`` is None for a CMS record linked to no person."""

    relationship: str
    cms_id: str
    summary: PersonSummary | None
    same_address: bool = False  # listed as "same address in other records", not linked in the CMS

    @property
    def person(self) -> Person | None:
        return self.summary.person if self.summary else None


@dataclass(frozen=True)
class PersonDisclosure:
    """Everything the person page, print page, ecomap and API may show about one person."""

    summary: PersonSummary
    break_glass: bool  # restricted, opened by this session's break-glass
    other_names: tuple[str, ...] = ()
    addresses: tuple[DisclosedAddress, ...] = ()
    cards: tuple[Card, ...] = ()
    linked: tuple[RelatedPerson, ...] = ()
    same_address: tuple[RelatedPerson, ...] = ()
    records: Sequence[SourceRecord] = field(default=(), repr=False)

    @property
    def person(self) -> Person:
        return self.summary.person

    @property
    def restricted(self) -> bool:
        return self.summary.restricted

    @property
    def shown_addresses(self) -> list[DisclosedAddress]:
        return [a for a in self.addresses if not a.withheld]

    @property
    def any_address_withheld(self) -> bool:
        return any(a.withheld for a in self.addresses)

    @property
    def related(self) -> tuple[RelatedPerson, ...]:
        return self.linked + self.same_address


class Disclosure:
    """The decider for one viewer at one moment. Cheap to make; reads what it needs once."""

    def __init__(self, *, opened: Collection[str] = (), today: date | None = None,
                 config: Configuration | None = None) -> None:
        self.opened = frozenset(opened)
        self.today = today or timezone.localdate()
        self.config = config or settings.CONFIG

    @classmethod
    def for_session(cls, request) -> Disclosure:
        """A web session: the people it has opened by break-glass count."""
        return cls(opened=break_glass.opened(request))

    @classmethod
    def for_api(cls, request) -> Disclosure:
        """An API call: a token or bearer caller cannot break the glass; a browser session
        (no Authorization header) keeps what it opened in the web app."""
        if "Authorization" in getattr(request, "headers", {}):
            return cls()
        return cls.for_session(request)

    @cached_property
    def homes(self) -> RestrictedHomes:
        if not self.config.disclosure.withhold_restricted_households:
            return RestrictedHomes()
        return RestrictedHomes.read(self.opened, self.live)

    @cached_property
    def live(self) -> Sequence[Snapshot]:
        """The live snapshots (``sources.live``), read once for everything this decider answers."""
        return live_snapshots()

    # --- people in lists -----------------------------------------------------------------------

    def is_withheld(self, person: Person) -> bool:
        """Restricted, and not opened by this viewer's break-glass."""
        return restrictions.is_restricted(person) and person.id not in self.opened

    def summary(self, person: Person) -> PersonSummary:
        hidden = self.is_withheld(person)
        return PersonSummary(
            person=person, restricted=hidden,
            address_withheld=hidden or self.homes.hides(person.address, person.postcode),
            age=_age(person.date_of_birth, self.today))

    def summaries(self, people: Iterable[Person]) -> list[PersonSummary]:
        """Summaries for a page of people; data managers' restrictions read in one query."""
        people = restrictions.apply(list(people))
        return [self.summary(p) for p in people]

    # --- one person ----------------------------------------------------------------------------

    def person(self, person: Person, *, records: Sequence[SourceRecord] | None = None,
               live: Sequence[Snapshot] | None = None) -> PersonDisclosure:
        summary = self.summary(person)
        if summary.restricted:
            return PersonDisclosure(summary=summary, break_glass=False,
                                    addresses=(DisclosedAddress("", "", (), withheld=True),))
        if live is not None:
            self.__dict__.setdefault("live", live)
        live = self.live
        records = live_records(person.id, live) if records is None else records
        addresses = []
        withheld = False
        for a in record_addresses(person, records):
            if self.homes.hides(a.address, a.postcode):
                withheld = True
            else:
                addresses.append(DisclosedAddress(a.address, a.postcode, a.sources))
        if withheld:
            addresses.append(DisclosedAddress("", "", (), withheld=True))
        linked = linked_in_cms(person, records)
        linked_people = [lp.person for lp in linked if lp.person]
        # "Same address" only through addresses that are shown: listing who lives at a withheld
        # address would tell where the restricted person lives.
        at_shown = [r for r in records if not self.homes.hides(r.address, r.postcode)]
        nearby = same_address(person, exclude={p.id for p in linked_people}, records=at_shown)
        restrictions.apply(linked_people + nearby)  # data managers' restrictions, one query
        by_id = {p.id: self.summary(p) for p in linked_people}
        return PersonDisclosure(
            summary=summary,
            break_glass=restrictions.is_restricted(person),
            other_names=tuple(other_names(person, records)),
            addresses=tuple(addresses),
            cards=tuple(read_cards(person, self.today, list(records), live)),
            linked=tuple(RelatedPerson(lp.relationship, lp.cms_id, by_id[lp.person.id] if lp.person else None)
                         for lp in linked),
            same_address=tuple(RelatedPerson(SAME_ADDRESS, p.cms_id, self.summary(p), same_address=True)
                               for p in nearby if not restrictions.is_restricted(p)),
            records=records,
        )

    def cards(self, person: Person) -> list[Card]:
        """The person's closed cards (flags); ``Withheld`` for a restricted person."""
        if self.is_withheld(person):
            raise Withheld(person.id)
        return read_cards(person, self.today)

    def card(self, person: Person, service: str) -> Card:
        """One card with its details (opening it is audited by the channel); ``Withheld`` when restricted."""
        if self.is_withheld(person):
            raise Withheld(person.id)
        return read_card(person, service, self.today)

    def family_cards(self, disclosed: PersonDisclosure) -> dict[str, list[Card]]:
        """Closed cards of the person and each related person whose flags may be shown (the
        ecomap's and the print page's services); restricted people not opened have none."""
        found: dict[str, list[Card]] = {}
        if disclosed.restricted:
            return found
        found[disclosed.person.id] = list(disclosed.cards)
        for r in disclosed.related:
            if r.summary is not None and not r.summary.restricted and r.summary.id not in found:
                found[r.summary.id] = read_cards(r.summary.person, self.today)
        return found
