"""``lofte survey import|list``: the safety survey as a series, year on year."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli import transport
from cli.output import EXIT_BAD_INPUT, command, fail, print_json
from lifecycle.errors import InputError

app = typer.Typer(help="Trygghetsmätningen / the safety survey.", no_args_is_help=True)
ActorOpt = Annotated[
    str | None, typer.Option(help="On the server: act as this registered person (e-mail)")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


@app.command("import")
@command
def import_command(
    file: Annotated[Path, typer.Argument(help="CSV: source,year,area,question,value[,unit]")],
    region: Annotated[str, typer.Option(help="Police region id, e.g. stockholm")],
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Läs in resultat ur en CSV-fil / import results from a CSV file (again: replaced)."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        unreadable = InputError.said("{file}: kan inte läsas: {why}", file=file, why=exc)
        fail(unreadable, EXIT_BAD_INPUT, as_json=as_json)
    out = transport.call("survey.import", {"region": region, "csv": text}, actor=actor)
    if as_json:
        print_json(out)
        return
    typer.echo(f"Inläst / imported: {out['added']} nya / new, {out['replaced']} ersatta / replaced")


@app.command("list")
@command
def list_command(
    region: Annotated[str, typer.Option(help="Police region id, e.g. stockholm")],
    area: Annotated[str | None, typer.Option(help="Only this area")] = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Serierna år för år / the series year on year."""
    rows = transport.call("survey.list", {"region": region, "area": area}, actor=actor)
    if as_json:
        print_json(rows)
        return
    for s in rows:
        values = ", ".join(f"{v['year']}: {v['value']:g}" for v in s["values"])
        change = (
            "" if s["change"] is None else f" ({s['change']:+g} sedan / since {s['previous_year']})"
        )
        typer.echo(f"{s['area']}: {s['question']} [{s['source']}] {values}{change}")
