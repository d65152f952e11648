"""Import and export in the browser: the upload page with its preview, the export page, and their API twins.

The pages and the API call the same service (``graphsvc.services.imports``) and exporters
(``graphsvc.interchange.FORMATS``). Uploaded files are copied in chunks to a private folder
(``uploads/`` in the instance folder, mode 0700, owned by the service and checked at every use)
and read from there as streams, never whole into memory. The upload page previews first (a dry
run) and keeps the files there until the user confirms or an hour has passed, so the confirm
step does not upload them again.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import stat
import time
from datetime import date
from pathlib import Path
from typing import Literal, overload

from flask import Blueprint, Response, current_app, jsonify, render_template, request
from flask_babel import lazy_gettext as _l

from graphsvc.interchange import FORMATS, filter_network
from graphsvc.interchange.columns import ACTOR_COLUMNS, INITIATIVE_COLUMNS
from graphsvc.interchange.limits import check_size
from graphsvc.interchange.templates import TEMPLATES
from graphsvc.model import messages as msg
from graphsvc.model.errors import Invalid, Problem
from graphsvc.model.serialize import to_document
from graphsvc.model.vocab import VIEWS
from graphsvc.services.imports import ImportReport, Upload, import_json_file, run_import
from graphsvc.web import params
from graphsvc.web.auth import acting_name
from graphsvc.web.context import current_store
from graphsvc.web.i18n import problem_message
from graphsvc.web.labels import locale_key

bp = Blueprint("transfer", __name__)

EXPORT_FORMATS = ("json", "graphml", "gexf", "csv", "xlsx")
FORMAT_LABELS = {"json": "graphsvc/1 JSON", "graphml": "GraphML (Gephi, yEd, igraph)",
                 "gexf": _l("GEXF with timeline (Gephi)"), "csv": _l("CSV in a zip (R, pandas)"),
                 "xlsx": "Excel (.xlsx)"}
UPLOAD_LIFETIME_S = 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def _max_import_bytes() -> int:
    return int(current_app.config.get("GRAPHSVC_MAX_IMPORT_MB", 20)) * 1024 * 1024


# -- export ---------------------------------------------------------------------------------------
def export_options() -> dict:
    """Export filters from the query string (empty fields mean "not given")."""
    view = params.choice("view", VIEWS, "cumulative")
    return {"at": params.day("at"), "view": view,
            "municipality": (request.args.get("municipality") or "").strip() or None,
            "sector": (request.args.get("sector") or "").strip() or None}


def export_response(fmt: str) -> Response:
    """``GET /api/v1/export?format=…``: a download of the (filtered) network."""
    if fmt not in EXPORT_FORMATS:
        raise Invalid([Problem("format", msg.CHOICE_INVALID(legal=EXPORT_FORMATS, value=fmt))])
    options = export_options()
    actors, initiatives = current_store().snapshot()
    stem = "graphsvc"
    if options["at"]:
        stem += f"-{options['at'].isoformat()}"
    if fmt == "json":
        doc = to_document(*filter_network(actors, initiatives, **options))
        data = (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        extension, media_type = "json", "application/json"
    else:
        make, extension, media_type = FORMATS[fmt]
        data = make(actors, initiatives, **options, lang=locale_key())  # label columns as the pages say
    response = Response(data, mimetype=media_type)
    if media_type.startswith("application/json") or media_type.endswith("+xml"):
        response.headers["Content-Type"] = f"{media_type}; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{stem}.{extension}"'
    return response


@bp.get("/export")
def export_page():
    actors, _ = current_store().snapshot()
    municipalities = sorted({a.municipality for a in actors if a.municipality}, key=str.casefold)
    sectors = sorted({a.sector for a in actors if a.sector}, key=str.casefold)
    return render_template("export.html", formats=[(f, FORMAT_LABELS[f]) for f in EXPORT_FORMATS],
                           municipalities=municipalities, sectors=sectors, today=date.today().isoformat())


@bp.get("/api/v1/import/template")
def import_template():
    fmt = request.args.get("format") or "xlsx"
    if fmt not in TEMPLATES:
        raise Invalid([Problem("format", msg.CHOICE_INVALID(legal=tuple(TEMPLATES), value=fmt))])
    make, filename, media_type = TEMPLATES[fmt]
    response = Response(make(), mimetype=media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# -- import --------------------------------------------------------------------------------------
@overload
def _save(field: str, folder: Path, number: int, *, required: Literal[True]) -> tuple[str, Path]: ...
@overload
def _save(field: str, folder: Path, number: int, *, required: Literal[False]) -> tuple[str, Path] | None: ...
def _save(field: str, folder: Path, number: int, *, required: bool) -> tuple[str, Path] | None:
    """An uploaded file copied (in chunks) into ``folder``; its size is checked before it is copied."""
    upload = request.files.get(field)
    if upload is None or not upload.filename:
        if required:
            raise Invalid([Problem(field, msg.CHOOSE_A_FILE())])
        return None
    name = Path(upload.filename).name
    stream = upload.stream
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    if not name.lower().endswith(".json"):  # JSON is streamed; the upload limit (413) bounds it
        try:
            check_size(name, size, _max_import_bytes(), graph_file=name.lower().endswith((".graphml", ".gexf")))
        except Invalid as exc:
            raise Invalid([Problem(field, exc.problems[0].located)]) from None
    path = folder / str(number)
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
        shutil.copyfileobj(stream, out, 1024 * 1024)
    return name, path


def _uploads(folder: Path) -> tuple[list[tuple[str, Path]], list[str | None]]:
    files = [_save("file", folder, 0, required=True)]
    kinds: list[str | None] = [None]
    second = _save("initiatives", folder, 1, required=False)
    if second:
        files.append(second)
        kinds = ["actors", "initiatives"]
    return files, kinds


def _run(files, kinds, *, dry_run: bool, valid_only: bool) -> ImportReport:
    return run_import(current_store(), Upload(files, kinds, _max_import_bytes()), dry_run=dry_run,
                      valid_only=valid_only, by=acting_name())


def import_upload_response():
    """``POST /api/v1/import`` with a multipart file upload: the report as JSON.

    200 when the import ran (or would, in a dry run); 422 with every rejected row in
    ``problems`` and the whole report in ``report`` when rejected rows stopped it.
    """
    folder = _new_upload_folder()
    try:
        files, kinds = _uploads(folder)
        report = _run(files, kinds, dry_run=params.flag("dry_run", form=True),
                      valid_only=params.flag("valid_only", form=True))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if report.rejected and not report.valid_only and not report.dry_run:
        body = report.to_invalid().to_dict()
        rejected = msg.IMPORT_REJECTED(count=len(report.rejected))
        body.update(message=str(rejected), **rejected.to_dict())
        body["report"] = report.to_dict()
        response = jsonify(body)
        response.status_code = 422
        return response
    return jsonify({"report": report.to_dict()})


def import_json_body_response():
    """``POST /api/v1/import`` with a large graphsvc/1 JSON body: copied in chunks to a private
    file (the upload limit applies while copying), then imported as a stream."""
    folder = _new_upload_folder()
    try:
        path = folder / "body.json"
        with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
            shutil.copyfileobj(request.stream, out, 1024 * 1024)
        summary = import_json_file(current_store(), "the request body", path, by=acting_name())
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return jsonify({"imported": summary.to_dict()})


class UploadFolderNotPrivate(RuntimeError):
    """The folder for uploads exists but another user could read or replace what is in it."""


def private_folder(folder: Path) -> Path:
    """``folder``, created with mode 0700 if missing, and checked: a real directory (not a link),
    owned by this process's user, with no access for group or others (fixed if it is ours)."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = os.lstat(folder)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise UploadFolderNotPrivate(f"the upload folder {folder} is not a directory owned by this service "
                                     f"(uid {os.getuid()}); remove it or set GRAPHSVC_INSTANCE_DIR")
    if info.st_mode & 0o077:
        os.chmod(folder, 0o700)
    return folder


