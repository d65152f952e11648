"""The ``graphsvc`` command: serve, seed, import, export — on the store the settings name.

User errors end as one clear line: every ``GraphsvcError`` a command raises reaches one handler
(:class:`GraphsvcGroup`), which names the option a problem is about (``--at: …``) or lists
validation problems one per line with their path, and exits non-zero.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Collection
from pathlib import Path
from typing import Any, NoReturn

import click
from flask import Flask

from graphsvc.app import PROJECT_ROOT, create_app
from graphsvc.interchange.limits import check_size
from graphsvc.interchange.plan import PROGRESS_FROM_ROWS
from graphsvc.model.errors import GraphsvcError, Invalid
from graphsvc.model.vocab import FREQUENCIES, VIEWS
from graphsvc.services import graph as svc
from graphsvc.services.imports import (
    DocumentFile,
    ImportReport,
    ImportSource,
    Upload,
    is_document,
    report_lines,
    run_import,
)


class Context:
    """Builds the app on first use, so ``graphsvc --help`` needs no database."""

    def __init__(self, store_url: str | None):
        self.store_url = store_url
        self._app: Flask | None = None

    @property
    def app(self):
        if self._app is None:
            config = {"GRAPHSVC_STORE_URL": self.store_url} if self.store_url else None
            self._app = create_app(config)
        return self._app

    def close(self) -> None:
        if self._app is not None:
            self._app.extensions["graphsvc"]._store.close()

    @property
    def store(self):
        return self.app.extensions["graphsvc"].store

    @property
    def unprepared_store(self):
        """The store before its schema is ensured (``AppState.unprepared_store``)."""
        return self.app.extensions["graphsvc"].unprepared_store


def _option_names(command: click.Command) -> set[str]:
    """Every option name in the command tree, as parameters spell them (``at``, ``betweenness_k``)."""
    names = {p.name for p in command.params if isinstance(p, click.Option) and p.name}
    for sub in getattr(command, "commands", {}).values():
        names |= _option_names(sub)
    return names


def error_text(exc: GraphsvcError, options: Collection[str] = ()) -> str:
    """One line for an error; a problem about an option is named as the option (``--at: …``)."""
    if not isinstance(exc, Invalid):
        return exc.message

    def line(problem) -> str:
        if problem.path in options:
            return f"--{problem.path.replace('_', '-')}: {problem.message}"
        return str(problem)

    if len(exc.problems) == 1:
        return line(exc.problems[0])
    return "\n".join([f"{len(exc.problems)} problems; nothing was changed:"] + [f"  {line(p)}" for p in exc.problems])


class GraphsvcGroup(click.Group):
    """The one error handler: a ``GraphsvcError`` from any command ends as a ``ClickException``."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except GraphsvcError as exc:
            raise click.ClickException(error_text(exc, _option_names(self))) from None


pass_context = click.make_pass_decorator(Context)


def report_invalid(exc: Invalid, what: str) -> NoReturn:
    click.echo(f"{what}: {len(exc.problems)} problem(s); nothing was changed.", err=True)
    for problem in exc.problems:
        click.echo(f"  {problem}", err=True)
    sys.exit(1)


@click.group(cls=GraphsvcGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--store", "store_url", metavar="URL", default=None,
              help="Store URL (default: the GRAPHSVC_STORE_URL setting, else SQLite in instance/).")
@click.version_option(package_name="graphsvc")
@click.pass_context
def main(ctx: click.Context, store_url: str | None) -> None:
    """graphsvc: map co-creation between libraries, municipal units and associations."""
    ctx.obj = Context(store_url)
    ctx.call_on_close(ctx.obj.close)


def _check_store(obj: Context) -> dict:
    return obj.store.check()


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


#: Progress bars (stderr) for JSON files from this size on.
PROGRESS_FROM_BYTES = 1024 * 1024


def _run_import(obj: Context, source: ImportSource, what: str, **options) -> ImportReport:
    """The one import pipeline (``services.imports.run_import``); every problem of a file that cannot
    be imported at all is listed and the command exits 1."""
    try:
        return run_import(obj.store, source, by=cli_user(), **options)
    except Invalid as exc:
        report_invalid(exc, what)


