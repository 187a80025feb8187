"""Sources, their snapshots and what a snapshot holds (SPEC 3).

A snapshot is one complete, validated load of a source. Exactly one snapshot per source is live;
a new load is written beside the live one and waits (``waiting``) until a linkage run links it:
the run makes the new snapshots, the linkage over them and the people read model live together,
in one transaction (``linkage.runs``), so readers never see half a load nor records without their
people (issue 17). The rows below are the minimum SPEC 3 allows us to keep (data minimisation):
a source's rows vanish when its next snapshot no longer holds them.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Replace, Upper

from familycontext.sources.services import SERVICE_LABELS


class Source(models.Model):
    """One system that sends extracts. ``key`` defaults to the service name in the manifest."""

    key = models.SlugField(max_length=64, unique=True)
    service = models.CharField(max_length=32, choices=list(SERVICE_LABELS.items()))
    name = models.CharField(max_length=200, help_text="The system's name as users know it")

    def __str__(self) -> str:
        return f"{self.name} ({self.service})"

    @property
    def live_snapshot(self) -> Snapshot | None:
        """The snapshot pages and APIs show (published by the last linkage run)."""
        return self.snapshots.filter(live=True).first()

    @property
    def waiting_snapshot(self) -> Snapshot | None:
        """A loaded snapshot waiting for the linkage run that publishes it, if any."""
        return self.snapshots.filter(waiting=True).first()

    @property
    def newest_snapshot(self) -> Snapshot | None:
        """What the next linkage run links for this source: the waiting snapshot, else the live one."""
        return self.waiting_snapshot or self.live_snapshot


class Snapshot(models.Model):
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="snapshots")
    live = models.BooleanField(default=False)
    waiting = models.BooleanField(default=False, help_text="loaded and accepted; live after the next linkage run")
    content_hash = models.CharField(max_length=64, help_text="SHA-256 of manifest and files")
    date_current_as_of = models.DateTimeField()
    coverage_start = models.DateField(null=True, blank=True)
    coverage_end = models.DateField(null=True, blank=True)
    coverage_area = models.CharField(max_length=200, blank=True)
    coverage_explanation = models.TextField(blank=True)
    record_count = models.PositiveIntegerField(default=0)
    row_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source"], condition=Q(live=True), name="one_live_snapshot_per_source"),
            models.UniqueConstraint(fields=["source"], condition=Q(waiting=True), name="one_waiting_snapshot_per_source"),
        ]

    def __str__(self) -> str:
        return f"{self.source.key} as of {self.date_current_as_of:%Y-%m-%d}"


class Load(models.Model):
    """One attempt to load a bundle, whatever its outcome: the load history data managers read."""

    class Outcome(models.TextChoices):
        RUNNING = "running", "Running"
        ABANDONED = "abandoned", "Abandoned: its process ended without finishing"
        LOADED = "loaded", "Loaded"
        UNCHANGED = "unchanged", "Same as the live snapshot; nothing changed"
        REFUSED = "refused", "Refused"
        HELD = "held", "Held for a data manager"
        REJECTED = "rejected", "Held, then rejected by a data manager"
        FAILED = "failed", "Failed"

    bundle = models.CharField(max_length=500)
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.PROTECT, related_name="loads")
    snapshot = models.ForeignKey(Snapshot, null=True, blank=True, on_delete=models.SET_NULL, related_name="loads")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.RUNNING)
    message = models.TextField(blank=True)
    rows_read = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    quality_report = models.JSONField(default=dict, blank=True)
    loaded_by = models.CharField(max_length=150, blank=True)
    # Who is doing the load, so a load whose process died can be told from one still running.
    host = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True, blank=True)
    abandoned_at = models.DateTimeField(null=True, blank=True, help_text="when the run was found abandoned")


class QuarantinedRow(models.Model):
    """A row that failed validation, kept with its reason so nothing is silently dropped."""

    load = models.ForeignKey(Load, on_delete=models.CASCADE, related_name="quarantined_rows")
    file = models.CharField(max_length=200)
    row_number = models.PositiveIntegerField(help_text="Line in the file, header = 1")
    field = models.CharField(max_length=100, blank=True)
    reason = models.TextField()
    raw = models.JSONField(default=dict)


class Contact(models.Model):
    """The practitioner to call (SPEC 4): kept on each involvement row that names one."""

    contact_name = models.CharField(max_length=200, blank=True)
    contact_role = models.CharField(max_length=200, blank=True)
    contact_phone = models.CharField(max_length=50, blank=True)
    contact_email = models.CharField(max_length=254, blank=True)

    class Meta:
        abstract = True


class SourceRecord(models.Model):
    """One person as one source knows them, in one snapshot."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="records")
    record_id = models.CharField(max_length=100)
    first_name = models.CharField(max_length=200, blank=True)
    last_name = models.CharField(max_length=200, blank=True)
    other_names = models.CharField(max_length=500, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=10, default="Unknown")
    address = models.CharField(max_length=500, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    nhs_number = models.CharField(max_length=10, blank=True)
    restricted = models.BooleanField(default=False, help_text="e.g. adoption or refuge (SPEC 8)")
    # Set by the linkage run's publication step: the stable id of the person this record belongs to.
    person_id = models.CharField(max_length=20, blank=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["snapshot", "record_id"], name="record_id_unique_in_snapshot")]
        indexes = [
            # people.family.same_address looks records up by postcode without spaces, upper case:
            # without this index every person page read every live record (docs/adr/0002).
            models.Index(Replace(Upper("postcode"), Value(" "), Value("")), name="sourcerecord_postcode_key"),
        ]

    def __str__(self) -> str:
        return f"{self.record_id}: {self.first_name} {self.last_name}"


class Row(models.Model):
    """A row that belongs to one source record of the same snapshot."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="+")
    record = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="%(class)ss")
    row_number = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class CmsRelationship(Row):
    related_record_id = models.CharField(max_length=100)
    relationship = models.CharField(max_length=100)

    class Meta:
        # people.family.linked_in_cms finds relationships *to* a person by the related record id.
        indexes = [models.Index(fields=["snapshot", "related_record_id"], name="cmsrel_related_record")]


class SchoolEnrolment(Row, Contact):
    school_name = models.CharField(max_length=200)
    admission_type = models.CharField(max_length=50)
    enrolment_start = models.DateField(null=True, blank=True)
    enrolment_end = models.DateField(null=True, blank=True)


class HousingTenancy(Row, Contact):
    housing_association = models.CharField(max_length=200)
    tenancy_start = models.DateField(null=True, blank=True)
    tenancy_end = models.DateField(null=True, blank=True)


class HousingCase(Row):
    case_type = models.CharField(max_length=40)
    opened = models.DateField()
    closed = models.DateField(null=True, blank=True)
    arrears_weeks = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    role = models.CharField(max_length=20, blank=True)


class AscInvolvement(Row, Contact):
    local_authority_organisation = models.CharField(max_length=200)
    involvement_start = models.DateField(null=True, blank=True)
    involvement_end = models.DateField(null=True, blank=True)
    most_recent_interaction = models.DateField(null=True, blank=True)
    plan_status = models.CharField(max_length=20, blank=True)


class PoliceContact(Row, Contact):
    """The police people file's service columns: area and the contact for this person."""

    police_area = models.CharField(max_length=200, blank=True)


class PoliceOffence(Row):
    offence_date = models.DateField()
    offence_type = models.CharField(max_length=200)
    nature_of_involvement = models.CharField(max_length=20)
