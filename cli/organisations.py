"""``lofte organisation``: the organisations that take part (admins add them)."""

from __future__ import annotations

from typing import Annotated

import typer

from cli import transport
from cli.output import command, print_json

app = typer.Typer(help="Organisationer / organisations.", no_args_is_help=True)
ActorOpt = Annotated[
    str | None, typer.Option(help="On the server: act as this registered person (e-mail)")
]


@app.command("add")
@command
def add(
    region: Annotated[str, typer.Option(help="Region id, e.g. stockholm")],
    kind: Annotated[
        str,
        typer.Option(
            help="municipality, city_district, local_police_area, police_region or county_board"
        ),
    ],
    name: Annotated[str, typer.Option(help="Name, e.g. Sollentuna or LPO Sollentuna")],
    parent: Annotated[
        str | None, typer.Option(help="The city or police area it belongs to")
    ] = None,
    actor: ActorOpt = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Add an organisation (names are unique per kind and region)."""
    out = transport.call(
        "organisation.add",
        {"region": region, "kind": kind, "name": name, "parent_name": parent},
        actor=actor,
    )
    if as_json:
        print_json(out)
    else:
        typer.echo(f"Organisation {out['id']}: {out['name']} ({out['kind']}, {out['region']})")


@app.command("list")
@command
def list_command(
    region: Annotated[str | None, typer.Option(help="Only this region")] = None,
    actor: ActorOpt = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Every organisation, by region, kind and name."""
    rows = transport.call("organisation.list", {"region": region}, actor=actor)
    if as_json:
        print_json(rows)
        return
    for r in rows:
        typer.echo(f"{r['id']:>5}  {r['region']:<12} {r['kind']:<18} {r['name']}")
