"""``lofte person ...``, ``lofte user password``, ``lofte token ...`` and ``lofte login``: people, accounts and tokens."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from cli import transport
from cli.options import (
    ActorOpt,
    JsonOpt,
    actor_of,
)
from cli.output import command, print_json

# --- people, accounts and tokens -------------------------------------------------------------


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
    actor = actor_of(actor, as_json)
    if actor is None and role == "admin" and transport.saved_token() is None:
        from application.promises import bootstrap_admin

        out = bootstrap_admin(params).model_dump(mode="json")
    else:
        out = transport.call("person.add", params, actor=actor)
    if as_json:
        print_json(out)
    else:
        typer.echo(f"{out['name']} <{out['email']}> {out['role']}")


@command
def person_list(actor: ActorOpt = None, as_json: JsonOpt = False) -> None:
    """Every registered person: e-mail, name, organisation and role (admins)."""
    rows = transport.call("person.list", {}, actor=actor_of(actor, as_json))
    if as_json:
        print_json(rows)
        return
    for r in rows:
        typer.echo(f"{r['email']:<36} {r['name']:<28} {r['role']:<22} {r['organisation'] or ''}")


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
    out = transport.call("user.password", params, actor=actor_of(actor, as_json))
    if as_json:
        print_json(out)
    elif out.get("one_time"):
        typer.echo(
            f"Tillfälligt lösenord satt / one-time password set: {email} "
            "(byts vid första inloggningen / changed at first sign-in)"
        )
    else:
        typer.echo(f"Lösenord bytt / password changed: {email}")


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
        actor=actor_of(actor, as_json),
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


@command
def token_list(actor: ActorOpt = None, as_json: JsonOpt = False) -> None:
    """Your tokens (admins: everyone's), without the secrets."""
    rows = transport.call("token.list", {}, actor=actor_of(actor, as_json))
    if as_json:
        print_json(rows)
        return
    for r in rows:
        typer.echo(
            f"{r['id']:>5}  {r.get('email', ''):<32} {r.get('name') or '':<20} {r.get('expires_at')}  {'revoked' if r.get('revoked_at') else ''}"
        )


@command
def token_revoke(
    token_id: Annotated[int, typer.Argument(help="The token's id")],
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Revoke a token at once (its owner or an admin)."""
    out = transport.call("token.revoke", {"token_id": token_id}, actor=actor_of(actor, as_json))
    if as_json:
        print_json(out)
    else:
        typer.echo(f"Återkallad / revoked: {token_id}")


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
