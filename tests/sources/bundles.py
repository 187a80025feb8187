"""Build tiny bundles for the edge cases a test is about (bigger fixtures come from the generator)."""

from __future__ import annotations

import csv
from pathlib import Path

from familycontext.sources.services import files_for


def person(record_id: str, first: str = "Amira", last: str = "Khan", dob: str = "2015-03-04", **extra: str) -> dict:
    return {"record_id": record_id, "first_name": first, "last_name": last, "date_of_birth": dob,
            "gender": "Female", "address": "12 Mill Lane, Northmoor", "postcode": "NM1 2AB", **extra}


def write_bundle(folder: Path, service: str, files: dict[str, list[dict]], *, columns: dict[str, list[str]] | None = None,
                 **manifest: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    values = {
        "service": service,
        "source_name": f"Test {service}",
        "date_current_as_of": "2026-11-20",
        "coverage_start": "2020-01-01",
        "coverage_end": "2026-11-20",
        "coverage_area": "Northmoor",
        "coverage_explanation": "Test data.",
        **manifest,
    }
    (folder / "manifest.toml").write_text("".join(f'{k} = "{v}"\n' for k, v in values.items() if v is not None))
    specs = {s.name: s for s in files_for(service)}
    for name, rows in files.items():
        header = (columns or {}).get(name) or list(specs[name].columns) if name in specs else list(rows[0])
        with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=header, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
    return folder


def publish_waiting() -> list:
    """Publish every snapshot waiting for linkage, as a linkage run's publication step does, without scoring.

    For tests of loading: the product itself only publishes through ``linkage.runs`` (issue 17).
    """
    from familycontext.sources.snapshots import publish, waiting_snapshots

    published = waiting_snapshots()
    for snapshot in published:
        publish(snapshot)
    return published


def load_live(bundle: Path, **options):
    """``load_bundle`` followed by ``publish_waiting``: the load as users see it after the next linkage run."""
    from familycontext.sources.loader import load_bundle

    load = load_bundle(bundle, **options)
    publish_waiting()
    return load
