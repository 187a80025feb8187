"""The review queue and a data manager's decisions (SPEC 6): the one write of linkage_view."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from familycontext.linkage.models import ReviewDecision, ReviewPair
from familycontext.linkage.reforming import Reformed, reform_pair
from familycontext.people.linkage_view.words import govuk_date
from familycontext.people.readmodel import rebuild_people_for


def _decision_for(left: Any, right: Any) -> QuerySet[ReviewDecision]:
    return ReviewDecision.objects.filter(
        Q(unique_id_l=left, unique_id_r=right) | Q(unique_id_l=right, unique_id_r=left)
    )


def review_queue() -> QuerySet[ReviewPair]:
    """Pairs the latest run left for review that no data manager has decided yet, in the order
    the run set: a random calibration sample of each reason first (what teaches the policy
    most), then likeliest first."""
    decided = _decision_for(OuterRef("unique_id_l"), OuterRef("unique_id_r"))
    return (
        ReviewPair.objects.annotate(decided=Exists(decided))
        .filter(decided=False)
        .select_related("run")
        .order_by("queue_order", "-match_probability", "pk")
    )


# Why a pair is in the queue (``linkage.results.REVIEW_REASONS``), in words: short for the
# queue's table, a sentence for the pair's page.
REASON_WORDS = {
    "band": (
        "Between the thresholds",
        "Scored between the thresholds: not sure enough to link, too likely to ignore",
    ),
    "first_name": (
        "Kept apart: first names",
        "Scored above the linking threshold, but kept apart automatically because the first names are unrelated (not a nickname, typo, initial or sound-alike of each other)",
    ),
    "date_of_birth": (
        "Kept apart: dates of birth",
        "Scored above the linking threshold, but kept apart automatically because the dates of birth differ by more than a typing error",
    ),
    "gender": (
        "Kept apart: gender",
        "Scored above the linking threshold, but kept apart automatically because both the genders and the first names differ (as twins Francis and Frances)",
    ),
    "nhs_number": (
        "Kept apart: NHS numbers",
        "Scored above the linking threshold, but kept apart automatically because the two valid NHS numbers differ",
    ),
    "chain": (
        "Kept apart: chain",
        "Scored above the linking threshold, but not linked because it would join, through other records, records that are kept apart",
    ),
    "undated_housemates": (
        "Kept apart: undated record",
        "Scored above the linking threshold, but one record has no date of birth and links as strongly into two people kept apart, so it was left on its own",
    ),
}


def reason_words(reason: str) -> tuple[str, str]:
    """(short, sentence) for a review reason; bands below the usual floor say so."""
    if reason in REASON_WORDS:
        return REASON_WORDS[reason]
    if reason.startswith("band_below_"):
        return (
            "Below the usual review floor",
            "Scored below the usual review floor: asked because the pairs above it were all the same person, to learn whether these are too",
        )
    return (reason.replace("_", " ").capitalize(), reason.replace("_", " ").capitalize())


def pair_reason(pair: ReviewPair) -> str:
    """Why the pair is in the queue, in words."""
    return reason_words(pair.reason)[1]


def existing_decision(left: str, right: str) -> ReviewDecision | None:
    return _decision_for(left, right).first()


class DecisionError(ValueError):
    """The decision cannot be recorded (already decided); the message says why, in words."""


def take_effect(unique_id_l: str, unique_id_r: str) -> Reformed:
    """Re-form the pair's people from the live run's stored scores and rebuild their read
    model rows, in the caller's transaction: pages show the old people or the new, whole."""
    reformed = reform_pair(unique_id_l, unique_id_r)
    if reformed.changed:
        rebuild_people_for(reformed.person_ids)
    return reformed


@transaction.atomic
def record_decision(
    pair: ReviewPair, *, same_person: bool, by: str, note: str = ""
) -> tuple[ReviewDecision, Reformed]:
    """Keep a data manager's word on a pair, and let it take effect on the people at once
    (``take_effect``), all in one transaction. Refused when the pair is already decided, so two
    people deciding at once cannot silently overwrite each other."""
    earlier = existing_decision(pair.unique_id_l, pair.unique_id_r)
    if earlier is not None:
        raise DecisionError(
            f"This pair was already decided by {earlier.decided_by} "
            f"on {govuk_date(timezone.localtime(earlier.decided_at).date())}"
        )
    try:
        with transaction.atomic():
            decision = ReviewDecision(
                unique_id_l=pair.unique_id_l,
                unique_id_r=pair.unique_id_r,
                same_person=same_person,
                decided_by=by[:150],
                decided_at=timezone.now(),
                note=note.strip(),
            )
            decision.save()
    except IntegrityError:
        raise DecisionError("This pair was decided by someone else a moment ago") from None
    return decision, take_effect(pair.unique_id_l, pair.unique_id_r)


@transaction.atomic
def undo_decision(decision_id: int) -> tuple[ReviewDecision, Reformed]:
    """Take back a decision: it is removed and the pair's people re-formed without it, in one
    transaction (the people go back as the stored scores and the other decisions form them).
    Refused when it was already undone."""
    decision = ReviewDecision.objects.select_for_update().filter(pk=decision_id).first()
    if decision is None:
        raise DecisionError("This decision has already been undone")
    decision.delete()
    return decision, take_effect(decision.unique_id_l, decision.unique_id_r)
