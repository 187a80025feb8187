"""People's names reduced to the forms linkage and search compare.

Folding uses anyascii (transliteration maintained by others), so "Strauß" is "strauss",
"Łukasz Øster" is "lukasz oster" and "Zoë O'Brien-Smith" is "zoe obrien-smith" wherever a name
is compared: linkage, search, its index, related people and the audit's same-surname alert.
Nicknames come from the ``nicknames`` dataset, sound keys from jellyfish. Each is computed once
per distinct name (lru_cache): a million records hold only tens of thousands of names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import jellyfish
from anyascii import anyascii
from nicknames import NickNamer

_APOSTROPHES = re.compile(r"['`]")
_SEPARATORS = re.compile(r"[.,/]")
_HYPHENS = re.compile(r"\s*-+\s*")
_NOT_LETTER = re.compile(r"[^a-z\s-]")  # digits and wildcards (*, %, ?, _) go too
GENERATION_SUFFIXES = frozenset({"jnr", "jr", "junior", "snr", "sr", "senior"})


@lru_cache(maxsize=200_000)
def fold(text: str | None) -> str:
    """Plain lower-case ASCII letters; hyphens kept between letters, every other mark dropped,
    words separated by single spaces. Blank or letterless text folds to ""."""
    if not text:
        return ""
    text = anyascii(str(text)).casefold()
    text = _APOSTROPHES.sub("", text)
    text = _HYPHENS.sub("-", _SEPARATORS.sub(" ", text))
    text = _NOT_LETTER.sub("", text)
    return " ".join(part.strip("-") for part in text.split() if part.strip("-"))


def plain(text: str | None) -> str | None:
    """The folded name as space-separated parts, hyphens as spaces, without a generation suffix
    ("Doyle Jnr" is Doyle: the suffix is rarely recorded twice alike); None when blank.
    Linkage compares this form, so a missing or extra hyphen is never a disagreement."""
    parts = fold(text).replace("-", " ").split()
    if len(parts) > 1:
        parts = [p for p in parts if p not in GENERATION_SUFFIXES] or parts
    return " ".join(parts) or None


@dataclass(frozen=True, slots=True)
class Word:
    """One typed word: "smith-jones" is the word, ("smith", "jones") its parts."""

    joined: str
    parts: tuple[str, ...]

    @property
    def forms(self) -> tuple[str, ...]:
        """Every form the word can be matched by: joined and each part (a hyphen split both ways)."""
        return (self.joined, *self.parts) if len(self.parts) > 1 else (self.joined,)


def words(text: str | None) -> list[Word]:
    """The words of a name box; hyphenated words keep their parts as well as the joined form."""
    found = []
    for chunk in fold(text).split():
        parts = tuple(p for p in chunk.split("-") if p)
        if parts:
            found.append(Word("".join(parts), parts))
    return found


def tokens(text: str | None) -> set[str]:
    """Every matchable form of every word in a name, for the search index."""
    return {form for word in words(text) for form in word.forms}


@lru_cache(maxsize=1)
def _nicknamer() -> NickNamer:
    return NickNamer()


@lru_cache(maxsize=200_000)
def nickname_forms(token: str) -> frozenset[str]:
    """The token and the formal names it is a nickname of (bill -> william, robert, ...).

    Two names are nickname-equivalent when their forms meet: Bill and William meet at
    "william", Bill and Will at "william" too. Sharing only a *nickname* is not enough:
    Carolyn and Lyndon are both "Lynn", and they are not one name.
    """
    return frozenset({token, *_nicknamer().canonicals_of(token)})


@lru_cache(maxsize=200_000)
def nickname_variants(token: str) -> frozenset[str]:
    """``nickname_forms`` plus the token's own nicknames (William -> bill, will, ...): the
    dataset lists some pairs one way only (Katie under Catherine, not the reverse)."""
    return nickname_forms(token) | frozenset(_nicknamer().nicknames_of(token))


@lru_cache(maxsize=200_000)
def metaphone(token: str) -> str:
    """Metaphone key ("" when none): Smith, Smyth and Smithe agree."""
    return jellyfish.metaphone(token) if token else ""


@lru_cache(maxsize=200_000)
def soundex(token: str) -> str:
    """Soundex key ("" when none)."""
    return jellyfish.soundex(token) if token else ""


def sound(token: str) -> str:
    """The metaphone key, or the token itself when it has none (search's sound-alike keys)."""
    return metaphone(token) or token
