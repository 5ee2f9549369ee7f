"""``lofte overview`` (a region's promises, worst first) and ``lofte status`` (status reports).

Registered in ``cli.main``::

    app.command("overview")(overview_command)     # lofte overview --region stockholm
    app.add_typer(status_app, name="status")      # lofte status report | history
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from cli.output import EXIT_BAD_INPUT, command, fail, print_json

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
    help="Lägesrapporter till regionerna / status reports to the regions.", no_args_is_help=True
)


def _check_language(language: str, as_json: bool = False) -> None:
    if language not in ("sv", "en"):
        fail(
            f"--language måste vara sv eller en / must be sv or en, got {language!r}",
            EXIT_BAD_INPUT,
            as_json=as_json,
        )


def _moment(now: str | None, as_json: bool = False) -> Any:
    from config.calendar import current_time
    from config.settings import ConfigError

    try:
        return current_time(now)
    except ConfigError:
        fail(
            f"--now måste vara ett ISO-datum eller en tid / must be an ISO date or time such as "
            f"2026-09-20 or 2026-09-20T07:00, got {now!r}",
            EXIT_BAD_INPUT,
            as_json=as_json,
        )


def _check_region(session: Any, region: str | None, as_json: bool = False) -> None:
    from reports.overview import known_regions

    if region is None:
        return
    known = known_regions(session)
    if region not in known:
        fail(
            f"okänd region / unknown region {region!r}; kända / known: {', '.join(known) or '(none: run lofte init)'}",
            EXIT_BAD_INPUT,
            as_json=as_json,
        )


@command
def overview_command(
    region: Annotated[
        str | None,
        typer.Option(
            "--region", help="Regionens id, t.ex. stockholm (utan: alla) / region id (none: all)"
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
) -> None:
    """Regional översikt: varje löfte, steg, tidsfrister och vad som är försenat, värst först /
    regional overview: every promise, its stage, deadlines and what is late, worst first."""
    from sqlmodel import Session

    from config.calendar import local_day
    from models.db import get_engine
    from reports.overview import build_overview
    from reports.overview_render import FORMATS, render, to_xlsx

    as_json = fmt == "json"
    if fmt not in FORMATS:
        fail(
            f"--format måste vara / must be one of {', '.join(FORMATS)}, got {fmt!r}",
            EXIT_BAD_INPUT,
        )
    _check_language(language, as_json)
    if fmt == "xlsx" and output is None:
        fail(
            "--format xlsx skrivs till en fil: ange --output FIL.xlsx / xlsx is written to a file: "
            "give --output FILE.xlsx",
            EXIT_BAD_INPUT,
        )
    if output is not None and not output.parent.is_dir():
        fail(
            f"--output: katalogen finns inte / the directory does not exist: {output.parent}",
            EXIT_BAD_INPUT,
            as_json=as_json,
        )
    day = local_day(_moment(now, as_json))
    with Session(get_engine()) as session:
        _check_region(session, region, as_json)
        data = build_overview(session, region, day, language)
    if fmt == "xlsx":
        assert output is not None
        to_xlsx(data, output, language)
        typer.echo(f"Skrev / wrote {output} ({len(data['rows'])} rader / rows)", err=True)
        return
    text = render(data, fmt, language)
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    output.write_text(text, encoding="utf-8", newline="")
    typer.echo(f"Skrev / wrote {output} ({len(data['rows'])} rader / rows)", err=True)


@status_app.command("report")
@command
def status_report(
    region: Annotated[
        str | None, typer.Option("--region", help="Bara denna region / only this region")
    ] = None,
    now: NowOpt = None,
    no_deliver: Annotated[
        bool,
        typer.Option("--no-deliver", help="Lämna åt utskicket / leave delivery to the dispatcher"),
    ] = False,
    as_prefect_flow: Annotated[
        bool, typer.Option("--flow", help="Kör som Prefect-flöde / run as a Prefect flow run")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Ta, spara och skicka varje regions lägesrapport / take, store and send each region's
    status report. Safe to repeat: the same day is stored and sent once."""
    from sqlmodel import Session

    from models.db import get_engine

    moment = _moment(now, as_json)
    with Session(get_engine()) as session:
        _check_region(session, region, as_json)
    if as_prefect_flow:
        from flows.runtime import warm_up
        from flows.status_report import status_report_flow

        warm_up()
        report: dict[str, Any] = status_report_flow(moment.isoformat(), region)
    else:
        from jobs.status_report import run_status_reports

        report = run_status_reports(now=moment, region=region, deliver=not no_deliver).as_dict()
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
    region: Annotated[str, typer.Option("--region", help="Regionens id / region id")],
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="Antal / how many")] = 26,
    as_json: JsonOpt = False,
) -> None:
    """Regionens sparade lägesrapporter, nyast först / the region's stored status reports,
    newest first (was the region better last quarter?)."""
    from sqlmodel import Session

    from jobs.status_report import status_history
    from models.db import get_engine

    with Session(get_engine()) as session:
        _check_region(session, region, as_json)
        rows = status_history(session, region, limit)
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
