"""The HTTP API of ``lofte serve``: one route per registered use case, each behind sign-in.

Routes are built from the registry (``application.operations``), so the API and the CLI offer
the same use cases with the same request models. Every route but ``/health`` needs
credentials: a personal access token (``Authorization: Bearer ...``), a web session cookie,
or, on the server itself, the operator key with ``X-Lofte-Actor``. Errors are JSON with a
sentence (``error``), the kind, and for refusals every unmet criterion.
"""

from __future__ import annotations

import hmac
import json
import logging
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from application.operations import FileResult, Operation
from config.operator_key import ensure_operator_key
from flows.operations import all_operations
from lifecycle.errors import Forbidden, LofteError, NotAuthenticated, Refused
from lifecycle.permissions import Principal
from web.auth import SESSION_COOKIE

log = logging.getLogger("lofte.api")

MAX_BODY_BYTES = 1_000_000


@asynccontextmanager
async def _lifespan(_app: FastAPI) -> Any:
    from flows.runtime import clean_up_orphaned_server, stop_temporary_server, warm_up

    if clean_up_orphaned_server():
        log.warning("stopped a temporary Prefect server an earlier, killed service left behind")
    # Prefect's temporary server starts on the first flow call and that start is not
    # thread-safe: do it once, here, before any request can run a flow.
    await run_in_threadpool(warm_up)
    try:
        yield
    finally:
        await run_in_threadpool(stop_temporary_server)


def error_response(exc: LofteError) -> JSONResponse:
    """The JSON answer for an error a person is meant to read."""
    body: dict[str, Any] = {"ok": False, "error": str(exc), "error_kind": type(exc).__name__}
    if isinstance(exc, Refused):
        body["error"] = exc.headline
        body["unmet"] = [u.as_dict() for u in exc.unmet]
    if isinstance(exc, Forbidden):
        body["error_sv"] = exc.message_sv
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, NotAuthenticated) else None
    return JSONResponse(body, status_code=exc.http_status, headers=headers)


def authenticate(request: Request, operator_key: str | None) -> Principal:
    """Who is calling: from a bearer token, the operator key, or a session cookie."""
    from application import identity

    header = request.headers.get("authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return identity.authenticate_bearer(credentials.strip())
    if scheme.lower() == "operator":
        actor = request.headers.get("x-lofte-actor", "")
        if operator_key and hmac.compare_digest(credentials.strip(), operator_key) and actor:
            return identity.operator_principal(actor)
        raise NotAuthenticated("the operator key or --actor is wrong")
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        return identity.authenticate_session(session_id)
    # Calendar programs subscribe to a URL and cannot send headers: the feeds (and only the
    # feeds, which are read-only) take a personal access token in the address.
    feed_token = request.query_params.get("token")
    if request.url.path.endswith(".ics") and feed_token:
        return identity.authenticate_bearer(feed_token)
    raise NotAuthenticated(
        "no credentials: send a personal access token as 'Authorization: Bearer ...' "
        "(lofte token create), or sign in"
    )


async def _params(request: Request, op: Operation) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.path_params)
    if op.method == "GET":
        params.update({k: v for k, v in request.query_params.items() if k != "token"})
        return params
    raw = await request.body()
    if len(raw) > MAX_BODY_BYTES:
        raise _BadInput(f"the request body is over {MAX_BODY_BYTES:,} bytes; send less")
    if raw.strip():
        try:
            body = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise _BadInput(f"the request body is not valid JSON: {exc}") from None
        if not isinstance(body, dict):
            raise _BadInput("the request body must be a JSON object (field: value)")
        params.update({k: v for k, v in body.items() if k not in request.path_params})
    return params


class _BadInput(LofteError):
    exit_code = 2
    http_status = 422


def _endpoint(op: Operation, operator_key: str | None) -> Any:
    async def endpoint(request: Request) -> Response:
        try:
            principal = await run_in_threadpool(authenticate, request, operator_key)
            params = await _params(request, op)
            result = await run_in_threadpool(op.run, principal, params)
        except LofteError as exc:
            return error_response(exc)
        except Exception:
            log.exception("%s failed", op.name)
            return JSONResponse(
                {
                    "ok": False,
                    "error": "internal error; the service log has the details",
                    "error_kind": "InternalError",
                },
                status_code=500,
            )
        if isinstance(result, FileResult):
            return Response(
                result.content,
                media_type=result.media_type,
                headers={"Content-Disposition": f'attachment; filename="{result.filename}"'},
            )
        return JSONResponse(result)

    endpoint.__name__ = op.name.replace(".", "_")
    return endpoint


def create_app(warm: bool = True) -> FastAPI:
    """The FastAPI application (``warm=False`` skips the Prefect warm-up, for tests)."""
    # No interactive docs or schema without credentials: every route but /health needs sign-in.
    app = FastAPI(
        title="Löfte",
        lifespan=_lifespan if warm else None,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    operator_key = ensure_operator_key()

    @app.get("/health")
    def health() -> dict[str, Any]:
        return {"service": "lofte", "ok": True}

    for op in all_operations().values():
        app.add_api_route(
            op.path, _endpoint(op, operator_key), methods=[op.method], summary=op.request.__doc__
        )
    from web.auth import router as auth_router
    from web.http import install
    from web.pages.routes import router as pages_router

    app.include_router(auth_router)
    app.include_router(pages_router)
    install(app)  # HEAD, gzip and the fingerprinted static files (web/http.py)
    return app
