"""``familycontext audit verify`` and ``familycontext audit purge``.

verify walks the hash chain and exits non-zero naming the first bad entry; purge removes entries
older than ``audit.retention_days`` (or ``--days``) and records that it ran.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from familycontext.governance import chain
from familycontext.governance.retention import PurgeRefused, purge


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain, or purge entries older than the retention period."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="what", required=True, metavar="{verify,purge}")
        sub.add_parser("verify", help="Check every entry; exit 1 naming the first one changed, removed or inserted")
        p = sub.add_parser("purge", help="Remove entries older than audit.retention_days; recorded in the trail")
        p.add_argument("--days", type=int, default=None,
                       help="Retention in days for this run (default: audit.retention_days from the configuration)")

    def handle(self, *args, what: str, **options) -> None:
        if what == "verify":
            result = chain.verify()
            if not result.ok:
                raise CommandError(f"The audit trail does not verify: {result.problem}")
            self.stdout.write(f"The audit trail verifies: {result.checked} entries checked, chain head "
                              f"{result.head_sequence} {result.head_hash}")
            self.stdout.write("Keep the head hash somewhere the database's administrators cannot write: "
                              "a later verify must still reach it.")
            return
        days = options.get("days")
        if days is not None and days < 30:
            raise CommandError("--days must be at least 30")
        try:
            result = purge(retention_days=days)
        except PurgeRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Purged {result.deleted} audit entries older than {result.cutoff:%Y-%m-%d %H:%M} "
                          f"(through entry {result.through_sequence}) and {result.alerts_deleted} alerts; "
                          "the purge is recorded in the audit trail.")
