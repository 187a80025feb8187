"""Restricted people (SPEC 8): adoption, refuge and the like.

A person is restricted when the CMS says so (``Person.restricted``, from ``SourceRecord.restricted``)
or when a data manager has restricted them here. Pages and the API ask ``is_restricted`` /
``apply`` rather than reading the flag, so both sources of restriction count everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connections, router, transaction
from django.db.models import Model, OuterRef, QuerySet, Subquery
from django.utils import timezone

from familycontext.governance.models import AuditAction, Restriction
from familycontext.ops.plain_sql import ModelReader

MIN_REASON_LENGTH = 10


def latest(person_id: str) -> Restriction | None:
    """The data manager's restriction in force for a person (the newest row), if any."""
    return Restriction.objects.filter(person_id=person_id).order_by("-at", "-id").first()


def restricted_ids(person_ids: Iterable[str]) -> set[str]:
    """Which of these people a data manager has restricted (latest decision per person)."""
    ids = sorted(set(person_ids))
    if not ids:
        return set()
    newest: dict[str, bool] = {}
    # A plain statement: a page of results asks this on every request (docs/adr/0002).
    connection = connections[router.db_for_read(Restriction)]
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {q('person_id')}, {q('restricted')} FROM {q(Restriction._meta.db_table)} "
            f"WHERE {q('person_id')} IN ({', '.join(['%s'] * len(ids))}) "
            f"ORDER BY {q('person_id')}, {q('at')} DESC, {q('id')} DESC", ids)
        for person_id, restricted in cursor.fetchall():
            newest.setdefault(person_id, bool(restricted))
    return {p for p, restricted in newest.items() if restricted}


# Set on people read through ``with_restriction``: the data manager's latest decision (None: none).
ANNOTATION = "data_manager_restricted"


def with_restriction(people: QuerySet) -> QuerySet:
    """People with the data manager's latest decision read in the same query, so that
    ``is_restricted`` needs no query of its own (docs/adr/0002)."""
    newest = Restriction.objects.filter(person_id=OuterRef("pk")).order_by("-at", "-id").values("restricted")[:1]
    return people.annotate(**{ANNOTATION: Subquery(newest)})


_READERS: dict[type, ModelReader] = {}


def get_with_restriction(model: type[Model], pk: str) -> Model | None:
    """``with_restriction(model.objects).get(pk=pk)`` in one plain statement; None if none.

    The person and card pages read their subject this way on every request: through the ORM,
    the subquery made it the costliest query of the page to build (docs/adr/0002).
    """
    reader = _READERS.get(model)
    if reader is None:
        reader = _READERS[model] = ModelReader(model, "p")
    connection = reader.database()
    q = connection.ops.quote_name
    table = q(Restriction._meta.db_table)
    newest = (f"(SELECT r.{q('restricted')} FROM {table} r WHERE r.{q('person_id')} = p.{q(model._meta.pk.column)} "
              f"ORDER BY r.{q('at')} DESC, r.{q('id')} DESC LIMIT 1)")
    found = reader.fetch(f"FROM {reader.table(connection)} WHERE p.{q(model._meta.pk.column)} = %s",
                         [pk], extra=newest, connection=connection)
    if not found:
        return None
    instance, (decision,) = found[0]
    setattr(instance, ANNOTATION, None if decision is None else bool(decision))
    return instance


def is_restricted(person) -> bool:
    """Restricted by the CMS or by a data manager."""
    if getattr(person, "restricted", False):
        return True
    if hasattr(person, ANNOTATION):
        return bool(getattr(person, ANNOTATION))
    override = latest(person.id)
    return bool(override and override.restricted)


def apply(people: list) -> list:
    """Mark (in memory) the people a data manager has restricted, so templates and serialisers
    that read ``person.restricted`` hide what they must. Returns the same list."""
    asked = [p for p in people if not getattr(p, "restricted", False) and not hasattr(p, ANNOTATION)]
    overridden = restricted_ids(p.id for p in asked)
    for p in asked:
        setattr(p, ANNOTATION, p.id in overridden)  # is_restricted needs no query of its own now
        if p.id in overridden:
            p.restricted = True
    return people


def change(person, *, restricted: bool, reason: str, user) -> Restriction:
    """A data manager restricts or lifts their restriction; recorded in the audit trail."""
    from familycontext.governance.audit import record_event

    reason = reason.strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise ValueError(f"A reason of at least {MIN_REASON_LENGTH} characters is needed")
    name = (user.get_full_name() or user.get_username()) if user is not None else ""
    with transaction.atomic():
        row = Restriction.objects.create(
            person_id=person.id, restricted=restricted, reason=reason,
            set_by_id=getattr(user, "pk", None), set_by=name[:300], at=timezone.now())
        record_event(AuditAction.RESTRICTION_CHANGED, user=user, person=person,
                     details={"restricted": restricted, "reason": reason})
    return row
