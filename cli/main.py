"""``lofte``: the coordinators' and operators' command line."""

from __future__ import annotations

import json
import re
import sys
from datetime import date, datetime
from typing import Annotated, Any

import typer

from cli import transport
from cli.output import (
    EXIT_BAD_INPUT,
    command,
    fail,
    language,
    print_json,
    print_unmet,
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


JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _check_actor(actor: str, as_json: bool) -> str:
    if not EMAIL.match(actor):
        fail(
            f"--actor must be an e-mail address (who is doing this), got {actor!r}",
            EXIT_BAD_INPUT,
            as_json=as_json,
        )
    return actor.lower()


def _validated(model: type[Any], what: str, **fields: Any) -> Any:
    """Build an input model from command-line values, or raise a readable InputError (exit 2)."""
    from pydantic import ValidationError

    from lifecycle.errors import describe_validation_error

    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        raise describe_validation_error(exc, what) from exc


def _parse_now(value: str | None, as_json: bool = False) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        fail(
            f"--now must be an ISO date or time such as 2026-06-19 or 2026-06-19T07:00, got {value!r}",
            as_json=as_json,
        )


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


# --- promises --------------------------------------------------------------------------------

ActorOpt = Annotated[
    str | None,
    typer.Option(
        help="On the server: act as this registered person (e-mail); else your token is used"
    ),
]


def _actor(actor: str | None, as_json: bool) -> str | None:
    if actor is not None and not EMAIL.match(actor):
        fail(
            f"--actor must be the e-mail address of a registered person, got {actor!r}",
            EXIT_BAD_INPUT,
            as_json=as_json,
        )
    return actor.lower() if actor else None


LateReasonOpt = Annotated[
    str | None,
    typer.Option(
        "--late-reason",
        help="Varför löftet startar med passerade tidsgränser / why it starts with deadlines "
        "already past (required then; it is shown as late from the start)",
    ),
]


@promise_app.command("create")
@command
def promise_create(
    region: Annotated[str, typer.Option(help="Region id, e.g. stockholm")],
    municipality: Annotated[str, typer.Option(help="Municipality or city district")],
    police_area: Annotated[str, typer.Option("--police-area", help="Local police area (LPO)")],
    start: Annotated[str, typer.Option(help="First day of the term, YYYY-MM-DD")],
    years: Annotated[int, typer.Option(help="Length of the term, 1-4 years")],
    area_name: Annotated[
        str | None, typer.Option("--area-name", help="Area covered (default: the municipality)")
    ] = None,
    city_district: Annotated[
        bool,
        typer.Option(
            "--city-district", help="The municipality side is a city district (stadsdelsnämnd)"
        ),
    ] = False,
    agreement: Annotated[
        int | None, typer.Option(help="Id of the collaboration agreement it belongs to")
    ] = None,
    late_reason: LateReasonOpt = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Create a promise; it starts in resident_dialogue."""
    view = transport.call(
        "promise.create",
        {
            "region": region,
            "municipality": municipality,
            "police_area": police_area,
            "start": start,
            "years": years,
            "area_name": area_name,
            "municipality_is_city_district": city_district,
            "agreement_id": agreement,
            "late_start_reason": late_reason,
        },
        actor=_actor(actor, as_json),
    )
    if as_json:
        print_json(view)
    else:
        _print_promise(view)


def _print_promise(view: dict[str, Any]) -> None:
    typer.echo(
        f"Löfte / promise {view['id']}: {view['area']} ({view['municipality']} / {view['police_area']})"
    )
    typer.echo(
        f"  Region: {view['region']}   Period / term: {view['term_start']} – {view['term_end']} ({view['term_years']} år), år / year {view['cycle_year']}"
    )
    typer.echo(
        f"  Steg / stage: {view['stage']} ({view['stage_name']})   version {view['version']}"
    )
    if view.get("late_start_reason"):
        typer.echo(f"  Sen start / late start: {view['late_start_reason']}")
    if view["unmet"]:
        typer.echo("  Kvar att göra innan nästa steg / still to do before the next stage:")
        print_unmet(view["unmet"], err=False)
    elif view["stage"] != "closed":
        typer.echo("  Klart för nästa steg / ready for the next stage (lofte advance).")
    for kind, rows in view.get("artefacts", {}).items():
        if rows:
            typer.echo(f"  {kind} ({len(rows)}):")
            for row in rows:
                typer.echo(f"    {row['id']:>5}  {row['label']}")


@promise_app.command("publicity")
@command
def publicity(
    promise_id: Annotated[int, typer.Argument(help="The promise")],
    kind: Annotated[str, typer.Argument(help="problem, goal or activity")],
    artefact_id: Annotated[int, typer.Argument(help="The item's id")],
    reason: Annotated[
        str,
        typer.Option(help="Publiceras inte: why residents must not see it (empty: publish it)"),
    ] = "",
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Hold a problem, goal or activity back from the public pages and open data, or publish it
    again; allowed in every stage (docs/public.md)."""
    out = transport.call(
        "artefact.publicity",
        {"promise_id": promise_id, "kind": kind, "artefact_id": artefact_id, "reason": reason},
        actor=_actor(actor, as_json),
    )
    if as_json:
        print_json(out)
    elif out["not_public_reason"]:
        typer.echo(f"{kind} {artefact_id}: publiceras inte ({out['not_public_reason']})")
    else:
        typer.echo(f"{kind} {artefact_id}: publiceras")


@promise_app.command("list")
@command
def promise_list(
    region: Annotated[str | None, typer.Option(help="Only this region")] = None,
    stage: Annotated[str | None, typer.Option(help="Only this stage")] = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List the promises you may read, optionally of one region and/or stage."""
    rows = transport.call(
        "promise.list", {"region": region, "stage": stage}, actor=_actor(actor, as_json)
    )
    if as_json:
        print_json(rows)
        return
    if not rows:
        typer.echo("Inga löften / no promises.")
        return
    typer.echo(f"{'id':>5}  {'steg / stage':<24} {'period / term':<25} område / area")
    for r in rows:
        term = f"{r['term_start']} – {r['term_end']}"
        typer.echo(f"{r['id']:>5}  {r['stage']:<24} {term:<25} {r['area']} ({r['police_area']})")


@promise_app.command("show")
@command
def promise_show(
    promise_id: Annotated[int, typer.Argument(help="Promise id")],
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show a promise: stage, what is still missing before the next stage, and its history."""
    view = transport.call(
        "promise.show",
        {"promise_id": promise_id, "language": language()},
        actor=_actor(actor, as_json),
    )
    if as_json:
        print_json(view)
        return
    _print_promise(view)
    if view["history"]:
        typer.echo("  Historik / history:")
        for h in view["history"]:
            typer.echo(f"    {h['at'][:16]}  {h['from_stage']} -> {h['to_stage']}  ({h['actor']})")


# --- agreements ------------------------------------------------------------------------------


@agreement_app.command("create")
@command
def agreement_create(
    region: Annotated[str, typer.Option(help="Region id, e.g. stockholm")],
    municipality: Annotated[str, typer.Option(help="Municipality or city district")],
    police_area: Annotated[str, typer.Option("--police-area", help="Local police area (LPO)")],
    start: Annotated[str, typer.Option(help="First day, YYYY-MM-DD")],
    years: Annotated[int, typer.Option(help="Length, 2-4 years")],
    title: Annotated[str, typer.Option(help="Title of the agreement")] = "",
    city_district: Annotated[bool, typer.Option("--city-district")] = False,
    also: Annotated[
        list[str] | None,
        typer.Option(
            "--also",
            help="Ytterligare stadsdel/kommun som skriver under / a further city district or "
            "municipality signing with the same LPO (repeat)",
        ),
    ] = None,
    focus_area: Annotated[
        list[str] | None,
        typer.Option("--focus-area", help="Inriktning / an agreed focus area (repeat)"),
    ] = None,
    goals: Annotated[str, typer.Option(help="Mål / what the parties want to achieve")] = "",
    follow_up: Annotated[
        str, typer.Option("--follow-up", help="Uppföljning / how it is followed up")
    ] = "",
    decided_by: Annotated[
        str, typer.Option("--decided-by", help="Beslutat av / who decided it")
    ] = "",
    decided_on: Annotated[
        str | None, typer.Option("--decided-on", help="Beslutsdatum / YYYY-MM-DD")
    ] = None,
    diarienummer: Annotated[
        str, typer.Option(help="Diarienummer / the decision's file number")
    ] = "",
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Create a collaboration agreement (samverkansöverenskommelse) that promises belong to.

    It records what the parties agreed on (focus areas, goals, follow-up) and the decision.
    """
    out = transport.call(
        "agreement.create",
        {
            "region": region,
            "municipality": municipality,
            "police_area": police_area,
            "start": start,
            "years": years,
            "title": title,
            "municipality_is_city_district": city_district,
            "other_municipalities": also or [],
            "focus_areas": focus_area or [],
            "goals": goals,
            "follow_up": follow_up,
            "decided_by": decided_by,
            "decided_on": decided_on,
            "diarienummer": diarienummer,
        },
        actor=_actor(actor, as_json),
    )
    if as_json:
        print_json(out)
    else:
        typer.echo(
            f"Överenskommelse / agreement {out['id']}: {out['term_start']} – {out['term_end']}, "
            f"{out['police_area']} med / with {', '.join(out['municipalities'])}"
        )


# --- people, accounts and tokens -------------------------------------------------------------


@person_app.command("add")
@command
def person_add(
    email: Annotated[str, typer.Option(help="E-mail address")],
    name: Annotated[str, typer.Option(help="Full name")],
    role: Annotated[
        str, typer.Option(help="coordinator, steering_group, regional_coordinator or admin")
    ],
    organisation: Annotated[
        str | None, typer.Option(help="Organisation name (municipality, LPO, police region)")
    ] = None,
    region: Annotated[str | None, typer.Option(help="Region id of the organisation")] = None,
    organisation_kind: Annotated[
        str | None,
        typer.Option(
            "--organisation-kind",
            help="municipality, city_district, local_police_area ... (when names are shared)",
        ),
    ] = None,
    lang: Annotated[str, typer.Option("--language", help="sv or en")] = "sv",
    channel: Annotated[str | None, typer.Option(help="Notification channel name")] = None,
    service_account: Annotated[
        bool,
        typer.Option(
            "--service-account", help="An account for a program: an admin may give it tokens"
        ),
    ] = False,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Add (or update) a person with their organisation, role, language and channel.

    The very first admin of an installation is added on the server without credentials.
    """
    params = {
        "email": email,
        "name": name,
        "role": role,
        "organisation": organisation,
        "organisation_kind": organisation_kind,
        "region": region,
        "language": lang,
        "channel": channel,
        "service_account": service_account,
    }
    actor = _actor(actor, as_json)
    if actor is None and role == "admin" and transport.saved_token() is None:
        from application.promises import bootstrap_admin

        out = bootstrap_admin(params)
    else:
        out = transport.call("person.add", params, actor=actor)
    if as_json:
        print_json(out)
    else:
        typer.echo(f"{out['name']} <{out['email']}> {out['role']}")


@person_app.command("list")
@command
def person_list(actor: ActorOpt = None, as_json: JsonOpt = False) -> None:
    """Every registered person: e-mail, name, organisation and role (admins)."""
    rows = transport.call("person.list", {}, actor=_actor(actor, as_json))
    if as_json:
        print_json(rows)
        return
    for r in rows:
        typer.echo(f"{r['email']:<36} {r['name']:<28} {r['role']:<22} {r['organisation'] or ''}")


@user_app.command("password")
@command
def user_password(
    email: Annotated[str, typer.Argument(help="Whose password")],
    password_stdin: Annotated[
        bool,
        typer.Option(
            "--password-stdin",
            help="Read the new password from standard input (your own: the current one on "
            "the first line, the new one on the second)",
        ),
    ] = False,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Change your own password (give the current one; every other session and token of yours
    ends), or as an admin set a one-time password the person must change at first sign-in."""
    import getpass

    own = actor is None or actor.strip().lower() == email.strip().lower()
    # On the server (--actor) the operator's shell needs no current password.
    ask_current = own and actor is None
    current = None
    if password_stdin:
        if ask_current:
            current = sys.stdin.readline().rstrip("\n")
        password = sys.stdin.readline().rstrip("\n")
    else:
        if ask_current:
            current = getpass.getpass("Nuvarande lösenord / current password: ")
        password = getpass.getpass("Nytt lösenord / new password: ")
    params = {"email": email, "password": password, "current_password": current}
    out = transport.call("user.password", params, actor=_actor(actor, as_json))
    if as_json:
        print_json(out)
    elif out.get("one_time"):
        typer.echo(
            f"Tillfälligt lösenord satt / one-time password set: {email} "
            "(byts vid första inloggningen / changed at first sign-in)"
        )
    else:
        typer.echo(f"Lösenord bytt / password changed: {email}")


@token_app.command("create")
@command
def token_create(
    email: Annotated[str, typer.Argument(help="Whose token (yourself, or anyone for admins)")],
    days: Annotated[int, typer.Option(help="Valid for this many days (1-365)")] = 90,
    name: Annotated[str | None, typer.Option(help="What the token is for")] = None,
    scope: Annotated[
        list[str] | None,
        typer.Option(
            help="Also allow: tokens (create tokens), credentials (change the password); "
            "repeat for both"
        ),
    ] = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Create a personal access token; it is printed once and stored only as a hash."""
    out = transport.call(
        "token.create",
        {"email": email, "days": days, "name": name, "scopes": ["api", *(scope or [])]},
        actor=_actor(actor, as_json),
    )
    if as_json:
        print_json(out)
    else:
        typer.echo(out["token"])
        typer.echo(
            f"Nyckel / token {out['id']}, giltig till / valid until {out['expires_at']}. "
            "Den visas bara nu / shown only now.",
            err=True,
        )


@token_app.command("list")
@command
def token_list(actor: ActorOpt = None, as_json: JsonOpt = False) -> None:
    """Your tokens (admins: everyone's), without the secrets."""
    rows = transport.call("token.list", {}, actor=_actor(actor, as_json))
    if as_json:
        print_json(rows)
        return
    for r in rows:
        typer.echo(
            f"{r['id']:>5}  {r.get('email', ''):<32} {r.get('name') or '':<20} {r.get('expires_at')}  {'revoked' if r.get('revoked_at') else ''}"
        )


@token_app.command("revoke")
@command
def token_revoke(
    token_id: Annotated[int, typer.Argument(help="The token's id")],
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Revoke a token at once (its owner or an admin)."""
    out = transport.call("token.revoke", {"token_id": token_id}, actor=_actor(actor, as_json))
    if as_json:
        print_json(out)
    else:
        typer.echo(f"Återkallad / revoked: {token_id}")


@app.command()
@command
def login(
    email: Annotated[str, typer.Argument(help="Your e-mail address")],
    days: Annotated[int, typer.Option(help="How long the CLI's token is valid (days)")] = 30,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Sign in with your password; the CLI keeps a personal access token in a 0600 file."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        import getpass

        password = getpass.getpass("Lösenord / password: ")
    out = transport.login(email, password, days)
    path = transport.save_token(out["token"])
    if as_json:
        print_json(
            {
                "ok": True,
                "email": email,
                "token_id": out["id"],
                "expires_at": out["expires_at"],
                "file": str(path),
            }
        )
    else:
        typer.echo(f"Inloggad / signed in as {email}; nyckeln / the token is in {path}")


# --- artefacts -------------------------------------------------------------------------------


def _read_file(path: str) -> dict[str, Any]:
    from config.input_files import InputFileError, load_input_file

    try:
        return load_input_file(path)
    except InputFileError as exc:
        fail(str(exc))


def _parse_sets(pairs: list[str]) -> dict[str, Any]:
    from config.documents import DocumentError, parse_yaml

    data: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            fail(f"--set takes field=value, got {pair!r}")
        try:
            parsed = parse_yaml(value, f"--set {key}") if value else ""
        except DocumentError:
            parsed = value
        # Keep free text free text: only structured YAML (lists, numbers, dates...) is parsed.
        data[key.strip()] = parsed if not isinstance(parsed, str) else value
    return data


FileOpt = Annotated[
    str | None,
    typer.Option("--file", "-f", help="JSON or YAML file with the fields ('-' for stdin)"),
]
SetsOpt = Annotated[
    list[str] | None,
    typer.Option("--set", "-s", help="field=value (repeatable; overrides the file)"),
]


def _fields_given(
    file: str | None, sets: list[str] | None, none_given: str, as_json: bool
) -> dict[str, Any]:
    """The fields from ``--file`` and ``--set`` (the flags win), JSON-ready; ``none_given``
    is the error when there are none."""
    data = _read_file(file) if file else {}
    data.update(_parse_sets(sets or []))
    if not data:
        fail(none_given, as_json=as_json)
    return dict(json.loads(json.dumps(data, default=str)))


@app.command()
@command
def add(
    promise_id: Annotated[int, typer.Argument(help="Promise id")],
    kind: Annotated[str, typer.Argument(help="Artefact kind (lofte schema --list)")],
    file: FileOpt = None,
    sets: SetsOpt = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record an artefact (dialogue, problem, goal, activity, signoff, evaluation, ...)."""
    data = _fields_given(
        file,
        sets,
        f"nothing to add: give --file or --set field=value (see: lofte schema {kind})",
        as_json,
    )
    out = transport.call(
        "artefact.add",
        {
            "promise_id": promise_id,
            "kind": kind,
            "fields": data,
        },
        actor=_actor(actor, as_json),
    )
    if as_json:
        print_json(out)
    else:
        typer.echo(
            f"Registrerad / recorded: {kind} {out.get('id')} i löfte / in promise {promise_id}"
        )


@app.command()
@command
def change(
    promise_id: Annotated[int, typer.Argument(help="Promise id")],
    kind: Annotated[str, typer.Argument(help="Artefact kind (dialogue, problem, goal ...)")],
    artefact_id: Annotated[int, typer.Argument(help="The artefact's id")],
    file: FileOpt = None,
    sets: SetsOpt = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Change fields of a recorded artefact (the others keep their values)."""
    data = _fields_given(file, sets, "nothing to change: give --file or --set field=value", as_json)
    out = transport.call(
        "artefact.change",
        {
            "promise_id": promise_id,
            "kind": kind,
            "artefact_id": artefact_id,
            "fields": data,
        },
        actor=_actor(actor, as_json),
    )
    if as_json:
        print_json(out)
    else:
        changed = ", ".join(out.get("changed") or []) or "inget / nothing"
        typer.echo(f"Ändrat / changed: {kind} {artefact_id}: {changed}")
        if out.get("signoffs_revoked"):
            typer.echo("Underskrifterna är återkallade / the signatures are revoked")


@app.command()
@command
def remove(
    promise_id: Annotated[int, typer.Argument(help="Promise id")],
    kind: Annotated[str, typer.Argument(help="Artefact kind (dialogue, problem, goal ...)")],
    artefact_id: Annotated[int, typer.Argument(help="The artefact's id")],
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Remove a recorded artefact that nothing else rests on."""
    out = transport.call(
        "artefact.remove",
        {"promise_id": promise_id, "kind": kind, "artefact_id": artefact_id},
        actor=_actor(actor, as_json),
    )
    if as_json:
        print_json(out)
    else:
        typer.echo(f"Borttaget / removed: {kind} {artefact_id}")


@app.command()
@command
def schema(
    kind: Annotated[str | None, typer.Argument(help="Artefact kind, promise or person")] = None,
    list_kinds: Annotated[bool, typer.Option("--list", help="List the kinds")] = False,
) -> None:
    """Print the JSON Schema of an artefact kind (what --file / --set accept)."""
    from application.artefacts import artefact_kinds, json_schema

    if list_kinds or kind is None:
        typer.echo("\n".join([*artefact_kinds(), "promise", "person"]))
        return
    try:
        print_json(json_schema(kind))
    except KeyError as exc:
        fail(str(exc.args[0]))


# --- transitions -----------------------------------------------------------------------------


@app.command()
@command
def advance(
    promise_id: Annotated[int, typer.Argument(help="Promise id")],
    to: Annotated[str | None, typer.Option(help="Target stage (default: the next one)")] = None,
    reason: Annotated[str | None, typer.Option(help="Why (required when going back)")] = None,
    expected_version: Annotated[
        int | None,
        typer.Option("--expected-version", help="Refuse if the promise changed since this version"),
    ] = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Move a promise to its next stage (or --to an earlier one, with --reason)."""
    result = transport.call(
        "promise.advance",
        {
            "promise_id": promise_id,
            "to": to,
            "reason": reason,
            "expected_version": expected_version,
        },
        actor=_actor(actor, as_json),
    )
    if as_json:
        print_json({**result, "via": transport.last_route})
        return
    from lifecycle.stages import Stage

    names = [Stage(result[k]).name_in("sv") for k in ("from_stage", "to_stage")]
    typer.echo(
        f"Löfte / promise {result['promise_id']}: {names[0]} → {names[1]} "
        f"({result['from_stage']} -> {result['to_stage']}, version {result['version']})"
    )
    if result.get("next_promise_id"):
        typer.echo(f"Nästa cykel öppnad / next cycle opened: promise {result['next_promise_id']}")


@app.command("next-cycle")
@command
def next_cycle(
    promise_id: Annotated[int, typer.Argument(help="A promise in its last year")],
    late_reason: LateReasonOpt = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Open the next cycle of a promise in its last year.

    The daily renewal run does it on the region's renewal day (default 1 September).
    """
    result = transport.call(
        "promise.next_cycle",
        {"promise_id": promise_id, "late_start_reason": late_reason},
        actor=_actor(actor, as_json),
    )
    if as_json:
        print_json(result)
    else:
        typer.echo(f"Nästa cykel / next cycle: promise {result['next_promise_id']}")


@app.command()
@command
def history(
    promise_id: Annotated[int, typer.Argument(help="Promise id")],
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The full audit trail of a promise: every change and transition."""
    events = transport.call(
        "promise.history", {"promise_id": promise_id}, actor=_actor(actor, as_json)
    )
    if as_json:
        print_json(events)
        return
    for e in events:
        move = f"{e['from_stage'] or ''} -> {e['to_stage']}" if e["to_stage"] else ""
        detail = e["details"].get("kind", "") if e["action"] != "transition" else ""
        reason = f'  "{e["reason"]}"' if e["reason"] else ""
        typer.echo(f"{e['at'][:19]}  {e['actor']:<28} {e['action']:<18} {move}{detail}{reason}")


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
        typer.echo(f"varning / warning: {warning}", err=True)
    run(host or settings.api_host, port or settings.api_port, with_scheduler=scheduler)


_register_subcommands()


def main() -> None:
    """Entry point for ``python -m cli.main``."""
    app()


if __name__ == "__main__":
    main()
