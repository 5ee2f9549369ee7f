"""How a command reaches the application: through a running ``lofte serve``, or in-process.

Credentials, in this order:
- ``--actor EMAIL`` (or ``LOFTE_ACTOR``): an operator's shell on the server acting as that
  registered person. Through the service when the operator key (``<data dir>/operator.key``)
  is readable, else directly against the database.
- A personal access token from ``LOFTE_TOKEN`` or the token file ``lofte login`` wrote:
  sent as ``Authorization: Bearer`` to the service, or checked against the database.
Without either, nothing runs (exit 3). Either way the same use case runs with the same
permission check; through the service it is warm (Prefect started once), so a command
costs a fraction of a second instead of Prefect's cold start.
"""

from __future__ import annotations

import http.client
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from cli.routes import ROUTES
from config.client import client_settings
from lifecycle.criteria import Unmet
from lifecycle.errors import (
    Conflict,
    Forbidden,
    InputError,
    LofteError,
    NotAuthenticated,
    NotFound,
    Refused,
)
from lifecycle.i18n import Given

TOKEN_ENV = "LOFTE_TOKEN"
ACTOR_ENV = "LOFTE_ACTOR"


@dataclass(frozen=True)
class Document:
    """A document answer (CSV, XLSX, HTML, iCalendar ...), to print or write to a file."""

    content: bytes
    media_type: str
    filename: str


class ServiceFailed(LofteError):
    """The service answered with an error that is not ours to explain (HTTP 5xx)."""

    exit_code = 1
    http_status = 502


def token_file() -> Path:
    """Where ``lofte login`` keeps the token (mode 0600): ``LOFTE_TOKEN_FILE`` or the data dir."""
    configured = os.environ.get("LOFTE_TOKEN_FILE")
    return Path(configured) if configured else client_settings().data_dir / "cli-token"


def saved_token() -> str | None:
    """The token to use: ``LOFTE_TOKEN``, else the token file, else None."""
    token = os.environ.get(TOKEN_ENV, "").strip()
    if token:
        return token
    try:
        return token_file().read_text(encoding="ascii").strip() or None
    except OSError:
        return None


def save_token(token: str) -> Path:
    """Write the token file, readable by this user only."""
    path = token_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(token)
    os.chmod(path, 0o600)
    return path


@dataclass(frozen=True)
class Answer:
    """An HTTP answer: status, headers (lower-case names) and body."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body as JSON."""
        return json.loads(self.body)


def http_request(
    method: str,
    url: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 120,
) -> Answer:
    """One HTTP request with the standard library (a command should not pay for loading an
    HTTP client library; the service is on this machine or behind one TLS proxy)."""
    parts = urlsplit(url)
    connection_class = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    connection = connection_class(parts.hostname or "127.0.0.1", parts.port, timeout=timeout)
    try:
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request(method, target or "/", body=body, headers=headers or {})
        response = connection.getresponse()
        return Answer(
            response.status,
            {k.lower(): v for k, v in response.getheaders()},
            response.read(),
        )
    finally:
        connection.close()


def service_available() -> bool:
    """Whether a ``lofte serve`` answers at the configured URL.

    With no service the connection is refused at once; the timeout only matters when one is
    there but busy, and then waiting beats falling back to a 10 s cold start.
    """
    settings = client_settings()
    if not settings.use_service:
        return False
    try:
        answer = http_request("GET", f"{settings.service_url}/health", timeout=2.0)
        return answer.status == 200 and answer.json().get("service") == "lofte"
    except (OSError, ValueError, http.client.HTTPException):
        return False


def _credentials(actor: str | None) -> tuple[str, str]:
    actor = actor or os.environ.get(ACTOR_ENV, "").strip() or None
    if actor:
        return "operator", actor.lower()
    token = saved_token()
    if token:
        return "token", token
    raise NotAuthenticated.said(
        "inte inloggad: kör `lofte login EMAIL` eller sätt LOFTE_TOKEN till en personlig "
        "åtkomstnyckel; på servern själv, ange en registrerad person med --actor"
    )


# How the last call was made: "service" or "in-process" (commands report it with --json).
last_route = "in-process"


def call(name: str, params: dict[str, Any], *, actor: str | None = None) -> Any:
    """Run operation ``name`` with ``params`` as the signed-in person; return its result."""
    global last_route
    kind, credential = _credentials(actor)
    last_route = "in-process"
    if service_available():
        last_route = "service"
        headers = {"Authorization": f"Bearer {credential}"}
        if kind == "operator":
            from config.operator_key import read_operator_key

            key = read_operator_key()
            if key is not None:
                require_own_service(key)
                headers = {"Authorization": f"Operator {key}", "X-Lofte-Actor": credential}
                return _over_http(name, params, headers)
            last_route = "in-process"
        else:
            return _over_http(name, params, headers)
    return _in_process(name, params, kind, credential)


class NotOurService(LofteError):
    """The service that answered is not this data folder's: the operator key was not sent."""

    exit_code = 3
    http_status = 403