def _json_progress(path: Path):
    """Progress bars for a large JSON file (its checking reads count bytes); none for small ones."""
    large = path.is_file() and path.stat().st_size >= PROGRESS_FROM_BYTES
    return _ProgressBars() if large else None


@main.command()
@pass_context
def seed(obj: Context) -> None:
    """Load the demo data into the store (running it again changes nothing)."""
    path = _seed_path(obj.app)
    report = _run_import(obj, DocumentFile(path), f"seed {path}", progress=_json_progress(path))
    click.echo("\n".join(report_lines(report)))


class _ProgressBars:
    """click progress bars for the checking stages, shown only for large files."""

    def __init__(self):
        self.bars: dict = {}

    def __call__(self, label: str, done: int, total: int) -> None:
        if total < PROGRESS_FROM_ROWS:
            return
        bar = self.bars.get(label)
        if bar is None:
            bar = self.bars[label] = click.progressbar(length=total, label=label, file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos)
        if done >= total:
            bar.__exit__(None, None, None)


def _read_input(path: Path, max_bytes: int) -> tuple[str, Path]:
    """The file to import, checked before it is read (the import reads it as a stream)."""
    try:
        size = path.stat().st_size
        if not is_document(path.name):
            check_size(str(path), size, max_bytes)  # before reading: a huge file is refused cheaply
        with path.open("rb"):  # readable (a directory or a forbidden file fails here, as before)
            pass
        return path.name, path
    except Invalid as exc:
        report_invalid(exc, f"import {path}")
    except FileNotFoundError:
        raise click.ClickException(f"{path}: no such file") from None
    except OSError as exc:
        raise click.ClickException(f"{path}: {exc.strerror}") from None


@main.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--initiatives", "initiatives_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The initiatives CSV, when FILE is the actors CSV.")
@click.option("--dry-run", is_flag=True, help="Show what would be added, changed and rejected; change nothing.")
@click.option("--valid-only", is_flag=True,
              help="Import the valid rows of a spreadsheet even when others are rejected.")
@pass_context
def import_(obj: Context, file: Path, initiatives_file: Path | None, dry_run: bool, valid_only: bool) -> None:
    """Import FILE: graphsvc/1 JSON, GraphML, GEXF, CSV (actors, with --initiatives), a zip of CSVs, or .xlsx.

    Everything is checked first. A file with problems changes nothing (each rejected row is
    listed with its row number, column and reason) unless --valid-only is given.
    """
    if initiatives_file and is_document(file.name):
        raise click.ClickException("--initiatives goes with an actors CSV file, not with a JSON/GraphML/GEXF file")
    options = {"dry_run": dry_run, "valid_only": valid_only}
    if file.suffix.lower() == ".json":  # graphsvc/1: read incrementally, whatever its size
        report = _run_import(obj, DocumentFile(file), f"import {file}", progress=_json_progress(file), **options)
    else:
        max_bytes = int(obj.app.config.get("GRAPHSVC_MAX_IMPORT_MB", 20)) * 1024 * 1024
        files = [_read_input(file, max_bytes)]
        kinds: list[str | None] = [None]
        if initiatives_file:
            files.append(_read_input(initiatives_file, max_bytes))
            kinds = ["actors", "initiatives"]
        report = _run_import(obj, Upload(files, kinds, max_bytes), f"import {file}", progress=_ProgressBars(),
                             **options)
    click.echo("\n".join(report_lines(report)))
    if report.rejected and not report.valid_only:
        sys.exit(1)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="xlsx", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="File to write.")
def template(fmt: str, output: Path) -> None:
    """Write an import template: column headers (Norwegian) and example rows, as a zip of CSVs or .xlsx.

    ``--format csv`` writes a zip (aktorer.csv, initiativ.csv, LESMEG.txt); an output name that does
    not end in .zip (or .xlsx for ``--format xlsx``) gets that extension instead, and the CLI says so.
    """
    from graphsvc.interchange.templates import TEMPLATES

    make, filename, _ = TEMPLATES[fmt]
    suffix = Path(filename).suffix  # csv: a zip of CSV files, so the file must be named .zip to import again
    if output.suffix.lower() != suffix:
        fixed = output.with_suffix(suffix)
        click.echo(f"template: --format {fmt} writes a {suffix} file; writing {fixed} instead of {output}", err=True)
        output = fixed
    output.write_bytes(make())
    click.echo(f"template: {output} written; fill it in, then: graphsvc import {output} --dry-run", err=True)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["json", "graphml", "gexf", "csv", "xlsx"]), default="json",
              show_default=True, help="graphsvc/1 JSON; GraphML or GEXF (Gephi); csv (a zip of CSV files for R and "
                                      "pandas); xlsx (Excel).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write (default: standard output).")
