"""The ``familycontext`` operator command: Django's management commands under one name.

``familycontext migrate``, ``familycontext runserver``, ``familycontext synth``, ``familycontext load``,
``familycontext link``, ``familycontext status`` ... A bad configuration stops with a message naming the
key, never a traceback.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "familycontext.settings")
    from familycontext.config import ConfigError

    try:
        from django.core.management import execute_from_command_line

        args = list(sys.argv[1:] if argv is None else argv)
        if args and not args[0].startswith("-"):
            args[0] = args[0].replace("-", "_")  # `familycontext link-records` runs the link_records command
        execute_from_command_line(["familycontext", *args])
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        sys.exit(2)
    except Exception as exc:
        if not _database_not_set_up(exc):
            raise
        print("The database has not been set up yet (its tables are missing): run 'familycontext migrate' "
              "first, then this command again. The database is the one DATABASE_URL names "
              "(default: SQLite in the data folder).", file=sys.stderr)
        sys.exit(2)


def _database_not_set_up(exc: BaseException) -> bool:
    """A missing table: the commands were run before ``migrate`` (SQLite and PostgreSQL wording)."""
    from django.db import DatabaseError

    while exc is not None:
        if isinstance(exc, DatabaseError):
            text = str(exc).lower()
            return "no such table" in text or ("relation" in text and "does not exist" in text)
        exc = exc.__cause__ or exc.__context__
    return False


if __name__ == "__main__":
    main()
