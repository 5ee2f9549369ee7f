"""Commands for deadlines, calendars, reminders, iCalendar feeds and the embedded scheduler.

Registered in ``cli.main``:

    app.add_typer(deadlines_app)                    # lofte deadlines PROMISE
    app.add_typer(calendar_app, name="calendar")    # lofte calendar show|set|clear|resync
    app.add_typer(reminders_app, name="reminders")  # lofte reminders run
    app.add_typer(renewal_app, name="renewal")      # lofte renewal run
    app.add_typer(ical_app, name="ical")            # lofte ical promise|region
    app.command("scheduler")(scheduler_command)     # lofte scheduler
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from cli.output import EXIT_BAD_INPUT, NOW_IS_A_MOMENT, command, fail, print_json
from lifecycle.errors import InputError
from lifecycle.words import counted

JsonOpt = Annotated[bool, typer.Option("--json", help="Skriv JSON / print JSON instead of text.")]
NowOpt = Annotated[
    str | None,
    typer.Option(
        "--now",
        help="Agera som om det vore denna tid (ISO, t.ex. 2026-06-18 eller 2026-06-18T07:00) / "
        "act as if it were this time. Default: LOFTE_NOW, else now.",
    ),
]

deadlines_app = typer.Typer(help="Tidsfrister / deadlines.")
calendar_app = typer.Typer(
    help="Kalender för tidsfrister, per löfte / deadline calendar, per promise.",
    no_args_is_help=True,
)
reminders_app = typer.Typer(help="Påminnelser / reminders.", no_args_is_help=True)
ical_app = typer.Typer(
    help="iCalendar-flöden (.ics) att prenumerera på / iCalendar feeds to subscribe to.",
    no_args_is_help=True,
)


def _call(name: str, params: dict[str, Any], actor: str | None = None) -> Any:
    from cli import transport

    return transport.call(name, params, actor=actor)


ActorOpt = Annotated[
    str | None, typer.Option(help="On the server: act as this registered person (e-mail)")
]


# --- lofte deadlines PROMISE -------------------------------------------------------------------


@deadlines_app.command("deadlines")
@command
def deadlines_command(
    promise_id: Annotated[
        int, typer.Argument(metavar="PROMISE", help="Löftets id / the promise's id")
    ],
    now: NowOpt = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Lista löftets tidsfrister / list the promise's deadlines (stages and evaluation rounds)."""
    rows = _call("deadlines.show", {"promise_id": promise_id, "as_of": _moment(now)}, actor)
    if as_json:
        print_json(rows)
        return
    if not rows:
        typer.echo("Inga tidsfrister / no deadlines.")
        return
    typer.echo(
        f"{'År/Year':<8}{'Tidsfrist / deadline':<34}{'Senast / due':<14}{'Status':<10}Kvar / left"
    )
    for row in rows:
        what = f"Uppföljning {row['round']}" if row["round"] else row["stage_name_sv"]
        moved = f" (från/from {row['nominal_due']})" if row["nominal_due"] else ""
        status = {"done": "klar", "overdue": "försenad", "open": "öppen"}[row["status"]]
        left = (
            ""
            if row["working_days_left"] is None
            else counted(row["working_days_left"], "working_day")
        )
        typer.echo(f"{row['cycle_year']:<8}{what:<34}{row['due'] + moved:<14}  {status:<10}{left}")


def _moment(now: str | None) -> str | None:
    """A --now value as ISO text (a date alone: 07:00 that day, when the scheduled run happens)."""
    if now is None:
        return None
    from datetime import date, datetime

    try:
        if len(now.strip()) == 10:
            return (
                datetime.combine(date.fromisoformat(now.strip()), datetime.min.time())
                .replace(hour=7)
                .isoformat()
            )
        return datetime.fromisoformat(now.strip()).isoformat()
    except ValueError:
        fail(InputError.said(NOW_IS_A_MOMENT, now=now), EXIT_BAD_INPUT)


