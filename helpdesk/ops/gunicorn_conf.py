"""gunicorn's settings for production (`gunicorn -c python:helpdesk.ops.gunicorn_conf`).

Worker class gthread, 2 workers x 4 threads by default (HELPDESK_WORKERS, HELPDESK_THREADS):
a client that uploads slowly holds one thread while its body trickles in, not a whole
worker. With the sync class, two clients at 20 kB/s froze both workers and /healthz took
14 s (issue 10; docs/performance.md, "Slow clients and gthread workers"). Two processes
use both cores of a small server for Python's CPU-bound work (the GIL), the threads cover
waiting on clients, the database and the mail server. Eight slow clients at once would
still take every thread: on the open internet put a buffering reverse proxy in front
(nginx buffers request bodies by default), as the README's Production section says.

Every value can be overridden on gunicorn's command line, which wins over this file.
"""

from __future__ import annotations

import os
from typing import Any


def _int(name: str, default: int) -> int:
    return int(os.environ.get(f"HELPDESK_{name}", str(default)))


wsgi_app = "wsgi:app"
bind = [os.environ.get("HELPDESK_BIND", "127.0.0.1:5000")]
proc_name = "helpdesk"

worker_class = "gthread"
workers = _int("WORKERS", 2)
threads = _int("THREADS", 4)
# gthread workers report to the arbiter from their main loop, so `timeout` is how long a
# worker may hang as a whole (a stuck process is killed and replaced), not a request limit.
timeout = _int("WORKER_TIMEOUT", 60)
# On SIGTERM, requests in progress (an upload, a case-file PDF) get this long to finish.
graceful_timeout = 30
# Seconds an idle kept-alive connection is kept (behind a proxy it may be raised).
keepalive = 5
# No control socket: one path per user ($HOME/.gunicorn/gunicorn.ctl) that a second instance
# would fight over; stop, reload and scale with signals (systemctl, kill -HUP/-TTIN/-TTOU).
control_socket_disable = True
# A heartbeat file on a RAM disk, so a slow disk never makes a healthy worker look hung.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108

# Access log on stdout; gunicorn's own lines and the app's loggers (helpdesk.errors with
# tracebacks, helpdesk.security events) on stderr, each line with time, process and logger.
accesslog = "-"
_FORMAT = "%(asctime)s [%(process)d] %(levelname)s %(name)s: %(message)s"
logconfig_dict: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"level": "WARNING", "handlers": ["stderr"]},
    "loggers": {
        "helpdesk": {"level": "INFO"},
        "gunicorn.error": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["stdout"], "propagate": False},
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "stream": "ext://sys.stderr",
        },
        # The access line carries its own time stamp.
        "stdout": {
            "class": "logging.StreamHandler",
            "formatter": "bare",
            "stream": "ext://sys.stdout",
        },
    },
    "formatters": {
        "plain": {"format": _FORMAT, "datefmt": "%Y-%m-%d %H:%M:%S %z"},
        "bare": {"format": "%(message)s"},
    },
}
