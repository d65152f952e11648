"""Production serving with gunicorn (Linux, macOS); Windows uses waitress (see cli.serve)."""

from __future__ import annotations

from gunicorn.app.base import BaseApplication


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


def run_gunicorn(app, *, host: str, port: int, workers: int, threads: int) -> None:
    """Serve ``app`` with ``workers`` processes of ``threads`` threads each (gthread workers).

    The app is built before the fork; stores open their connections lazily per process.
    """
    options = {"bind": f"{host}:{port}", "workers": workers, "threads": threads, "worker_class": "gthread",
               "timeout": 120, "graceful_timeout": 20, "accesslog": "-", "errorlog": "-",
               "access_log_format": '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'}
    _Gunicorn(app, options).run()
