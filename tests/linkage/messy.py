"""A small, deterministic messy population in the standard layout, with its truth.

Used by the linkage tests until (and alongside) ``familycontext.synth``: the tests need a few
hundred people so the unsupervised training has pairs to learn from, plus the exact corruptions
SPEC 6 names, which each test then checks one by one.
"""

from __future__ import annotations

import random

import pandas as pd
from faker import Faker

SOURCES = ["cms", "school", "housing", "adult_social_care", "police"]
NICKS = {
    "William": "Bill",
    "Margaret": "Peggy",
    "Robert": "Bob",
    "Elizabeth": "Liz",
    "Catherine": "Kate",
}


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 4:
        return text
    i = rng.randrange(1, len(text) - 1)
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def population(n_people: int = 300, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Records (standard layout) and truth (source, record_id, person_key)."""
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    rows: list[dict[str, str]] = []
    truth: list[dict[str, str]] = []
    counters = dict.fromkeys(SOURCES, 0)
    for p in range(n_people):
        gender = rng.choice(["Female", "Male"])
        first = (
            rng.choice(list(NICKS))
            if rng.random() < 0.1
            else (fake.first_name_female() if gender == "Female" else fake.first_name_male())
        )
        last = fake.last_name()
        dob = fake.date_of_birth(minimum_age=1, maximum_age=80)
        postcode = fake.postcode()
        address = f"{rng.randint(1, 200)} {fake.street_name()}"
        for source in rng.sample(SOURCES, rng.randint(1, 4)):
            counters[source] += 1
            rec_first, rec_last, rec_dob, rec_pc = first, last, dob.isoformat(), postcode
            roll = rng.random()
            if roll < 0.08:
                rec_first = _typo(rng, first)
            elif roll < 0.14 and first in NICKS:
                rec_first = NICKS[first]
            elif roll < 0.18:
                rec_last = _typo(rng, last)
            elif roll < 0.22 and dob.day <= 12 and dob.day != dob.month:
                rec_dob = f"{dob.year:04d}-{dob.day:02d}-{dob.month:02d}"
            elif roll < 0.26:
                rec_pc = postcode.replace(" ", "").lower()
            elif roll < 0.28:
                rec_dob = ""
            rows.append(
                {
                    "source": source,
                    "record_id": f"{source[:2].upper()}{counters[source]:05d}",
                    "first_name": rec_first,
                    "last_name": rec_last,
                    "date_of_birth": rec_dob,
                    "gender": gender,
                    "postcode": rec_pc,
                    "address": address,
                    "other_names": "",
                    "nhs_number": "",
                }
            )
            truth.append(
                {"source": source, "record_id": rows[-1]["record_id"], "person_key": f"K{p}"}
            )
    return pd.DataFrame(rows), pd.DataFrame(truth)


def pairwise_scores(clusters: pd.DataFrame, truth: pd.DataFrame) -> dict[str, float]:
    """Pairwise precision, recall and F1 of predicted clusters against the truth.

    Counted from group sizes (n choose 2), so it is fast at a million records.
    """
    merged = clusters.merge(truth, on=["source", "record_id"])

    def pairs(*cols: str) -> int:
        sizes = merged.groupby(list(cols)).size()
        return int((sizes * (sizes - 1) // 2).sum())

    predicted, actual, tp = (
        pairs("cluster_id"),
        pairs("person_key"),
        pairs("cluster_id", "person_key"),
    )
    precision = tp / predicted if predicted else 1.0
    recall = tp / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "true_pairs": actual,
        "predicted_pairs": predicted,
    }
