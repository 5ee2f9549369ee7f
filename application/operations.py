"""The registry of use cases: one entry per operation, shared by the HTTP API and the CLI.

A use case is registered with ``@operation(name, RequestModel)``; its method and path come from
``application.routes`` (plain data the CLI reads without loading the application). Every
use case has the same shape, ``func(principal, request) -> result``: it checks the
principal's right, owns its transaction and returns JSON-ready data or a ``FileResult``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from application.routes import ROUTES
from lifecycle.errors import Forbidden, describe_validation_error
from lifecycle.permissions import Principal


@dataclass(frozen=True)
class FileResult:
    """A result that is a document (CSV, XLSX, HTML, iCalendar ...), not JSON."""

    content: bytes
    media_type: str
    filename: str


@dataclass(frozen=True)
class StreamedFile:
    """A document made while it is sent (an export of thousands of rows): ``chunks()``
    yields its bytes, so the service never holds the whole file; ``content`` joins them for
    a caller that wants it whole (a command writing a file)."""

    chunks: Callable[[], Iterator[bytes]]
    media_type: str
    filename: str

    @property
    def content(self) -> bytes:
        """The whole document (made now)."""
        return b"".join(self.chunks())


@dataclass(frozen=True)
class Operation:
    """One use case: its name, HTTP method and path, request model and function."""

    name: str
    method: str
    path: str
    request: type[BaseModel]
    func: Callable[[Principal | None, Any], Any]

    def parse(self, params: dict[str, Any]) -> BaseModel:
        """Validate raw parameters into the request model, or raise a readable InputError."""
        try:
            return self.request.model_validate(params)
        except ValidationError as exc:
            raise describe_validation_error(exc, self.name) from exc

    def run(self, principal: Principal | None, params: dict[str, Any]) -> Any:
        """Validate ``params`` and run the use case as ``principal``.

        A database that is not initialised or not reachable is one sentence, not a traceback.
        """
        if (
            principal is not None
            and principal.must_change_password
            and self.name not in (ONE_TIME_PASSWORD_ALLOWS)
        ):
            raise Forbidden(
                "Du måste byta det tillfälliga lösenordet innan du kan göra något annat.",
                "You must change the one-time password before you can do anything else.",
            )
        request = self.parse(params)
        try:
            return self.func(principal, request)
        except Exception as exc:
            explained = explain_database_error(exc)
            if explained is None:
                raise
            raise explained from None


# All a person signed in with an admin's one-time password may do: choose their own.
ONE_TIME_PASSWORD_ALLOWS = frozenset({"user.password", "me.show"})
REGISTRY: dict[str, Operation] = {}
F = TypeVar("F", bound=Callable[..., Any])


def operation(name: str, request: type[BaseModel]) -> Callable[[F], F]:
    """Register the decorated use case under ``name`` (which must be in ``ROUTES``)."""
    method, path = ROUTES[name]

    def register(func: F) -> F:
        REGISTRY[name] = Operation(name, method, path, request, func)
        return func

    return register


class NoInput(BaseModel):
    """The request of an operation that takes nothing."""


def explain_database_error(exc: Exception) -> Exception | None:
    """One sentence for a database that is not there yet or cannot be reached (password
    masked), or None when ``exc`` is something else."""
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from config.settings import mask_url_password
    from lifecycle.errors import Unavailable

    if not isinstance(exc, OperationalError | ProgrammingError):
        return None
    text = str(exc.orig if getattr(exc, "orig", None) else exc)
    from config.settings import get_settings

    url = mask_url_password(get_settings().effective_database_url)
    if "no such table" in text or ("relation" in text and "does not exist" in text):
        return Unavailable(f"the database {url} is not initialised; run `lofte init` first")
    if isinstance(exc, OperationalError) and (
        "connect" in text.lower() or "could not translate host" in text.lower()
    ):
        return Unavailable(
            f"cannot reach the database {url}: is it running, and is LOFTE_DATABASE_URL right?"
        )
    from models.db import is_lock_timeout

    if is_lock_timeout(exc):
        from lifecycle.errors import Busy

        return Busy()
    return None
