"""gunicorn settings for Family Context: ``gunicorn -c python:familycontext.ops.gunicorn_config``.

Defaults suit a 2-core server behind nginx; each is overridable from the environment.
Workers are processes (one Python each, so rendering uses every core); threads within a worker
overlap database waits. gunicorn's own access log is off: it would write paths and query strings,
and the application's request log (ops.middleware) already gives one JSON line per request.
"""

import multiprocessing
import os

bind = os.environ.get("FAMILYCONTEXT_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("FAMILYCONTEXT_WORKERS", multiprocessing.cpu_count() * 2))
worker_class = "gthread"
threads = int(os.environ.get("FAMILYCONTEXT_THREADS", 4))
timeout = 60  # a person page takes well under a second; a stuck worker is restarted
graceful_timeout = 30
keepalive = 5
max_requests = 5000  # recycle workers now and then, with jitter so they do not all restart at once
max_requests_jitter = 500
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
