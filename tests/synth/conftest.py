"""One small borough per test session: generation is fast, but not free."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from familycontext.synth import Summary, generate

AS_OF = date(2025, 6, 1)
PEOPLE = 300


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="session")
def borough(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Summary]:
    out = tmp_path_factory.mktemp("borough")
    return out, generate(people=PEOPLE, seed=7, out=out, as_of=AS_OF)


@pytest.fixture(scope="session")
def larger_borough(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Summary]:
    """Big enough (3,000 people, well under a second) for rare events: dual registration, restriction."""
    out = tmp_path_factory.mktemp("larger")
    return out, generate(people=3000, seed=11, out=out, as_of=AS_OF)
