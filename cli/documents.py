"""``lofte document``: the signed medborgarlöfte (PDF/A or .docx) and the action plan (.xlsx or
.docx) of a promise, written to a file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli import transport
from cli.output import EXIT_BAD_INPUT, LANGUAGE_SV_OR_EN, command, fail, write_atomically
from lifecycle.errors import InputError

app = typer.Typer(
    help="Dokument / documents: the signed promise, the action plan.", no_args_is_help=True
)

Lang = Annotated[str, typer.Option("--language", help="sv or en")]
Out = Annotated[Path, typer.Option("--output", "-o", help="The file to write")]
ActorOpt = Annotated[
    str | None, typer.Option(help="On the server: act as this registered person (e-mail)")
]


def _write(
    name: str, params: dict[str, object], formats: tuple[str, ...], output: Path, actor: str | None
) -> None:
    if params["format"] not in formats:
        fail(
            InputError.said(
                "--format ska vara {some} eller {last}, fick {fmt!r}",
                some=", ".join(formats[:-1]),
                last=formats[-1],
                fmt=params["format"],
            ),
            EXIT_BAD_INPUT,
        )
    if params["language"] not in ("sv", "en"):
        fail(InputError.said(LANGUAGE_SV_OR_EN, language=params["language"]), EXIT_BAD_INPUT)
    result = transport.call(name, params, actor=actor)
    write_atomically(output, result.content)
    typer.echo(f"Skrev / wrote {output}", err=True)


@app.command("promise")
@command
def promise_document(
    promise_id: Annotated[int, typer.Argument(help="Promise id")],
    output: Out,
    fmt: Annotated[str, typer.Option("--format", help="pdf (PDF/A-2b) or docx")] = "pdf",
    language: Lang = "sv",
    actor: ActorOpt = None,
) -> None:
    """The signed medborgarlöfte, once both parties have signed the action plan."""
    params = {"promise_id": promise_id, "format": fmt, "language": language}
    _write("promise.document", params, ("pdf", "docx"), output, actor)


@app.command("action-plan")
@command
def action_plan(
    promise_id: Annotated[int, typer.Argument(help="Promise id")],
    output: Out,
    fmt: Annotated[str, typer.Option("--format", help="xlsx or docx")] = "xlsx",
    language: Lang = "sv",
    actor: ActorOpt = None,
) -> None:
    """The action plan (goals, activities, owners, dates, status, resources) for the city's
    planning system."""
    params = {"promise_id": promise_id, "format": fmt, "language": language}
    _write("promise.action_plan", params, ("xlsx", "docx"), output, actor)
