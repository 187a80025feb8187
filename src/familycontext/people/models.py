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
        indexes = [models.Index(fields=["last_name", "first_name"]), models.Index(fields=["date_of_birth"])]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.id

    @property
    def full_name(self) -> str:
        return str(self)

    @property
    def address_first_line(self) -> str:
        return self.address.split(",")[0].strip()