@click.option("--at", "at", metavar="YYYY-MM-DD", default=None, help="The network at this date.")
@click.option("--view", type=click.Choice(VIEWS), default="cumulative", show_default=True,
              help="With --at: what had started by then, or what was running then.")
@click.option("--municipality", default=None, help="Only actors of this municipality and their partners.")
@click.option("--sector", default=None, help="Only actors of this sector and their partners.")
@pass_context
def export(obj: Context, fmt: str, output: Path | None, at: str | None, view: str, municipality: str | None,
           sector: str | None) -> None:
    """Export the graph, whole or filtered, as JSON, GraphML, GEXF, CSV (zip) or xlsx."""
    from graphsvc.interchange import FORMATS
    from graphsvc.model.validation import parse_date_param

    day = parse_date_param(at, "at")
    filtered = day is not None or municipality or sector
    if fmt != "json" or filtered:
        from graphsvc.interchange import filter_network
        from graphsvc.model.serialize import to_document

        actors, initiatives = obj.store.snapshot()
        options: dict[str, Any] = {"at": day, "view": view, "municipality": municipality or None,
                                   "sector": sector or None}
        if fmt == "json":
            data = (json.dumps(to_document(*filter_network(actors, initiatives, **options)), ensure_ascii=False,
                               indent=2) + "\n").encode("utf-8")
        else:
            data = FORMATS[fmt][0](actors, initiatives, **options)
        if output is None:
            if fmt in ("csv", "xlsx") and sys.stdout.isatty():
                raise click.ClickException(f"{fmt} is a binary file: give -o FILE (or redirect the output)")
            click.echo(data, nl=False)  # bytes go to the binary stream as they are
        else:
            output.write_bytes(data)
            click.echo(f"export: {fmt} written to {output} ({len(data)} bytes)", err=True)
        return
    doc = svc.export_document(obj.store)
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


@main.command()
@click.option("--freq", type=click.Choice(FREQUENCIES), default="year", show_default=True)
@click.option("--view", type=click.Choice(VIEWS), default="cumulative", show_default=True,
              help="cumulative: everything started by each period's end; active: what was running then.")
@click.option("--json", "as_json", is_flag=True, help="The same JSON as GET /api/v1/growth.")
@pass_context
def growth(obj: Context, freq: str, view: str, as_json: bool) -> None:
    """The growth series: actors, ties, initiatives and E-I at the end of every period."""
    from graphsvc.services.maps import growth as growth_data

    data = growth_data(obj.store, obj.app.extensions["graphsvc"].cache, freq, view)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(f"{'period':<10} {'end':<10} {'actors':>7} {'ties':>7} {'initiatives':>11} {'cross':>6} {'E-I':>6}")
    for p in data["periods"]:
        cross = "–" if p["cross_sector_share"] is None else f"{p['cross_sector_share']:.0%}"
        ei = "–" if p["ei_index"] is None else f"{p['ei_index']:+.2f}"
        click.echo(f"{p['period']:<10} {p['period_end']:<10} {p['actors']:>7} {p['ties']:>7} "
                   f"{p['initiatives']:>11} {cross:>6} {ei:>6}")


from graphsvc.cli.accounts import cli_user, register as _register_accounts  # noqa: E402

_register_accounts(main, pass_context)  # graphsvc users …, graphsvc tokens …

from graphsvc.cli.metrics import register as _register_metrics  # noqa: E402

_register_metrics(main, pass_context)  # graphsvc metrics

from graphsvc.cli.backup import register as _register_backup  # noqa: E402

_register_backup(main, pass_context)  # graphsvc backup, graphsvc restore

from graphsvc.cli.jobs import register as _register_jobs  # noqa: E402

_register_jobs(main, pass_context)  # graphsvc jobs status|resume|discard
