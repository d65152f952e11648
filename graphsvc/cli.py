"""The ``graphsvc`` command: serve, seed, import, export — on the store the settings name.

User errors end as one clear line (``ClickException``); validation problems are listed one per
line with their path, and the command exits non-zero.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from graphsvc import PROJECT_ROOT, create_app
from graphsvc.domain import services as svc
from graphsvc.domain.errors import ConfigError, GraphsvcError, Invalid, StoreUnavailable


class Context:
    """Builds the app on first use, so ``graphsvc --help`` needs no database."""

    def __init__(self, store_url: str | None):
        self.store_url = store_url
        self._app = None

    @property
    def app(self):
        if self._app is None:
            config = {"GRAPHSVC_STORE_URL": self.store_url} if self.store_url else None
            try:
                self._app = create_app(config)
            except ConfigError as exc:
                raise click.ClickException(exc.message) from None
        return self._app

    def close(self) -> None:
        if self._app is not None:
            self._app.extensions["graphsvc"]._store.close()

    @property
    def store(self):
        try:
            return self.app.extensions["graphsvc"].store
        except GraphsvcError as exc:
            raise click.ClickException(exc.message) from None


pass_context = click.make_pass_decorator(Context)


def report_invalid(exc: Invalid, what: str) -> None:
    click.echo(f"{what}: {len(exc.problems)} problem(s); nothing was changed.", err=True)
    for problem in exc.problems:
        click.echo(f"  {problem}", err=True)
    sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--store", "store_url", metavar="URL", default=None,
              help="Store URL (default: the GRAPHSVC_STORE_URL setting, else SQLite in instance/).")
@click.version_option(package_name="graphsvc")
@click.pass_context
def main(ctx: click.Context, store_url: str | None) -> None:
    """graphsvc: map co-creation between libraries, municipal units and associations."""
    ctx.obj = Context(store_url)
    ctx.call_on_close(ctx.obj.close)


def _check_store(obj: Context) -> dict:
    try:
        return obj.store.check()
    except StoreUnavailable as exc:
        raise click.ClickException(exc.message) from None


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Worker processes (default: the GRAPHSVC_WORKERS setting).")
@click.option("--dev", is_flag=True, help="Flask's development server (single process, not for production).")
@pass_context
def serve(obj: Context, host: str, port: int, workers: int | None, dev: bool) -> None:
    """Serve the web app and API (gunicorn; waitress on Windows)."""
    facts = _check_store(obj)
    app = obj.app
    workers = workers or app.config["GRAPHSVC_WORKERS"]
    threads = app.config["GRAPHSVC_THREADS"]
    click.echo(f"graphsvc: {facts['store']} store ok; serving on http://{host}:{port}/", err=True)
    if dev:
        app.run(host=host, port=port, debug=False)
        return
    if os.name == "nt":
        from waitress import serve as waitress_serve

        waitress_serve(app, host=host, port=port, threads=workers * threads)
        return
    from graphsvc.web.server import run_gunicorn

    run_gunicorn(app, host=host, port=port, workers=workers, threads=threads)


def _seed_path(app) -> Path:
    configured = app.config.get("GRAPHSVC_SEED_PATH")
    if configured:
        return Path(configured)
    for candidate in (Path.cwd() / "seed" / "demo.json", PROJECT_ROOT / "seed" / "demo.json"):
        if candidate.exists():
            return candidate
    return PROJECT_ROOT / "seed" / "demo.json"


def _import_file(obj: Context, path: Path, what: str) -> None:
    try:
        doc = svc.read_document_file(path)
        summary = svc.import_document(obj.store, doc)
    except Invalid as exc:
        report_invalid(exc, f"{what} {path}")
    except GraphsvcError as exc:
        raise click.ClickException(exc.message) from None
    s = summary
    click.echo(f"{what} {path}: actors {s.actors_created} new, {s.actors_updated} updated, "
               f"{s.actors_unchanged} unchanged; initiatives {s.initiatives_created} new, "
               f"{s.initiatives_updated} updated, {s.initiatives_unchanged} unchanged.")


@main.command()
@pass_context
def seed(obj: Context) -> None:
    """Load the demo data into the store (running it again changes nothing)."""
    _import_file(obj, _seed_path(obj.app), "seed")


@main.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@pass_context
def import_(obj: Context, file: Path) -> None:
    """Import a graphsvc/1 JSON document: checked first, then stored all or nothing."""
    _import_file(obj, file, "import")


@main.command()
@click.option("--format", "fmt", type=click.Choice(["json"]), default="json", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write (default: standard output).")
@pass_context
def export(obj: Context, fmt: str, output: Path | None) -> None:
    """Export the whole graph (graphsvc/1 JSON)."""
    try:
        doc = svc.export_document(obj.store)
    except GraphsvcError as exc:
        raise click.ClickException(exc.message) from None
    text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"export: {len(doc['actors'])} actors and {len(doc['initiatives'])} initiatives "
                   f"written to {output}", err=True)


@main.command()
@pass_context
def check(obj: Context) -> None:
    """Check the store answers (exit 1 with the reason if not)."""
    facts = _check_store(obj)
    click.echo(json.dumps(facts))


if __name__ == "__main__":  # pragma: no cover
    main()
