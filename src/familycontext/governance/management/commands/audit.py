"""``familycontext audit verify`` and ``familycontext audit purge``.

verify walks the hash chain and exits non-zero naming the first bad entry; purge removes entries
older than ``audit.retention_days`` (or ``--days``) and records that it ran.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from familycontext.governance import chain, checkpoints
from familycontext.governance.retention import PurgeRefused, purge


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain, or purge entries older than the retention period."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="what", required=True, metavar="{verify,purge}")
        v = sub.add_parser("verify", help="Check every entry; exit 1 naming the first one changed, removed or inserted")
        v.add_argument("--checkpoints", action="append", type=Path, default=[], metavar="FILE",
                       help="Also check the chain against the signed checkpoints in FILE: the checkpoint file "
                            "or the product's own log output (repeatable)")
        p = sub.add_parser("purge", help="Remove entries older than audit.retention_days; recorded in the trail")
        p.add_argument("--days", type=int, default=None,
                       help="Retention in days for this run (default: audit.retention_days from the configuration)")

    def handle(self, *args, what: str, **options) -> None:
        if what == "verify":
            result = chain.verify()
            if not result.ok:
                raise CommandError(f"The audit trail does not verify: {result.problem}")
            files = options.get("checkpoints") or []
            found = checkpoints.Checkpoints()
            for path in files:
                try:
                    one = checkpoints.read_file(path)
                except OSError as exc:
                    raise CommandError(f"{path}: cannot be read ({exc.strerror})") from None
                found.heads.update(one.heads)
                found.purges.update(one.purges)
                found.when.update(one.when)
                found.forged += [f"{path}:{n}" for n in one.forged]
                found.lines += one.lines
            if files:
                problems = chain.verify_against(found)
                if problems:
                    raise CommandError("The audit trail does not match its checkpoints: " + "; ".join(problems))
                if not found.lines:
                    raise CommandError(f"No audit checkpoints in {', '.join(map(str, files))}: nothing to check "
                                       "the chain head against")
            self.stdout.write(f"The audit trail verifies: {result.checked} entries checked, chain head "
                              f"{result.head_sequence} {result.head_hash}")
            if files:
                self.stdout.write(f"It matches {found.lines} signed checkpoints (latest entry "
                                  f"{max(found.heads, default=0)}).")
            else:
                self.stdout.write("Check it against the signed checkpoints kept outside the database "
                                  "(--checkpoints FILE) to detect entries removed from the end.")
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
