"""Account events that must reach the audit trail (SPEC 8: user and role changes).

``accounts`` may not import ``governance`` (they are independent packages of one layer), so it
announces changes here and the web layer, which may use both, writes the audit entries.
"""

from __future__ import annotations

from django.dispatch import Signal

# sender=the user model; kwargs: user, before (frozenset of roles), after, source ("command",
# "single sign-on", "demo", ...)
roles_changed = Signal()

# sender=the user model; kwargs: user, change (short text: "created", "second factor set up", ...),
# source
account_changed = Signal()

# sender=None; kwargs: request, user, why ("inactive", "absolute", "replaced") — a session the
# product ended, as opposed to the user signing out
session_ended = Signal()
