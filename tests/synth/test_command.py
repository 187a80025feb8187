"""The operator command is a thin wrapper round generate()."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def test_synth_command_writes_all_five_bundles_and_the_truth(tmp_path: Path) -> None:
    output = StringIO()
    call_command("synth", people=150, seed=2, out=str(tmp_path), as_of="2025-06-01", stdout=output)
    assert "150 people" in output.getvalue()
    for service in ("cms", "school", "housing", "adult_social_care", "police"):
        assert (tmp_path / service / "manifest.toml").is_file()
    assert (tmp_path / "truth.csv").is_file()


def test_synth_command_names_a_bad_date(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="--as-of"):
        call_command("synth", people=10, out=str(tmp_path), as_of="01/06/2025")
