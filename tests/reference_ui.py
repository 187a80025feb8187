"""The shared production build of the 2021 reference UI, unpacked for a test session.

The build is not part of this repository: it is found beside it, at
``../shared/reference/reference-ui/build.tar.gz``, or wherever FAMILYCONTEXT_REFERENCE_UI_BUILD
points. Tests that need it are skipped, saying so, only when it is absent.
"""

from __future__ import annotations

import os
import tarfile
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[1]
DEFAULT_BUILD = REPOSITORY.parent / "shared" / "reference" / "reference-ui" / "build.tar.gz"


def build_archive() -> Path:
    return Path(os.environ.get("FAMILYCONTEXT_REFERENCE_UI_BUILD") or DEFAULT_BUILD)


def unpack_build(into: Path) -> Path:
    """The unpacked build folder (holding index.html), or a skip when the archive is absent."""
    archive = build_archive()
    if not archive.is_file():
        pytest.skip(f"the reference UI build is absent: no {archive} (set FAMILYCONTEXT_REFERENCE_UI_BUILD "
                    "to the build.tar.gz of the 2021 reference UI)")
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    found = [index.parent for index in into.rglob("index.html")]
    assert len(found) == 1, f"{archive} should hold one index.html, holds {len(found)}"
    return found[0]


@pytest.fixture(scope="session")
def reference_ui_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return unpack_build(tmp_path_factory.mktemp("reference-ui"))
