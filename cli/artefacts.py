"""``lofte add``, ``change``, ``remove`` and ``schema``: recording, changing and removing artefacts."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from cli import transport
from cli.options import (
    ActorOpt,
    JsonOpt,
    actor_of,
)
from cli.output import command, fail, print_json
from lifecycle.errors import InputError

# --- artefacts -------------------------------------------------------------------------------


def _read_file(path: str, as_json: bool) -> dict[str, Any]:
    from config.input_files import InputFileError, load_input_file

    try:
        return load_input_file(path)
    except InputFileError as exc:  # said in Swedish and in English (``error_sv`` in JSON)
        fail(exc, as_json=as_json, extra={"error_kind": "InputError"})


def _parse_sets(pairs: list[str]) -> dict[str, Any]:
    from config.documents import DocumentError, parse_yaml

    data: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            fail(InputError.said("--set tar fält=värde, fick {pair!r}", pair=pair))
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
    file: str | None, sets: list[str] | None, none_given: InputError, as_json: bool
) -> dict[str, Any]:
    """The fields from ``--file`` and ``--set`` (the flags win), JSON-ready; ``none_given``
    is the error when there are none."""
    data = _read_file(file, as_json) if file else {}
    data.update(_parse_sets(sets or []))
    if not data:
        fail(none_given, as_json=as_json)
    return dict(json.loads(json.dumps(data, default=str)))


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
        InputError.said(
            "inget att lägga till: ange --file eller --set fält=värde (se: lofte schema {kind})",
            kind=kind,
        ),
        as_json,
    )
    out = transport.call(
        "artefact.add",
        {
            "promise_id": promise_id,
            "kind": kind,
            "fields": data,
        },
        actor=actor_of(actor, as_json),
    )
    if as_json:
        print_json(out)
    else:
        typer.echo(
            f"Registrerad / recorded: {kind} {out.get('id')} i löfte / in promise {promise_id}"
        )


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
    nothing = InputError.said("inget att ändra: ange --file eller --set fält=värde")
    data = _fields_given(file, sets, nothing, as_json)
    out = transport.call(
        "artefact.change",
        {
            "promise_id": promise_id,
            "kind": kind,
            "artefact_id": artefact_id,
            "fields": data,
        },
        actor=actor_of(actor, as_json),
    )
    if as_json:
        print_json(out)
    else:
        changed = ", ".join(out.get("changed") or []) or "inget / nothing"
        typer.echo(f"Ändrat / changed: {kind} {artefact_id}: {changed}")
        if out.get("signoffs_revoked"):
            typer.echo("Underskrifterna är återkallade / the signatures are revoked")


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
        actor=actor_of(actor, as_json),
    )
    if as_json:
        print_json(out)
    else:
        typer.echo(f"Borttaget / removed: {kind} {artefact_id}")


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
