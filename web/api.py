"""The HTTP API of ``lofte serve``: one route per use case, each behind sign-in.

Routes are built from the composition root (``wiring/usecases.py``), so the API and the CLI
offer the same use cases with the same request models. Every route but ``/health`` needs
credentials: a personal access token (``Authorization: Bearer ...``), a web session cookie,
or, on the server itself, the operator key with ``X-Lofte-Actor``. Errors are JSON with a
sentence (``error``), the kind, and for refusals every unmet criterion.
"""

from __future__ import annotations

import hmac
import logging
import threading
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response, StreamingResponse

from application.usecase import FileResult, StreamedFile
from config.documents import REQUEST_BODY, parse_mapping
from config.operator_key import ensure_operator_key, instance_id, operator_proof
from lifecycle.errors import Busy, Forbidden, LofteError, NotAuthenticated
from lifecycle.permissions import Principal
from web.auth import SESSION_COOKIE
from web.errors import error_response
from web.json_stream import is_large, json_chunks
from web.openapi import operation_openapi
from wiring.usecases import USE_CASES, UseCase, to_json

log = logging.getLogger("lofte.api")

MAX_BODY_BYTES = 1_000_000


def _lifespan(with_scheduler: bool) -> Any:
    """Start-up and shut-down of ``lofte serve``, in the one order that works.

    Up: requests are served at once, while one background thread warms Prefect (which first
    stops only the servers of killed processes) and then starts the embedded scheduler. The
    first page needs neither; a request that runs a flow before Prefect is warm waits for the
    warm-up (``flows.runtime.warm_up`` holds its lock) instead of failing or starting a second
    server. Down: requests stop, the warm-up is waited for, the scheduler stops and waits for
    a job it is running, and only then is Prefect's server stopped: a job left running against
    a stopped server retried for minutes and kept Ctrl-C from ending the process.
    """

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> Any:
        from flows.runtime import stop_temporary_server, warm_up

        started: dict[str, Any] = {}

        def warm_then_schedule() -> None:
            # Prefect's temporary server starts on the first flow call and that start is not
            # thread-safe: warm_up does it once, under its lock, before the scheduler runs.
            try:
                warm_up()
            except Exception:
                log.exception("Prefect could not be warmed; flows will try again when asked")
                return
            if with_scheduler:
                from flows.scheduler import start_embedded_scheduler

                started["scheduler"] = start_embedded_scheduler()

        warming = threading.Thread(target=warm_then_schedule, name="lofte-warm-up", daemon=True)
        warming.start()
        try:
            yield
        finally:
            await run_in_threadpool(warming.join)
            scheduler = started.get("scheduler")
            if scheduler is not None:
                await run_in_threadpool(scheduler.shutdown, True)
            await run_in_threadpool(stop_temporary_server)

    return lifespan


def busy_answer(request: Request, exc: Exception) -> Response:
    """Whatever route met a busy database (HTTP 503, Retry-After): JSON for the API and the
    feeds, a Swedish page for the pages."""
    assert isinstance(exc, Busy)
    path = request.url.path
    if path.startswith(("/api/", "/ical/")):
        return error_response(exc)
    from web.pages.common import busy_page

    return busy_page(request, exc)


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
        raise NotAuthenticated.said("operatörsnyckeln eller --actor är fel")
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        return identity.authenticate_session(session_id)
    # Calendar programs subscribe to a URL and cannot send headers: the feeds (and only the
    # feeds, which are read-only) take a personal access token in the address.
    feed_token = request.query_params.get("token")
    if request.url.path.endswith(".ics") and feed_token:
        return identity.authenticate_bearer(feed_token)
    raise NotAuthenticated.said(
        "inga inloggningsuppgifter: skicka en personlig åtkomstnyckel som 'Authorization: "
        "Bearer ...' (lofte token create), eller logga in"
    )


async def _params(request: Request, op: UseCase[Any, Any]) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.path_params)
    if op.method == "GET":
        params.update({k: v for k, v in request.query_params.items() if k != "token"})
        return params
    raw = await request.body()
    if raw.strip():
        from web.auth import is_json

        if not is_json(request):
            raise _NotJson("send the body as JSON (Content-Type: application/json)")
        # The one bounded loader: size, nesting depth, no NaN; a sentence (422), never a 500.
        body = parse_mapping(raw, REQUEST_BODY, json_only=True, max_bytes=MAX_BODY_BYTES)
        params.update({k: v for k, v in body.items() if k not in request.path_params})
    return params


