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

from django.db import connection
from rapidfuzz.distance import OSA, JaroWinkler

from familycontext.identity import nhs
from familycontext.identity.names import Word, nickname_forms, words
from familycontext.identity.names import sound as phonetic
from familycontext.people.index import (
    first_letter_keys,
    identifier_key,
    nickname_initial_keys,
    pair_keys,
)
from familycontext.people.models import NameKey, SearchEntry

STRONG = 0.90
POSSIBLE = 0.75
WEAK = 0.55
NAME_FLOOR = 0.78  # below this the name does not match, whatever the date of birth says
NAME_WEIGHT, DOB_WEIGHT = 0.6, 0.4
NO_DOB_FACTOR = 0.85  # without a date of birth even an exact name is only a possible match
LONE_NAME_FACTOR = 0.75  # one name and a date of birth: never a strong match on its own
SWAPPED_FACTOR = 0.97  # names found in the other boxes rank just below the same names in order
CONVINCING_WITHOUT_DATE = 0.95 * NO_DOB_FACTOR  # a name this close needs no second pass
FUZZY_AGREEMENT = 0.88  # below this Jaro-Winkler, two words disagree ...
DISAGREEMENT_SLOPE = 2.0  # ... and their score falls three times as fast
SOUND_GUARD = 0.72  # the same sound counts only for spellings this close (not Corrie/Kerr, Short/Charity)
INITIAL_AGREEMENT = 0.75  # "J" for John: with the family name and exact date, a possible match only
PART_MARK, PART_FACTOR = "~", 0.98  # half of a double-barrelled name agrees a little less than a whole one
# Two words typed, one of them agreeing with a known name and the other with none (a changed
# family name, a first name the records spell another way), and the exact date of birth: a
# possible match (at best 0.6 x 0.62 + 0.4 = 0.772), below the whole name, even with one typo,
# of someone whose records hold no date of birth (0.6 x 0.95 + 0.4 x 0.7 = 0.85 and up).
PARTIAL_NAME, PARTIAL_WORD = 0.62, 0.93
MAX_CANDIDATES = 20_000
SECOND_PASS_KINDS = ("i", "s")  # broad keys (initials, first letter left off), used only when needed

DOB_AGREEMENT = {
    "exact": 1.0,
    "day and month swapped": 0.85,
    "one digit different": 0.75,
    # A date of birth the records do not hold contradicts nothing: an exact name without one
    # (0.6 + 0.4 x 0.7 = 0.88, never a strong match) is listed above a near name with a near date
    # (a nickname and one digit out: 0.87) ...
    "not recorded": 0.7,
    # ... and a date that agrees in part weighs the same, so an exact name with such a date ties
    # with the undated one, and a tie lists people with a date first (``result_order``).
    "day and month swapped, one digit different": 0.7,
    "same day and month": 0.7,
    "same year": 0.3,
    "different": 0.0,
}


@dataclass(frozen=True, slots=True)
class Match:
    """One person found, with how strongly they match (0-1) and that strength in words.

    ``exact_name``: every typed word is one of a name the person is known by, in its own box.
    ``sort_name``: the person's first known name, family part first, for ordering ties.
    """

    person_id: str
    score: float
    strength: str
    date_of_birth: date | None = None
    date_of_birth_agreement: str = ""
    exact_name: bool = False
    sort_name: str = ""


STRENGTHS = ("Strong match", "Possible match", "Weak match")
# What each strength rests on, in one line for the results page (and the API's documentation).
STRENGTH_EXPLAINED = (
    "Strong match: names and date of birth agree. Possible match: names agree but no date of birth "
    "confirms them (not given, not recorded or a little different), or one name agrees with the exact "
    "date. Weak match: names only alike, or the date of birth differs. Typos, nicknames and day and "
    "month swapped count as agreeing."
)
TIES_EXPLAINED = (
    "Closest matches first: the names, then the date of birth. People who match equally well are "
    "listed by family name and first name, then youngest first."
)


_DATE_EVIDENCE = {
    "exact": "same date of birth",
    "day and month swapped": "date of birth with day and month swapped",
    "one digit different": "date of birth one digit different",
    "day and month swapped, one digit different": "date of birth swapped and one digit different",
    "same day and month": "same birthday, another year",
    "same year": "born the same year",
    "not recorded": "no date of birth recorded",
    "different": "a different date of birth",
}


