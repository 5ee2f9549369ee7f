"""The errors the application layer raises, each mapped to a CLI exit code and HTTP status.

- ``InputError``: bad input — what is wrong and how to fix it (exit 2, HTTP 422).
- ``NotFound``: the thing named does not exist (exit 2, HTTP 404).
- ``Refused``: the lifecycle rules say no; carries every unmet criterion (exit 1, HTTP 409).
- ``Conflict``: someone else changed the promise first (exit 1, HTTP 409).
- ``Busy``: another writer holds the database's write lock; nothing written, try again
  (exit 1, HTTP 503 with Retry-After).
"""

from __future__ import annotations

import types
import typing
from enum import Enum
from typing import TYPE_CHECKING, Any, Literal

from lifecycle.criteria import Unmet
from lifecycle.i18n import InvalidValue, SaidError, translate

if TYPE_CHECKING:  # pydantic is only needed to read its errors; the CLI's fast path skips it
    from pydantic import ValidationError


class LofteError(SaidError):
    """Base of every error a coordinator is meant to read.

    ``str(error)`` is its English (the API's and the command line's ``error``); an error
    written as a Swedish sentence (``InputError.said("Fyll i {label}.", label=...)``, English
    from the catalogue) also reads in Swedish on Swedish pages: ``error.message("sv")``.
    """

    exit_code = 2
    http_status = 400


class InputError(LofteError):
    """The input is wrong; the message says what and how to fix it. Nothing was written."""

    exit_code = 2
    http_status = 422


class NotFound(LofteError):
    """A promise, problem, goal ... with that id does not exist (or not in this promise)."""

    exit_code = 2
    http_status = 404


class Refused(LofteError):
    """The lifecycle rules refuse the request; ``unmet`` lists every reason.

    ``headline`` is one sentence in Swedish with its named ``values`` (English from the
    catalogue): ``Refused(unmet, "löfte {id} kan inte gå vidare", id=7)``. ``self.headline``
    is its English (the API's ``error``), ``message(language)`` the headline in either.
    """

    exit_code = 1
    http_status = 409

    def __init__(self, unmet: list[Unmet], headline: str = "nekades", /, **values: Any):
        self.unmet = unmet
        self.headline = translate(headline, "en", **values)
        super().__init__(self.headline + ": " + "; ".join(u.message("en") for u in unmet))
        self.swedish = translate(headline, "sv", **values)

    def message(self, language: str) -> str:
        """The headline in ``language`` (the unmet criteria say the rest, each in its own)."""
        return self.swedish if language == "sv" and self.swedish else self.headline


class Conflict(LofteError):
    """The promise changed since it was read; reload and try again."""

    exit_code = 1
    http_status = 409


def field_path(location: tuple[int | str, ...] | list[int | str], separator: str = ".") -> str:
    """Where in the input a validation error is: ``activities.0.status`` (pydantic's ``loc``)."""
    return separator.join(str(part) for part in location)


