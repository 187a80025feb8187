"""``familycontext demo-people``: people of the loaded (synthetic) borough to try each journey with.

The demo's data is generated, so which person is "a mother of three known to Housing and Police"
is found in it rather than written down: the README's journeys name the kind of person, this
command names one. It reads the live CMS relationships and the closed cards, exactly as the person
page would show them, and never a restricted person.
"""

from __future__ import annotations

from collections import Counter

from django.core.management.base import BaseCommand
from django.utils import timezone

from familycontext.people.models import Person
from familycontext.sources.models import CmsRelationship, SourceRecord
from familycontext.sources.services import CMS, POLICE
from familycontext.web import cards as service_cards

PARENT_WORDS = ("Mother",)
CANDIDATES = 400  # mothers looked at, most children first: enough to find one known to several services


def mothers_by_children() -> list[tuple[str, int]]:
    """(person id, number of children) for people the live CMS records as someone's mother."""
    rows = CmsRelationship.objects.filter(snapshot__live=True, relationship__in=PARENT_WORDS) \
        .values_list("snapshot_id", "related_record_id", "record__person_id")
    mother_records = {(snapshot, record) for snapshot, record, _ in rows}
    person_of = dict(((r.snapshot_id, r.record_id), r.person_id) for r in SourceRecord.objects.filter(
        snapshot__live=True, snapshot__source__service=CMS,
        record_id__in={record for _, record in mother_records}).only("snapshot_id", "record_id", "person_id"))
    children: dict[str, set[str]] = {}
    for snapshot, record, child in rows:
        mother = person_of.get((snapshot, record))
        if mother and child:
            children.setdefault(mother, set()).add(child)
    counts = Counter({mother: len(kids) for mother, kids in children.items()})
    return counts.most_common()


class Command(BaseCommand):
    help = "Print people of the loaded demo data to try the journeys in the README with."

    def handle(self, *args, **options) -> None:
        today = timezone.localdate()
        best: tuple[int, int, Person, list[str]] | None = None
        for person_id, children in mothers_by_children()[:CANDIDATES]:
            person = Person.objects.filter(pk=person_id, restricted=False).first()
            if person is None or not person.cms_id:
                continue
            known = [c.title for c in service_cards.cards(person, today) if c.shown_for_age and c.records_found]
            if best is None or (len(known), children) > (best[0], best[1]):
                best = (len(known), children, person, known)
        if best is None:
            self.stdout.write("No mother is recorded in the loaded case management data: load the demo first.")
            return
        known, children, person, services = best
        self.stdout.write(f"A mother to try: {describe(person, services)}, a mother of {children}.")
        police = known_to_police(today)
        if police is not None:
            self.stdout.write(f"Known to the police: {describe(*police)}.")


def describe(person: Person, services: list[str]) -> str:
    born = f"{person.date_of_birth:%-d %B %Y}" if person.date_of_birth else "date of birth not known"
    ids = f"case management system ID {person.cms_id}, " if person.cms_id else ""
    return (f"{person.full_name}, born {born} ({ids}person ID {person.id}); "
            f"known to {', '.join(services) or 'no other service'}")


def known_to_police(today) -> tuple[Person, list[str]] | None:
    """The person the police know who is known to the most services (the police card's journey)."""
    ids = SourceRecord.objects.filter(snapshot__live=True, snapshot__source__service=POLICE) \
        .exclude(person_id="").order_by("person_id").values_list("person_id", flat=True).distinct()[:CANDIDATES]
    best = None
    for person in Person.objects.filter(pk__in=list(ids), restricted=False).order_by("pk"):
        known = [c.title for c in service_cards.cards(person, today) if c.shown_for_age and c.records_found]
        if "Police" in known and (best is None or len(known) > len(best[1])):
            best = (person, known)
    return best
