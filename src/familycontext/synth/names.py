"""Name pools of varied origins, taken from Faker's locale providers once and sampled quickly.

Calling Faker per person is far too slow for a million records, and hand-written name lists
drift into stereotype; so we lift the providers' own lists (and weights where Faker has them)
into flat pools and draw from them with the generator's seeded ``random.Random``.
"""

from __future__ import annotations

import importlib
import random
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate


@dataclass(frozen=True)
class Pool:
    """A list of names with cumulative weights, drawn from in O(log n)."""

    names: tuple[str, ...]
    cumulative: tuple[float, ...]

    @classmethod
    def of(cls, weighted: dict[str, float]) -> Pool:
        names = tuple(weighted)
        return cls(names, tuple(accumulate(weighted[n] for n in names)))

    def pick(self, rng: random.Random) -> str:
        index = bisect_right(self.cumulative, rng.random() * self.cumulative[-1])
        return self.names[min(index, len(self.names) - 1)]


@dataclass(frozen=True)
class Origin:
    """Where a family's names come from: Faker locales for male, female and family names."""

    label: str
    share: float
    male: tuple[str, ...]
    female: tuple[str, ...]
    last: tuple[str, ...]
    feminine_surnames: bool = False  # Polish -ski/-ska and similar


# Shares loosely follow a northern English metropolitan borough's census ethnicity mix.
ORIGINS: tuple[Origin, ...] = (
    Origin("british", 0.66, ("en_GB", "en_IE"), ("en_GB", "en_IE"), ("en_GB",)),
    Origin("irish", 0.04, ("en_IE",), ("en_IE",), ("en_IE",)),
    Origin("south_asian", 0.10, ("en_IN", "en_PK"), ("en_IN",), ("en_IN", "en_PK")),
    Origin("west_african", 0.04, ("yo_NG", "ig_NG", "ha_NG", "en_NG", "tw_GH"),
           ("yo_NG", "ig_NG", "ha_NG", "en_NG", "tw_GH"), ("yo_NG", "ig_NG", "ha_NG", "en_NG", "tw_GH")),
    Origin("east_african", 0.02, ("sw",), ("sw",), ("sw",)),
    Origin("polish", 0.04, ("pl_PL",), ("pl_PL",), ("pl_PL",), feminine_surnames=True),
    Origin("romanian", 0.02, ("ro_RO",), ("ro_RO",), ("ro_RO",)),
    Origin("turkish", 0.02, ("tr_TR",), ("tr_TR",), ("tr_TR",)),
    Origin("southern_european", 0.04, ("it_IT", "pt_PT", "es_ES"), ("it_IT", "pt_PT", "es_ES"),
           ("it_IT", "pt_PT", "es_ES")),
    Origin("western_european", 0.02, ("de_DE", "fr_FR"), ("de_DE", "fr_FR"), ("de_DE", "fr_FR")),
)


def _latin(name: str) -> bool:
    """Only Latin-script names: the councils' systems and the linkage standardiser expect them."""
    return bool(name) and all(
        ch in " -'" or unicodedata.name(ch, "").startswith("LATIN") for ch in name
    )


def _provider_names(locale: str, preferences: tuple[tuple[str, ...], ...]) -> dict[str, float]:
    """The first group of provider attributes that the locale has, e.g. male names, else all names."""
    provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
    for attributes in preferences:
        found: dict[str, float] = {}
        for attribute in attributes:
            values = getattr(provider, attribute, None) or ()
            items = values.items() if isinstance(values, dict) else ((v, 1.0) for v in values)
            for name, weight in items:
                if _latin(name) and name not in found:
                    found[name] = float(weight)
        if len(found) > 1:
            return found
    return {}


def _merge(locales: tuple[str, ...], preferences: tuple[tuple[str, ...], ...]) -> Pool:
    """Each locale gets an equal share of the pool, whatever the length of its list."""
    merged: dict[str, float] = {}
    for locale in locales:
        names = _provider_names(locale, preferences)
        total = sum(names.values()) or 1.0
        for name, weight in names.items():
            merged[name] = merged.get(name, 0.0) + weight / total
    return Pool.of(merged)


_MALE = (("first_names_male",), ("first_names",))
_FEMALE = (("first_names_female",),)
_LAST = (("male_last_names", "unisex_last_names"), ("last_names",))


@dataclass(frozen=True)
class OriginPools:
    origin: Origin
    male: Pool
    female: Pool
    last: Pool


@lru_cache(maxsize=1)
def origin_pools() -> tuple[OriginPools, ...]:
    """Built once per process; the pools depend only on the installed Faker."""
    return tuple(
        OriginPools(
            o,
            _merge(o.male, _MALE),
            _merge(o.female, _FEMALE),
            _merge(o.last, _LAST),
        )
        for o in ORIGINS
    )


def origin_cumulative() -> tuple[float, ...]:
    return tuple(accumulate(o.share for o in ORIGINS))


def pick_origin(rng: random.Random) -> int:
    cumulative = origin_cumulative()
    return min(bisect_right(cumulative, rng.random() * cumulative[-1]), len(ORIGINS) - 1)


_FEMININE = (("ski", "ska"), ("cki", "cka"), ("dzki", "dzka"))


def surname_for(origin: int, surname: str, gender: str) -> str:
    """Polish family names agree with gender (Kowalski / Kowalska)."""
    if gender == "Female" and ORIGINS[origin].feminine_surnames:
        for masculine, feminine in _FEMININE:
            if surname.endswith(masculine):
                return surname[: -len(masculine)] + feminine
    return surname


@lru_cache(maxsize=1)
def _nicknamer():  # type: ignore[no-untyped-def]
    from nicknames import NickNamer

    return NickNamer()


@lru_cache(maxsize=50_000)
def name_variants(first: str) -> tuple[str, ...]:
    """Nicknames and formal forms (Bill for William, William for Bill), sorted so draws are stable."""
    namer = _nicknamer()
    key = first.lower()
    found = set(namer.nicknames_of(key)) | set(namer.canonicals_of(key))
    return tuple(sorted(n.title() for n in found if n and n != key))


def strip_accents(text: str) -> str:
    """Diacritics off (José -> Jose), as many older systems store names."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("ı", "i")


def ascii_fold(text: str) -> str:
    """Plain ASCII for email addresses."""
    return strip_accents(text).encode("ascii", "ignore").decode("ascii")