def _short(value: object, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# What is wrong with a field, by pydantic's error type: one Swedish sentence each, with the
# field's label named (the English is in the catalogue). The web forms word their errors with
# these, and so does every input error of the application (``describe_validation_error``).
FIELD_MESSAGES = {
    "missing": "Fyll i {label}.",
    "date_from_datetime_parsing": "{label} måste vara ett datum, till exempel 2026-09-15.",
    "date_parsing": "{label} måste vara ett datum, till exempel 2026-09-15.",
    "int_parsing": "{label} måste vara ett heltal.",
    "greater_than_equal": "{label} får inte vara mindre än {limit}.",
    "enum": "Välj {label}.",
    "literal_error": "Välj {label}.",
    "string_too_short": "{label} är för kort.",
    "string_too_long": "{label} är för lång.",
}


def field_message(kind_of_error: str, label: str, language: str, limit: object = "") -> str | None:
    """The sentence for a field's error of pydantic's type ``kind_of_error`` in ``language``
    (None: no sentence of ours for that type; pydantic's own words are used then)."""
    template = FIELD_MESSAGES.get(kind_of_error)
    if template is None:
        return None
    message = translate(template, language, label=label, limit=limit)
    return message[0].upper() + message[1:]


def _field_type(model: Any, location: tuple[int | str, ...]) -> Any:
    """The type of the field at ``location`` in the input ``model`` (pydantic's ``loc``,
    through lists and nested models; ``X | None`` read as ``X``); None where it is unknown."""
    annotation: Any = model
    for part in location:
        while (
            isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union
        ):
            inner = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = inner[0] if len(inner) == 1 else None
        if isinstance(part, int):
            if typing.get_origin(annotation) is not list:
                return None
            annotation = typing.get_args(annotation)[0]
            continue
        fields = getattr(annotation, "model_fields", None)
        if not isinstance(fields, dict) or part not in fields:
            return None
        annotation = fields[part].annotation
    return annotation


def is_choice(annotation: Any) -> bool:
    """Whether a field of this type is answered by choosing (an Enum or a Literal, optional
    or not): its missing value is said "Välj ...", not "Fyll i ..."."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return any(is_choice(a) for a in typing.get_args(annotation) if a is not type(None))
    if typing.get_origin(annotation) is Literal:
        return True
    return isinstance(annotation, type) and issubclass(annotation, Enum)


def _in_swedish(err: Any, value: str | None, model: Any = None) -> str:
    """One of pydantic's errors as a Swedish sentence, the field named by its label."""
    from lifecycle.fields import field_label

    names = [str(part) for part in err["loc"] if isinstance(part, str)]
    label = field_label(names[-1]) if names else ""
    if len(err["loc"]) > 1:  # in a list or a nested part: say where too
        label = f"{label} ({field_path(err['loc'])})" if label else field_path(err["loc"])
    cause = (err.get("ctx") or {}).get("error")
    limit = (err.get("ctx") or {}).get("ge", "")
    kind_of = err["type"]
    if kind_of == "missing" and model is not None and is_choice(_field_type(model, err["loc"])):
        kind_of = "enum"  # a choice left empty: "Välj ...", not "Fyll i ..."
    if isinstance(cause, InvalidValue):
        said = cause.phrase.said("sv")
    elif label:
        said = field_message(kind_of, label, "sv", limit) or translate(
            "{label}: ogiltigt värde", "sv", label=label
        )
    else:
        said = translate("ogiltigt värde", "sv")
    return said.rstrip(".") + (translate(" (angivet: {value})", "sv", value=value) if value else "")


def describe_validation_error(exc: ValidationError, what: str, model: Any = None) -> InputError:
    """Turn pydantic's errors into one readable InputError: field, problem, value given.

    ``model`` is the input model that refused (when known): a choice it leaves empty (an
    Enum or a Literal field) is then said "Välj ..." rather than "Fyll i ...".

    Its English is pydantic's, field by field, as the API and the command line have always
    said it (a refusal of our own validators, ``InvalidValue``, in the catalogue's English);
    its Swedish (``message("sv")``, the pages) names each field by its Swedish label
    (``lifecycle/fields.py``) with a sentence of ``FIELD_MESSAGES`` or the validator's own.
    """
    lines, swedish = [], []
    for err in exc.errors():
        field = field_path(err["loc"]) or what
        msg = err["msg"].removeprefix("Value error, ")
        given = err.get("input")
        # A value is quoted short: an input of megabytes must not come back in the message.
        value = None if isinstance(given, dict | list) or given is None else _short(given)
        lines.append(f"{field}: {msg}" + (f" (got {value})" if value else ""))
        swedish.append(_in_swedish(err, value, model))
    error = InputError(f"invalid {what}: " + "; ".join(lines))
    error.swedish = translate(
        "Uppgifterna stämmer inte: {problems}.", "sv", problems="; ".join(swedish)
    )
    return error


class NotAuthenticated(LofteError):
    """No valid credentials: not signed in, or the token is unknown, expired or revoked."""

    exit_code = 3
    http_status = 401


class Forbidden(LofteError):
    """Signed in, but without the right this needs; the message names the missing right
    (``Forbidden.of(denied)``, or ``Forbidden.said(...)``)."""

    exit_code = 3
    http_status = 403


class Unavailable(LofteError):
    """The database is not initialised or cannot be reached; the message says what to do."""

    exit_code = 2
    http_status = 503


class Busy(Unavailable):
    """Another writer holds the database's write lock longer than ``lock_wait_seconds``:
    nothing was written; try again in a moment (HTTP 503 with Retry-After, exit 1)."""

    exit_code = 1
    http_status = 503
    retry_after_seconds = 5

    def __init__(self) -> None:
        sentence = (
            "databasen är upptagen av en annan skrivning; inget ändrades, försök igen om en stund"
        )
        super().__init__(translate(sentence, "en"))
        self.swedish = sentence


class TooManyRequests(LofteError):
    """Too many requests from one client in a short time; try again later."""

    exit_code = 1
    http_status = 429


# Asked to sign in (the command line's ways to; the pages send to /logga-in).
SIGN_IN_FIRST = "logga in först (lofte login, eller en åtkomstnyckel i LOFTE_TOKEN)"
# A police region nobody registered, with the ones that are.
UNKNOWN_POLICE_REGION = "okänd polisregion {region!r}; kända: {known}"
# A promise that is not published (or does not exist: the public may not tell the difference).
NO_PUBLISHED_PROMISE = "inget publicerat löfte {id}"
