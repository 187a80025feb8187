"""Relationship words from the page's person (SPEC 5.4): what a related individual *is to* them.

The CMS records a relationship on one person's record: the row (record A, related record B,
"Mother") says that B is A's mother. On A's page, B reads "Mother". On B's page the same row must
read from B's side: A is B's child, so A reads "Daughter (this person is her mother)" — the
reader's word first, the CMS's own word kept beside it so nothing recorded is lost or re-judged.

One pure function, ``relationship_words``, decides the words for every channel (person page,
print, ecomap, API, disclosure), so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

FEMALE, MALE = "female", "male"

# A gendered triple: the word for a woman or girl, a man or boy, and anyone else.
Words = tuple[str, str, str]

PARENT: Words = ("Mother", "Father", "Parent")
CHILD: Words = ("Daughter", "Son", "Child")
STEP_PARENT: Words = ("Step-mother", "Step-father", "Step-parent")
STEP_CHILD: Words = ("Step-daughter", "Step-son", "Step-child")
GRANDPARENT: Words = ("Grandmother", "Grandfather", "Grandparent")
GRANDCHILD: Words = ("Granddaughter", "Grandson", "Grandchild")
SIBLING: Words = ("Sister", "Brother", "Sibling")
HALF_SIBLING: Words = ("Half-sister", "Half-brother", "Half-sibling")
STEP_SIBLING: Words = ("Step-sister", "Step-brother", "Step-sibling")
AUNT_OR_UNCLE: Words = ("Aunt", "Uncle", "Aunt or uncle")
NIECE_OR_NEPHEW: Words = ("Niece", "Nephew", "Niece or nephew")
FOSTER_CARER: Words = ("Foster carer", "Foster carer", "Foster carer")
FOSTER_CHILD: Words = ("Foster child", "Foster child", "Foster child")
CARER: Words = ("Carer", "Carer", "Carer")
CARED_FOR: Words = ("Cared for", "Cared for", "Cared for")
HOUSEHOLD_MEMBER: Words = ("Household member", "Household member", "Household member")

# Each kind of relationship and its reverse: if B is A's <kind>, A is B's <reverse>.
_REVERSE: list[tuple[Words, Words]] = [
    (PARENT, CHILD), (STEP_PARENT, STEP_CHILD), (GRANDPARENT, GRANDCHILD),
    (SIBLING, SIBLING), (HALF_SIBLING, HALF_SIBLING), (STEP_SIBLING, STEP_SIBLING),
    (AUNT_OR_UNCLE, NIECE_OR_NEPHEW), (FOSTER_CARER, FOSTER_CHILD), (CARER, CARED_FOR),
    (HOUSEHOLD_MEMBER, HOUSEHOLD_MEMBER),
]
_KINDS: dict[str, tuple[Words, Words]] = {}
for _kind, _reverse in _REVERSE:
    for _word in _kind:
        _KINDS.setdefault(_word.casefold(), (_kind, _reverse))
    for _word in _reverse:
        _KINDS.setdefault(_word.casefold(), (_reverse, _kind))
# Other spellings CMS systems use for the same words.
_SPELLINGS = {"stepfather": "step-father", "step father": "step-father", "stepmother": "step-mother",
              "step mother": "step-mother", "half sister": "half-sister", "halfsister": "half-sister",
              "half brother": "half-brother", "halfbrother": "half-brother", "mum": "mother", "dad": "father",
              "grandma": "grandmother", "nan": "grandmother", "grandad": "grandfather", "grandpa": "grandfather"}


def _kinds_of(recorded: str) -> tuple[Words, Words] | None:
    key = recorded.casefold()
    return _KINDS.get(_SPELLINGS.get(key, key))


@dataclass(frozen=True)
class RelationshipWords:
    """How one related individual is named on a person's page.

    ``label``: the reader's word for what the other person is to the page's person ("Daughter").
    ``recorded``: the CMS's own word, as recorded ("Mother").
    ``text``: what every channel shows: the label, and the recorded wording when it differs
    ("Daughter (this person is her mother)", "Sister (recorded as sibling)", or just "Mother").
    """

    label: str
    recorded: str
    text: str

    def __str__(self) -> str:
        return self.text


def _gendered(words: Words, gender: str | None) -> str:
    g = (gender or "").strip().casefold()
    return words[0] if g in (FEMALE, "f") else words[1] if g in (MALE, "m") else words[2]


def _possessive(gender: str | None) -> str:
    g = (gender or "").strip().casefold()
    return "her" if g in (FEMALE, "f") else "his" if g in (MALE, "m") else "their"


def _lower_first(word: str) -> str:
    """'Mother' -> 'mother', but a word in capitals (an acronym) stays as it is."""
    return word if word[:2].isupper() else word[:1].lower() + word[1:]


def relationship_words(recorded: str, *, recorded_on_page_person: bool, other_gender: str | None) -> RelationshipWords:
    """The words for a related individual on the page of the person the relationship links them to.

    ``recorded``: the CMS's relationship word. ``recorded_on_page_person``: True when the row was
    recorded on the page's person's own record (so the other person *is* their ``recorded``);
    False when it was recorded on the other person's record naming the page's person (so the
    page's person is the other's ``recorded`` and the words are reversed). ``other_gender``: the
    related individual's gender (Female / Male / Other / Unknown), for "Daughter" or "Son".
    """
    recorded = " ".join((recorded or "").split())
    if not recorded:
        return RelationshipWords("Related", "", "Related (no relationship recorded)")
    kinds = _kinds_of(recorded)
    if recorded_on_page_person:
        # The other person is the page's person's <recorded>. A gendered CMS word stands; a
        # neutral one ("Sibling") takes the other person's gender, with the CMS word kept.
        if kinds is None or recorded.casefold() != kinds[0][2].casefold():
            return RelationshipWords(recorded, recorded, recorded)
        label = _gendered(kinds[0], other_gender)
        if label == kinds[0][2]:
            return RelationshipWords(recorded, recorded, recorded)
        return RelationshipWords(label, recorded, f"{label} (recorded as {_lower_first(recorded)})")
    # The page's person is the other person's <recorded>: say what the other is to them.
    if kinds is None:
        label = "Related"
    else:
        label = _gendered(kinds[1], other_gender)
        if kinds[0] == kinds[1] and label.casefold() == recorded.casefold():
            return RelationshipWords(label, recorded, label)  # "Household member" either way
    return RelationshipWords(
        label, recorded, f"{label} (this person is {_possessive(other_gender)} {_lower_first(recorded)})")


def label_of(text: str) -> str:
    """The reader's word alone from a relationship's ``text``: "Daughter (this person is her
    mother)" -> "Daughter". For lists short enough to read at a glance (the page's summary)."""
    return text.split(" (", 1)[0]