def evidence_in_words(match: Match) -> str:
    """What one result's strength rests on, for the row: "Exact name, no date of birth recorded"."""
    name = "Exact name" if match.exact_name else "Similar name"
    date_words = _DATE_EVIDENCE.get(match.date_of_birth_agreement)
    return f"{name}, {date_words}" if date_words else name


def strength_in_words(score: float) -> str:
    if score >= STRONG:
        return STRENGTHS[0]
    if score >= POSSIBLE:
        return STRENGTHS[1]
    return STRENGTHS[2]


def _sort_name(names: str) -> str:
    """'given words/family words' of the first known name, as 'family given' for ordering."""
    given, _, family = names.split(";", 1)[0].partition("/")
    return f"{family} {given}".strip()


def result_order(m: Match) -> tuple:
    """How results are listed (TIES_EXPLAINED): best score first; equal scores by name, then youngest.

    Equal scores are common (every exact "Marion Davis" searched without a date of birth scores
    the same), so the tie-break is what the reader sees: it must be one they can predict from the
    page, not the order the index returned the people in.
    """
    dob = m.date_of_birth
    return (-m.score, m.sort_name, dob is None, -(dob.toordinal() if dob else 0), m.person_id)


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


def _digits_apart(a: str, b: str) -> int:
    return sum(x != y for x, y in zip(a, b, strict=True))


def dob_agreement(query: date, recorded: list[date]) -> str:
    """How the typed date of birth agrees with the best of the person's recorded ones."""
    if not recorded:
        return "not recorded"
    best = "different"
    q8 = _digits(query)
    other = swapped(query)
    swapped_q8 = _digits(other) if other else ""
    for dob in recorded:
        if dob == query:
            return "exact"
        d8 = _digits(dob)
        if other == dob:
            found = "day and month swapped"
        elif _digits_apart(q8, d8) == 1:
            found = "one digit different"
        elif swapped_q8 and _digits_apart(swapped_q8, d8) == 1:
            found = "day and month swapped, one digit different"
        elif (dob.month, dob.day) == (query.month, query.day):
            found = "same day and month"
        elif dob.year == query.year:
            found = "same year"
        else:
            continue
        if DOB_AGREEMENT[found] > DOB_AGREEMENT[best]:
            best = found
    return best


# --- names ---------------------------------------------------------------------------------
def token_similarity(typed: str, known: str) -> float:
    """How well one typed word agrees with one known word, 0-1, in agreement levels.

    Exact 1; an initial and a name it begins 0.75; a shared nickname form 0.93; one keystroke
    apart (Damerau) 0.9 for words of four letters or more, 0.86 for shorter ones (Ai for Ali);
    Jaro-Winkler when it is 0.88 or above (Splink's fuzzy agreement level); the same sound 0.9
    unless the spellings are far apart; a typed prefix of three letters or more 0.88. Below the
    fuzzy level the words *disagree*, and the score falls steeply: Jaro-Winkler is generous to
    short unrelated names (Katy and Martyn score 0.75), which let a namesake with a better date
    of birth outrank the person typed.
    """
    if typed == known:
        return 1.0
    if len(typed) == 1 or len(known) == 1:  # an initial agrees with every name it begins
        return INITIAL_AGREEMENT if typed[0] == known[0] else 0.0
    jaro = JaroWinkler.similarity(typed, known)
    score = jaro
    if score < 0.93 and nickname_forms(typed) & nickname_forms(known):
        score = 0.93
    if score < 0.9 and max(len(typed), len(known)) >= 3 and OSA.distance(typed, known, score_cutoff=1) <= 1:
        score = 0.9 if min(len(typed), len(known)) >= 4 else 0.86
    if score < 0.9 and jaro >= SOUND_GUARD and phonetic(typed) == phonetic(known):
        score = 0.9
    if score < 0.88 and len(typed) >= 3 and known.startswith(typed):
        score = 0.88
    if score < FUZZY_AGREEMENT:
        score = max(0.0, score - DISAGREEMENT_SLOPE * (FUZZY_AGREEMENT - score))
    return score


