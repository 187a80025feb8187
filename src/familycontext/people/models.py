"""People: the read model built after each linkage run, indexed for search.

A Person row is derived data: rebuilt from the live source records and the linkage run's
assignments (``SourceRecord.person_id``). Pages and the API read it; they never compute linkage.
"""

from __future__ import annotations

from django.db import models


class Person(models.Model):
    id = models.CharField(primary_key=True, max_length=20, help_text="Stable person id from linkage")
    first_name = models.CharField(max_length=200, blank=True)
    last_name = models.CharField(max_length=200, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=10, default="Unknown")
    cms_id = models.CharField(max_length=100, blank=True, db_index=True, help_text="CMS case id, if known")
    address = models.CharField(max_length=500, blank=True, help_text="Best current address")
    postcode = models.CharField(max_length=10, blank=True)
    nhs_number = models.CharField(max_length=10, blank=True, db_index=True)
    restricted = models.BooleanField(default=False)
    record_count = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["last_name", "first_name"]), models.Index(fields=["date_of_birth"]),
                   # Restricted people are few and read on every page (disclosure.homes).
                   models.Index(fields=["restricted"], condition=models.Q(restricted=True),
                                name="person_restricted")]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.id

    @property
    def full_name(self) -> str:
        return str(self)

    @property
    def address_first_line(self) -> str:
        return self.address.split(",")[0].strip()


class NameKey(models.Model):
    """One way of finding a person: a blocking key from the names, a date of birth or an identifier.

    Derived from the live source records by ``people.index``; rebuilt whole with the people.
    ``person_id`` is a plain column, not a foreign key, so the rebuild is a fast bulk insert
    and the table works the same on SQLite and PostgreSQL without extensions. The index on
    (kind, key, person_id) covers every lookup search makes.
    """

    class Kind(models.TextChoices):
        EXACT_PAIR = "e", "Two name words, exact"
        PHONETIC_PAIR = "p", "Two name words, both by sound"
        NICKNAME_PAIR = "k", "A formal name or nickname form, and a name by sound"
        INITIAL_PAIR = "i", "A name word exact, and another word's first letter"
        SKIP_FIRST_PAIR = "s", "A name word exact, and another word without its first letter"
        DATE_OF_BIRTH = "d", "A date of birth some record holds"
        NHS_NUMBER = "n", "A valid NHS number some record holds"
        CMS_ID = "c", "A case management system record id"

    person_id = models.CharField(max_length=20)
    kind = models.CharField(max_length=1, choices=Kind.choices)
    key = models.CharField(max_length=120)

    class Meta:
        indexes = [models.Index(fields=["kind", "key", "person_id"], name="people_namekey_lookup")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key} -> {self.person_id}"


class SearchEntry(models.Model):
    """What ranking needs about one person, in one row: every name it is known by, every date of birth.

    ``names`` holds one known name per ";"-separated item as "given words/family words", already
    normalised and with hyphenated words present joined and split; ``dates_of_birth`` is a
    comma-separated list of ISO dates. ``date_of_birth`` is the displayed one (ties: youngest first).
    """

    person_id = models.CharField(primary_key=True, max_length=20)
    names = models.TextField()
    dates_of_birth = models.CharField(max_length=200, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.person_id}: {self.names}"