def require_own_service(key: str) -> None:
    """Check that the service at the configured address holds this data folder's operator
    key, before the key is sent to it.

    Whatever answers on the port (a service of another data folder or another user, or
    something that is not Löfte at all) is sent a fresh random challenge; only a service
    holding the key can answer it with the right HMAC. The key itself never leaves this
    process until that proof has come back.
    """
    import hmac
    import secrets

    from config.operator_key import instance_id, operator_key_path, operator_proof

    settings = client_settings()
    nonce = secrets.token_hex(16)
    try:
        answer = http_request(
            "GET", f"{settings.service_url}/api/operator/proof?nonce={nonce}", timeout=10
        )
        body = answer.json() if answer.status == 200 else {}
    except (OSError, ValueError, http.client.HTTPException):
        body = {}
    proof = body.get("proof") if isinstance(body, dict) else None
    if isinstance(proof, str) and hmac.compare_digest(proof, operator_proof(key, nonce)):
        return
    theirs = body.get("instance") if isinstance(body, dict) else None
    reached = (
        f"a service of another data folder (instance {theirs}; this one is {instance_id(key)})"
        if isinstance(theirs, str)
        else "a service that could not prove it holds the operator key"
    )
    raise NotOurService(
        f"{settings.service_url} answered, but it is {reached}; the operator key of "
        f"{operator_key_path().parent} was not sent. Stop that service or point LOFTE_API_URL "
        "(or LOFTE_API_PORT) at this data folder's own `lofte serve`."
    )


def _over_http(name: str, params: dict[str, Any], headers: dict[str, str]) -> Any:
    method, path = ROUTES[name]
    rest = {k: v for k, v in params.items() if v is not None}
    for key in list(rest):
        if "{" + key + "}" in path:
            path = path.replace("{" + key + "}", quote(str(rest.pop(key)), safe=""))
    url = client_settings().service_url + path
    try:
        if method == "GET":
            query = urlencode(
                {k: str(v).lower() if isinstance(v, bool) else v for k, v in rest.items()}
            )
            response = http_request("GET", url + (f"?{query}" if query else ""), headers=headers)
        else:
            body = json.dumps(rest, default=str).encode("utf-8")
            headers = {**headers, "Content-Type": "application/json"}
            response = http_request(method, url, body=body, headers=headers)
    except (OSError, http.client.HTTPException) as exc:
        raise ServiceFailed.said(
            "tjänsten på {url} svarade inte: {exc}", url=client_settings().service_url, exc=exc
        ) from None
    return _result(response)


def _result(response: Answer) -> Any:
    media_type = response.headers.get("content-type", "").split(";")[0].strip()
    if response.status < 400:
        if media_type == "application/json":
            return response.json()
        disposition = response.headers.get("content-disposition", "")
        filename = disposition.partition('filename="')[2].rstrip('"') or "document"
        return Document(response.body, media_type, filename)
    try:
        body = response.json() if media_type == "application/json" else None
    except ValueError:
        body = None
    if not isinstance(body, dict) or "error" not in body:
        raise ServiceFailed.said(
            "tjänsten misslyckades (HTTP {status}); dess logg har detaljerna",
            status=response.status,
        )
    raise error_from(body, response.status)


def error_from(body: dict[str, Any], status: int) -> LofteError:
    """The error an API error answer describes, in both its languages (``error_sv``)."""
    error = _error_of(body, status)
    error.swedish = body.get("error_sv") or None
    return error


def _error_of(body: dict[str, Any], status: int) -> LofteError:
    kind, message = body.get("error_kind"), str(body.get("error"))
    if kind == "Refused" or (status == 409 and body.get("unmet")):
        # the server said each criterion already, in both languages
        unmet = [Unmet(u["code"], Given(u["message_sv"], u["message_en"])) for u in body["unmet"]]
        refused = Refused(unmet)
        refused.headline = message  # the server's English, said already
        return refused
    if status == 403:
        return Forbidden(message)
    if status == 401:
        return NotAuthenticated(message)
    if status == 404:
        return NotFound(message)
    if status == 409:
        return Conflict(message)
    if status >= 500:
        return ServiceFailed(message)
    return InputError(message)


def _in_process(name: str, params: dict[str, Any], kind: str, credential: str) -> Any:
    from application import identity
    from application.usecase import FileResult, StreamedFile
    from flows.runtime import warm_up
    from wiring.usecases import BY_NAME, to_json

    principal = (
        identity.operator_principal(credential)
        if kind == "operator"
        else identity.authenticate_bearer(credential)
    )
    use_case = BY_NAME[name]
    if use_case.runs_flow:
        warm_up()  # Prefect's cold start: only the commands that run a flow pay it
    result = use_case.run(principal, params)
    if isinstance(result, FileResult | StreamedFile):
        return Document(result.content, result.media_type, result.filename)
    return json.loads(json.dumps(to_json(result), default=str))


def login(email: str, password: str, days: int) -> dict[str, Any]:
    """Sign in with a password and create a token for the CLI (through the service if up)."""
    params = {"email": email.lower(), "days": days, "name": "lofte login"}
    if service_available():
        base = client_settings().service_url
        as_json = {"Content-Type": "application/json"}
        credentials = json.dumps({"email": email, "password": password}).encode("utf-8")
        signed_in = http_request("POST", f"{base}/api/session", body=credentials, headers=as_json)
        if signed_in.status >= 400:
            _result(signed_in)
        cookie = signed_in.headers.get("set-cookie", "").split(";")[0]
        # Writes with a session cookie carry the session's CSRF token (web/csrf.py).
        csrf = str(_result(signed_in).get("csrf_token", ""))
        method, path = ROUTES["token.create"]
        created = http_request(
            method,
            base + path,
            body=json.dumps(params).encode("utf-8"),
            headers={**as_json, "Cookie": cookie, "X-CSRF-Token": csrf},
        )
        return _result(created)  # type: ignore[no-any-return]
    from application import identity
    from wiring.usecases import BY_NAME, to_json

    _session_id, principal = identity.sign_in_with_password(email, password, "cli")
    return to_json(BY_NAME["token.create"].run(principal, params))  # type: ignore[no-any-return]