def _refuse_write(request: Request, principal: Principal) -> Response | None:
    """Writes are JSON only; with the session cookie (a browser) they also need the session's
    CSRF token, so another site cannot make a signed-in browser write. A bearer token or the
    operator key is not sent by a browser on its own, so it needs none."""
    from web.auth import CSRF_REFUSED, is_json, not_json
    from web.csrf import CSRF_HEADER, valid_session_token

    from_session = principal.session_key is not None
    if from_session and not is_json(request):
        return not_json()
    if from_session and not valid_session_token(
        request.cookies.get(SESSION_COOKIE, ""), request.headers.get(CSRF_HEADER)
    ):
        return error_response(Forbidden.said(CSRF_REFUSED))
    return None


class _NotJson(LofteError):
    exit_code = 2
    http_status = 415


def _endpoint(op: UseCase[Any, Any], operator_key: str | None) -> Any:
    async def endpoint(request: Request) -> Response:
        try:
            principal = await run_in_threadpool(authenticate, request, operator_key)
            if op.method != "GET":
                refused = _refuse_write(request, principal)
                if refused is not None:
                    return refused
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
        if isinstance(result, StreamedFile):
            return StreamingResponse(
                result.chunks(),
                media_type=result.media_type,
                headers={"Content-Disposition": f'attachment; filename="{result.filename}"'},
            )
        if isinstance(result, FileResult):
            return Response(
                result.content,
                media_type=result.media_type,
                headers={"Content-Disposition": f'attachment; filename="{result.filename}"'},
            )
        data = to_json(result)
        if is_large(data):  # an export of thousands of rows: sent as it is serialised
            return StreamingResponse(json_chunks(data), media_type="application/json")
        return JSONResponse(data)

    endpoint.__name__ = op.name.replace(".", "_")
    return endpoint


def create_app(warm: bool = True, *, with_scheduler: bool = False) -> FastAPI:
    """The FastAPI application; ``warm=False`` skips Prefect's warm-up (for tests), and
    ``with_scheduler`` runs the embedded scheduler for the application's life."""
    # No interactive docs or schema without credentials: every route but /health needs sign-in.
    app = FastAPI(
        title="Löfte",
        lifespan=_lifespan(with_scheduler) if warm else None,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    operator_key = ensure_operator_key()

    @app.get("/health")
    def health() -> dict[str, Any]:
        return {"service": "lofte", "ok": True}

    @app.get("/api/operator/proof", include_in_schema=False)
    def operator_proof_of(nonce: str = "") -> Response:
        """Prove to a command on this machine that this service holds its data folder's
        operator key, before the command sends it (cli/transport.py)."""
        if not 16 <= len(nonce) <= 128 or not nonce.isascii() or not nonce.isalnum():
            return JSONResponse(
                {
                    "ok": False,
                    "error": "nonce: send 16 to 128 letters and digits",
                    "error_kind": "InputError",
                },
                status_code=422,
            )
        return JSONResponse(
            {
                "proof": operator_proof(operator_key, nonce),
                "instance": instance_id(operator_key),
            },
            headers={"Cache-Control": "no-store"},
        )

    for op in USE_CASES:
        app.add_api_route(
            op.path,
            _endpoint(op, operator_key),
            methods=[op.method],
            summary=op.request.__doc__,
            openapi_extra=operation_openapi(op),
        )
    from web.auth import router as auth_router
    from web.http import install
    from web.pages.routes import router as pages_router

    app.include_router(auth_router)
    app.include_router(pages_router)
    # A write that waited too long for another writer's lock, wherever it was met: 503.
    app.add_exception_handler(Busy, busy_answer)
    install(app)  # HEAD, gzip and the fingerprinted static files (web/http.py)
    from web.headers import SecurityHeaders
    from web.proxies import TrustedProxies

    # Added last, so outermost: the client's address is settled before anything reads it,
    # and every answer (errors and static files too) leaves with the security headers.
    app.add_middleware(TrustedProxies)
    app.add_middleware(SecurityHeaders)
    return app
