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


if __name__ == "__main__":
    main()
