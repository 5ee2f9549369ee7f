"""``lofte places``: the places of a police region's promises as GeoJSON, for GIS."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from cli import transport
from cli.output import write_atomically

ActorOpt = Annotated[
    str | None, typer.Option(help="On the server: act as this registered person (e-mail)")
]


def places_command(
    region: Annotated[str, typer.Option(help="Police region id, e.g. stockholm")],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write the GeoJSON to this file")
    ] = None,
    actor: ActorOpt = None,
) -> None:
    """Platserna i polisregionens löften som GeoJSON / the region's places as GeoJSON (GIS)."""
    result = transport.call("places.geojson", {"region": region}, actor=actor)
    content = result.content if hasattr(result, "content") else json.dumps(result).encode()
    if output is None:
        typer.echo(content.decode("utf-8"))
        return
    write_atomically(output, content)
    typer.echo(f"Skrev / wrote {output}", err=True)
