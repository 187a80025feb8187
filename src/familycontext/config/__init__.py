"""The deployment's configuration: one TOML file, validated at start-up (SPEC 4.6)."""

from familycontext.config.settings import (
    ConfigError,
    Configuration,
    current,
    load_configuration,
)

__all__ = ["ConfigError", "Configuration", "current", "load_configuration"]
