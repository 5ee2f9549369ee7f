"""What many commands take: --json, --actor, --late-reason, and reading their values."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

import typer

from cli.output import EXIT_BAD_INPUT, NOW_IS_A_MOMENT, fail
from lifecycle.errors import InputError

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def check_actor(actor: str, as_json: bool) -> str:
    """The e-mail address ``--actor`` names, lower-cased, or exit 2."""
    if not EMAIL.match(actor):
        fail(
            InputError.said(
                "--actor ska vara en e-postadress (vem som gör detta), fick {actor!r}", actor=actor
            ),
            EXIT_BAD_INPUT,
            as_json=as_json,
        )
    return actor.lower()


def validated(model: type[Any], what: str, **fields: Any) -> Any:
    """Build an input model from command-line values, or raise a readable InputError (exit 2)."""
    from pydantic import ValidationError

    from lifecycle.errors import describe_validation_error

    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        raise describe_validation_error(exc, what, model) from exc


def parse_now(value: str | None, as_json: bool = False) -> datetime | None:
    """``--now`` as a moment, or exit 1 with what is expected."""
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        fail(
            InputError.said(NOW_IS_A_MOMENT, now=value),
            as_json=as_json,
        )


ActorOpt = Annotated[
    str | None,
    typer.Option(
        help="On the server: act as this registered person (e-mail); else your token is used"
    ),
]


def actor_of(actor: str | None, as_json: bool) -> str | None:
    """The person ``--actor`` names (lower-cased), None without it, or exit 2."""
    if actor is not None and not EMAIL.match(actor):
        fail(
            InputError.said(
                "--actor ska vara e-postadressen till en registrerad person, fick {actor!r}",
                actor=actor,
            ),
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
