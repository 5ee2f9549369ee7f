"""``lofte compilation``: the year-end compilation of a promise, its approval, and a region's
roll-up, as Markdown, HTML or JSON, in Swedish or English."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from cli import transport
from cli.output import (
    EXIT_BAD_INPUT,
    LANGUAGE_SV_OR_EN,
    command,
    fail,
    print_json,
    write_atomically,
)
from lifecycle.errors import InputError

app = typer.Typer(help="Årssammanställning / year-end compilation.", no_args_is_help=True)

Fmt = Annotated[str, typer.Option("--format", help="md, html, json (show: also docx, pdf)")]
Lang = Annotated[str, typer.Option("--language", help="sv or en")]
Out = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write to this file instead of printing")
]


ActorOpt = Annotated[
    str | None, typer.Option(help="On the server: act as this registered person (e-mail)")
]


def _emit(result: Any, output: Path | None) -> None:
    """Print the document (or JSON), or write it whole to ``output`` (nothing on failure)."""
    content = (
        result.content
        if hasattr(result, "content")
        else (json.dumps(result, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    )
    if output is None:
        typer.echo(content.decode("utf-8"), nl=False)
        return
    write_atomically(output, content)
    typer.echo(f"Skrev / wrote {output}", err=True)


def _check(fmt: str, language: str, output: Path | None = None, docx: bool = False) -> None:
    formats = ("md", "html", "json", "docx", "pdf") if docx else ("md", "html", "json")
    if fmt not in formats:
        fail(
            InputError.said(
                "--format ska vara {some} eller {last}, fick {fmt!r}",
                some=", ".join(formats[:-1]),
                last=formats[-1],
                fmt=fmt,
            ),
            EXIT_BAD_INPUT,
        )
    if fmt in ("docx", "pdf") and output is None:
        fail(
            InputError.said(
                "--format {fmt} skriver en fil: ge den ett namn med -o, till exempel -o "
                "sammanstallning.{fmt}",
                fmt=fmt,
            ),
            EXIT_BAD_INPUT,
        )
    if language not in ("sv", "en"):
        fail(InputError.said(LANGUAGE_SV_OR_EN, language=language), EXIT_BAD_INPUT)


@app.command("show")
@command
def show(
    promise_id: Annotated[int, typer.Argument(help="Promise id")],
    fmt: Fmt = "md",
    language: Lang = "sv",
    output: Out = None,
    actor: ActorOpt = None,
) -> None:
    """The promise's year-end compilation: goals against targets, activities, rounds, feedback.

    ``--format docx -o FILE`` writes it as a Word document for the committee, ``--format pdf
    -o FILE`` as PDF/A for the e-archive.
    """
    _check(fmt, language, output, docx=True)
    params = {"promise_id": promise_id, "format": fmt, "language": language}
    _emit(transport.call("compilation.show", params, actor=actor), output)


@app.command("approve")
@command
def approve(
    promise_id: Annotated[int, typer.Argument(help="Promise id")],
    by: Annotated[str, typer.Option("--by", help="On behalf of (e.g. Styrgruppen i Nacka)")],
    diarienummer: Annotated[
        str | None, typer.Option(help="Beslutets diarienummer / the decision's file number")
    ] = None,
    paragraph: Annotated[
        str | None, typer.Option(help="Protokollets paragraf / the minutes' paragraph (§ 12)")
    ] = None,
    decided_on: Annotated[
        str | None, typer.Option(help="Beslutsdatum / the day of the decision (YYYY-MM-DD)")
    ] = None,
    actor: ActorOpt = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Approve the compilation (steering group); the promise then closes or starts its next year."""
    result = transport.call(
        "compilation.approve",
        {
            "promise_id": promise_id,
            "approved_by": by,
            "diarienummer": diarienummer,
            "paragraph": paragraph,
            "decided_on": decided_on,
        },
        actor=actor,
    )
    if as_json:
        print_json({**result, "via": transport.last_route})
        return
    typer.echo(
        f"Löfte / promise {result['promise_id']}: {result['from_stage']} -> {result['to_stage']}"
    )
    if result.get("next_promise_id"):
        typer.echo(f"Nästa cykel öppnad / next cycle opened: promise {result['next_promise_id']}")


@app.command("region")
@command
def region(
    region_id: Annotated[str, typer.Argument(help="Region id, e.g. stockholm")],
    year: Annotated[
        int | None, typer.Option(help="Only years ending in this calendar year")
    ] = None,
    fmt: Fmt = "md",
    language: Lang = "sv",
    output: Out = None,
    actor: ActorOpt = None,
) -> None:
    """The region's roll-up of every promise's compilation."""
    _check(fmt, language)
    params = {"region": region_id, "year": year, "format": fmt, "language": language}
    _emit(transport.call("compilation.region", params, actor=actor), output)
