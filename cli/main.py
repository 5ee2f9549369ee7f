"""``lofte``: the coordinators' and operators' command line.

This module makes the command groups, registers every command from the module that does
that job (``promises``, ``people``, ``artefacts``, ``agreements``, ``compilation`` ...) and
holds the operator's own commands: ``init``, ``demo`` and ``serve``. Every command reaches the
application through ``cli/transport.py``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from cli.options import JsonOpt
from cli.output import (
    both,
    command,
    print_json,
)
from flows.runtime import configure_prefect_environment

# Before any command imports Prefect (flows are imported lazily, inside the commands).
configure_prefect_environment()

app = typer.Typer(
    name="lofte",
    help="Löfte: medborgarlöften från dialog till årssammanställning / citizen promises, "
    "from dialogue to year-end compilation.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
promise_app = typer.Typer(
    help="Skapa, lista och visa löften / create, list and show promises.", no_args_is_help=True
)
person_app = typer.Typer(help="Personer och roller / people and roles.", no_args_is_help=True)
user_app = typer.Typer(help="Konton / accounts.", no_args_is_help=True)
token_app = typer.Typer(help="Åtkomstnycklar / personal access tokens.", no_args_is_help=True)
agreement_app = typer.Typer(
    help="Samverkansöverenskommelser / collaboration agreements.", no_args_is_help=True
)
app.add_typer(promise_app, name="promise")
app.add_typer(person_app, name="person")
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")
app.add_typer(agreement_app, name="agreement")


def _register_subcommands() -> None:
    """Every command, by the module that holds it (one module per job)."""
    from cli import artefacts as artefacts_cmd
    from cli import people as people_cmd
    from cli import promises as promises_cmd
    from cli.agreements import change_command, list_command, show_command
    from cli.compilation import app as compilation_app
    from cli.deadlines import (
        calendar_app,
        deadlines_app,
        ical_app,
        reminders_app,
        renewal_app,
        scheduler_command,
    )
    from cli.documents import app as documents_app
    from cli.organisations import app as organisations_app
    from cli.organisations import catalogue_command
    from cli.outbox import app as outbox_app
    from cli.overview import overview_command, status_app
    from cli.places import places_command
    from cli.surveys import app as surveys_app

    promise_app.command("create")(promises_cmd.promise_create)
    promise_app.command("publicity")(promises_cmd.publicity)
    promise_app.command("list")(promises_cmd.promise_list)
    promise_app.command("show")(promises_cmd.promise_show)
    promise_app.command("ask-to-sign")(promises_cmd.ask_to_sign)
    agreement_app.command("create")(promises_cmd.agreement_create)
    app.command()(promises_cmd.advance)
    app.command("next-cycle")(promises_cmd.next_cycle)
    app.command()(promises_cmd.history)
    person_app.command("add")(people_cmd.person_add)
    person_app.command("list")(people_cmd.person_list)
    user_app.command("password")(people_cmd.user_password)
    token_app.command("create")(people_cmd.token_create)
    token_app.command("list")(people_cmd.token_list)
    token_app.command("revoke")(people_cmd.token_revoke)
    app.command()(people_cmd.login)
    app.command()(artefacts_cmd.add)
    app.command()(artefacts_cmd.change)
    app.command()(artefacts_cmd.remove)
    app.command()(artefacts_cmd.schema)
    agreement_app.command("list")(command(list_command))
    agreement_app.command("show")(command(show_command))
    agreement_app.command("change")(command(change_command))
    app.add_typer(compilation_app, name="compilation")
    app.add_typer(documents_app, name="document")
    app.add_typer(outbox_app, name="outbox")
    app.add_typer(organisations_app, name="organisation")
    app.add_typer(deadlines_app)  # unnamed: `lofte deadlines ID`
    app.add_typer(calendar_app, name="calendar")
    app.add_typer(reminders_app, name="reminders")
    app.add_typer(renewal_app, name="renewal")
    app.add_typer(ical_app, name="ical")
    app.command("scheduler")(scheduler_command)
    app.command("catalogue")(command(catalogue_command))
    app.command("places")(command(places_command))
    app.add_typer(surveys_app, name="survey")
    app.command("overview")(overview_command)
    app.add_typer(status_app, name="status")


# --- init ------------------------------------------------------------------------------------


@app.command()
@command
def init(as_json: JsonOpt = False) -> None:
    """Migrate the database to the latest version and load the region catalogues (safe to repeat)."""
    from application.setup import initialise

    report = initialise()
    if as_json:
        print_json(report.__dict__)
        return
    typer.echo(f"Databas / database: {report.database}")
    typer.echo(
        f"Schema: {', '.join(report.before) or '(tom / empty)'} -> {', '.join(report.after)}"
    )
    typer.echo(
        f"Regioner / regions: {report.regions}, prioriterade områden / priority areas: {report.priority_areas}"
    )


# --- demo and service ------------------------------------------------------------------------


@app.command()
@command
def demo(
    today: Annotated[
        str | None, typer.Option(help="Build the demo as seen on this day (YYYY-MM-DD)")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Load a realistic example region (Stockholm) with promises in every stage."""
    from application.demo import load_demo
    from application.setup import initialise

    initialise()
    report = load_demo(date.fromisoformat(today) if today else None)
    if as_json:
        print_json(report)
        return
    typer.echo(
        f"Demo: {report['promises']} löften / promises i / in {report['organisations']} organisationer / organisations."
    )
    for stage, count in report["by_stage"].items():
        typer.echo(f"  {stage:<24} {count}")
    for line in report.get("sign_in", []):
        typer.echo(line)
    typer.echo("Se / see: lofte promise list --region stockholm")


@app.command()
@command
def serve(
    host: Annotated[
        str | None, typer.Option(help="Listen address (default LOFTE_API_HOST)")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port (default LOFTE_API_PORT)")] = None,
    scheduler: Annotated[bool, typer.Option(help="Run the embedded scheduler too")] = True,
) -> None:
    """Run the service: HTTP API and pages, Prefect warm, and the embedded scheduler."""
    from application.setup import check_configuration
    from config.public_address import check_public_url
    from config.settings import get_settings
    from web.server import run

    settings = get_settings()
    check_configuration()  # a broken channels file ... stops the start, with a sentence
    # ConfigError in production without a public URL; warnings otherwise.
    for warning in check_public_url(settings):
        typer.echo(f"varning / warning: {both(warning)}", err=True)
    run(host or settings.api_host, port or settings.api_port, with_scheduler=scheduler)


_register_subcommands()


def main() -> None:
    """Entry point for ``python -m cli.main``."""
    app()


if __name__ == "__main__":
    main()
