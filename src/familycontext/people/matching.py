"""Find the right person first time (SPEC 7): candidates from the index, ranked by match strength.

Two steps, so a million people cost no more than a hundred. ``people.index`` turns what was
typed into the same blocking keys it stored for every person (pairs of name words exact, by
sound, by nickname, by initial; the date of birth and its day/month swap) and fetches the few
people sharing one. Then each candidate is scored in Python against *every* name they are
known by, with rapidfuzz's Jaro-Winkler, nickname and phonetic agreement, and the date of
birth (exact, day and month swapped, one digit different, same year). If nobody scores as a
strong match and a date of birth was given, a second pass adds people born on any date one
digit away, which catches a typo in the name and the date at once.

A date of birth never finds anyone on its own: every result must also match by name.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import reduce
from operator import or_

from django.db.models import Q
from rapidfuzz.distance import JaroWinkler

from familycontext.people.index import identifier_key, pair_keys
from familycontext.people.models import NameKey, SearchEntry
from familycontext.people.normalise import Word, nhs_number, nickname_forms, phonetic, words

STRONG = 0.90
POSSIBLE = 0.75
WEAK = 0.55
NAME_FLOOR = 0.78  # below this the name does not match, whatever the date of birth says
NAME_WEIGHT, DOB_WEIGHT = 0.6, 0.4
NO_DOB_FACTOR = 0.85  # without a date of birth even an exact name is only a possible match
LONE_NAME_FACTOR = 0.75  # one name and a date of birth: never a strong match on its own
SWAPPED_FACTOR = 0.97  # names found in the other boxes rank just below the same names in order
CONVINCING_WITHOUT_DATE = 0.95 * NO_DOB_FACTOR  # a name this close needs no second pass
MAX_CANDIDATES = 20_000

DOB_AGREEMENT = {
    "exact": 1.0,
    "day and month swapped": 0.85,
    "one digit different": 0.75,
    "same year": 0.3,
    "not recorded": 0.4,
    "different": 0.0,
}


@dataclass(frozen=True, slots=True)
class Match:
    """One person found, with how strongly they match (0-1) and that strength in words."""

    person_id: str
    score: float
    strength: str
    date_of_birth: date | None = None
    date_of_birth_agreement: str = ""


def strength_in_words(score: float) -> str:
    if score >= STRONG:
        return "Strong match"
    if score >= POSSIBLE:
        return "Possible match"
    return "Weak match"


# --- dates of birth ------------------------------------------------------------------------
def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def swapped(dob: date) -> date | None:
    """Day and month transposed (4 March for 3 April), when that is a different real date."""
    other = _valid(dob.year, dob.day, dob.month) if dob.day <= 12 else None
    return other if other != dob else None


def _digits(dob: date) -> str:
    """YYYYMMDD, zero-padded even for years before 1000 (strftime does not pad them)."""
    return f"{dob.year:04d}{dob.month:02d}{dob.day:02d}"


def one_digit_away(dob: date) -> set[date]:
    """Every real date one digit of YYYYMMDD away, leaving the century alone."""
    digits = _digits(dob)
    found = set()
    for i in range(2, 8):
        for d in "0123456789":
            if d != digits[i]:
                text = digits[:i] + d + digits[i + 1:]
                other = _valid(int(text[:4]), int(text[4:6]), int(text[6:]))
                if other:
                    found.add(other)
    return found


def dob_agreement(query: date, recorded: list[date]) -> str:
    """How the typed date of birth agrees with the best of the person's recorded ones."""
    if not recorded:
        return "not recorded"
    best = "different"
    q8 = _digits(query)
    for dob in recorded:
        if dob == query:
            return "exact"
        if swapped(query) == dob:
            found = "day and month swapped"
        elif sum(a != b for a, b in zip(q8, _digits(dob), strict=True)) == 1:
            found = "one digit different"
        elif dob.year == query.year:
            found = "same year"
        else:
            continue
        if DOB_AGREEMENT[found] > DOB_AGREEMENT[best]:
            best = found
    return best


# --- names ---------------------------------------------------------------------------------
def token_similarity(typed: str, known: str) -> float:
    """Jaro-Winkler, lifted for a shared nickname form, the same sound or a typed prefix."""
    if typed == known:
        return 1.0
    score = JaroWinkler.similarity(typed, known)
    if score < 0.93 and nickname_forms(typed) & nickname_forms(known):
        score = 0.93
    if score < 0.9 and phonetic(typed) == phonetic(known):
        score = 0.9
    if score < 0.88 and len(typed) >= 3 and known.startswith(typed):
        score = 0.88
    return score


class _NameScorer:
    """Scores candidates' known names against the typed words, caching per (word, known token)."""

    def __init__(self, given: list[Word], family: list[Word]) -> None:
        self.given, self.family = given, family
        self.typed = given + family
        self._cache: dict[tuple[int, str], float] = {}

    def _word(self, i: int, word: Word, known: list[str]) -> float:
        best = 0.0
        for token in known:
            score = self._cache.get((i, token))
            if score is None:
                score = token_similarity(word.joined, token)
                if len(word.parts) > 1:  # half of a hyphenated name typed against the whole
                    score = max(score, 0.92 * max(token_similarity(p, token) for p in word.parts))
                self._cache[(i, token)] = score
            if score > best:
                best = score
        return best

    @staticmethod
    def _mean(scores: list[float]) -> float:
        # A middle name the records do not hold should not sink a match: the best two words
        # count fully, any others half. Half the score is the weaker of the best two, so one
        # matching word with an unrelated other ("Tom Edwards" for Tom Lees) stays below the floor.
        scores = sorted(scores, reverse=True)
        weights = [1.0 if i < 2 else 0.5 for i in range(len(scores))]
        mean = sum(s * w for s, w in zip(scores, weights, strict=True)) / sum(weights)
        return 0.5 * mean + 0.5 * min(scores[:2])

    def score(self, names: str) -> float:
        pool: list[str] = []
        best = 0.0
        n_given = len(self.given)
        for name in names.split(";"):
            given_text, _, family_text = name.partition("/")
            known_given, known_family = given_text.split(), family_text.split()
            pool += known_given + known_family
            in_order = [self._word(i, w, known_given) for i, w in enumerate(self.given)]
            in_order += [self._word(n_given + i, w, known_family) for i, w in enumerate(self.family)]
            best = max(best, self._mean(in_order))
        if best < 1.0:
            any_box = self._mean([self._word(i, w, pool) for i, w in enumerate(self.typed)])
            best = max(best, SWAPPED_FACTOR * any_box)
        return best


