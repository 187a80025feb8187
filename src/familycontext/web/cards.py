"""The pages' service cards: ``involvement.records`` gathers the rows and applies the rules."""

from familycontext.involvement.records import SERVICE_SLUGS, SLUG_SERVICES, card, cards

__all__ = ["SERVICE_SLUGS", "SLUG_SERVICES", "card", "cards"]
