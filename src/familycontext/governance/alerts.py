"""Alerts for auditors (SPEC 8), raised as audit entries are written.

- a user opens a person who has the user's own family name (and, when the council records the
  user's postcode district, lives in the same district): a possible personal interest;
- a user opens more people in an hour than ``audit.alert_views_per_hour`` allows;
- every break-glass access;
- failed sign-ins to ``local_accounts.spray_alert_accounts`` or more different usernames from one
  client address within ten minutes, not counting those that then signed in from it (password
  spraying; at most one alert per address an hour).

Rules are deliberately simple and explainable: an alert is a prompt for a conversation, not a verdict.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from familycontext.governance.models import Alert, AuditAction, AuditEntry, StaffArea
from familycontext.identity import names, postcodes


def _surname_key(name: str) -> str:
    return names.fold(name).replace("-", "").replace(" ", "")


def postcode_district(postcode: str) -> str:
    """The outward code of a UK postcode ("SK4 2AB" -> "SK4"), or "" when there is none."""
    return postcodes.outward(postcode)


def _new_alert(entry: AuditEntry, kind: str, message: str) -> Alert:
    return Alert.objects.create(
        kind=kind, at=entry.at, user_id=entry.user_id, username=entry.username,
        user_name=entry.user_name, person_id=entry.person_id, person_name=entry.person_name,
        audit_sequence=entry.sequence, message=message)


def _same_surname(entry: AuditEntry) -> None:
    person = getattr(entry, "_person", None)
    if entry.user_id is None or person is None:
        return
    user = getattr(entry, "_user", None)
    if user is None or user.pk != entry.user_id:
        user = get_user_model().objects.filter(pk=entry.user_id).first()
    surname = _surname_key(getattr(user, "last_name", ""))
    if not surname or surname != _surname_key(getattr(person, "last_name", "")):
        return
    area = StaffArea.objects.filter(user_id=entry.user_id).values_list("postcode_district", flat=True).first()
    person_area = postcode_district(getattr(person, "postcode", ""))
    if area and person_area and area.upper() != person_area:
        return
    day_start = entry.at - timedelta(hours=24)
    if Alert.objects.filter(kind=Alert.Kind.SAME_SURNAME, user_id=entry.user_id, person_id=entry.person_id,
                            at__gte=day_start).exists():
        return
    where = f" in the same postcode district ({person_area})" if area and person_area else ""
    _new_alert(entry, Alert.Kind.SAME_SURNAME,
               f"{entry.user_name or entry.username} opened {entry.person_name}, who shares their family name{where}.")


def _many_views(entry: AuditEntry) -> None:
    if entry.user_id is None:
        return
    limit = settings.CONFIG.audit.alert_views_per_hour
    hour_ago = entry.at - timedelta(hours=1)
    views, alerted = _views_up_to(entry, hour_ago, limit + 1)
    if views <= limit or alerted:
        return
    views = AuditEntry.objects.filter(user_id=entry.user_id, action=AuditAction.VIEWED_PERSON,
                                      at__gt=hour_ago, at__lte=entry.at).count()
    _new_alert(entry, Alert.Kind.MANY_VIEWS,
               f"{entry.user_name or entry.username} opened {views} people in an hour, more than the "
               f"{limit} the council set (audit.alert_views_per_hour).")


def _views_up_to(entry: AuditEntry, since, most: int) -> tuple[int, bool]:
    """The user's person views after ``since`` up to this entry, counted no further than ``most``,
    and whether the user already has a views-per-hour alert after ``since``.

    Runs on every person view, so it is one plain statement (the ORM's query building cost more
    than the count), and the count stops past the limit: a busy hour costs no more than a quiet
    one (docs/adr/0002). Uses the index on (user_id, action, at).
    """
    q = connection.ops.quote_name
    at = AuditEntry._meta.get_field("at")
    since_db = at.get_db_prep_value(since, connection)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM {q(AuditEntry._meta.db_table)} "
            f"WHERE {q('user_id')} = %s AND {q('action')} = %s AND {q('at')} > %s AND {q('at')} <= %s "
            f"LIMIT %s) views), "
            f"(SELECT COUNT(*) FROM (SELECT 1 FROM {q(Alert._meta.db_table)} "
            f"WHERE {q('kind')} = %s AND {q('user_id')} = %s AND {q('at')} > %s LIMIT 1) alerted)",
            [entry.user_id, str(AuditAction.VIEWED_PERSON), since_db,
             at.get_db_prep_value(entry.at, connection), most,
             str(Alert.Kind.MANY_VIEWS), entry.user_id, since_db])
        views, alerted = cursor.fetchone()
        return views, bool(alerted)


def _break_glass(entry: AuditEntry) -> None:
    justification = (entry.details or {}).get("justification", "")
    _new_alert(entry, Alert.Kind.BREAK_GLASS,
               f"{entry.user_name or entry.username} used break-glass to see restricted details of "
               f"{entry.person_name}. Justification: {justification}")


SPRAY_WINDOW = timedelta(minutes=10)


def _sign_in_spray(entry: AuditEntry) -> None:
    address = entry.client_address
    if not address:
        return
    limit = settings.CONFIG.local_accounts.spray_alert_accounts
    since = entry.at - SPRAY_WINDOW
    recent = AuditEntry.objects.filter(client_address=address, at__gt=since, at__lte=entry.at)
    usernames = set(recent.filter(action=AuditAction.SIGN_IN_FAILED).values_list("username", flat=True)[:10 * limit])
    if len(usernames) < limit:
        return
    # A colleague behind the same proxy who mistyped and then signed in is not part of a spray.
    usernames -= set(recent.filter(action=AuditAction.SIGNED_IN, username__in=list(usernames))
                     .values_list("username", flat=True))
    if len(usernames) < limit:
        return
    if Alert.objects.filter(kind=Alert.Kind.SIGN_IN_SPRAY, at__gt=entry.at - timedelta(hours=1),
                            message__contains=f"address {address} ").exists():
        return
    _new_alert(entry, Alert.Kind.SIGN_IN_SPRAY,
               f"Failed sign-ins to {len(usernames)} different accounts from address {address} within ten "
               f"minutes (local_accounts.spray_alert_accounts is {limit}): possible password spraying. Sign-in "
               "from the address is slowed once it passes local_accounts.failed_sign_ins_per_address_per_minute.")


def check(entries: list[AuditEntry]) -> None:
    """Raise the alerts these newly written entries call for."""
    for entry in entries:
        if entry.action == AuditAction.SIGN_IN_FAILED:
            _sign_in_spray(entry)
            continue
        if entry.action == AuditAction.BREAK_GLASS:
            _break_glass(entry)
            _same_surname(entry)
        elif entry.action == AuditAction.VIEWED_PERSON:
            _same_surname(entry)
            _many_views(entry)


def unreviewed_count() -> int:
    return Alert.objects.filter(reviewed_at__isnull=True).count()


def mark_reviewed(alert: Alert, by: str) -> None:
    alert.reviewed_at = timezone.now()
    alert.reviewed_by = by[:150]
    alert.save(update_fields=["reviewed_at", "reviewed_by"])
