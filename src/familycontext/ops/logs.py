"""Structured logs: one JSON object per line, each carrying the request id.

Application logs must hold no personal data (SPEC 8): lines name the route template
(``person/<str:person_id>``) or the view, never the path or its query string. Django's own
request loggers put ``request.path`` in their messages; the formatter swaps it for the route.
"""

from __future__ import annotations

import contextvars
import json
import logging
from datetime import UTC, datetime
from typing import Any

# Nothing here writes the thread, process or calling line, so the logging module need not look
# them up for each record: the optimisations the logging HOWTO lists ("Optimization"). The request
# log writes a line per request; this halves its cost (docs/scale.md, request cost).
logging.logThreads = False
logging.logProcesses = False
logging.logMultiprocessing = False
logging._srcfile = None

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)

# Attributes every LogRecord has; anything else was passed in ``extra`` and goes in the JSON.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}
# Extras never written: Django passes the request and server objects along, which hold everything.
_NEVER = {"request", "server_time", "server"}


def route_of(request: Any) -> str | None:
    """The URL pattern that matched (``person/<str:person_id>``), or None if none did."""
    match = getattr(request, "resolver_match", None)
    return f"/{match.route}" if match is not None else None


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record made while a request is being handled."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id and any extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": _message(record),
            "request_id": getattr(record, "request_id", None) or request_id_var.get(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in _NEVER and key not in entry:
                entry[key] = value if isinstance(value, str | int | float | bool | None) else str(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def _message(record: logging.LogRecord) -> str:
    """The message, with any request path or full path in its arguments replaced by the route."""
    request = getattr(record, "request", None)
    if request is not None and record.args:
        paths = {getattr(request, "path", None), getattr(request, "path_info", None)}
        try:
            paths.add(request.get_full_path())
        except Exception:  # noqa: BLE001 (a broken request must not stop the log line)
            pass
        paths.discard(None)
        route = route_of(request) or "[unmatched path]"
        args = record.args if isinstance(record.args, tuple) else (record.args,)
        record.args = tuple(route if isinstance(a, str) and a in paths else a for a in args)
    return record.getMessage()
