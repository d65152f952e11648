"""``graphsvc jobs``: the Neo4j store's bulk jobs (imports, restores, clears written in batches) —
what holds the graph, and the way out when one keeps failing.

A bulk job that has committed is completed by whoever finds it abandoned (its lease run out): the
next graph write, or the next start. If completing it fails the same way every time, every graph
write answers 503 until an operator steps in: ``status`` shows the job, ``resume`` completes it now
(``--force``: even while its lease runs, when its process is known to be gone), ``discard`` gives it
up (OPERATIONS.md, "A bulk job that keeps failing"). These commands use the store without ensuring its
schema first, since that would try to complete the job. The SQLite store has no bulk jobs: its imports
and restores are single transactions.
"""

from __future__ import annotations

import click

from graphsvc.storage.neo4j import JobStatus, Neo4jStore

NO_JOBS = "this store has no bulk jobs (SQLite writes an import or a restore in one transaction)"


def status_lines(job: JobStatus) -> list[str]:
    """The job as ``graphsvc jobs status`` prints it."""
    meaning = ("committed: being applied; it only moves forward" if job.state == "applying"
               else "staging: nothing in the graph has changed yet")
    lease = f"{job.until or '–'} ({'run out: the next write or start completes it' if job.expired else 'running'})"
    staged = ", ".join(f"{kind} {rows}" for kind, rows in sorted(job.staged.items())) or "none"
    return [f"job      {job.id}",
            f"kind     {job.kind}" + (f" by {job.by}" if job.by else ""),
            f"state    {job.state} ({meaning})",
            f"step     {job.step or '–'}",
            f"lease    {lease}",
            f"staged   {staged}"]


def _neo4j(obj) -> Neo4jStore | None:
    store = obj.unprepared_store
    if isinstance(store, Neo4jStore):
        return store
    click.echo(NO_JOBS)
    return None


def register(main: click.Group, pass_context) -> None:
    @main.group()
    def jobs() -> None:
        """Bulk jobs of the Neo4j store: see, complete or give up the import, restore or clear that
        holds the graph."""

    @jobs.command("status")
    @pass_context
    def jobs_status(obj) -> None:
        """Show the bulk job that holds the graph, if any (graph writes answer 503 while it does)."""
        store = _neo4j(obj)
        if store is None:
            return
        job = store.bulk_job()
        if job is None:
            click.echo("no bulk job holds the graph")
            return
        for line in status_lines(job):
            click.echo(line)

    @jobs.command("resume")
    @click.option("--force", is_flag=True,
                  help="Take the job over even while its lease runs (only when its process is known to be gone).")
    @pass_context
    def jobs_resume(obj, force: bool) -> None:
        """Complete the job left behind now (or discard it, if it never committed) instead of waiting
        for the next write."""
        store = _neo4j(obj)
        if store is None:
            return
        job = store.bulk_job()
        if job is None:
            click.echo("no bulk job holds the graph")
            return
        if not job.expired and not force:
            raise click.ClickException(
                f"job {job.id} ({job.kind}) holds a lease until {job.until}: its process may still be working. "
                "Wait, or use --force if you know that process has stopped.")
        done = store.resume_bulk_job(force=force)
        if done is None:
            click.echo(f"job {job.id} was taken up by another process meanwhile; see graphsvc jobs status")
        elif done.state == "applying":
            click.echo(f"job {done.id} ({done.kind}) completed; graph writes are accepted again")
        else:
            click.echo(f"job {done.id} ({done.kind}) had not committed: discarded, nothing changed")

    @jobs.command("discard")
    @click.argument("job_id", metavar="JOB")
    @click.option("--yes", is_flag=True, help="Do not ask, even for a job that has committed.")
    @pass_context
    def jobs_discard(obj, job_id: str, yes: bool) -> None:
        """Give up job JOB (the id from 'graphsvc jobs status'): its staged rows and its mark are
        deleted, whatever its state. A committed job stays half applied: restore a backup afterwards."""
        store = _neo4j(obj)
        if store is None:
            return
        job = store.bulk_job()
        if job is None or job.id != job_id:
            raise click.ClickException(f"JOB: no job {job_id} holds the graph; see graphsvc jobs status")
        if job.state == "applying" and not yes:
            click.confirm(f"job {job.id} ({job.kind}) has committed and is half applied (step {job.step}); "
                          "discarding it leaves that half in the graph. Discard it?", abort=True)
        done = store.discard_bulk_job(job_id)
        if done is None:
            raise click.ClickException(f"JOB: job {job_id} no longer holds the graph; see graphsvc jobs status")
        click.echo(f"job {done.id} ({done.kind}) discarded; graph writes are accepted again")
        if done.state == "applying":
            click.echo("the graph holds part of it: restore a backup (graphsvc restore) or import again", err=True)
