"""What a linkage run leaves behind: who is who, why, what needs a person's eye, and audit.

Records are named by ``unique_id`` = "<source key>:<record_id>", the source's own id, so
decisions and assignments survive new snapshots of the same source.
"""

from __future__ import annotations

from django.db import models


class LinkageRun(models.Model):
    """One run of the model over all live records: its parameters and figures, kept for audit."""

    class Outcome(models.TextChoices):
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"
        FAILED = "failed", "Failed; the previous linkage stays in place"
        ABANDONED = "abandoned", "Abandoned: its process ended without finishing; the previous linkage stays in place"

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.RUNNING)
    message = models.TextField(blank=True)
    engine = models.CharField(max_length=16, default="duckdb")
    upper_threshold = models.FloatField()
    lower_threshold = models.FloatField()
    records_in = models.PositiveIntegerField(default=0)
    people_out = models.PositiveIntegerField(default=0)
    links_made = models.PositiveIntegerField(default=0)
    pairs_for_review = models.PositiveIntegerField(default=0)
    duration_seconds = models.FloatField(default=0.0)
    snapshots = models.JSONField(default=list, help_text="ids of the live snapshots linked")
    model_parameters = models.JSONField(default=dict)
    figures = models.JSONField(default=dict)
    # Who is doing the run, so a run whose process died can be told from one still running.
    host = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True, blank=True)
    abandoned_at = models.DateTimeField(null=True, blank=True, help_text="when the run was found abandoned")

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Linkage run {self.pk} at {self.started_at:%Y-%m-%d %H:%M} ({self.outcome})"


class RecordAssignment(models.Model):
    """The current person of every live record (replaced whole by each successful run)."""

    run = models.ForeignKey(LinkageRun, on_delete=models.PROTECT, related_name="assignments")
    source_key = models.CharField(max_length=64)
    record_id = models.CharField(max_length=100)
    snapshot_id = models.PositiveIntegerField()
    person_id = models.CharField(max_length=20, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source_key", "record_id"], name="one_person_per_record"
            )
        ]
        indexes = [models.Index(fields=["snapshot_id", "record_id"])]

    @property
    def unique_id(self) -> str:
        return f"{self.source_key}:{self.record_id}"


class PersonIdEvent(models.Model):
    """How person ids came and went, so an old id in an audit entry can be traced."""

    class Kind(models.TextChoices):
        CREATED = "created", "New person"
        SPLIT = "split", "Records of this person now belong to several people"
        MERGED = "merged", "Records of several people now belong to this person"
        RETIRED = "retired", "No longer used"

    run = models.ForeignKey(LinkageRun, on_delete=models.PROTECT, related_name="person_id_events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    person_id = models.CharField(max_length=20, db_index=True)
    related_person_ids = models.JSONField(default=list)


class ReviewDecision(models.Model):
    """A data manager's word on a pair; every later run obeys it (SPEC 6)."""

    unique_id_l = models.CharField(max_length=170)
    unique_id_r = models.CharField(max_length=170)
    same_person = models.BooleanField()
    decided_by = models.CharField(max_length=150)
    decided_at = models.DateTimeField()
    note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unique_id_l", "unique_id_r"], name="one_decision_per_pair"
            )
        ]

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        if self.unique_id_l > self.unique_id_r:  # pairs are unordered: one row per pair
            self.unique_id_l, self.unique_id_r = self.unique_id_r, self.unique_id_l
        super().save(*args, **kwargs)


class ReviewPair(models.Model):
    """A pair scored between the thresholds by the latest run, waiting for a decision."""

    run = models.ForeignKey(LinkageRun, on_delete=models.CASCADE, related_name="review_pairs")
    unique_id_l = models.CharField(max_length=170)
    unique_id_r = models.CharField(max_length=170)
    match_probability = models.FloatField()
    match_weight = models.FloatField()
    evidence = models.JSONField(default=dict, help_text="per field: level reached and match weight")
    same_person_now = models.BooleanField(
        default=False, help_text="joined anyway through other records"
    )
    reason = models.CharField(
        max_length=32,
        default="band",
        help_text="band (between the thresholds), or the check that kept a link apart:"
        " first_name, date_of_birth, gender, nhs_number, chain, undated_housemates",
    )
    queue_order = models.PositiveIntegerField(
        default=0, help_text="place in the queue: a calibration sample per reason first"
    )

    class Meta:
        ordering = ["queue_order", "-match_probability"]


class LinkEvidence(models.Model):
    """Why two records are one person: the link the latest run used and its per-field weights."""

    run = models.ForeignKey(LinkageRun, on_delete=models.CASCADE, related_name="link_evidence")
    person_id = models.CharField(max_length=20, db_index=True)
    unique_id_l = models.CharField(max_length=170)
    unique_id_r = models.CharField(max_length=170)
    match_probability = models.FloatField()
    match_weight = models.FloatField(null=True)
    forced_by_decision = models.BooleanField(default=False)
    evidence = models.JSONField(default=dict)


class PolicyOverride(models.Model):
    """A data manager's word on one class of the learnt policy (``linkage.policy``): keep an
    identity check (or the undated-housemates rule) on, or keep the link threshold ("band")
    where it is configured, whatever the decisions say. Every later run obeys it; removing the
    row gives the class back to the decisions."""

    rule = models.CharField(max_length=32, unique=True)
    keep_on = models.BooleanField(default=True)
    set_by = models.CharField(max_length=150)
    set_at = models.DateTimeField()
