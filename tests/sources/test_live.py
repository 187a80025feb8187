"""sources.live: the live snapshots read with one plain statement, rebuilt only when they change
(issue 9). What matters is that a change shows at the very next call, with no invalidation step."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from familycontext.sources import models as s
from familycontext.sources.live import live_snapshots
from familycontext.sources.snapshots import publish

pytestmark = pytest.mark.django_db


def _snapshot(source: s.Source, live: bool, days_old: int = 1) -> s.Snapshot:
    return s.Snapshot.objects.create(source=source, live=live, content_hash=f"{source.key}{days_old}",
                                     date_current_as_of=timezone.now() - timedelta(days=days_old),
                                     coverage_area="Exampleton")


def test_the_same_objects_while_nothing_changes_and_the_same_values_as_the_orm():
    school = s.Source.objects.create(key="school", service="school", name="Schools")
    housing = s.Source.objects.create(key="housing", service="housing", name="Homes")
    _snapshot(school, True)
    _snapshot(housing, True)
    first = live_snapshots()
    assert live_snapshots() is first  # rebuilt only when the rows differ
    orm = list(s.Snapshot.objects.filter(live=True).select_related("source").order_by("source__name", "id"))
    assert [x.pk for x in first] == [x.pk for x in orm]
    for ours, theirs in zip(first, orm, strict=True):
        for field in s.Snapshot._meta.concrete_fields:
            assert getattr(ours, field.attname) == getattr(theirs, field.attname), field.name
        assert (ours.source.key, ours.source.service, ours.source.name) == \
               (theirs.source.key, theirs.source.service, theirs.source.name)


def test_a_load_going_live_a_rename_and_an_edit_show_at_the_next_call():
    school = s.Source.objects.create(key="school", service="school", name="Schools")
    old = _snapshot(school, True, days_old=5)
    assert [x.pk for x in live_snapshots()] == [old.pk]

    new = _snapshot(school, False, days_old=1)
    publish(new)
    assert [x.pk for x in live_snapshots()] == [new.pk]

    s.Source.objects.filter(pk=school.pk).update(name="Exampleton Schools")
    assert live_snapshots()[0].source.name == "Exampleton Schools"

    when = timezone.now() - timedelta(days=40)
    s.Snapshot.objects.filter(pk=new.pk).update(date_current_as_of=when)  # e.g. by hand
    assert live_snapshots()[0].date_current_as_of == when

    s.Snapshot.objects.filter(pk=new.pk).update(live=False)
    assert live_snapshots() == ()
