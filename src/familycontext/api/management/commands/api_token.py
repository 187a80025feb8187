"""``familycontext api-token create|list|revoke``: API tokens for case management systems."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from familycontext.api.models import SCOPES, ApiToken
from familycontext.api.tokens import TokenError, create_token, revoke
from familycontext.governance.audit import record_event
from familycontext.governance.models import AuditAction


class Command(BaseCommand):
    help = "Create, list or revoke API tokens (stored hashed; a new token is shown once)."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token for a user")
        create.add_argument("--user", required=True, help="the username the token acts as")
        create.add_argument("--scope", action="append", required=True, choices=sorted(SCOPES),
                            help="repeat for several scopes")
        create.add_argument("--expires-days", type=int, default=90)
        create.add_argument("--name", default="", help="what the token is for, e.g. 'Mosaic integration'")
        listing = sub.add_parser("list", help="list tokens (never the tokens themselves)")
        listing.add_argument("--user", default=None)
        rev = sub.add_parser("revoke", help="revoke a token by id")
        rev.add_argument("id", type=int)

    def handle(self, *args, **options) -> None:
        action = options["action"]
        try:
            if action == "create":
                new = create_token(options["user"], options["scope"], options["expires_days"],
                                   name=options["name"], created_by="command line")
                record_event(AuditAction.USER_CHANGED, details={
                    "change": "API token created", "token_id": new.token.pk, "for_user": options["user"], "scopes": new.token.scopes})
                self.stdout.write(f"Token {new.token.pk} for {options['user']} "
                                  f"(scopes {', '.join(new.token.scopes)}, expires {new.token.expires_at:%Y-%m-%d}).")
                self.stdout.write("Copy it now; it is not shown again:")
                self.stdout.write(new.secret)
            elif action == "list":
                tokens = ApiToken.objects.select_related("user")
                if options["user"]:
                    tokens = tokens.filter(user__username=options["user"])
                for t in tokens:
                    used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never"
                    self.stdout.write(f"{t.pk}\t{t.prefix}…\t{t.user.get_username()}\t{','.join(t.scopes)}\t"
                                      f"{t.status}\texpires {t.expires_at:%Y-%m-%d}\tlast used {used}\t{t.name}")
            else:
                token = revoke(options["id"])
                record_event(AuditAction.USER_CHANGED, details={"change": "API token revoked", "token_id": token.pk,
                                                           "for_user": token.user.get_username()})
                self.stdout.write(f"Token {token.pk} revoked.")
        except TokenError as exc:
            raise CommandError(str(exc)) from exc
