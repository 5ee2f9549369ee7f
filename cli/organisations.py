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
    vulnerable_areas: Annotated[
        bool,
        typer.Option(
            "--vulnerable-areas",
            help="Har utsatta områden / has vulnerable areas (their priority area is then "
            "mandatory)",
        ),
    ] = False,
    actor: ActorOpt = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Add an organisation (names are unique per kind and region)."""
    out = transport.call(
        "organisation.add",
        {
            "region": region,
            "kind": kind,
            "name": name,
            "parent_name": parent,
            "has_vulnerable_areas": vulnerable_areas,
        },
        actor=actor,
    )
    if as_json:
        print_json(out)
    else:
        typer.echo(f"Organisation {out['id']}: {out['name']} ({out['kind']}, {out['region']})")


@app.command("contact")
@command
def contact(
    organisation_id: Annotated[int, typer.Argument(help="The organisation's id (list shows it)")],
    route: Annotated[
        str,
        typer.Argument(
            help="Functional mailbox or phone shown to residents (empty: remove)",
        ),
    ],
    actor: ActorOpt = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Set how residents reach the organisation about its promises (on the public pages)."""
    out = transport.call(
        "organisation.contact", {"id": organisation_id, "public_contact": route}, actor=actor
    )
    if as_json:
        print_json(out)
    else:
        typer.echo(f"Organisation {out['id']}: {out['name']}: {out['public_contact'] or '–'}")


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


def catalogue_command(
    region: Annotated[str | None, typer.Option(help="Only this police region")] = None,
    language: Annotated[str, typer.Option(help="sv or en")] = "sv",
    actor: ActorOpt = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Prioriterade områden och mål med id / priority areas and catalogue goals with their ids."""
    regions = transport.call(
        "catalogue.show", {"region": region, "language": language}, actor=actor
    )
    if as_json:
        print_json(regions)
        return
    for entry in regions:
        if not entry["sets"]:
            continue
        typer.echo(f"{entry['name']} ({entry['region']})")
        for pset in entry["sets"]:
            years = f"{pset['valid_from'] or '…'}–{pset['valid_until'] or ''}"
            if pset.get("stays_in_force"):
                years += " (gäller tills en ny lista ersätter den)"
            typer.echo(f"  {pset['name']} [{pset['id']}], {years}, {pset['applies_to_text']}")
            for newer in pset.get("replaced_by", []):
                typer.echo(f"    ersätts av [{newer}] där den gäller, från dess första år")
            if pset.get("frame"):
                typer.echo(
                    "    ram: lägesbilden tar upp varje område eller skriver ej aktuellt här"
                )
            for area in pset["areas"]:
                flag = ""
                if area["mandatory"]:
                    flag = (
                        " (obligatoriskt där utsatta områden finns)"
                        if area["only_where_vulnerable_areas"]
                        else " (obligatoriskt)"
                    )
                typer.echo(f"    {area['id']}: {area['name']}{flag}")
                for goal in area["goals"]:
                    typer.echo(f"      {goal['id']}: {goal['text']}")
