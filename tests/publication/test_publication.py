"""Issue 17: what a page shows changes only when a whole, consistent state is published.

A synthetic borough is loaded and linked; then a changed police extract (one more offence, a
later date current as of) is loaded. Until a linkage run finishes, every channel — the person
page, /api/v1 and the reference API — answers exactly as before; a failed run changes nothing;
after a good run every channel shows the new extract.
"""

from __future__ import annotations

import csv
import re
import shutil
import tomllib
from datetime import date
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command

from familycontext.api.tokens import create_token
from familycontext.governance.reason import SESSION_KEY
from familycontext.linkage.models import LinkageRun
from familycontext.people.models import Person
from familycontext.sources.models import Load, Snapshot, SourceRecord
from familycontext.synth import generate
from tests.web.family import make_user

AS_OF = date(2026, 11, 20)
VOLATILE = re.compile(r'(name="csrfmiddlewaretoken" value=|nonce=|"request_id": ?)"[^"]*"')
PRINTED_AT = re.compile(r"(Printed by [^<]* on )[^<]*")  # the page's print footer names the minute


@pytest.fixture(scope="module")
def borough(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("publication-borough")
    generate(people=300, seed=17, out=out, as_of=AS_OF)
    return out


def _changed_police(borough: Path, tmp_path: Path) -> Path:
    """The police bundle with one more offence for its first person and a later date current as of."""
    police = tmp_path / "police-v2"
    shutil.copytree(borough / "police", police)
    manifest = (police / "manifest.toml").read_text()
    old = tomllib.loads(manifest)["date_current_as_of"]
    (police / "manifest.toml").write_text(manifest.replace(str(old), "2026-11-27T06:00:00", 1))
    with (police / "people.csv").open(encoding="utf-8") as handle:
        first = next(csv.DictReader(handle))["record_id"]
    with (police / "offences.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        columns, rows = reader.fieldnames, list(reader)
    rows.append({**{c: "" for c in columns}, "record_id": first, "offence_date": "2026-11-01",
                 "offence_type": "Violence with injury", "nature_of_involvement": "Convicted"})
    with (police / "offences.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return police


def _people_with_police() -> list[str]:
    ids = SourceRecord.objects.filter(snapshot__live=True, snapshot__source__service="police").exclude(person_id="")
    return sorted(set(ids.values_list("person_id", flat=True)))[:8]


def _reason() -> dict[str, str]:
    """A reason naming a child in the live CMS snapshot (the reason is checked against it)."""
    cms_id = Person.objects.exclude(cms_id="").order_by("pk").values_list("cms_id", flat=True).first()
    return {"HTTP_X_REASON_CMS_ID": cms_id, "HTTP_X_REASON_TYPE": "section-47"}


def _channels(web, api, person_ids: list[str]) -> dict[str, str]:
    """Every channel's answer for each person, with per-request tokens blanked."""
    answers = {}
    REASON = _reason()  # noqa: N806
    for pid in person_ids:
        for name, response in (
            ("page", web.get(f"/person/{pid}")),
            ("police card", web.get(f"/person/{pid}/service/police")),
            ("api v1", api.get(f"/api/v1/people/{pid}", **REASON)),
            ("api v1 services", api.get(f"/api/v1/people/{pid}/services", **REASON)),
            ("reference services", api.get(f"/api/person/detail/{pid}/service", **REASON)),
            ("reference police", api.get(f"/api/person/detail/{pid}/service/Police", **REASON)),
        ):
            assert response.status_code == 200, (name, pid, response.status_code)
            answers[f"{pid} {name}"] = PRINTED_AT.sub(r"\1-", VOLATILE.sub(r"\1-", response.content.decode()))
    return answers


def _same(now: dict[str, str], before: dict[str, str], when: str) -> None:
    changed = [k for k in before if now.get(k) != before[k]]
    if changed:
        import difflib

        diff = "\n".join(difflib.unified_diff(before[changed[0]].splitlines(), now[changed[0]].splitlines(), lineterm=""))
        pytest.fail(f"{when}: {len(changed)} answers changed, first {changed[0]}:\n{diff[:3000]}")


def _published_state() -> tuple:
    return (sorted(Snapshot.objects.filter(live=True).values_list("pk", flat=True)),
            sorted(Person.objects.values_list("pk", "record_count", "address")),
            sorted(SourceRecord.objects.filter(snapshot__live=True).values_list("record_id", "person_id")))


@pytest.mark.django_db(transaction=True)
def test_every_channel_shows_the_previous_state_until_linkage_publishes_the_new_one(borough, tmp_path, client,
                                                                                    monkeypatch):
    for bundle in sorted(p for p in borough.iterdir() if (p / "manifest.toml").exists()):
        call_command("load", str(bundle), "--no-quality")
    assert not Snapshot.objects.filter(live=True).exists() and Person.objects.count() == 0
    call_command("link")
    assert Snapshot.objects.filter(live=True).count() == 5 and not Snapshot.objects.filter(waiting=True).exists()

    make_user("pat", "practitioner")
    client.force_login(make_user("sam", "practitioner"))
    session = client.session
    session[SESSION_KEY] = {"cms_id": _reason()["HTTP_X_REASON_CMS_ID"], "type": "section_47", "text": ""}
    session.save()
    from django.test import Client

    api = Client(HTTP_AUTHORIZATION=f"Bearer {create_token('pat', ['read:people', 'read:sources'], 30).secret}")
    people = _people_with_police()
    assert len(people) >= 5
    cache.clear()
    before, state = _channels(client, api, people), _published_state()
    police_as_of = Snapshot.objects.get(live=True, source__service="police").date_current_as_of

    call_command("load", str(_changed_police(borough, tmp_path)), "--no-quality")
    load = Load.objects.latest("pk")
    assert load.outcome == Load.Outcome.LOADED and load.snapshot.waiting and not load.snapshot.live
    cache.clear()
    _same(_channels(client, api, people), before, "before linkage")
    assert _published_state() == state

    # A run that fails at its last step (the search index, after people were rewritten) changes nothing.
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("familycontext.people.index.write_index", broken)
    with pytest.raises(CommandError, match="disk full"):
        call_command("link")
    monkeypatch.undo()
    assert LinkageRun.objects.latest("pk").outcome == LinkageRun.Outcome.FAILED
    assert Snapshot.objects.get(pk=load.snapshot_id).waiting
    cache.clear()
    _same(_channels(client, api, people), before, "after a failed linkage run")
    assert _published_state() == state

    call_command("link")
    assert Snapshot.objects.get(pk=load.snapshot_id).live
    cache.clear()
    after = _channels(client, api, people)
    new_as_of = Snapshot.objects.get(live=True, source__service="police").date_current_as_of
    assert new_as_of != police_as_of
    for pid in people:
        for name in ("page", "api v1 services", "reference services"):
            assert after[f"{pid} {name}"] != before[f"{pid} {name}"], (pid, name)  # the new date is shown
        assert "No records found in" not in after[f"{pid} police card"] or "No records found in" in before[
            f"{pid} police card"]
