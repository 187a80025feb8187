"""Information governance (SPEC 8): the audit trail, its chain head, alerts, teams and restrictions.

The audit trail is append-only and hash-chained. The model refuses changes and deletes made
through the product (instances and querysets alike); on PostgreSQL a trigger makes the database
itself refuse them too (migration 0002). Each entry stores the previous entry's hash and its own
SHA-256 over a canonical serialisation, so a change made behind the product's back is found by
``familycontext audit verify`` (see ``governance.chain``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditAction(models.TextChoices):
    SEARCHED = "searched", "Searched"
    SHOWN_IN_RESULTS = "shown_in_results", "Person shown in results"
    VIEWED_PERSON = "viewed_person", "Viewed basic details and flags"
    VIEWED_SCHOOL = "viewed_school", "Viewed School details"
    VIEWED_ADULT_SOCIAL_CARE = "viewed_adult_social_care", "Viewed Adult Social Care details"
    VIEWED_HOUSING = "viewed_housing", "Viewed Housing details"
    VIEWED_POLICE = "viewed_police", "Viewed Police details"
    SIGNED_IN = "signed_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Failed sign-in"
    SIGNED_OUT = "signed_out", "Signed out"
    PRINTED = "printed", "Included in a printout (print or save as PDF)"
    SHOWN_ON_ECOMAP = "shown_on_ecomap", "Shown on an ecomap (name, relationship, age and flags)"
    BREAK_GLASS = "break_glass", "Break-glass access to a restricted person"
    RESTRICTION_CHANGED = "restriction_changed", "Restriction set or lifted"
    DATA_LOADED = "data_loaded", "Data load"
    MATCH_DECIDED = "match_decided", "Match decision"
    MATCH_DECISION_UNDONE = "match_decision_undone", "Match decision undone"
    LINKAGE_POLICY_CHANGED = "linkage_policy_changed", "Linkage policy overridden or given back to the decisions"
    USER_CHANGED = "user_changed", "User created or changed"
    ROLES_CHANGED = "roles_changed", "Roles changed"
    TEAM_CHANGED = "team_changed", "Team changed"
    AUDIT_VIEWED = "audit_viewed", "Audit trail viewed"
    AUDIT_EXPORTED = "audit_exported", "Audit trail exported"
    AUDIT_PURGED = "audit_purged", "Old audit entries purged"


# The actions that disclose something about a person: what "who has viewed this person" lists
# and what the alert rules count.
PERSON_VIEW_ACTIONS = (
    AuditAction.SHOWN_IN_RESULTS,
    AuditAction.VIEWED_PERSON,
    AuditAction.VIEWED_SCHOOL,
    AuditAction.VIEWED_ADULT_SOCIAL_CARE,
    AuditAction.VIEWED_HOUSING,
    AuditAction.VIEWED_POLICE,
    AuditAction.SHOWN_ON_ECOMAP,
    AuditAction.PRINTED,
    AuditAction.BREAK_GLASS,
)
OPENED_PERSON_ACTIONS = tuple(a for a in PERSON_VIEW_ACTIONS if a != AuditAction.SHOWN_IN_RESULTS)


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an audit entry."""


class AuditEntryQuerySet(models.QuerySet):
    """Refuses bulk changes: ``AuditEntry.objects.filter(...).update(...)`` / ``.delete()`` raise."""

    def update(self, **kwargs):
        raise AppendOnlyError("Audit entries cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Audit entries cannot be deleted (only `familycontext audit purge` removes old ones).")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("Audit entries cannot be changed.")

    def update_or_create(self, *args, **kwargs):
        raise AppendOnlyError("Audit entries cannot be changed.")

    def bulk_create(self, *args, **kwargs):
        raise AppendOnlyError("Audit entries are appended through governance.audit, which chains them.")


