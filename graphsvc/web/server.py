"""Production serving with gunicorn (Linux, macOS); Windows uses waitress (see cli.serve).

Each worker process is guarded (issue 11), so no request — hostile or just large — can take the
host down with it:

* **a memory ceiling**: ``GRAPHSVC_WORKER_MEMORY_MB`` caps the worker's address space
  (``RLIMIT_AS``, set after the fork). Past it an allocation fails with ``MemoryError`` (that request
  gets 500) instead of the kernel's OOM killer choosing a victim on the host;
* **recycling**: after ``GRAPHSVC_WORKER_MAX_REQUESTS`` requests (± 10 %, so workers do not restart
  together) a worker is replaced, returning whatever memory fragmentation kept;
* **a request timeout**: gunicorn's own ``timeout`` only catches a worker whose main loop hangs (a
  gthread worker keeps answering its heartbeat while one thread computes), so a watchdog thread in
  each worker ends the worker when one request has run longer than ``GRAPHSVC_REQUEST_TIMEOUT``
  seconds; gunicorn starts a fresh one at once.
"""

from __future__ import annotations

import logging
import os
import resource
import signal
import threading
import time

from gunicorn.app.base import BaseApplication

log = logging.getLogger("graphsvc.server")


class _Gunicorn(BaseApplication):
    def __init__(self, app, options: dict):
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.application


class RequestWatchdog:
    """Requests running in this worker, and a thread that ends the worker when one runs too long."""

    def __init__(self, timeout: float, *, check_every: float = 5.0, kill=None):
        self.timeout = timeout
        self.check_every = check_every
        self._started: dict[int, tuple[float, str]] = {}
        self._lock = threading.Lock()
        self._kill = kill or (lambda: os.kill(os.getpid(), signal.SIGKILL))

    def begin(self, what: str) -> None:
        with self._lock:
            self._started[threading.get_ident()] = (time.monotonic(), what)

    def end(self) -> None:
        with self._lock:
            self._started.pop(threading.get_ident(), None)

    def overdue(self, now: float | None = None) -> tuple[float, str] | None:
        """(seconds running, request) of the oldest request past the timeout, or None."""
        now = time.monotonic() if now is None else now
        with self._lock:
            oldest = min(self._started.values(), default=None)
        if oldest is not None and now - oldest[0] > self.timeout:
            return now - oldest[0], oldest[1]
        return None

    def watch(self) -> None:
        while True:
            time.sleep(self.check_every)
            late = self.overdue()
            if late is not None:
                log.error("request %s has run for %.0f s (GRAPHSVC_REQUEST_TIMEOUT %s s): ending worker %s; "
                          "gunicorn starts a new one", late[1], late[0], self.timeout, os.getpid())
                self._kill()
                return

    def start(self) -> None:
        threading.Thread(target=self.watch, name="graphsvc-request-watchdog", daemon=True).start()


def worker_hooks(memory_mb: int, request_timeout: float) -> dict:
    """gunicorn settings (``post_fork``, ``pre_request``, ``post_request``) that guard each worker."""
    watchdog = RequestWatchdog(request_timeout) if request_timeout > 0 else None

    def post_fork(server, worker) -> None:
        if memory_mb > 0:
            limit = memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        if watchdog is not None:
            watchdog.start()

    def pre_request(worker, req) -> None:
        if watchdog is not None:
            watchdog.begin(f"{req.method} {req.path}")

    def post_request(worker, req, environ, resp) -> None:
        if watchdog is not None:
            watchdog.end()

    return {"post_fork": post_fork, "pre_request": pre_request, "post_request": post_request}


def run_gunicorn(app, *, host: str, port: int, workers: int, threads: int) -> None:
    """Serve ``app`` with ``workers`` processes of ``threads`` threads each (gthread workers).

    The app is built before the fork; stores open their connections lazily per process.
    """
    config = app.config
    max_requests = int(config.get("GRAPHSVC_WORKER_MAX_REQUESTS") or 0)
    request_timeout = float(config.get("GRAPHSVC_REQUEST_TIMEOUT") or 0)
    options = {"bind": f"{host}:{port}", "workers": workers, "threads": threads, "worker_class": "gthread",
               "timeout": 120, "graceful_timeout": 20, "accesslog": "-", "errorlog": "-",
               "access_log_format": '%(h)s "%(r)s" %(s)s %(b)s %(M)sms',
               "max_requests": max_requests, "max_requests_jitter": max_requests // 10,
               **worker_hooks(int(config.get("GRAPHSVC_WORKER_MEMORY_MB") or 0), request_timeout)}
    _Gunicorn(app, options).run()
