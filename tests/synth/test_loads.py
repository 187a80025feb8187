"""Generated bundles go through the real loader's validation almost untouched."""

from __future__ import annotations

from pathlib import Path

from familycontext.sources.loader import parse_bundle
from familycontext.sources.services import SERVICES
from familycontext.synth import Summary

from .conftest import AS_OF


def test_generated_bundles_pass_the_loaders_checks(larger_borough: tuple[Path, Summary]) -> None:
    out, summary = larger_borough
    for service in SERVICES:
        parsed = parse_bundle(out / service, today=AS_OF)
        assert parsed.rows_read == sum(rows for name, rows in summary.rows.items()
                                       if name.startswith(f"{service}/"))
        assert parsed.rejected_share < 0.01, (service, parsed.rejected[:3])