def _marked(text: str) -> list[str]:
    """The words of one stored name part, each part of a hyphenated word marked with PART_MARK.

    The index stores "sophie-louise" as "sophielouise sophie louise": the joined word, then
    its parts. A typed "Sophie" agrees with the part, but a little less than with a Sophie
    known by that name alone, so whole-word namesakes rank first.
    """
    tokens = text.split()
    marked: list[str] = []
    i = 0
    while i < len(tokens):
        joined, j, built = tokens[i], i + 1, ""
        while j < len(tokens) and len(built) < len(joined):
            built += tokens[j]
            j += 1
        if built == joined and j - i > 2:
            marked.append(joined)
            marked += [PART_MARK + part for part in tokens[i + 1:j]]
            i = j
        else:
            marked.append(joined)
            i += 1
    return marked


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
                if token[0] == PART_MARK:
                    score = PART_FACTOR * self._word(i, word, [token[1:]])
                else:
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

    def score(self, names: str) -> tuple[float, float, float]:
        """The whole name's agreement, and the best agreement of any one typed word with a known
        word of the same box, and of any box."""
        pool: list[str] = []
        best = best_word = 0.0
        n_given = len(self.given)
        for name in names.split(";"):
            given_text, _, family_text = name.partition("/")
            known_given, known_family = _marked(given_text), _marked(family_text)
            pool += known_given + known_family
            in_order = [self._word(i, w, known_given) for i, w in enumerate(self.given)]
            in_order += [self._word(n_given + i, w, known_family) for i, w in enumerate(self.family)]
            best = max(best, self._mean(in_order))
            best_word = max(best_word, *in_order)
        any_box = [self._word(i, w, pool) for i, w in enumerate(self.typed)]
        if best < 1.0:
            best = max(best, SWAPPED_FACTOR * self._mean(any_box))
        return best, best_word, max(any_box)


# --- search --------------------------------------------------------------------------------
TITLES = frozenset({"mr", "mrs", "miss", "ms", "mx", "dr", "master", "mstr", "prof", "rev", "sir", "dame"})


def _without_titles(found: list[Word]) -> list[Word]:
    """Drop a leading title ("Mrs", "Master") copied from a referral form, if a name remains."""
    while len(found) > 1 and found[0].joined in TITLES:
        found = found[1:]
    return found


def _query_words(first_name: str, last_name: str) -> tuple[list[Word], list[Word]]:
    # "SMITH, John" in one box is the family name first, as registers and referral forms write it.
    for box, other in ((first_name, last_name), (last_name, first_name)):
        if "," in box and not words(other):
            family_text, _, given_text = box.partition(",")
            if words(family_text) and words(given_text):
                first_name, last_name = given_text, family_text
                break
    given, family = _without_titles(words(first_name)), words(last_name)
    if not given and len(family) > 1:
        family = _without_titles(family)
    # A whole name typed in one box: read its last word as the family name.
    if not family and len(given) > 1:
        given, family = given[:-1], given[-1:]
    elif not given and len(family) > 1:
        given, family = family[:-1], family[-1:]
    return given, family


def _candidates(keys: set[tuple[str, str]], seen: set[str]) -> list[tuple[str, str, str, date | None]]:
    """Search entries of the people holding any of ``keys`` (not already ``seen``), in one statement.

    Plain SQL rather than the ORM: building the keys' query cost more Python than the database
    spent answering it, about a tenth of all the server's CPU under the load test (docs/adr/0002).
    On PostgreSQL the keys go as two arrays, so every search is the same prepared statement
    whatever its number of keys; SQLite gets the ``kind = ? AND key IN (...)`` form its planner
    reads from the (kind, key, person_id) index.
    """
    if not keys:
        return []
    q = connection.ops.quote_name
    entry, name_key = q(SearchEntry._meta.db_table), q(NameKey._meta.db_table)
    if connection.vendor == "postgresql":
        ordered = sorted(keys)
        found = (f"SELECT k.person_id FROM {name_key} k JOIN unnest(%s::text[], %s::text[]) AS w(kind, key) "
                 "ON k.kind = w.kind AND k.key = w.key LIMIT %s")
        params: list = [[k for k, _ in ordered], [v for _, v in ordered], MAX_CANDIDATES]
    else:
        by_kind: dict[str, list[str]] = defaultdict(list)
        for kind, key in sorted(keys):
            by_kind[kind].append(key)
        either = " OR ".join(f"(k.kind = %s AND k.key IN ({', '.join(['%s'] * len(values))}))"
                             for values in by_kind.values())
        found = f"SELECT k.person_id FROM {name_key} k WHERE {either} LIMIT %s"
        params = [x for kind, values in by_kind.items() for x in (kind, *values)] + [MAX_CANDIDATES]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT e.person_id, e.names, e.dates_of_birth, e.date_of_birth FROM {entry} e "
                       f"WHERE e.person_id IN ({found})", params)
        rows = [row for row in cursor.fetchall() if row[0] not in seen]
    seen.update(row[0] for row in rows)
    return rows


