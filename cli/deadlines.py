"""Commands for deadlines, calendars, reminders, iCalendar feeds and the embedded scheduler.

Registered in ``cli.main``:

    app.add_typer(deadlines_app)                    # lofte deadlines PROMISE
    app.add_typer(calendar_app, name="calendar")    # lofte calendar show|set|clear|resync
    app.add_typer(reminders_app, name="reminders")  # lofte reminders run
    app.add_typer(ical_app, name="ical")            # lofte ical promise|region
    app.command("scheduler")(scheduler_command)     # lofte scheduler
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from cli.output import EXIT_BAD_INPUT, command, fail, print_json

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


def _promise_or_fail(session: Any, promise_id: int, as_json: bool) -> Any:
    from models.promise import Promise

    promise = session.get(Promise, promise_id)
    if promise is None:
        fail(
            f"inget löfte med id / no promise with id {promise_id}", EXIT_BAD_INPUT, as_json=as_json
        )
    return promise


# --- lofte deadlines PROMISE -------------------------------------------------------------------


@deadlines_app.command("deadlines")
@command
def deadlines_command(
    promise_id: Annotated[
        int, typer.Argument(metavar="PROMISE", help="Löftets id / the promise's id")
    ],
    now: NowOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Lista löftets tidsfrister / list the promise's deadlines (stages and evaluation rounds)."""
    from sqlmodel import Session

    from config.calendar import current_time, local_day
    from effects.deadlines import deadline_dict, deadlines_of
    from models.db import get_engine

    today = local_day(current_time(now))
    with Session(get_engine()) as session:
        _promise_or_fail(session, promise_id, as_json)
        rows = [deadline_dict(d, today) for d in deadlines_of(session, promise_id)]
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
        left = "" if row["working_days_left"] is None else f"{row['working_days_left']} arbetsdagar"
        typer.echo(f"{row['cycle_year']:<8}{what:<34}{row['due'] + moved:<14}  {status:<10}{left}")


# --- lofte calendar ----------------------------------------------------------------------------


@calendar_app.command("show")
@command
def calendar_show(
    promise_id: Annotated[int, typer.Argument(metavar="PROMISE")],
    as_json: JsonOpt = False,
) -> None:
    """Visa löftets gällande kalender / show the promise's effective calendar."""
    import yaml
    from sqlmodel import Session

    from effects.deadlines import calendar_for
    from models.db import get_engine
    from models.reminders import PromiseCalendar

    with Session(get_engine()) as session:
        promise = _promise_or_fail(session, promise_id, as_json)
        model, _, fingerprint = calendar_for(session, promise)
        row = session.get(PromiseCalendar, promise_id)
        override = row.override if row else None
    data = {
        "promise_id": promise_id,
        "region": promise.region_id,
        "override": override,
        "fingerprint": fingerprint,
        "calendar": model.model_dump(mode="json"),
    }
    if as_json:
        print_json(data)
        return
    typer.echo(
        f"# Löfte / promise {promise_id}, region {promise.region_id}"
        + (" (med egen kalender / with its own override)" if override else "")
    )
    typer.echo(yaml.safe_dump(data["calendar"], sort_keys=False, allow_unicode=True), nl=False)


@calendar_app.command("set")
@command
def calendar_set(
    promise_id: Annotated[int, typer.Argument(metavar="PROMISE")],
    file: Annotated[
        Path, typer.Argument(help="YAML med de delar som ändras / YAML with the parts to change")
    ],
    as_json: JsonOpt = False,
) -> None:
    """Ge löftet en egen kalender (slås ihop med regionens) / give the promise its own calendar."""
    from config.calendar import parse_override
    from effects.deadlines import set_calendar_override
    from models.db import session_scope

    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        fail(f"{file}: kan inte läsas / cannot be read: {exc}", EXIT_BAD_INPUT, as_json=as_json)
    override = parse_override(text, str(file))
    with session_scope() as session:
        promise = _promise_or_fail(session, promise_id, as_json)
        result = set_calendar_override(session, promise, override)
    _print_sync(promise_id, result, as_json)


@calendar_app.command("clear")
@command
def calendar_clear(
    promise_id: Annotated[int, typer.Argument(metavar="PROMISE")],
    as_json: JsonOpt = False,
) -> None:
    """Ta bort löftets egen kalender / remove the promise's own calendar override."""
    from effects.deadlines import set_calendar_override
    from models.db import session_scope

    with session_scope() as session:
        promise = _promise_or_fail(session, promise_id, as_json)
        result = set_calendar_override(session, promise, None)
    _print_sync(promise_id, result, as_json)