class AuditEntry(models.Model):
    """One audited action. Names and dates are copied as shown, so later relinking cannot rewrite history."""

    sequence = models.BigIntegerField(unique=True, help_text="Position in the hash chain, from 1")
    at = models.DateTimeField(db_index=True)
    user_id = models.IntegerField(null=True, blank=True)
    username = models.CharField(max_length=150, blank=True)
    user_name = models.CharField(max_length=300, blank=True, help_text="Display name at the time")
    action = models.CharField(max_length=40, choices=AuditAction.choices)
    person_id = models.CharField(max_length=20, blank=True)
    person_name = models.CharField(max_length=400, blank=True)
    person_date_of_birth = models.CharField(max_length=40, blank=True, help_text="As shown")
    search_terms = models.JSONField(null=True, blank=True)
    reason_cms_id = models.CharField(max_length=100, blank=True)
    reason_type = models.CharField(max_length=40, blank=True)
    reason_text = models.TextField(blank=True)
    client_address = models.GenericIPAddressField(null=True, blank=True)
    details = models.JSONField(null=True, blank=True, help_text="What else the action needs: a load, a justification")
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["sequence"]
        verbose_name_plural = "audit entries"
        # Every audited request inserts a row, so each index here is paid for on the busiest
        # write path: declared in Meta (no PostgreSQL "_like" copies of the text columns, which
        # nothing searches by prefix), and none the others cover (docs/adr/0002).
        indexes = [
            # The "many views in an hour" alert counts one user's person views of the last hour
            # on every person view: without this it read all of the user's entries (docs/adr/0002).
            # It also serves the audit screen's filter by user.
            models.Index(fields=["user_id", "action", "at"], name="audit_user_action_at"),
            # "Who viewed this person" and the screen's person filter, newest first.
            models.Index(fields=["person_id", "sequence"], name="audit_person_sequence"),
            models.Index(fields=["action", "sequence"], name="audit_action_sequence"),
        ]
        constraints = [models.UniqueConstraint(fields=["entry_hash"], name="audit_entry_hash_unique")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.action} {self.person_id}".strip()

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("Audit entries cannot be changed.")
        if not self.entry_hash:
            raise AppendOnlyError("Audit entries are appended through governance.audit, which chains them.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit entries cannot be deleted.")

    @property
    def action_label(self) -> str:
        try:
            return AuditAction(self.action).label
        except ValueError:
            return self.action


class AuditChainHead(models.Model):
    """The one row that says where the chain ends, and where it starts after a purge.

    Appending locks this row (``select_for_update`` on PostgreSQL; SQLite lets one writer in at a
    time), so concurrent writers cannot both chain onto the same entry. ``purged_through_*`` is the
    checkpoint a purge leaves: the sequence and hash of the last entry it removed.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_sequence = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    purged_through_sequence = models.BigIntegerField(default=0)
    purged_through_hash = models.CharField(max_length=64, default="0" * 64)
    purged_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"audit chain at {self.last_sequence}"


class Alert(models.Model):
    """Something an auditor should look at: a possible personal interest, many views, break-glass."""

    class Kind(models.TextChoices):
        SAME_SURNAME = "same_surname", "Viewed a person with their own family name"
        MANY_VIEWS = "many_views", "Unusually many person views"
        BREAK_GLASS = "break_glass", "Break-glass access"
        SIGN_IN_SPRAY = "sign_in_spray", "Failed sign-ins to many accounts from one address"

    kind = models.CharField(max_length=20, choices=Kind.choices, db_index=True)
    at = models.DateTimeField(db_index=True)
    user_id = models.IntegerField(null=True, blank=True, db_index=True)
    username = models.CharField(max_length=150, blank=True)
    user_name = models.CharField(max_length=300, blank=True)
    person_id = models.CharField(max_length=20, blank=True)
    person_name = models.CharField(max_length=400, blank=True)
    audit_sequence = models.BigIntegerField(null=True, blank=True, help_text="The audit entry that raised it")
    message = models.TextField()
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.username} {self.person_id}".strip()


class Team(models.Model):
    """A team of practitioners and the team managers who review its audit trail (SPEC 1)."""

    name = models.CharField(max_length=200, unique=True)
    managers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="managed_teams", blank=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="teams", blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StaffArea(models.Model):
    """Where a member of staff lives, as a postcode district (e.g. "SK4"), when the council records it.

    Used only by the personal-interest alert: a view of someone with the user's own family name is
    flagged when the areas match, or whenever the user's area is not known.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_area")
    postcode_district = models.CharField(max_length=4)

    def __str__(self) -> str:
        return f"{self.user} in {self.postcode_district}"


class Restriction(models.Model):
    """A data manager restricting (or lifting their restriction on) a person, e.g. a refuge placement.

    History is kept: the latest row for a person is in force. A restriction that comes from the CMS
    (``Person.restricted``) cannot be lifted here; it changes only when the CMS changes it.
    """

    person_id = models.CharField(max_length=20, db_index=True)
    restricted = models.BooleanField(default=True)
    reason = models.TextField()
    set_by_id = models.IntegerField(null=True, blank=True)
    set_by = models.CharField(max_length=300)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.person_id} {'restricted' if self.restricted else 'lifted'} by {self.set_by}"
