"""``familycontext createuser USERNAME --role practitioner [--role ...] [--password-stdin]``."""

from __future__ import annotations

import getpass
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from familycontext.accounts.roles import ROLES, set_roles
from familycontext.accounts.signals import account_changed


class Command(BaseCommand):
    help = "Create a local account (or update an existing one) with the given roles and password."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", action="append", choices=list(ROLES), required=True,
                            help="A role to give; repeat for several")
        parser.add_argument("--password-stdin", action="store_true",
                            help="Read the password from the first line of standard input")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--email", default="")

    def handle(self, *args, **options) -> None:
        username: str = options["username"]
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords do not match.")
        User = get_user_model()
        user = User.objects.filter(username=username).first() or User(username=username)
        for field in ("first_name", "last_name", "email"):
            if options[field]:
                setattr(user, field, options[field])
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        created = user.pk is None
        user.is_active = True
        user.set_password(password)
        user.save()
        account_changed.send(sender=type(user), user=user,
                             change="created" if created else "password reset", source="command")
        set_roles(user, options["role"], source="command")
        verb = "Created" if created else "Updated"
        self.stdout.write(f"{verb} {username} with roles: {', '.join(options['role'])}")