def _print_sync(promise_id: int, result: Any, as_json: bool) -> None:
    data = {"promise_id": promise_id, **result.__dict__}
    if as_json:
        print_json(data)
        return
    typer.echo(
        f"Löfte / promise {promise_id}: tidsfrister / deadlines {result.inserted} nya / new, "
        f"{result.updated} ändrade / changed, {result.deleted} borttagna / removed, "
        f"{result.overdue} försenade / overdue."
    )


@calendar_app.command("resync")
@command
def calendar_resync(
    region: Annotated[str | None, typer.Option(help="Bara denna region / only this region")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Räkna om tidsfrister efter ändrade kalenderfiler / recompute deadlines after edited calendar files."""
    from effects.deadlines import resync_calendars
    from models.db import session_scope

    with session_scope() as session:
        count = resync_calendars(session, region)
    if as_json:
        print_json({"resynced": count})
    else:
        typer.echo(f"Omräknade löften / promises recomputed: {count}")


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
    as_prefect_flow: Annotated[
        bool,
        typer.Option(
            "--flow", help="Kör som Prefect-flöde (syns i Prefect) / run as a Prefect flow run"
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Köa dagens påminnelser, en sammanfattning per mottagare / queue today's reminder digests.

    Safe to repeat: what was queued before is counted as skipped, never queued twice.
    """
    from config.calendar import current_time

    moment = current_time(now)
    if dry_run:
        _dry_run(moment, as_json)
        return
    if as_prefect_flow:
        from flows.reminders import reminders_flow
        from flows.runtime import warm_up

        warm_up()
        report: dict[str, Any] = reminders_flow(moment.isoformat())
    else:
        from jobs.reminders import run_reminders
        from models.db import get_engine

        report = run_reminders(get_engine(), moment).as_dict()
    if as_json:
        print_json(report)
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


def _dry_run(moment: Any, as_json: bool) -> None:
    from sqlmodel import Session

    from config.calendar import local_day
    from jobs.reminders import _item_payload, compose_digest, plan_reminders
    from lifecycle.calendar import is_working_day
    from models.db import get_engine

    day = local_day(moment)
    digests = []
    if is_working_day(day):
        with Session(get_engine()) as session:
            plan = plan_reminders(session, day)
        for email in sorted(plan.items):
            fresh = [i for i in plan.items[email] if i.key not in plan.already_sent]
            if not fresh:
                continue
            recipient = plan.recipients[email]
            subject, text = compose_digest(
                recipient, [_item_payload(i.deadline, day) for i in fresh], day
            )
            digests.append(
                {
                    "recipient": email,
                    "language": recipient.language,
                    "subject": subject,
                    "text": text,
                }
            )
    if as_json:
        print_json(
            {"day": day.isoformat(), "working_day": is_working_day(day), "would_queue": digests}
        )
        return
    if not digests:
        typer.echo(f"{day}: inget att skicka / nothing to send.")
    for digest in digests:
        typer.echo(f"=== {digest['recipient']} ({digest['language']}): {digest['subject']}")
        typer.echo(digest["text"])


# --- lofte ical --------------------------------------------------------------------------------


def _write_feed(text: str, output: Path | None) -> None:
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_bytes(text.encode("utf-8"))
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
) -> None:
    """iCalendar-flöde för ett löfte / iCalendar feed of one promise's deadlines."""
    from sqlmodel import Session

    from models.db import get_engine
    from views.ical import promise_feed

    with Session(get_engine()) as session:
        _promise_or_fail(session, promise_id, False)
        text = promise_feed(session, promise_id)
    _write_feed(text, output)


@ical_app.command("region")
@command
def ical_region(
    region: Annotated[str, typer.Argument(help="Regionens id / region id, e.g. stockholm")],
    output: OutputOpt = None,
) -> None:
    """iCalendar-flöde för alla löften i en region / feed of every promise in a region."""
    from sqlmodel import Session

    from config.catalogue import get_catalogue
    from models.db import get_engine
    from views.ical import region_feed

    if region not in get_catalogue().regions:
        known = ", ".join(sorted(get_catalogue().regions))
        fail(f"okänd region / unknown region {region!r}; kända / known: {known}", EXIT_BAD_INPUT)
    with Session(get_engine()) as session:
        text = region_feed(session, region)
    _write_feed(text, output)


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
