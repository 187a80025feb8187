"""Children's social care (the CMS): children known to the service and the people around them."""

from __future__ import annotations

from familycontext.sources.services import CMS
from familycontext.synth.extracts import Extract
from familycontext.synth.places import BOROUGH
from familycontext.synth.population import Cluster, Person

# How likely the CMS is to hold a record for someone related to a known child, by relationship.
RECORDED = {"Mother": 0.97, "Father": 0.85, "Step-father": 0.9, "Step-mother": 0.9, "Carer": 1.0,
            "Grandmother": 0.6, "Grandfather": 0.5, "Household member": 0.8, "Sibling": 1.0,
            "Half-sister": 0.7, "Half-brother": 0.7}


class CmsExtract(Extract):
    service = CMS
    source_name = "Liquidlogic LCS"
    coverage_years = 6
    nhs_share = 0.75
    coverage_explanation = (f"Children known to {BOROUGH} children's social care, open or closed in the "
                            "last six years, and the adults and siblings recorded with them.")

    def extra_columns(self, file: str) -> tuple[str, ...]:
        return ("restricted",) if file == "people" else ()

    def format_id(self, number: int) -> str:
        return f"CMS{number:07d}"

    def take(self, cluster: Cluster) -> None:
        children = [c for c in cluster.children if c.age(self.as_of) < 18]
        if not children:
            return
        chance = self.rates.cms_vulnerable_family if cluster.vulnerable else self.rates.cms_family
        if self.rng.random() >= chance:
            return
        record_of: dict[str, str] = {}
        declined: set[str] = set()

        def recorded(person: Person, label: str | None) -> str | None:
            if person.key in record_of:
                return record_of[person.key]
            if person.key in declined:
                return None
            if label is not None and self.rng.random() >= RECORDED.get(label, 0.5):
                declined.add(person.key)
                return None
            rows = self.records(person)
            for row in rows:
                restricted = "true" if self.rng.random() < self.rates.restricted else ""
                self.files["people"].add([*row, restricted])
            record_of[person.key] = rows[0][0]
            return rows[0][0]

        for child in children:
            recorded(child, None)
        for link in cluster.links:
            child_id = record_of.get(link.child.key)
            if child_id is None:
                continue
            other_id = recorded(link.other, link.label)
            if other_id is not None:
                self.files["relationships"].add([child_id, other_id, link.label])
