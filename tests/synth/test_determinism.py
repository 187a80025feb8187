"""Output is a pure function of (people, seed, as_of): benchmarks and bug reports depend on it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from familycontext.synth import generate

from .conftest import AS_OF


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_seed_and_date_give_byte_identical_output(tmp_path: Path) -> None:
    generate(people=300, seed=5, out=tmp_path / "a", as_of=AS_OF)
    generate(people=300, seed=5, out=tmp_path / "b", as_of=AS_OF)
    first, second = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert len(first) == 5 * 1 + 8 + 1  # five manifests, eight CSVs, truth.csv
    assert first == second


def test_a_different_seed_gives_different_people(tmp_path: Path) -> None:
    generate(people=300, seed=5, out=tmp_path / "a", as_of=AS_OF)
    generate(people=300, seed=6, out=tmp_path / "b", as_of=AS_OF)
    first = (tmp_path / "a" / "cms" / "people.csv").read_text(encoding="utf-8").splitlines()[1:]
    second = (tmp_path / "b" / "cms" / "people.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert not set(first) & set(second)


def test_a_different_date_moves_the_extracts_with_it(tmp_path: Path) -> None:
    generate(people=200, seed=5, out=tmp_path / "a", as_of=AS_OF)
    generate(people=200, seed=5, out=tmp_path / "b", as_of=date(2026, 1, 15))
    manifest = (tmp_path / "b" / "police" / "manifest.toml").read_text(encoding="utf-8")
    assert "date_current_as_of = 2026-01-15" in manifest
    assert _files(tmp_path / "a") != _files(tmp_path / "b")


def test_output_does_not_depend_on_pythons_hash_seed(tmp_path: Path) -> None:
    """String hashing differs per process; nothing drawn may depend on set or hash order."""
    import os
    import subprocess
    import sys

    script = ("import sys; from datetime import date; from familycontext.synth import generate; "
              "generate(people=300, seed=5, out=sys.argv[1], as_of=date(2025, 6, 1))")
    for name, hash_seed in (("a", "1"), ("b", "2")):
        subprocess.run([sys.executable, "-c", script, str(tmp_path / name)], check=True,
                       env={**os.environ, "PYTHONHASHSEED": hash_seed})
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
