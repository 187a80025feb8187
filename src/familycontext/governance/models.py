"""The audit trail (SPEC 8): who did what, to whom, why, from where.

Entries are append-only: the model refuses updates and deletes made through the product.
(Hash chaining, so that changes made behind the product's back are detected, is added separately.)
"""

from __future__ import annotations

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


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an audit entry."""


class AuditEntry(models.Model):
    """One audited action. Names and dates are copied as shown, so later relinking cannot rewrite history."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user_id = models.IntegerField(null=True, blank=True, db_index=True)
    username = models.CharField(max_length=150, blank=True)
    user_name = models.CharField(max_length=300, blank=True, help_text="Display name at the time")
    action = models.CharField(max_length=40, choices=AuditAction.choices, db_index=True)
    person_id = models.CharField(max_length=20, blank=True, db_index=True)
    person_name = models.CharField(max_length=400, blank=True)
    person_date_of_birth = models.CharField(max_length=40, blank=True, help_text="As shown")
    search_terms = models.JSONField(null=True, blank=True)
    reason_cms_id = models.CharField(max_length=100, blank=True)
    reason_type = models.CharField(max_length=40, blank=True)
    reason_text = models.TextField(blank=True)
    client_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.action} {self.person_id}".strip()

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit entries cannot be deleted.")
