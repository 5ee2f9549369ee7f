"""The JSON answer for an error a person is meant to read, shared by the API and sign-in."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

from lifecycle.errors import Busy, LofteError, NotAuthenticated, Refused


def error_response(exc: LofteError) -> JSONResponse:
    """The JSON answer for an error a person is meant to read: the sentence (``error``), its
    kind, the Swedish sentence when it is written in Swedish too, every unmet criterion of a refusal."""
    body: dict[str, Any] = {"ok": False, "error": str(exc), "error_kind": type(exc).__name__}
    if isinstance(exc, Refused):
        body["error"] = exc.headline
        body["unmet"] = [u.as_dict() for u in exc.unmet]
    if exc.swedish:  # written in Swedish too (a refused right, a wrong input ...)
        body["error_sv"] = exc.swedish
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, NotAuthenticated) else None
    if isinstance(exc, Busy):
        headers = {"Retry-After": str(exc.retry_after_seconds)}
    return JSONResponse(body, status_code=exc.http_status, headers=headers)