def _upload_dir() -> Path:
    folder = private_folder(Path(current_app.config.get("GRAPHSVC_UPLOAD_DIR")
                                 or Path(current_app.instance_path) / "uploads"))
    now = time.time()
    for old in folder.iterdir():
        try:
            if now - old.lstat().st_mtime > UPLOAD_LIFETIME_S:
                shutil.rmtree(old, ignore_errors=True)
        except OSError:
            pass
    return folder


def _new_upload_folder() -> Path:
    folder = _upload_dir() / secrets.token_urlsafe(24)
    folder.mkdir(mode=0o700)
    return folder


def _keep(folder: Path, files, kinds) -> str:
    """Keep the preview's files for the confirm step; the folder's name is the token."""
    meta = {"names": [n for n, _ in files], "kinds": kinds, "user": acting_name()}
    with open(os.open(folder / "meta.json", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w",
              encoding="utf-8") as out:
        json.dump(meta, out)
    return folder.name


def _kept(token: str):
    folder = _upload_dir() / token if _TOKEN.match(token or "") else None
    if folder is None or not (folder / "meta.json").exists():
        raise Invalid([Problem("file", msg.PREVIEW_EXPIRED())])
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    if meta.get("user") != acting_name():
        raise Invalid([Problem("file", msg.PREVIEW_OTHER_USER())])
    files = [(name, folder / str(n)) for n, name in enumerate(meta["names"])]
    return folder, files, meta["kinds"]


def _page(status: int = 200, **context):
    context.setdefault("actor_columns", ACTOR_COLUMNS)
    context.setdefault("initiative_columns", INITIATIVE_COLUMNS)
    context.setdefault("max_mb", _max_import_bytes() // (1024 * 1024))
    return render_template("import.html", **context), status


def _field_errors(exc: Invalid) -> dict[str, list[str]]:
    """The problems in the user's language, each once, next to the file field it belongs to
    (a problem located in a file, such as ``aktorer.csv``, goes to the first field with its path)."""
    errors: dict[str, list[str]] = {}
    for problem in exc.problems:
        own_field = problem.path in ("file", "initiatives")
        message = problem_message(problem.message if own_field else problem.located)
        errors.setdefault(problem.path if own_field else "file", []).append(message)
    return errors


@bp.get("/import")
def import_page():
    return _page()


@bp.post("/import")
def import_preview():
    """Step 1: upload and see the dry run."""
    folder = _new_upload_folder()
    try:
        files, kinds = _uploads(folder)
        report = _run(files, kinds, dry_run=True, valid_only=False)
    except Invalid as exc:
        shutil.rmtree(folder, ignore_errors=True)
        return _page(422, errors=_field_errors(exc))
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    if report.changes or report.rejected:
        token = _keep(folder, files, kinds)
    else:
        token = None
        shutil.rmtree(folder, ignore_errors=True)
    return _page(report=report, token=token, step="preview")


@bp.post("/import/confirm")
def import_confirm():
    """Step 2: import what was previewed (all of it, or only the valid rows)."""
    try:
        folder, files, kinds = _kept(request.form.get("token", ""))
    except Invalid as exc:
        return _page(422, errors=_field_errors(exc))
    valid_only = params.flag("valid_only", form=True)
    try:
        report = _run(files, kinds, dry_run=False, valid_only=valid_only)
    except Invalid as exc:
        return _page(422, errors=_field_errors(exc))
    if report.applied or not report.rejected or valid_only:
        shutil.rmtree(folder, ignore_errors=True)
        token = None
    else:
        token = folder.name
    return _page(report=report, token=token, step="done")
