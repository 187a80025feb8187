"""Static files for production: hashed names, gzip and Brotli copies, served by WhiteNoise."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


def _without_source_maps(patterns: tuple) -> tuple:
    return tuple(
        (extension, tuple(p for p in rules if "sourceMappingURL" not in (p if isinstance(p, str) else p[0])))
        for extension, rules in patterns
    )


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's compressed manifest storage, leaving ``sourceMappingURL`` comments alone.

    GOV.UK Frontend's minified CSS and JS name source maps we do not ship; Django's manifest
    storage would refuse the whole collectstatic over them. Only a developer's browser tools
    ever ask for a map, and they can do without.
    """

    patterns = _without_source_maps(CompressedManifestStaticFilesStorage.patterns)
