"""The line at the top of the person page and its print: which services know the person.

"Known to: Housing, Police · No records: Adult Social Care · School: not shown for age 27".

Built only from what each card's flag already says: its label (``Card.label`` when the card
carries one, else the words the card shows today), whether it is shown for the person's age and
its title. No rule is decided here (age bands, windows, restriction): a summary that re-derived
one could disagree with the card under it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

RECORDS_FOUND = "Records found"
NO_RECORDS_FOUND = "No records found"
NOT_LOADED = "Not loaded"

# How a flag's label heads its group in the summary; a label not listed heads its group itself.
GROUP_HEADINGS = {RECORDS_FOUND: "Known to", NO_RECORDS_FOUND: "No records", NOT_LOADED: "Not loaded"}


def flag_label(card: Any) -> str:
    """The flag's own words: ``card.label`` when the card has one, else what the card shows."""
    label = getattr(card, "label", None)
    if label:
        return str(label)
    if card.records_found:
        return card.flag_text or RECORDS_FOUND
    if card.loaded:
        return NO_RECORDS_FOUND
    return NOT_LOADED


KNOWN_TO = "Known to "


def _heading(label: str) -> tuple[str, str]:
    """The group a label heads, and what the label adds about this service (or "")."""
    for known, heading in GROUP_HEADINGS.items():
        if label == known or label.startswith(known + " "):
            return heading, ""
    # "Known to Greater Manchester Police: no offences in the periods shown": the source knows
    # the person, so they are known to the service; the rest of the label says what it shows.
    if label.startswith(KNOWN_TO) and ": " in label:
        return GROUP_HEADINGS[RECORDS_FOUND], label.split(": ", 1)[1]
    return label, ""


@dataclass(frozen=True)
class SummaryPart:
    """One part of the line: "Known to" and its services, or one service not shown for age."""

    heading: str
    services: tuple[tuple[str, str, str], ...]  # (service key, title, what the label adds)
    note: str = ""  # for a service not shown: "not shown for age 27"

    @property
    def text(self) -> str:
        if self.note:
            return f"{self.services[0][1]}: {self.note}"
        names = (f"{title} ({more})" if more else title for _, title, more in self.services)
        return f"{self.heading}: {', '.join(names)}"


@dataclass(frozen=True)
class ServiceSummary:
    parts: tuple[SummaryPart, ...]

    @property
    def text(self) -> str:
        return " · ".join(p.text for p in self.parts)

    @property
    def known_to(self) -> tuple[str, ...]:
        return tuple(t for p in self.parts if p.heading == GROUP_HEADINGS[RECORDS_FOUND] for _, t, _ in p.services)


def service_summary(cards: Iterable[Any], age: str) -> ServiceSummary:
    """Group the cards by their flag's label, in the cards' order, "Known to" first.

    ``age``: the person's age as the page shows it ("27", "Not known"); a card not shown for the
    person's age reads "School: not shown for age 27".
    """
    groups: dict[str, list[tuple[str, str, str]]] = {}
    not_shown: list[SummaryPart] = []
    for card in cards:
        if not card.shown_for_age:
            note = f"not shown for age {age}" if age and age[0].isdigit() else "not shown for this age"
            not_shown.append(SummaryPart("Not shown", ((card.service, card.title, ""),), note))
            continue
        heading, more = _heading(flag_label(card))
        groups.setdefault(heading, []).append((card.service, card.title, more))
    order = list(GROUP_HEADINGS.values())
    headings = sorted(groups, key=lambda h: order.index(h) if h in order else len(order))
    parts = [SummaryPart(h, tuple(groups[h])) for h in headings]
    return ServiceSummary(tuple(parts + not_shown))