# --- search --------------------------------------------------------------------------------
def _query_words(first_name: str, last_name: str) -> tuple[list[Word], list[Word]]:
    given, family = words(first_name), words(last_name)
    # A whole name typed in one box: read its last word as the family name.
    if not family and len(given) > 1:
        given, family = given[:-1], given[-1:]
    elif not given and len(family) > 1:
        given, family = family[:-1], family[-1:]
    return given, family


def _candidates(keys: set[tuple[str, str]], seen: set[str]) -> list[tuple[str, str, str, date | None]]:
    if not keys:
        return []
    by_kind: dict[str, list[str]] = defaultdict(list)
    for kind, key in keys:
        by_kind[kind].append(key)
    condition = reduce(or_, (Q(kind=kind, key__in=values) for kind, values in by_kind.items()))
    ids = set(NameKey.objects.filter(condition).values_list("person_id", flat=True)[:MAX_CANDIDATES]) - seen
    if not ids:
        return []
    seen |= ids
    return list(
        SearchEntry.objects.filter(person_id__in=ids).values_list(
            "person_id", "names", "dates_of_birth", "date_of_birth"
        )
    )


def _date_keys(dates: set[date]) -> set[tuple[str, str]]:
    return {("d", d.isoformat()) for d in dates}


def _convincing(matches: Iterable[Match], with_date: bool) -> bool:
    """Whether the first pass found someone a second pass could not plausibly beat."""
    best = max((m.score for m in matches), default=0.0)
    return best >= (STRONG if with_date else CONVINCING_WITHOUT_DATE)


def find_people(first_name: str, last_name: str, date_of_birth: date | None, *, limit: int = 50) -> list[Match]:
    """People matching the typed names (either box, either order) and date of birth, best first.

    Ties are broken youngest first. Needs a name: two words, or one word with a date of birth.
    """
    given, family = _query_words(first_name, last_name)
    typed = given + family
    if not typed or (len(typed) == 1 and date_of_birth is None):
        return []
    scorer = _NameScorer(given, family)
    coverage = LONE_NAME_FACTOR if len(typed) == 1 else 1.0
    seen: set[str] = set()
    found: dict[str, Match] = {}

    def rank(rows: list[tuple[str, str, str, date | None]]) -> None:
        for person_id, names, dobs_text, display_dob in rows:
            name = scorer.score(names)
            if name < NAME_FLOOR:
                continue
            if date_of_birth is None:
                score, agreement = name * NO_DOB_FACTOR * coverage, ""
            else:
                dobs = [date.fromisoformat(d) for d in dobs_text.split(",") if d]
                agreement = dob_agreement(date_of_birth, dobs)
                score = NAME_WEIGHT * name * coverage + DOB_WEIGHT * DOB_AGREEMENT[agreement]
            if score >= WEAK:
                score = round(score, 3)
                found[person_id] = Match(person_id, score, strength_in_words(score), display_dob, agreement)

    # First pass: the selective keys. Initial-letter keys ("smith|a": every A. Smith) and dates
    # one digit away each bring hundreds of people at borough scale, so they wait for a second
    # pass, run only when the first found nobody convincing.
    names = pair_keys(typed) if len(typed) > 1 else set()
    keys = {k for k in names if k[0] != "i"}
    if date_of_birth is not None:
        keys |= _date_keys({date_of_birth} | ({swapped(date_of_birth)} - {None}))  # type: ignore[arg-type]
    rank(_candidates(keys, seen))
    if not _convincing(found.values(), date_of_birth is not None):
        keys = {k for k in names if k[0] == "i"}
        if date_of_birth is not None:
            keys |= _date_keys(one_digit_away(date_of_birth))
        rank(_candidates(keys, seen))

    def order(m: Match) -> tuple[float, bool, int, str]:
        dob = m.date_of_birth
        return (-m.score, dob is None, -(dob.toordinal() if dob else 0), m.person_id)

    return sorted(found.values(), key=order)[:limit]


def resolve_identifier(text: str) -> str | None:
    """The person a CMS case id or NHS number (spaces allowed) belongs to, else None.

    Ten digits are read as an NHS number and must pass the modulus 11 check: a mistyped number
    finds nobody rather than somebody else. An identifier held by two people finds neither.
    """
    compact = "".join((text or "").split())
    if not compact:
        return None
    if compact.replace("-", "").isdigit() and len(compact.replace("-", "")) == 10:
        number = nhs_number(compact)
        if number is None:
            return None
        kind, key = "n", number
    else:
        kind, key = "c", identifier_key(compact)
    people = set(NameKey.objects.filter(kind=kind, key=key).values_list("person_id", flat=True)[:2])
    return people.pop() if len(people) == 1 else None
