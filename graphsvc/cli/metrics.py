"""``graphsvc metrics``: the silo metrics in the terminal, as a readable table, as JSON or as CSV.

``--json`` prints exactly what ``GET /api/v1/metrics/silo`` returns (both call
:func:`graphsvc.services.metrics.silo_metrics`); ``--csv TABLE`` writes the API's CSV tables.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from graphsvc.analytics.brokerage import ROLES
from graphsvc.model.vocab import VIEWS


def _num(value, fmt: str = "+.3f") -> str:
    return "–" if value is None else format(value, fmt)


def _table(header: list[str], rows: list[list[str]], right_from: int = 1) -> list[str]:
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows)]

    def line(cells):
        return "  ".join(str(c).ljust(w) if i < right_from else str(c).rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    return [line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)]


def report_lines(r: dict, *, bridges: int = 10) -> list[str]:
    """The report as text: counts, mixing matrix, E-I per group, assortativity, bridges, co-creation."""
    from graphsvc.services.metrics import bridges as top_bridges

    c, ei = r["counts"], r["ei_index"]
    when = r["at"] or "all dates"
    out = [f"Silo metrics at {when} ({r['view']}), grouped by {r['group_by']}"
           f"{', weighted by shared initiatives' if r['weighted'] else ''}",
           f"actors {c['actors']}, ties {c['ties']}, initiatives {c['initiatives']}, "
           f"invitations {c['invitations']}, isolates {c['isolates']}, groups {c['groups']}", ""]
    groups = r["mixing_matrix"]["groups"]
    out.append("Mixing matrix (ties between the groups of their two ends; diagonal: inside a group)")
    out += _table(["", *groups],
                  [[g, *(f"{v:g}" for v in row)] for g, row in zip(groups, r["mixing_matrix"]["matrix"])])
    out.append("")
    s = r["sample"]
    p = ei["p_value"]
    p_text = ("not tested" if p is None else f"p = {p:g}") + \
        (f" ({s['permutations']} permutations, seed {s['seed']})" if p is not None else "")
    reason = ei["undefined"]["network"]
    out.append(f"E-I index (−1 closed silo … +1 only outward ties): network {_num(ei['network'])}, "
               f"expected under random mixing {_num(ei['expected'])}, {p_text}" + (f" [{reason}]" if reason else ""))
    rows = []
    for g in sorted(groups, key=lambda g: (ei["groups"][g] is None, ei["groups"][g] or 0)):
        info = r["groups"][g]
        rows.append([g, info["actors"], f"{info['ties_internal']:g}", f"{info['ties_external']:g}",
                     _num(ei["groups"][g]), _num(ei["expected_groups"][g]),
                     ei["undefined"]["groups"].get(g, "")])
    out += _table(["group", "actors", "inside", "outward", "E-I", "expected", "undefined because"], rows)
    a = r["assortativity"]
    out += ["", f"Assortativity by {r['group_by']} (Newman; 1 = ties only inside groups, 0 = random): "
                f"{_num(a['value'])}" + (f" [{a['reason']}]" if a["reason"] else "")]
    q = r["communities"]
    out.append(f"Louvain communities: {q['count']}, modularity {_num(q['modularity'], '.3f')}; "
               f"modularity of the partition by {r['group_by']}: {_num(q['group_modularity'], '.3f')}")
    b = r["betweenness"]
    out += ["", f"Bridges (change agents): brokerage across groups, then betweenness "
                f"({b['method']}"
                f"{', k = ' + str(b['k']) + ', seed ' + str(b['seed']) if b['method'] == 'sampled' else ''})"]
    short = {"coordinator": "coord", "itinerant": "itin", "gatekeeper": "gate", "representative": "repr",
             "liaison": "liais"}
    out += _table(["actor", "group", *(short[x] for x in ROLES), "total", "betweenness", "E-I"],
                  [[x["name"][:40], x["group"], *(x["brokerage"][role] for role in ROLES), x["brokerage_total"],
                    _num(x["betweenness"], ".4f"), _num(x["ei_index"])] for x in top_bridges(r, bridges)],
                  right_from=2)
    co = r["cocreation"]
    share = lambda v: "–" if v is None else f"{v:.0%}"  # noqa: E731
    summary = co["summary"]
    tag = r["parameters"].get("library_tag")
    out += ["", f"Co-creation: {co['with_external']} of {co['initiatives']} initiatives have an external partner "
                f"({share(co['external_share'])}); internal collaboration only: {co['internal_only']} "
                f"({share(co['internal_share'])})",
            f"Libraries{' tagged ' + tag if tag else ''}: {summary['libraries']}; invited into co-creation by "
            f"municipal units: {summary['invited_by_municipal_units']} "
            f"({share(summary['invited_by_municipal_units_share'])}); initiated with municipal units: "
            f"{summary['initiated_with_municipal_units']} ({share(summary['initiated_with_municipal_units_share'])})"]
    return out


def register(main: click.Group, pass_context) -> None:
    @main.command()
    @click.option("--at", "at", metavar="YYYY-MM-DD", default=None,
                  help="The network at this date (default: everything).")
    @click.option("--group-by", "group_by", type=click.Choice(["sector", "kind", "municipality"]), default="sector",
                  show_default=True, help="The groups whose silos are measured.")
    @click.option("--weighted", is_flag=True, help="Weight ties by the number of shared initiatives.")
    @click.option("--view", type=click.Choice(VIEWS), default="cumulative", show_default=True,
                  help="cumulative: everything started by --at; active: what was running then.")
    @click.option("--permutations", type=int, default=None,
                  help="Permutations of the E-I test (default 500; the p-value moves in steps of 1/N; 0 skips it).")
    @click.option("--seed", type=int, default=0, show_default=True,
                  help="Seed of the permutations, sampling and Louvain.")
    @click.option("--betweenness-k", "betweenness_k", type=int, default=256, show_default=True,
                  help="Sampled sources for betweenness above 1,000 actors.")
    @click.option("--exact-betweenness", is_flag=True,
                  help="Exact betweenness whatever the size (slow on large networks).")
    @click.option("--library-tag", default=None, help="Count co-creation only for libraries with this tag.")
    @click.option("--json", "as_json", is_flag=True, help="The same JSON as GET /api/v1/metrics/silo.")
    @click.option("--csv", "csv_table", type=click.Choice(["actors", "groups", "mixing", "libraries"]), default=None,
                  help="Write one table as CSV (UTF-8 with BOM) instead; with -o FILE.")
    @click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
                  help="File for --csv (default: standard output).")
    @pass_context
    def metrics(obj, at: str | None, group_by: str, weighted: bool, view: str, permutations: int | None,
                seed: int, betweenness_k: int, exact_betweenness: bool, library_tag: str | None, as_json: bool,
                csv_table: str | None, output: Path | None) -> None:
        """Silo metrics: mixing matrix, E-I per group, assortativity, bridges, co-creation shares."""
        from graphsvc.model.validation import parse_date_param
        from graphsvc.services import metrics as m

        if as_json and csv_table:
            raise click.ClickException("choose --json or --csv, not both")
        day = parse_date_param(at, "at")
        report = m.silo_metrics(obj.store, at=day, view=view, group_by=group_by, weighted=weighted,
                                permutations=m.DEFAULT_PERMUTATIONS if permutations is None else permutations,
                                seed=seed, betweenness_k=betweenness_k, exact_betweenness=exact_betweenness,
                                library_tag=library_tag, cache=obj.app.extensions["graphsvc"].cache,
                                exact_limit=None)
        if csv_table:
            data = m.silo_csv(report, csv_table)
            if output is None:
                click.echo(data, nl=False)  # bytes go to the binary stream as they are
            else:
                output.write_bytes(data)
                click.echo(f"metrics: {csv_table} table written to {output} ({len(data)} bytes)", err=True)
            return
        if output is not None:
            raise click.ClickException("-o goes with --csv")
        if as_json:
            click.echo(json.dumps(report, ensure_ascii=False, indent=2))
            return
        click.echo("\n".join(report_lines(report)))