def _date_keys(dates: set[date]) -> set[tuple[str, str]]:
    return {("d", d.isoformat()) for d in dates}


def _convincing(matches: Iterable[Match], with_date: bool) -> bool:
    """Whether the first pass found someone a second pass could not plausibly beat."""
    best = max((m.score for m in matches), default=0.0)
    return best >= (STRONG if with_date else CONVINCING_WITHOUT_DATE)


def find_people(first_name: str, last_name: str, date_of_birth: date | None, *, limit: int = 50) -> list[Match]:
    """People matching the typed names (either box, either order) and date of birth, best first.

    Ordered by ``result_order``: best first; ties by name, then youngest first. Needs a name: two words, or one word with a date of birth.
    """
    given, family = _query_words(first_name, last_name)
    typed = given + family
    if not typed or (len(typed) == 1 and date_of_birth is None):
        return []
    scorer = _NameScorer(given, family)
    coverage = LONE_NAME_FACTOR if len(typed) == 1 else 1.0
    partial_allowed = len(typed) > 1
    seen: set[str] = set()
    found: dict[str, Match] = {}

    def rank(rows: list[tuple[str, str, str, date | None]]) -> None:
        for person_id, names, dobs_text, display_dob in rows:
            name, word_in_box, word_any_box = scorer.score(names)
            exact = name == 1.0
            if date_of_birth is None:
                if name < NAME_FLOOR:
                    continue
                score, agreement = name * NO_DOB_FACTOR * coverage, ""
            else:
                dobs = [date.fromisoformat(d) for d in dobs_text.split(",") if d]
                agreement = dob_agreement(date_of_birth, dobs)
                if name < NAME_FLOOR:
                    if not (partial_allowed and agreement == "exact" and word_any_box >= PARTIAL_WORD):
                        continue
                    name = PARTIAL_NAME * max(word_in_box, SWAPPED_FACTOR * word_any_box)
                score = NAME_WEIGHT * name * coverage + DOB_WEIGHT * DOB_AGREEMENT[agreement]
            if score >= WEAK:
                score = round(score, 3)
                found[person_id] = Match(person_id, score, strength_in_words(score), display_dob, agreement,
                                         exact, _sort_name(names))

    # First pass: the selective keys. Initial-letter keys ("smith|a": every A. Smith), keys for
    # a slip in a first letter, nickname forms with an initial, and dates one digit away each
    # bring more people at borough scale, so they wait for a second pass, run only when the
    # first found nobody convincing.
    names = pair_keys(typed) if len(typed) > 1 else set()
    keys = {k for k in names if k[0] not in SECOND_PASS_KINDS}
    if date_of_birth is not None:
        keys |= _date_keys({date_of_birth} | ({swapped(date_of_birth)} - {None}))  # type: ignore[arg-type]
    rank(_candidates(keys, seen))
    if not _convincing(found.values(), date_of_birth is not None):
        keys = {k for k in names if k[0] in SECOND_PASS_KINDS}
        if len(typed) > 1:
            keys |= nickname_initial_keys(typed) | first_letter_keys(typed)
        if date_of_birth is not None:
            keys |= _date_keys(one_digit_away(date_of_birth))
        rank(_candidates(keys, seen))

    return sorted(found.values(), key=result_order)[:limit]


def _nhs_shaped(compact: str) -> bool:
    digits = compact.replace("-", "")
    return digits.isdigit() and len(digits) == 10


def identifier_kind(text: str) -> str:
    """"nhs_number" for ten digits (as ``resolve_identifier`` reads them), else "cms_id": how a search
    by identifier is recorded in the audit trail."""
    return "nhs_number" if _nhs_shaped("".join((text or "").split())) else "cms_id"


def resolve_identifier(text: str) -> str | None:
    """The person a CMS case id or NHS number (spaces allowed) belongs to, else None.

    Ten digits are read as an NHS number and must pass the modulus 11 check: a mistyped number
    finds nobody rather than somebody else. An identifier held by two people finds neither.
    """
    compact = "".join((text or "").split())
    if not compact:
        return None
    if _nhs_shaped(compact):
        number = nhs.valid(compact)
        if number is None:
            return None
        kind, key = "n", number
    else:
        kind, key = "c", identifier_key(compact)
    people = set(NameKey.objects.filter(kind=kind, key=key).values_list("person_id", flat=True)[:2])
    return people.pop() if len(people) == 1 else None
