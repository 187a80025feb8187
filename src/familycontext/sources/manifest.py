"""A bundle's ``manifest.toml``: what the extract is, when it was taken and what it covers (SPEC 3)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from django.utils import timezone

from familycontext.sources.errors import BundleError
from familycontext.sources.services import SERVICES

_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


@dataclass(frozen=True)
class Manifest:
    service: str
    source_key: str
    source_name: str
    date_current_as_of: datetime
    coverage_start: date | None
    coverage_end: date | None
    coverage_area: str
    coverage_explanation: str


def _as_datetime(value: object, key: str, where: str) -> datetime:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time(0, 0))
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            raise BundleError(f"{where}: '{key}' must be a date or date-time like 2026-11-20, not {value!r}") from None
    else:
        raise BundleError(f"{where}: '{key}' must be a date or date-time like 2026-11-20")
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _as_date(value: object, key: str, where: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise BundleError(f"{where}: '{key}' must be a date like 2026-11-20, not {value!r}")


def read_manifest_data(bundle: Path) -> dict | None:
    """The manifest's keys as written, or None when the folder has no manifest.toml."""
    where = str(bundle / "manifest.toml")
    try:
        return tomllib.loads((bundle / "manifest.toml").read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        raise BundleError(f"{where}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise BundleError(f"{where}: not valid TOML ({exc})") from None
    except OSError as exc:
        raise BundleError(f"{where}: cannot be read ({exc.strerror})") from None


def read_manifest(bundle: Path) -> Manifest:
    """Read and check a bundle's manifest; any problem is a BundleError naming the key."""
    data = read_manifest_data(bundle)
    if data is None:
        raise BundleError(f"{bundle}: no manifest.toml in this folder")
    return build_manifest(data, str(bundle / "manifest.toml"))


def build_manifest(data: dict, where: str) -> Manifest:
    """Check manifest values, whether written in manifest.toml or assembled by a column mapping."""
    for key in ("service", "source_name", "date_current_as_of"):
        if key not in data or data[key] in ("", None):
            raise BundleError(f"{where}: required key '{key}' is missing")
    service = str(data["service"]).strip()
    if service not in SERVICES:
        raise BundleError(f"{where}: 'service' must be one of {', '.join(SERVICES)}, not {service!r}")
    source_key = str(data.get("source", service)).strip()
    if not _KEY.match(source_key):
        raise BundleError(f"{where}: 'source' must be a short lower-case key like 'housing-northmoor'")
    start = _as_date(data.get("coverage_start"), "coverage_start", where)
    end = _as_date(data.get("coverage_end"), "coverage_end", where)
    if start and end and start > end:
        raise BundleError(f"{where}: 'coverage_start' ({start}) is after 'coverage_end' ({end})")
    return Manifest(
        service=service,
        source_key=source_key,
        source_name=str(data["source_name"]).strip()[:200],
        date_current_as_of=_as_datetime(data["date_current_as_of"], "date_current_as_of", where),
        coverage_start=start,
        coverage_end=end,
        coverage_area=str(data.get("coverage_area", "")).strip()[:200],
        coverage_explanation=str(data.get("coverage_explanation", "")).strip(),
    )
