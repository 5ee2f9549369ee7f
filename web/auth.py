"""Signing in and out over HTTP: a password gives a session cookie; OIDC providers likewise.

``POST /api/session`` (JSON only: email, password) sets the ``lofte_session`` cookie
(HttpOnly, SameSite=Lax, Secure behind HTTPS); ``DELETE /api/session`` ends the session.
``/logga-in/oidc/{provider}`` sends the browser to the organisation's identity provider
(state, nonce and PKCE via Authlib) and its callback opens a session for the person the
provider's claims map to, if the provider may vouch for that person's organisation.
"""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, RedirectResponse, Response

from config.documents import REQUEST_BODY, DocumentError, parse_json
from config.settings import get_settings
from lifecycle.errors import Forbidden, LofteError, NotAuthenticated
from web.errors import error_response

SESSION_COOKIE = "lofte_session"
OIDC_STATE_COOKIE = "lofte_oidc"

router = APIRouter()

# A write with the session cookie but without its CSRF token (English in the catalogue).
CSRF_REFUSED = (
    "Skrivningar med inloggningskakan kräver sessionens CSRF-nyckel i X-CSRF-Token "
    "(från POST eller GET /api/session); API-klienter använder en åtkomstnyckel i stället."
)


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def set_session_cookie(response: Response, session_id: str) -> None:
    """The session cookie: unreadable by scripts, not sent cross-site, HTTPS-only if configured."""
    settings = get_settings()
    response.set_cookie(
        SESSION_COOKIE,
        session_id,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        max_age=settings.session_absolute_hours * 3600,
        path="/",
    )


def _error(exc: LofteError) -> JSONResponse:
    return error_response(exc)


def is_json(request: Request) -> bool:
    """Whether the request says its body is JSON (a cross-site form cannot say so)."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return content_type == "application/json"


def not_json() -> JSONResponse:
    """The answer to a write that is not JSON."""
    return JSONResponse(
        {
            "ok": False,
            "error": "send JSON (Content-Type: application/json); forms are not accepted here",
            "error_kind": "UnsupportedMediaType",
        },
        status_code=415,
    )


async def _credentials(request: Request) -> tuple[str, str]:
    # JSON only (is_json is checked by the caller): a cross-site form cannot sign anyone in.
    try:
        body = parse_json(await request.body(), REQUEST_BODY, max_bytes=100_000)
    except DocumentError:
        body = {}
    body = body if isinstance(body, dict) else {}
    return str(body.get("email", ""))[:254], str(body.get("password", ""))[:1000]


@router.post("/api/session")
async def sign_in(request: Request) -> Response:
    """Sign in with e-mail and password (JSON only: another site's form cannot sign a browser
    in as someone else); a new session id every time (rotation). The answer carries the
    session's CSRF token, which writes to the API with the cookie must send as X-CSRF-Token."""
    from application import identity
    from web.csrf import session_token

    if not is_json(request):
        return not_json()
    email, password = await _credentials(request)
    try:
        session_id, principal = await run_in_threadpool(
            identity.sign_in_with_password,
            email,
            password,
            _client(request),
            request.cookies.get(SESSION_COOKIE),
        )
    except LofteError as exc:
        return _error(exc)
    response = JSONResponse(
        {
            "ok": True,
            "email": principal.email,
            "role": principal.role,
            "must_change_password": principal.must_change_password,
            "csrf_token": session_token(session_id),
        }
    )
    set_session_cookie(response, session_id)
    return response


@router.get("/api/session")
async def current_session(request: Request) -> Response:
    """The signed-in session: who, and its CSRF token for writes to the API."""
    from application import identity
    from web.csrf import session_token

    session_id = request.cookies.get(SESSION_COOKIE, "")
    try:
        if not session_id:
            raise NotAuthenticated.said("inte inloggad; POST /api/session med email och password")
        principal = await run_in_threadpool(identity.authenticate_session, session_id)
    except LofteError as exc:
        return _error(exc)
    return JSONResponse(
        {"ok": True, "email": principal.email, "csrf_token": session_token(session_id)}
    )


@router.delete("/api/session")
async def sign_out(request: Request) -> Response:
    """End the session on the server and clear the cookie (with the session's CSRF token:
    another site cannot sign a person out)."""
    from application import identity
    from web.csrf import CSRF_HEADER, valid_session_token

    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id and not valid_session_token(session_id, request.headers.get(CSRF_HEADER)):
        return _error(Forbidden.said(CSRF_REFUSED))
    if session_id:
        await run_in_threadpool(identity.sign_out, session_id)
    response = JSONResponse({"ok": True})
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/logga-in/oidc/{provider}")
async def oidc_start(provider: str, request: Request) -> Response:
    """Send the browser to the provider, remembering state, nonce and the PKCE verifier."""
    from application import oidc

    try:
        config = oidc.provider(provider)
        state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        verifier = secrets.token_urlsafe(48)
        callback = str(request.url_for("oidc_callback", provider=provider))
        url = await run_in_threadpool(
            oidc.authorization_url, config, callback, state, nonce, verifier
        )
    except LofteError as exc:
        return _error(exc)
    response = RedirectResponse(url, status_code=302)
    response.set_cookie(
        OIDC_STATE_COOKIE,
        oidc.seal({"state": state, "nonce": nonce, "verifier": verifier, "provider": provider}),
        httponly=True,
        samesite="lax",
        secure=get_settings().secure_cookies,
        max_age=600,
        path="/logga-in/oidc",
    )
    return response


@router.get("/logga-in/oidc/{provider}/callback", name="oidc_callback")
async def oidc_callback(provider: str, request: Request) -> Response:
    """Check the provider's answer, map its claims to a person, open a session."""
    from application import identity, oidc

    try:
        sealed: dict[str, Any] = oidc.unseal(request.cookies.get(OIDC_STATE_COOKIE, ""))
        if sealed.get("provider") != provider or sealed.get("state") != request.query_params.get(
            "state"
        ):
            raise NotAuthenticated.said(
                "svaret på inloggningen stämmer inte med begäran; försök igen"
            )
        code = request.query_params.get("code", "")
        callback = str(request.url_for("oidc_callback", provider=provider))
        person_id, issuer = await run_in_threadpool(
            oidc.complete_sign_in,
            oidc.provider(provider),
            code,
            callback,
            sealed["nonce"],
            sealed["verifier"],
        )
        session_id, _principal = await run_in_threadpool(
            identity.open_session_for, person_id, "oidc", issuer
        )
    except LofteError as exc:
        return _error(exc)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(OIDC_STATE_COOKIE, path="/logga-in/oidc")
    set_session_cookie(response, session_id)
    return response
