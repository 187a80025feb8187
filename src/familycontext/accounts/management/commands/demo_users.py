"""``familycontext demo-users`` (the demo_users command): one demo account per role, plus ``demo`` with several.

The demo team puts the practitioner in a team the team manager manages, so the team manager's audit
screens ("who has viewed", the trail) show their work. It is kept by the ``team`` command, which
records the change in the audit trail like any other team change.

Passwords are generated at random on every run and printed once; they are stored nowhere but
as Django password hashes. Rerunning resets them and prints them again.
"""

from __future__ import annotations

import io
import secrets

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from familycontext.accounts.roles import (
    ADMINISTRATOR,
    AUDITOR,
    DATA_MANAGER,
    PRACTITIONER,
    ROLES,
    TEAM_MANAGER,
    set_roles,
)

DEMO_ACCOUNTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "demo": ("Demo User", (PRACTITIONER, TEAM_MANAGER, AUDITOR, DATA_MANAGER, ADMINISTRATOR)),
    **{f"demo-{role.replace('_', '-')}": (f"Demo {label}", (role,)) for role, label in ROLES.items()},
}

DEMO_TEAM = "Northmoor Children's Assessment Team"
DEMO_TEAM_MANAGERS = ("demo-team-manager",)
DEMO_TEAM_MEMBERS = ("demo-practitioner",)


def demo_password() -> str:
    """Four random groups of letters and digits: strong, and easy to type from a terminal."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(5)) for _ in range(4))


class Command(BaseCommand):
    help = "Create or reset the demo accounts and print their sign-ins."

    def handle(self, *args, **options) -> None:
        User = get_user_model()
        self.stdout.write("Demo sign-ins (passwords change every time this command runs):")
        for username, (name, roles) in DEMO_ACCOUNTS.items():
            first, _, last = name.partition(" ")
            user, _ = User.objects.get_or_create(username=username)
            user.first_name, user.last_name, user.is_active = first, last, True
            password = demo_password()
            user.set_password(password)
            user.save()
            set_roles(user, list(roles), source="demo-users command")
            self.stdout.write(f"  {username:<24} {password}   ({', '.join(roles)})")
        # Through the command by name: teams belong to governance, which accounts does not import.
        call_command("team", DEMO_TEAM, *[f"--manager={u}" for u in DEMO_TEAM_MANAGERS],
                     *[f"--member={u}" for u in DEMO_TEAM_MEMBERS], stdout=io.StringIO())
        self.stdout.write(f"Demo team: {DEMO_TEAM}, managed by {', '.join(DEMO_TEAM_MANAGERS)}, "
                          f"members {', '.join(DEMO_TEAM_MEMBERS)}")
