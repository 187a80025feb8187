"""The print version of a person page, for the case record (issue 10).

It carries the person's flags and the contact of each of their services with records (printing
records those as views of the services' details), the ecomap's flags, and the contacts of related
people's cards the user opened in this session. Opened cards are remembered in the session
(``remember_opened``) when their details are served, so a printout can never show a contact the
user did not open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.utils import timezone

from familycontext.involvement.cards import Card
from familycontext.involvement.contacts import ContactDetails
from familycontext.involvement.freshness import SourceFacts, freshness_for
from familycontext.people.models import Person
from familycontext.sources.models import Snapshot
from familycontext.sources.services import CMS, SERVICE_LABELS

OPENED_SESSION_KEY = "opened_cards"
# The most recently opened cards kept for the printout. The session is read (and its signature
# checked) on every request, so an unbounded list made every request of a long session slower
# (issue 9). 200 covers a printout's person and family many times over; a card opened longer
# ago than the last 200 is left off the printout, which only ever shows less, never more.
OPENED_KEPT = 200


def remember_opened(request, person_id: str, service: str) -> None:
    """Note that this session opened ``service``'s card for the person (its details were shown).

    Keeps the last ``OPENED_KEPT``, most recent last; re-opening a card makes it the most recent.
    The session is written only when this changes the list.
    """
    opened = [list(pair) for pair in request.session.get(OPENED_SESSION_KEY, [])]
    pair = [person_id, service]
    if opened and opened[-1] == pair:
        return
    if pair in opened:
        opened.remove(pair)
    opened.append(pair)
    request.session[OPENED_SESSION_KEY] = opened[-OPENED_KEPT:]


def opened_cards(request) -> list[tuple[str, str]]:
    """(person id, service) for every card opened in this session, in the order opened."""
    return [(p, s) for p, s in request.session.get(OPENED_SESSION_KEY, [])]


@dataclass(frozen=True)
class OpenedContact:
    person: Person
    card: Card

    @property
    def contact(self) -> ContactDetails | None:
        return self.card.contact or (getattr(self.card.details, "contact", None) if self.card.details else None)


def contacts_to_print(person: Person, own_cards: list[Card], opened: list[OpenedContact]) -> list[OpenedContact]:
    """Whom to call, for the printout: the person's contact for every service with records or
    that knows them (``Card.openable``; opening the printout records each as a view of that
    service's details), then the contacts
    of related people's cards opened in this session."""
    own = [OpenedContact(person, c) for c in own_cards if c.openable and c.contact]
    return own + [o for o in opened if o.person.id != person.id]


@dataclass(frozen=True)
class SourceDate:
    service: str
    source_name: str
    as_of: datetime
    stale_note: str | None = None  # the cards' own warning when the data is older than the threshold


def source_dates(cards: list[Card], today: date | None = None) -> list[SourceDate]:
    """How current each source on the printout is: the case management system (it says who is
    related) and every source behind a card, each once, with the cards' stale-data warning."""
    today = today or timezone.localdate()
    found: dict[tuple[str, str], SourceDate] = {}
    for snapshot in Snapshot.objects.filter(live=True, source__service=CMS).select_related("source"):
        fresh = freshness_for(SourceFacts.from_snapshot(snapshot), today=today, config=settings.CONFIG)
        found[(CMS, snapshot.source.name)] = SourceDate(SERVICE_LABELS[CMS], snapshot.source.name,
                                                        snapshot.date_current_as_of, fresh.stale_note)
    for card in cards:
        if card.freshness and card.source_name:
            found.setdefault((card.service, card.source_name),
                             SourceDate(card.title, card.source_name, card.freshness.as_of,
                                        card.freshness.stale_note))
    return list(found.values())
