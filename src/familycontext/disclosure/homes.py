"""Where restricted people live: every address a live source records a restricted person at.

Showing a relative's or a lodger's address shows the refuge's or the adopters' when the restricted
child lives there too, so such an address is withheld for everyone recorded at it (configuration:
``disclosure.withhold_restricted_households``). Two addresses are the same home by the product's
own address rule (``identity.addresses``: normalised address and postcode, one the start of the
other), the rule "same address in other records" and the person page's address list use, so what is
withheld and what is listed agree.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from django.db import connections, router

from familycontext.governance.models import Restriction
from familycontext.identity import addresses, postcodes
from familycontext.people.models import Person
from familycontext.sources.live import live_snapshots
from familycontext.sources.models import Snapshot, SourceRecord

# The words every channel uses for an address it may not show (the restricted person's own page too).
WITHHELD = "Not shown: restricted"


@dataclass(frozen=True)
class _Home:
    person_id: str
    postcode: str  # normalised
    address: str  # normalised


class RestrictedHomes:
    """The homes of restricted people, less those the viewer has opened by break-glass."""

    def __init__(self, homes: Iterable[_Home] = (), opened: Collection[str] = ()) -> None:
        self._by_postcode: dict[str, list[_Home]] = {}
        for home in homes:
            if home.person_id and home.person_id in opened:
                continue
            self._by_postcode.setdefault(home.postcode, []).append(home)

    @classmethod
    def read(cls, opened: Collection[str] = (), live: Sequence[Snapshot] | None = None) -> RestrictedHomes:
        """Read from the live snapshots, in one plain statement (it runs on every page that
        shows an address): the records of every person restricted by the CMS
        (``Person.restricted``, a partial index) or by a data manager (their latest decision)."""
        live = [s.id for s in (live_snapshots() if live is None else live)]
        if not live:
            return cls()
        connection = connections[router.db_for_read(SourceRecord)]
        q = connection.ops.quote_name
        rec, person, decision = (q(m._meta.db_table) for m in (SourceRecord, Person, Restriction))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT r.{q('person_id')}, r.{q('address')}, r.{q('postcode')} FROM {rec} r "
                f"WHERE r.{q('snapshot_id')} IN ({', '.join(['%s'] * len(live))}) AND r.{q('person_id')} IN ("
                f"SELECT p.{q('id')} FROM {person} p WHERE p.{q('restricted')} "
                f"UNION SELECT x.{q('person_id')} FROM {decision} x WHERE x.{q('restricted')} AND NOT EXISTS ("
                f"SELECT 1 FROM {decision} y WHERE y.{q('person_id')} = x.{q('person_id')} "
                f"AND (y.{q('at')} > x.{q('at')} OR (y.{q('at')} = x.{q('at')} AND y.{q('id')} > x.{q('id')}))))",
                live)
            rows = cursor.fetchall()
        return cls((_Home(pid, postcodes.compact(pc), addresses.normalised(a)) for pid, a, pc in rows if pc or a),
                   opened)

    def __bool__(self) -> bool:
        return bool(self._by_postcode)

    def hides(self, address: str, postcode: str) -> bool:
        """Is this address (as some record writes it) one where a restricted person lives?

        An address known only by its postcode is withheld when a restricted person lives at that
        postcode: the postcode alone can find a refuge.
        """
        if not self._by_postcode:
            return False
        postcode, address = postcodes.compact(postcode), addresses.normalised(address)
        homes = self._by_postcode.get(postcode, ())
        if not address:
            return bool(homes) and bool(postcode)
        return any(h.address == address or addresses.same_home(h.address, address) for h in homes)
