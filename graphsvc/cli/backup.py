"""``graphsvc backup`` and ``graphsvc restore``: the whole store as one ``graphsvc-backup/1`` file.

The backup is read in one transaction and written atomically (a temporary file renamed into
place), readable by its owner only: it holds password hashes, token digests and the audit
trail. A restore checks the whole file first, asks before it replaces a store that is not
empty, and replaces everything in one transaction, so a failed restore changes nothing.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from graphsvc.model.errors import Invalid
from graphsvc.services import backup


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically, mode 0600: a crash leaves the old file or the new one."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _read_backup(file: str) -> dict:
    try:
        text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise click.ClickException(f"{file}: no such file") from None
    except UnicodeDecodeError:
        raise click.ClickException(f"{file}: not a graphsvc backup (not UTF-8 JSON text)") from None
    except OSError as exc:
        raise click.ClickException(f"{file}: {exc.strerror}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise click.ClickException(f"{file}: not a graphsvc backup (not valid JSON: {exc.msg} at line {exc.lineno} "
                                   f"column {exc.colno})") from None


def register(main: click.Group, pass_context) -> None:
    @main.command("backup")
    @click.option("-o", "--output", required=True, metavar="FILE",
                  help="File to write (mode 0600; '-' for standard output).")
    @pass_context
    def backup_(obj, output: str) -> None:
        """Back up everything: the graph, users (password hashes), API tokens and sessions (digests),
        proposals, the audit trail and the graph version, read in one transaction.

        The file (graphsvc-backup/1 JSON) restores into either store with `graphsvc restore`.
        Keep it as safe as the database: it names every user and holds the audit trail.
        """
        dump = obj.store.dump_all()
        text = json.dumps(backup.to_backup(dump), ensure_ascii=False, indent=1) + "\n"
        if output == "-":
            click.echo(text, nl=False)
        else:
            try:
                _write_private(Path(output), text)
            except OSError as exc:
                raise click.ClickException(f"{output}: {exc.strerror}") from None
        click.echo(f"backup: {backup.contents_of(dump)} (graph version {dump.graph_version}) "
                   f"written to {'standard output' if output == '-' else output}", err=True)

    @main.command("restore")
    @click.argument("file", metavar="FILE")
    @click.option("--yes", is_flag=True, help="Replace a store that is not empty without asking.")
    @pass_context
    def restore_(obj, file: str, yes: bool) -> None:
        """Replace everything in the store with the backup FILE ('-': standard input).

        The whole file is checked first; then the store is emptied and filled in one transaction,
        so a failed restore changes nothing. A store that is not empty is replaced only after you
        confirm, or with --yes.
        """
        doc = _read_backup(file)
        try:
            dump = backup.parse_backup(doc)
        except backup.NotABackup as exc:
            raise click.ClickException(f"{file}: {exc.problems[0].message}; nothing was changed") from None
        except Invalid as exc:
            click.echo(f"restore {file}: {len(exc.problems)} problem(s); nothing was changed.", err=True)
            for problem in exc.problems[:50]:
                click.echo(f"  {problem}", err=True)
            if len(exc.problems) > 50:
                click.echo(f"  … and {len(exc.problems) - 50} more", err=True)
            sys.exit(1)
        try:
            present = backup.store_contents(obj.store)
            if not present.empty and not yes:
                question = (f"The store holds {present}. Replace ALL of it with the backup "
                            f"({backup.contents_of(dump)})?")
                interactive = file != "-" and sys.stdin is not None and sys.stdin.isatty()
                if not interactive:
                    raise click.ClickException(f"the store is not empty ({present}); nothing was changed. "
                                               "Give --yes to replace everything in it with the backup")
                if not click.confirm(question, default=False):
                    raise click.ClickException("nothing was changed")
            obj.store.restore_all(dump)
            version = obj.store.graph_version()
        except Invalid as exc:
            raise click.ClickException(f"{file}: {exc.message}") from None
        click.echo(f"restore {file}: {backup.contents_of(dump)} restored; graph version {version}.")
        click.echo("Running servers pick the restored data up at once (their caches follow the graph version).",
                   err=True)
