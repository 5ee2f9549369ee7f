"""``lofte compilation``: the year-end compilation of a promise, its approval, and a region's
roll-up, as Markdown, HTML or JSON, in Swedish or English."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.output import EXIT_BAD_INPUT, command, fail

app = typer.Typer(help="Årssammanställning / year-end compilation.", no_args_is_help=True)

Fmt = Annotated[str, typer.Option("--format", help="md, html or json")]
Lang = Annotated[str, typer.Option("--language", help="sv or en")]
Out = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write to this file instead of printing")
]


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        typer.echo(text)
        return
    output.write_text(text, encoding="utf-8")
    typer.echo(f"Skrev / wrote {output}", err=True)


def _check(fmt: str, language: str) -> None:
    if fmt not in ("md", "html", "json"):
        fail(f"--format must be md, html or json, got {fmt!r}", EXIT_BAD_INPUT)
    if language not in ("sv", "en"):
        fail(f"--language must be sv or en, got {language!r}", EXIT_BAD_INPUT)


@app.command("show")
@command
def show(
    promise_id: Annotated[int, typer.Argument(help="Promise id")],
    fmt: Fmt = "md",
    language: Lang = "sv",
    output: Out = None,
) -> None:
    """Compile the promise's current year (goals against targets, activities, rounds, feedback)."""
    from application.compilation import compile_and_store
    from reports.compilation import render

    _check(fmt, language)
    _emit(render(compile_and_store(promise_id, language), fmt), output)


@app.command("approve")
@command
def approve(
    promise_id: Annotated[int, typer.Argument(help="Promise id")],
    by: Annotated[str, typer.Option("--by", help="Who approves (the steering group)")],
    actor: Annotated[str, typer.Option(help="Who records it (e-mail)")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Approve the compilation; the promise then closes (next cycle opens) or starts its next year."""
    from cli.main import _check_actor, _report_transition
    from flows.compilation import approve_compilation_flow
    from flows.runtime import warm_up

    actor = _check_actor(actor, as_json)
    warm_up()
    _report_transition(approve_compilation_flow(promise_id, by, actor), "in-process", as_json)


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
) -> None:
    """The region's roll-up of every promise's compilation."""
    from application.compilation import roll_up
    from reports.compilation import render

    _check(fmt, language)
    _emit(render(roll_up(region_id, year, language), fmt, template="rollup"), output)
