from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from familycontext.config import ConfigError, load_configuration

EXAMPLE = Path(__file__).resolve().parents[2] / "config" / "familycontext.example.toml"


def test_defaults_match_the_spec():
    config = load_configuration(None)
    assert config.age_bands.police.min_age == 18
    assert (config.age_bands.school.min_age, config.age_bands.school.max_age) == (4, 20)
    assert config.police.max_safeguarding_offences == 3
    assert config.freshness.stale_after_days == 7
    assert (config.sessions.inactivity_timeout_minutes, config.sessions.absolute_limit_hours) == (15, 10)


def test_shipped_example_file_is_valid_and_equal_to_defaults():
    assert load_configuration(EXAMPLE) == load_configuration(None)


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ("[police]\nsafeguarding_conviction_months = -1\n", "police.safeguarding_conviction_months"),
        ("[age_bands.police]\nmin_age = 'eighteen'\n", "age_bands.police.min_age"),
        ("[age_bands.school]\nmin_age = 21\nmax_age = 4\n", "age_bands.school"),
        ("[freshness]\nstale_after_dayz = 3\n", "freshness.stale_after_dayz"),
        ("[linkage]\nlower_threshold = 0.995\nupper_threshold = 0.99\n", "linkage"),
    ],
)
def test_bad_value_is_refused_naming_the_key(tmp_path, toml, key):
    path = tmp_path / "fc.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError) as error:
        load_configuration(path)
    assert f"{key}:" in str(error.value)


def test_council_can_change_policy_in_the_file(tmp_path):
    path = tmp_path / "fc.toml"
    path.write_text("[age_bands.police]\nmin_age = 16\n[police]\nmax_safeguarding_offences = 2\n")
    config = load_configuration(path)
    assert config.age_bands.police.min_age == 16 and config.police.max_safeguarding_offences == 2


def test_operator_command_stops_at_start_up_with_the_key_named(tmp_path):
    path = tmp_path / "fc.toml"
    path.write_text("[sessions]\ninactivity_timeout_minutes = 0\n")
    env = {**os.environ, "FAMILYCONTEXT_CONFIG": str(path), "FAMILYCONTEXT_DATA_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "familycontext.cli", "check"], env=env, capture_output=True, text=True)
    assert result.returncode == 2
    assert "sessions.inactivity_timeout_minutes" in result.stderr and "Traceback" not in result.stderr


def test_the_demo_configuration_names_the_borough_its_synthetic_sources_describe():
    from familycontext.synth.places import BOROUGH

    demo = load_configuration(EXAMPLE.parent / "demo.toml")
    assert demo.council.name.startswith(BOROUGH)
    assert "make" not in demo.council.help_signing_in  # users' pages carry no command lines
