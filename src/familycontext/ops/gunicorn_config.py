"""gunicorn settings for Family Context: ``gunicorn -c python:familycontext.ops.gunicorn_config``.

Defaults suit a 2-core server behind nginx; each is overridable from the environment.
Workers are processes (one Python each, so rendering uses every core); threads within a worker
overlap database waits. gunicorn's own access log is off: it would write paths and query strings,
and the application's request log (ops.middleware) already gives one JSON line per request.
"""

import gc
import multiprocessing
import os

from gunicorn import glogging

bind = os.environ.get("FAMILYCONTEXT_BIND", "127.0.0.1:8000")
# One worker per core, two threads each: measured on 2 cores (docs/scale.md, request cost). 2 workers x 4 threads
# served the load test at 11-12 ms of CPU per request against 12.5-14 ms for 4 x 4 (more
# processes, more context switches and colder caches for the same work); then, back to back
# on the same database, 2 x 2 served 227-229 requests/s (p95 230 ms) where 2 x 4 served
# 194-209 (p95 340-410 ms): a second thread overlaps a request's database waits, and more
# threads only contend for the interpreter lock.
workers = int(os.environ.get("FAMILYCONTEXT_WORKERS", multiprocessing.cpu_count()))
worker_class = "gthread"
threads = int(os.environ.get("FAMILYCONTEXT_THREADS", 2))
timeout = 60  # a person page takes well under a second; a stuck worker is restarted
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, with jitter so they do not all restart at once. With one worker
# per core each serves half the requests: 5,000 meant a restart (and cold templates, prepared
# statements and connection) every minute or so under load.
max_requests = 20000
max_requests_jitter = 2000
preload_app = True  # import Django once; workers share the pages of memory
accesslog = None
errorlog = "-"
# gunicorn's own lines (start, worker boot, timeouts) as JSON too.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "familycontext.ops.logs.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json",
                             "stream": "ext://sys.stderr"}},
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
}
forwarded_allow_ips = os.environ.get("FAMILYCONTEXT_FORWARDED_ALLOW_IPS", "127.0.0.1")


class Logger(glogging.Logger):
    """gunicorn's logger without its access log. With a logging configuration set (above),
    gunicorn builds every request's access-log fields even though the "gunicorn.access" logger
    discards them: about 1 % of a worker's CPU under the load test (docs/scale.md, request cost)."""

    def access(self, resp, req, environ, request_time) -> None:
        return None


logger_class = Logger


def when_ready(server) -> None:
    """After the application is imported (preload_app) and before the workers are forked: move
    everything imported so far out of the garbage collector's sight. Django, the templates and
    the URL patterns live as long as the process; not walking them again on every collection
    saves a few per cent of CPU per request (docs/scale.md, request cost), and the forked workers keep sharing those
    pages of memory instead of copying them when the collector touches them."""
    gc.collect()
    gc.freeze()


def post_fork(server, worker) -> None:
    """Collect the youngest objects less often: a request allocates thousands (ORM rows, template
    output) that reference counting frees anyway."""
    gc.set_threshold(7000, 10, 10)