# --- lofte calendar ----------------------------------------------------------------------------


@calendar_app.command("show")
@command
def calendar_show(
    promise_id: Annotated[int, typer.Argument(metavar="PROMISE")],
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Visa löftets gällande kalender / show the promise's effective calendar."""
    import yaml

    data = _call("calendar.show", {"promise_id": promise_id}, actor)
    if as_json:
        print_json(data)
        return
    typer.echo(
        f"# Löfte / promise {promise_id}, region {data['region']}"
        + (" (med egen kalender / with its own override)" if data["override"] else "")
    )
    typer.echo(yaml.safe_dump(data["calendar"], sort_keys=False, allow_unicode=True), nl=False)


@calendar_app.command("set")
@command
def calendar_set(
    promise_id: Annotated[int, typer.Argument(metavar="PROMISE")],
    file: Annotated[
        Path, typer.Argument(help="YAML med de delar som ändras / YAML with the parts to change")
    ],
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Ge löftet en egen kalender (slås ihop med polisregionens) / give the promise its own calendar."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        unreadable = InputError.said("{file}: kan inte läsas: {why}", file=file, why=exc)
        fail(unreadable, EXIT_BAD_INPUT, as_json=as_json)
    result = _call(
        "calendar.set",
        {"promise_id": promise_id, "override": text, "source": str(file)},
        actor,
    )
    _print_sync(promise_id, result, as_json)


@calendar_app.command("clear")
@command
def calendar_clear(
    promise_id: Annotated[int, typer.Argument(metavar="PROMISE")],
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Ta bort löftets egen kalender / remove the promise's own calendar override."""
    _print_sync(promise_id, _call("calendar.clear", {"promise_id": promise_id}, actor), as_json)


def _print_sync(promise_id: int, result: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print_json(result)
        return
    typer.echo(
        f"Löfte / promise {promise_id}: tidsfrister / deadlines {result['inserted']} nya / new, "
        f"{result['updated']} ändrade / changed, {result['deleted']} borttagna / removed, "
        f"{result['overdue']} försenade / overdue."
    )


@calendar_app.command("resync")
@command
def calendar_resync(
    region: Annotated[str | None, typer.Option(help="Bara denna region / only this region")] = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Räkna om tidsfrister efter ändrade kalenderfiler / recompute deadlines after edited calendar files."""
    result = _call("calendar.resync", {"region": region}, actor)
    if as_json:
        print_json(result)
    else:
        typer.echo(f"Omräknade löften / promises recomputed: {result['resynced']}")


# --- lofte renewal run -------------------------------------------------------------------------

renewal_app = typer.Typer(help="Förnyelse / renewal of promises.", no_args_is_help=True)


@renewal_app.command("run")
@command
def renewal_run(now: NowOpt = None, actor: ActorOpt = None, as_json: JsonOpt = False) -> None:
    """Öppna nästa cykel där förnyelsedagen har kommit / open next cycles that are due.

    The schedule runs it every morning; safe to repeat (nothing is opened twice).
    """
    report = _call("renewal.run", {"now": _moment(now)}, actor)
    if as_json:
        print_json(report)
        return
    if not report["opened"]:
        typer.echo("Ingen förnyelse att öppna / no renewal due.")
    for row in report["opened"]:
        typer.echo(
            f"Löfte {row['promise_id']}: nästa cykel öppnad som löfte {row['next_promise_id']} "
            f"/ next cycle opened as promise {row['next_promise_id']}"
        )


# --- lofte reminders run -----------------------------------------------------------------------


@reminders_app.command("run")
@command
def reminders_run(
    now: NowOpt = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help="Visa bara vad som skulle skickas / only show what would be sent"
        ),
    ] = False,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Köa dagens påminnelser, en sammanfattning per mottagare / queue today's reminder digests.

    Safe to repeat: what was queued before is counted as skipped, never queued twice. ``--now``
    is only for ``--dry-run`` (what would a day's run queue?); a real run works at the
    server's time.
    """
    if now is not None and not dry_run:
        fail(
            InputError.said(
                "--now går bara med --dry-run: en riktig körning köar efter serverns tid"
            ),
            EXIT_BAD_INPUT,
            as_json=as_json,
        )
    report = _call("reminders.run", {"dry_run": dry_run, "as_of": _moment(now)}, actor)
    if as_json:
        print_json(report)
        return
    if dry_run:
        if not report["would_queue"]:
            typer.echo(f"{report['day']}: inget att skicka / nothing to send.")
        for digest in report["would_queue"]:
            typer.echo(f"=== {digest['recipient']} ({digest['language']}): {digest['subject']}")
            typer.echo(digest["text"])
        return
    if not report["working_day"]:
        typer.echo(
            f"{report['day']}: ingen arbetsdag, inget skickas / not a working day, nothing is sent."
        )
        return
    typer.echo(
        f"{report['day']}: {report['scanned']} tidsfrister att påminna om / deadlines due for a reminder; "
        f"{report['queued']} nya sammanfattningar / new digests, "
        f"{report['skipped']} redan köade / already queued."
    )
    for message in report["messages"]:
        typer.echo(f"  -> {message['recipient']}: {message['items']}")
    if report["unaddressed"]:
        typer.echo(
            "  Utan mottagare (ingen samordnare) / no one to tell (no coordinator): deadlines "
            + ", ".join(str(i) for i in report["unaddressed"])
        )


# --- lofte ical --------------------------------------------------------------------------------


def _write_feed(document: Any, output: Path | None) -> None:
    if output is None:
        typer.echo(document.content.decode("utf-8"), nl=False)
    else:
        from cli.output import write_atomically

        write_atomically(output, document.content)
        typer.echo(f"Skrev / wrote {output}", err=True)


OutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Skriv till fil / write to a file (default: stdout)"),
]


@ical_app.command("promise")
@command
def ical_promise(
    promise_id: Annotated[int, typer.Argument(metavar="PROMISE")],
    output: OutputOpt = None,
    actor: ActorOpt = None,
) -> None:
    """iCalendar-flöde för ett löfte / iCalendar feed of one promise's deadlines."""
    _write_feed(_call("ical.promise", {"promise_id": promise_id}, actor), output)


@ical_app.command("region")
@command
def ical_region(
    region: Annotated[
        str, typer.Argument(help="Polisregionens id / police region id, e.g. stockholm")
    ],
    output: OutputOpt = None,
    actor: ActorOpt = None,
) -> None:
    """iCalendar-flöde för alla löften i en region / feed of every promise in a region."""
    _write_feed(_call("ical.region", {"region": region}, actor), output)


# --- lofte scheduler ---------------------------------------------------------------------------


@command
def scheduler_command(
    list_only: Annotated[
        bool,
        typer.Option("--list", help="Visa jobben och nästa körning / show the jobs and next runs"),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Kör schemaläggaren i förgrunden / run the embedded scheduler alone, in the foreground.

    Reminders every working morning at 07:00, outbox dispatch every two minutes, the regional
    status report on Mondays (Europe/Stockholm). Jobs are stored in the database; a run
    missed while nothing was running runs once on start.
    """
    import logging

    from flows.scheduler import build_scheduler, next_runs, run_foreground, start

    if list_only:
        scheduler = build_scheduler()
        start(scheduler, paused=True)  # look, run nothing
        jobs = next_runs(scheduler)
        scheduler.shutdown(wait=False)
        if as_json:
            print_json(jobs)
        else:
            for job in jobs:
                typer.echo(f"{job['id']:<18}{job['next_run_time']:<28}{job['trigger']}")
        return
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    typer.echo(
        "Schemaläggaren körs; avsluta med Ctrl-C / scheduler running; stop with Ctrl-C.", err=True
    )
    run_foreground()
