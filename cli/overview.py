"""``lofte overview`` (a region's promises, worst first) and ``lofte status`` (status reports;
``recompute``: every promise's stored status, after a release whose rules changed).

Registered in ``cli.main``::

    app.command("overview")(overview_command)     # lofte overview --region stockholm
    app.add_typer(status_app, name="status")      # lofte status report | history | recompute
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from cli.output import EXIT_BAD_INPUT, LANGUAGE_SV_OR_EN, command, fail, print_json
from lifecycle.errors import InputError

NowOpt = Annotated[
    str | None,
    typer.Option(
        "--now",
        help="Visa läget denna dag/tid (ISO, t.ex. 2026-09-20) / show the state on this day "
        "or time. Default: LOFTE_NOW, else now.",
    ),
]
LangOpt = Annotated[
    str, typer.Option("--language", help="sv (standard) eller en / sv (default) or en")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Skriv JSON / print JSON instead of text.")]

status_app = typer.Typer(
    help="Lägesrapporter till regionerna, omräkning av lagrad status / status reports to the "
    "regions, recomputing the stored status.",
    no_args_is_help=True,
)


def _check_language(language: str, as_json: bool = False) -> None:
    if language not in ("sv", "en"):
        fail(
            InputError.said(LANGUAGE_SV_OR_EN, language=language),
            EXIT_BAD_INPUT,
            as_json=as_json,
        )


def _moment(now: str | None) -> str | None:
    from cli.deadlines import _moment as iso_moment

    return iso_moment(now)


ActorOpt = Annotated[
    str | None, typer.Option(help="On the server: act as this registered person (e-mail)")
]


@command
def overview_command(
    region: Annotated[
        str | None,
        typer.Option(
            "--region",
            help="Polisregionens id, t.ex. stockholm (utan: din egen) / police region id",
        ),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, json, csv eller/or xlsx")] = "table",
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Skriv till fil / write to this file (required for xlsx)"
        ),
    ] = None,
    now: NowOpt = None,
    language: LangOpt = "sv",
    actor: ActorOpt = None,
) -> None:
    """Regional översikt: varje löfte, steg, tidsfrister och vad som är försenat, värst först /
    regional overview: every promise, its stage, deadlines and what is late, worst first."""
    from cli import transport
    from cli.output import write_atomically

    formats = ("table", "json", "csv", "xlsx")
    as_json = fmt == "json"
    if fmt not in formats:
        fail(
            InputError.said(
                "--format ska vara {some} eller {last}, fick {fmt!r}",
                some=", ".join(formats[:-1]),
                last=formats[-1],
                fmt=fmt,
            ),
            EXIT_BAD_INPUT,
        )
    _check_language(language, as_json)
    if fmt == "xlsx" and output is None:
        fail(
            InputError.said("--format xlsx skrivs till en fil: ange --output FIL.xlsx"),
            EXIT_BAD_INPUT,
        )
    params = {"region": region, "format": fmt, "language": language, "as_of": _moment(now)}
    result = transport.call("overview.show", params, actor=actor)
    if isinstance(result, dict):
        content = (json.dumps(result, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        rows: int | None = len(result["rows"])
    else:
        content, rows = result.content, None
    if output is None:
        text = content.decode("utf-8")
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    write_atomically(output, content)
    counted = f" ({rows} rader / rows)" if rows is not None else ""
    typer.echo(f"Skrev / wrote {output}{counted}", err=True)


@status_app.command("report")
@command
def status_report(
    region: Annotated[
        str | None, typer.Option("--region", help="Bara denna region / only this region")
    ] = None,
    no_deliver: Annotated[
        bool,
        typer.Option("--no-deliver", help="Lämna åt utskicket / leave delivery to the dispatcher"),
    ] = False,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Ta, spara och skicka varje regions lägesrapport / take, store and send each region's
    status report. Safe to repeat: the same day is stored and sent once."""
    from cli import transport

    report = transport.call(
        "status.report", {"region": region, "deliver": not no_deliver}, actor=actor
    )
    if as_json:
        print_json(report)
        return
    typer.echo(f"Lägesrapporter / status reports {report['day']}:")
    for r in report["regions"]:
        stored = "sparad / stored" if r["snapshot_created"] else "fanns redan / already stored"
        sent = (
            f"köad till / queued for {r['channel']}"
            if r["queued"]
            else (
                "redan köad / already queued"
                if r["channel"]
                else "ingen statuskanal / no status channel"
            )
        )
        typer.echo(
            f"  {r['region']:<12} {r['promises']:>5} löften / promises, {r['late']:>4} försenade / late; "
            f"{stored}; {sent}"
        )
    if report.get("dispatch"):
        d = report["dispatch"]
        typer.echo(
            f"Utskick / dispatch: {d['sent']} skickade / sent, {d['retried']} igen / to retry, {d['dead']} misslyckade / dead"
        )


@status_app.command("history")
@command
def status_history_command(
    region: Annotated[str, typer.Option("--region", help="Polisregionens id / police region id")],
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="Antal / how many")] = 26,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Polisregionens sparade lägesrapporter, nyast först / the region's stored status reports,
    newest first (was the region better last quarter?)."""
    from cli import transport

    rows = transport.call("status.history", {"region": region, "limit": limit}, actor=actor)
    if as_json:
        print_json(rows)
        return
    if not rows:
        typer.echo("Inga sparade lägesrapporter / no stored status reports (lofte status report).")
        return
    typer.echo(
        f"{'Dag / day':<12}{'Löften':>8}{'Försenade':>11}{'Uppf. sena':>12}{'Sena uppf.':>12}{'Värst (ad)':>12}"
    )
    for r in rows:
        typer.echo(
            f"{r['taken_on']:<12}{r['promises'] or 0:>8}{r['late'] or 0:>11}{r['late_evaluations'] or 0:>12}"
            f"{r['overdue_rounds'] or 0:>12}{r['worst_working_days_late'] or 0:>12}"
        )


@status_app.command("recompute")
@command
def status_recompute_command(actor: ActorOpt = None, as_json: JsonOpt = False) -> None:
    """Räkna om varje löftes lagrade status från reglerna (efter en version med ändrade
    regler) / recompute every promise's stored status from the rules (after a release whose
    rules changed); says how many differed. Admins and the operator; audited."""
    from cli import transport

    result = transport.call("status.recompute", {}, actor=actor)
    if as_json:
        print_json(result)
        return
    typer.echo(
        f"Kontrollerade / checked {result['checked']} löften / promises; "
        f"{result['differed']} hade fel lagrad status och skrevs om / had a wrong stored status "
        "and were rewritten."
    )
    if result["promise_ids"]:
        typer.echo("Löften / promises: " + ", ".join(str(i) for i in result["promise_ids"]))
