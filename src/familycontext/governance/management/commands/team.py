"""``familycontext team NAME [--manager USER ...] [--member USER ...] [--remove USER ...]``.

Teams say whose audit trail a team manager reviews. Changes are recorded in the audit trail.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from familycontext.governance.audit import record_event
from familycontext.governance.models import AuditAction, Team


class Command(BaseCommand):
    help = "Create a team or change its managers and members."

    def add_arguments(self, parser) -> None:
        parser.add_argument("name")
        parser.add_argument("--manager", action="append", default=[], help="A team manager; repeat for several")
        parser.add_argument("--member", action="append", default=[], help="A member; repeat for several")
        parser.add_argument("--remove", action="append", default=[], help="Remove this user from the team")

    def handle(self, *args, name: str, manager: list[str], member: list[str], remove: list[str], **options) -> None:
        User = get_user_model()

        def users(names: list[str]):
            found = {u.username: u for u in User.objects.filter(username__in=names)}
            missing = sorted(set(names) - set(found))
            if missing:
                raise CommandError(f"No such user: {', '.join(missing)}")
            return list(found.values())

        team, created = Team.objects.get_or_create(name=name.strip())
        team.managers.add(*users(manager))
        team.members.add(*users(member))
        gone = users(remove)
        team.managers.remove(*gone)
        team.members.remove(*gone)
        record_event(AuditAction.TEAM_CHANGED, details={
            "team": team.name, "created": created, "managers_added": manager, "members_added": member,
            "removed": remove})
        self.stdout.write(f"{'Created' if created else 'Updated'} team {team.name}: managers "
                          f"{', '.join(sorted(team.managers.values_list('username', flat=True))) or 'none'}; "
                          f"members {', '.join(sorted(team.members.values_list('username', flat=True))) or 'none'}")
