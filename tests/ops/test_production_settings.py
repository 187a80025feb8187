"""familycontext.settings_production: strict about its environment, and passes check --deploy."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_ENV = {
    "DJANGO_SETTINGS_MODULE": "familycontext.settings_production",
    "DJANGO_SECRET_KEY": "a-test-only-key-" + "x7Qp2" * 12,
    "FAMILYCONTEXT_ALLOWED_HOSTS": "familycontext.example.gov.uk",
}


def django(args: list[str], env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "FAMILYCONTEXT_"))}
    return subprocess.run(
        [sys.executable, "-m", "django", *args], cwd=tmp_path, capture_output=True, text=True,
        env={**base, "FAMILYCONTEXT_DATA_DIR": str(tmp_path / "data"), **env}, timeout=120)


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "FAMILYCONTEXT_ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_its_environment(missing, tmp_path):
    env = {k: v for k, v in GOOD_ENV.items() if k != missing}
    result = django(["check"], env, tmp_path)
    assert result.returncode != 0
    assert f"{missing} must be set for production" in result.stderr
    assert not (tmp_path / "data" / "secret_key").exists()  # no development key made instead


@pytest.mark.slow
def test_production_settings_pass_check_deploy(tmp_path):
    result = django(["check", "--deploy", "--fail-level", "WARNING"], GOOD_ENV, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_values(tmp_path):
    code = ("from django.conf import settings as s; print(s.DEBUG, s.SESSION_COOKIE_SECURE, "
            "s.SECURE_HSTS_SECONDS, s.ALLOWED_HOSTS, s.SECRET_KEY_FALLBACKS, "
            "s.STORAGES['staticfiles']['BACKEND'].rsplit('.', 1)[1], s.WHITENOISE_USE_FINDERS)")
    env = {**GOOD_ENV, "DJANGO_SECRET_KEY_FALLBACKS": "old-key-1,old-key-2"}
    result = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "FAMILYCONTEXT_DATA_DIR": str(tmp_path / "d"), **env})
    assert result.stdout.split("\n")[0] == (
        "False True 31536000 ['familycontext.example.gov.uk'] ['old-key-1', 'old-key-2'] "
        "StaticFilesStorage False"), result.stderr
