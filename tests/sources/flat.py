"""Build a Common Data Model flat extract (one row per person per service) from generator bundles.

The generator writes SPEC 3 bundles; councils were told to send the Common Data Model's fields
instead. Turning one into the other gives a realistic flat sample with known contents, so a test
can check the shipped mapping brings every person back.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date
from pathlib import Path

from familycontext.config.settings import SAFEGUARDING_OFFENCES

FLAT_COLUMNS = [
    "Service", "Record ID", "First name", "Family name", "Date of Birth", "Gender", "Address", "Postcode",
    "Service involvement", "School name", "Admission type", "Local authority organisation", "Housing association",
    "Police area", "Contact name", "Contact role", "Contact number", "Contact email",
    "Start date of last involvement", "Date of most recent interaction",
    "Anti social behaviour", "Rent arrears", "Notice seeking possessions", "Eviction",
    "Safeguarding offences",
    *[f"{k} {n}" for n in (1, 2, 3) for k in ("Date of offence", "Type of offence", "Nature of involvement")],
    "Non-safeguarding offences",
    "Date current as of", "Coverage start date", "Coverage end date", "Coverage geographic area",
]
SERVICE_NAMES = {"school": "School", "housing": "Housing", "adult_social_care": "Adult Social Care", "police": "Police"}
FILES = {"school": "enrolments", "housing": "tenancies", "adult_social_care": "involvements", "police": "people"}


def _read(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def _dmy(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y") if iso else ""


def _manifest(folder: Path) -> dict[str, str]:
    import tomllib

    data = tomllib.loads((folder / "manifest.toml").read_text())
    return {k: str(v) for k, v in data.items()}


def flat_rows(synth: Path, today: date) -> list[dict[str, str]]:
    """One flat row per person per service from the generator's bundles under ``synth``."""
    rows: list[dict[str, str]] = []
    for service, label in SERVICE_NAMES.items():
        folder = synth / service
        manifest = _manifest(folder)
        by_person: dict[str, list[dict[str, str]]] = defaultdict(list)
        for r in _read(folder / f"{FILES[service]}.csv"):
            by_person[r["record_id"]].append(r)
        cases = defaultdict(list)
        for c in _read(folder / "cases.csv"):
            cases[c["record_id"]].append(c)
        offences = defaultdict(list)
        for o in _read(folder / "offences.csv"):
            offences[o["record_id"]].append(o)
        for rid, mine in by_person.items():
            first = mine[0]
            current = any(not r.get(k) for r in mine for k in ("enrolment_end", "tenancy_end", "involvement_end") if k in r)
            row = {
                "Service": label, "Record ID": rid, "First name": first["first_name"], "Family name": first["last_name"],
                "Date of Birth": _dmy(first["date_of_birth"]), "Gender": first["gender"], "Address": first["address"],
                "Postcode": first["postcode"], "Service involvement": "Current" if current else "Historic",
                "School name": first.get("school_name", ""), "Admission type": first.get("admission_type", ""),
                "Local authority organisation": first.get("local_authority_organisation", ""),
                "Housing association": first.get("housing_association", ""), "Police area": first.get("police_area", ""),
                "Contact name": first.get("contact_name", ""), "Contact role": first.get("contact_role", ""),
                "Contact number": first.get("contact_phone", ""), "Contact email": first.get("contact_email", ""),
                "Start date of last involvement": _dmy(first.get("involvement_start", "")),
                "Date of most recent interaction": _dmy(first.get("most_recent_interaction", "")),
                "Date current as of": _dmy(manifest["date_current_as_of"][:10]),
                "Coverage start date": _dmy(manifest.get("coverage_start", "")[:10]),
                "Coverage end date": _dmy(manifest.get("coverage_end", "")[:10]),
                "Coverage geographic area": manifest.get("coverage_area", ""),
            }
            if service == "housing":
                for column, case_type in (("Anti social behaviour", "anti_social_behaviour"), ("Rent arrears", "rent_arrears"),
                                          ("Notice seeking possessions", "notice_seeking_possession"), ("Eviction", "eviction")):
                    of_type = [c for c in cases[rid] if c["case_type"] == case_type]
                    row[column] = ("Case open" if any(not c["closed"] for c in of_type)
                                   else "Case closed" if of_type else "No records found")
            if service == "police":
                safeguarding = sorted((o for o in offences[rid] if o["offence_type"] in SAFEGUARDING_OFFENCES),
                                      key=lambda o: o["offence_date"], reverse=True)[:3]
                row["Safeguarding offences"] = "Yes" if safeguarding else "No"
                for n, o in enumerate(safeguarding, start=1):
                    row[f"Date of offence {n}"] = _dmy(o["offence_date"])
                    row[f"Type of offence {n}"] = o["offence_type"]
                    row[f"Nature of involvement {n}"] = "Convict" if o["nature_of_involvement"] == "Convicted" else "Suspect"
                row["Non-safeguarding offences"] = "Yes" if len(offences[rid]) > len(safeguarding) else "No"
            rows.append(row)
    return rows


def write_flat_csv(path: Path, rows: list[dict[str, str]], *, encoding: str = "utf-8", delimiter: str = ",") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding=encoding) as fh:
        writer = csv.DictWriter(fh, fieldnames=FLAT_COLUMNS, delimiter=delimiter, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path
