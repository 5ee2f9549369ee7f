"""What every use case shares: its shape, the document result, reading a request.

A use case is a plain function ``use_case(principal, request) -> result``: the principal
(``None`` for what anyone may ask), a pydantic request model, and a typed result (a pydantic
model, a list of them, or a ``FileResult`` for a document). It checks the principal's right
first, owns its transaction and raises a ``LofteError`` to refuse. Which name, HTTP method and
path each one answers to is wired in one place, ``wiring/usecases.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from lifecycle.errors import SIGN_IN_FIRST, NotAuthenticated, describe_validation_error
from lifecycle.permissions import Principal

Req = TypeVar("Req", bound=BaseModel)


@dataclass(frozen=True)
class FileResult:
    """A result that is a document (CSV, XLSX, HTML, iCalendar ...), not JSON."""

    content: bytes
    media_type: str
    filename: str


def parse_request(model: type[Req], params: dict[str, Any], name: str) -> Req:
    """Validate raw parameters (a JSON body, a query, a form) into ``model``, or raise a
    readable InputError naming the field and the use case ``name``."""
    try:
        return model.model_validate(params)
    except ValidationError as exc:
        raise describe_validation_error(exc, name, model) from exc


def signed_in(principal: Principal | None) -> Principal:
    """The principal, or NotAuthenticated when there is none (a use case for people only)."""
    if principal is None:
        raise NotAuthenticated.said(SIGN_IN_FIRST)
    return principal


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
        return Unavailable.said(
            "databasen {url} är inte initierad; kör `lofte init` först", url=url
        )
    if isinstance(exc, OperationalError) and (
        "connect" in text.lower() or "could not translate host" in text.lower()
    ):
        return Unavailable.said(
            "når inte databasen {url}: är den igång, och stämmer LOFTE_DATABASE_URL?", url=url
        )
    from models.db import is_lock_timeout

    if is_lock_timeout(exc):
        from lifecycle.errors import Busy

        return Busy()
    return None
