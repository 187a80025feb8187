"""Person ids that survive reruns (SPEC 6): audit entries and bookmarks must keep meaning.

A new cluster keeps the id of the previous person that contributes most of its records, unless
a bigger share of that person already went to another cluster. Everything else gets a new id
from a sequence that never reuses a number. Splits and merges are reported as events.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

PREFIX = "P"
WIDTH = 9  # fixed width keeps text order equal to number order


def format_person_id(number: int) -> str:
    return f"{PREFIX}{number:0{WIDTH}d}"


def parse_person_id(person_id: str) -> int | None:
    digits = person_id[len(PREFIX) :]
    return int(digits) if person_id.startswith(PREFIX) and digits.isdigit() else None


@dataclass
class IdAssignment:
    person_of_cluster: dict[str, str]
    created: list[str] = field(default_factory=list)
    splits: dict[str, list[str]] = field(default_factory=dict)  # old id -> ids its records went to
    merges: dict[str, list[str]] = field(default_factory=dict)  # id -> old ids it took records from
    retired: dict[str, list[str]] = field(default_factory=dict)  # old id -> ids its records went to
    next_number: int = 1


def assign_person_ids(
    cluster_of: Mapping[str, str],
    previous_person_of: Mapping[str, str],
    next_number: int,
) -> IdAssignment:
    """Map each cluster (cluster_of: unique_id -> cluster) to a stable person id.

    ``previous_person_of`` is the last run's unique_id -> person_id; records new since then
    carry no vote. Ties go to the older (smaller) id, then the smaller cluster id, so the result
    does not depend on row order.
    """
    votes: Counter[tuple[str, str]] = Counter()
    for uid, cluster_id in cluster_of.items():
        old = previous_person_of.get(uid)
        if old:
            votes[(cluster_id, old)] += 1
    ranked = sorted(votes.items(), key=lambda item: (-item[1], item[0][1], item[0][0]))
    person_of_cluster: dict[str, str] = {}
    taken: set[str] = set()
    for (cluster_id, old), _count in ranked:
        if cluster_id not in person_of_cluster and old not in taken:
            person_of_cluster[cluster_id] = old
            taken.add(old)

    created: list[str] = []
    for cluster_id in sorted(set(cluster_of.values())):
        if cluster_id not in person_of_cluster:
            person_of_cluster[cluster_id] = format_person_id(next_number)
            created.append(person_of_cluster[cluster_id])
            next_number += 1

    went_to: dict[str, set[str]] = defaultdict(set)
    came_from: dict[str, set[str]] = defaultdict(set)
    for uid, cluster_id in cluster_of.items():
        old = previous_person_of.get(uid)
        if old:
            went_to[old].add(person_of_cluster[cluster_id])
            came_from[person_of_cluster[cluster_id]].add(old)
    previous_ids = set(previous_person_of.values())
    return IdAssignment(
        person_of_cluster=person_of_cluster,
        created=created,
        splits={old: sorted(new) for old, new in went_to.items() if len(new) > 1},
        merges={new: sorted(old) for new, old in came_from.items() if len(old) > 1},
        retired={old: sorted(went_to.get(old, ())) for old in sorted(previous_ids - taken)},
        next_number=next_number,
    )
