"""Reading the audit trail: who may see which entries, filtering, and the CSV export (SPEC 8).

Auditors see everyone's entries; a team manager sees the entries of the members of the teams they
manage (and their own). The export neutralises cells a spreadsheet would run as a formula.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone

from familycontext.exports import csv_files
from familycontext.governance.models import PERSON_VIEW_ACTIONS, AuditAction, AuditEntry, Team


def team_member_ids(manager) -> set[int]:
    """Users whose audit a team manager reviews: members of the teams they manage, and themselves."""
    ids = set(Team.objects.filter(managers=manager).values_list("members__id", flat=True))
    ids.discard(None)
    ids.add(manager.pk)
    return ids


def visible_entries(user, *, auditor: bool, team_manager: bool) -> QuerySet[AuditEntry]:
    """The entries this user may see. Nobody else gets any."""
    if auditor:
        return AuditEntry.objects.all()
    if team_manager:
        return AuditEntry.objects.filter(user_id__in=team_member_ids(user))
    return AuditEntry.objects.none()


@dataclass(frozen=True)
class TrailFilter:
    """What the audit screen and the export filter by. Empty fields do not filter."""

    user: str = ""
    person: str = ""
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None
    person_views_only: bool = False

    def apply(self, entries: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
        if self.user:
            ids = get_user_model().objects.filter(username__iexact=self.user).values_list("id", flat=True)
            entries = entries.filter(Q(username__iexact=self.user) | Q(user_id__in=list(ids)))
        if self.person:
            # Person ids are "P" and digits: upper-cased, an exact match uses the index.
            entries = entries.filter(person_id=self.person.strip().upper())
        if self.action:
            entries = entries.filter(action=self.action)
        if self.person_views_only:
            entries = entries.filter(action__in=PERSON_VIEW_ACTIONS)
        tz = timezone.get_current_timezone()
        if self.date_from:
            entries = entries.filter(at__gte=datetime.combine(self.date_from, time.min, tz))
        if self.date_to:
            entries = entries.filter(at__lt=datetime.combine(self.date_to + timedelta(days=1), time.min, tz))
        return entries.order_by("-sequence")

    def as_terms(self) -> dict[str, str]:
        """The filter as recorded in the audit entry for a view or export of the trail."""
        return {k: (v.isoformat() if isinstance(v, date) else str(v)) for k, v in asdict(self).items() if v}

    def query_string(self) -> dict[str, str]:
        """Parameters that reproduce this filter in a link (dates as GOV.UK day/month/year)."""
        params = {k: v for k, v in (("user", self.user), ("person", self.person), ("action", self.action)) if v}
        for prefix, value in (("from", self.date_from), ("to", self.date_to)):
            if value:
                params.update({f"{prefix}-day": str(value.day), f"{prefix}-month": str(value.month),
                               f"{prefix}-year": str(value.year)})
        return params


ACTION_CHOICES = [(a.value, a.label) for a in AuditAction]

CSV_COLUMNS = [
    ("sequence", "Entry"), ("at", "When"), ("user_id", "User ID"), ("username", "Username"),
    ("user_name", "User name"), ("action", "Action"), ("person_id", "Person ID"), ("person_name", "Person name"),
    ("person_date_of_birth", "Person date of birth (as shown)"), ("search_terms", "Search terms"),
    ("reason_cms_id", "Reason: child's CMS ID"), ("reason_type", "Reason: type"), ("reason_text", "Reason: text"),
    ("client_address", "Client address"), ("details", "Details"), ("entry_hash", "Entry hash"),
]
def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S %Z")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def csv_safe(value: object) -> str:
    """A cell a spreadsheet will show as text, never run (``exports.csv_files.safe_cell``)."""
    return csv_files.safe_cell(_text(value))


def to_csv(entries: Iterable[AuditEntry]) -> str:
    """The entries as CSV text (header row first); every cell neutralised."""
    out = io.StringIO()
    writer = csv_files.writer(out)
    writer.writerow([label for _, label in CSV_COLUMNS])
    for entry in entries:
        writer.writerow(_text(entry.action_label if name == "action" else getattr(entry, name))
                        for name, _ in CSV_COLUMNS)
    return out.getvalue()
