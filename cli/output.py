"""Printing results and errors, and the exit codes every command shares.

Exit codes: 0 done; 1 refused by the rules or a conflict (every unmet criterion printed);
2 bad input (what is wrong and how to fix it); 3 not signed in, or not permitted (the message
names the missing right).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any, NoReturn

import typer

from config.client import client_settings
from config.errors import ConfigError
from lifecycle.errors import InputError, LofteError, Refused
from lifecycle.i18n import Phrase, said_in

EXIT_OK, EXIT_REFUSED, EXIT_BAD_INPUT = 0, 1, 2


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def print_json(data: Any) -> None:
    """Print ``data`` as indented JSON (dates as ISO strings)."""
    typer.echo(json.dumps(data, default=_default, ensure_ascii=False, indent=2))


def language() -> str:
    """The configured language for messages to people (sv or en)."""
    return client_settings().language


def print_unmet(unmet: list[dict[str, Any]], *, err: bool = True) -> None:
    """Print every unmet criterion, one per line, with its code."""
    for item in unmet:
        typer.echo(f"  - [{item['code']}] {item['message']}", err=err)


def both(exc: LofteError | Phrase) -> str:
    """An error's sentence (or a warning's phrase) for the terminal: the Swedish, then the
    English ("sv / en"); one of them when they are the same (an error nobody wrote in
    Swedish), the configured language's first."""
    first, second = str(said_in(exc, "sv")), str(said_in(exc, "en"))
    if language() == "en":
        first, second = second, first
    return first if first == second else f"{first} / {second}"


def said(exc: LofteError, as_json: bool) -> str:
    """The error's ``error``: English in JSON (as the API's), both languages on the terminal."""
    return exc.message("en") if as_json else both(exc)


def in_swedish(exc: LofteError) -> dict[str, str]:
    """``error_sv`` for a JSON answer, as the API gives it; the ``error`` stays English."""
    return {"error_sv": exc.message("sv")} if exc.swedish else {}


def fail(
    message: str | LofteError,
    code: int = EXIT_BAD_INPUT,
    *,
    as_json: bool = False,
    extra: dict[str, Any] | None = None,
) -> NoReturn:
    """Print an error (as JSON on stdout with --json, else on stderr) and exit with ``code``;
    an error said in Swedish (``InputError.said(...)``) in both its languages."""
    if isinstance(message, LofteError):
        extra = {**in_swedish(message), **(extra or {})}
        message = said(message, as_json)
    if as_json:
        # ``error`` is English in JSON, as the API's (a refusal: its headline)
        print_json({"ok": False, "error": message, **(extra or {})})
    else:
        typer.echo(f"Fel / error: {message}", err=True)
        if extra and extra.get("unmet"):
            print_unmet(extra["unmet"])
    raise typer.Exit(code)


@contextmanager
def handled(as_json: bool = False) -> Iterator[None]:
    """Turn our errors into a clear message and the right exit code."""
    try:
        yield
    except Refused as exc:
        unmet = [u.as_dict(language()) for u in exc.unmet]
        fail(
            said(exc, as_json),
            EXIT_REFUSED,
            as_json=as_json,
            extra={"unmet": unmet, **in_swedish(exc)},
        )
    except LofteError as exc:
        extra = {"error_kind": type(exc).__name__, **in_swedish(exc)}
        fail(said(exc, as_json), exc.exit_code, as_json=as_json, extra=extra)
    except ConfigError as exc:
        fail(
            InputError.said("konfigurationen: {why}", why=exc.sentence),
            EXIT_BAD_INPUT,
            as_json=as_json,
        )
    except Exception as exc:
        explained = _explained(exc)
        if explained is None:
            raise  # a bug: it keeps its traceback
        fail(
            said(explained, as_json),
            explained.exit_code,
            as_json=as_json,
            extra=in_swedish(explained),
        )


def _explained(exc: Exception) -> LofteError | None:
    """The sentence for an input error raised below the use cases' own checks (a model built
    from command-line values, a document, a value a parser refused), or for a database that
    is not there; None for anything else. One place, so no command can end in a traceback
    for something a person typed."""
    from lifecycle.i18n import InvalidValue

    module = type(exc).__module__
    if module.startswith("pydantic") and type(exc).__name__ == "ValidationError":
        from lifecycle.errors import describe_validation_error

        return describe_validation_error(exc, "input")  # type: ignore[arg-type]
    if module.startswith("yaml"):
        return InputError.said("inte giltig YAML: {why}", why=str(exc).splitlines()[0][:200])
    if module.startswith("sqlalchemy"):
        # Commands that work on the database directly (init, demo): one sentence for a
        # database that is not there or is busy.
        from application.usecase import explain_database_error

        return explain_database_error(exc)  # type: ignore[return-value]
    if isinstance(exc, InvalidValue):  # a value refused in a sentence of ours
        return InputError.of(exc.phrase)
    if isinstance(exc, ValueError):
        if not str(exc):
            return InputError.said("ogiltigt värde")
        return InputError(str(exc).splitlines()[0][:300])  # a parser's own words
    return None


def command(func: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator: run a command body inside ``handled()`` (JSON errors when --json is given)."""
    import functools

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with handled(bool(kwargs.get("as_json"))):
            return func(*args, **kwargs)

    return wrapper


def stderr(message: str) -> None:
    """Print a line on standard error."""
    print(message, file=sys.stderr)


def write_atomically(path: Path, content: bytes) -> None:
    """Write a whole file or nothing: a temporary file beside it, renamed into place."""
    import os
    import tempfile

    path = Path(path)
    try:
        fd, temporary = tempfile.mkstemp(dir=path.parent or ".", prefix=f".{path.name}.")
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise OutputError(f"cannot write {path}: {exc.strerror}") from None


class OutputError(LofteError):
    """The output file cannot be written (the work itself succeeded and wrote nothing)."""

    exit_code = 2
    http_status = 500


# Options every command checks the same way (English in the catalogue).
LANGUAGE_SV_OR_EN = "--language ska vara sv eller en, fick {language!r}"
NOW_IS_A_MOMENT = (
    "--now ska vara ett ISO-datum eller en tid som 2026-06-19 eller 2026-06-19T07:00, fick {now!r}"
)
