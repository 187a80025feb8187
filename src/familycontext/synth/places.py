"""The fictional borough of Northmoor: towns, streets, house numbers and format-valid postcodes.

Households need distinct addresses (members share one), a postcode shared by a run of
neighbouring houses like a real postcode unit, and a few towns so address strings vary.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from familycontext.synth.names import origin_pools

BOROUGH = "Northmoor"
# Street types and place-name endings are grammar, not people's names.
STREET_TYPES = ("Road", "Street", "Lane", "Avenue", "Close", "Drive", "Grove", "Way", "Crescent",
                "Terrace", "Court", "Gardens", "Place", "Walk", "Rise", "Mews", "View")
STREET_ABBREVIATIONS = {"Road": "Rd", "Street": "St", "Lane": "Ln", "Avenue": "Ave", "Close": "Cl",
                        "Drive": "Dr", "Crescent": "Cres", "Terrace": "Terr", "Gardens": "Gdns",
                        "Place": "Pl", "Court": "Ct"}
PLACE_ENDINGS = ("ton", "ley", "bury", "field", "worth", "ham", "ford", "by", "dale", "moor", "wood")
POSTCODE_AREAS = ("SK", "OL", "BL", "WN", "M")
# Inward-code letters: Royal Mail never uses C, I, K, M, O or V there.
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
HOUSES_PER_POSTCODE = 14
HOUSES_PER_STREET = 28


@dataclass(frozen=True, slots=True)
class Address:
    line: str  # "Flat 2, 14 Harper Road, Winterbury"
    postcode: str  # "SK4 2AB"
    town: str


@dataclass(slots=True)
class Street:
    name: str
    town: str
    district: str  # outward code, e.g. "SK4"
    sector: int
    next_number: int = 1
    postcodes: list[str] = field(default_factory=list)


class Borough:
    """Hands out addresses. A pure function of (seed, expected households) and the draw order."""

    def __init__(self, rng: random.Random, households: int) -> None:
        self._rng = rng
        british = origin_pools()[0]
        town_count = max(4, min(12, households // 20_000 + 4))
        towns: list[str] = []
        while len(towns) < town_count:
            stem = british.last.pick(rng)
            town = stem + rng.choice(PLACE_ENDINGS)
            if town not in towns and len(stem) <= 8:
                towns.append(town)
        self.towns = tuple(towns)
        postcodes_needed = households // HOUSES_PER_POSTCODE + 1
        per_district = 10 * len(INWARD_LETTERS) ** 2 // 2  # leave room: half the units of each sector
        districts_per_town = max(2, postcodes_needed // (per_district * town_count) + 2)
        outward = [f"{area}{n}" for n in range(1, 30) for area in POSTCODE_AREAS]
        rng.shuffle(outward)
        self.districts = {t: outward[i * districts_per_town:(i + 1) * districts_per_town]
                          for i, t in enumerate(self.towns)}
        self._units: dict[tuple[str, int], int] = {}
        self._unit_offsets: dict[tuple[str, int], int] = {}
        street_count = max(20, households // HOUSES_PER_STREET + 1)
        seen: set[tuple[str, str]] = set()
        self.streets: list[Street] = []
        while len(self.streets) < street_count:
            pools = origin_pools()[0]
            stem = pools.last.pick(rng) if rng.random() < 0.7 else pools.female.pick(rng)
            town = rng.choice(self.towns)
            name = f"{stem} {rng.choice(STREET_TYPES)}"
            if (name, town) in seen:
                continue
            seen.add((name, town))
            self.streets.append(Street(name, town, rng.choice(self.districts[town]), rng.randrange(10)))

    def _postcode(self, street: Street) -> str:
        key = (street.district, street.sector)
        used = self._units.get(key, 0)
        self._units[key] = used + 1
        units = len(INWARD_LETTERS) ** 2
        if used >= units:  # a full sector spills into the next one
            street.sector = (street.sector + 1) % 10
            return self._postcode(street)
        if key not in self._unit_offsets:
            self._unit_offsets[key] = self._rng.randrange(units)
        unit = (used * 137 + self._unit_offsets[key]) % units  # 137 is coprime with 400: no repeats
        letters = INWARD_LETTERS[unit // len(INWARD_LETTERS)] + INWARD_LETTERS[unit % len(INWARD_LETTERS)]
        return f"{street.district} {street.sector}{letters}"

    def new_address(self) -> Address:
        """A fresh, never-used address on a random street."""
        street = self._rng.choice(self.streets)
        number = street.next_number
        street.next_number += 1
        index = (number - 1) // HOUSES_PER_POSTCODE
        while len(street.postcodes) <= index:
            street.postcodes.append(self._postcode(street))
        house = f"{number} {street.name}"
        if self._rng.random() < 0.12:
            house = f"Flat {self._rng.randint(1, 12)}, {house}"
        return Address(f"{house}, {street.town}", street.postcodes[index], street.town)
