"""What the API reads: the same cards and live sources as the web pages (``involvement.records``)."""

from familycontext.involvement.records import (
    SERVICE_SLUGS,
    SLUG_SERVICES,
    LiveSource,
    card,
    cards,
    live_sources,
)

__all__ = ["SERVICE_SLUGS", "SLUG_SERVICES", "LiveSource", "card", "cards", "live_sources"]
