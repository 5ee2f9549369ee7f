"""Security headers on every answer: staff, public and admin pages, the API, static files and
error pages (issue 20). The pages carry no inline script, style or event handler, so the
Content Security Policy needs no 'unsafe-inline'; HSTS only behind an HTTPS public address."""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlmodel import select

from config.settings import reset_settings
from tests.web.conftest import PASSWORD, account
from web.api import create_app

EXPECTED = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)
INLINE_STYLE_BLOCK = re.compile(r"<style>(.*?)</style>", re.DOTALL)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def check_headers(response: Any, where: str) -> None:
    """Every security header present, the CSP strict, and no inline code in an HTML page."""
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (where, name, response.headers.get(name))
    csp = response.headers.get("content-security-policy", "")
    directives = {d.strip().split(" ", 1)[0]: d.strip() for d in csp.split(";") if d.strip()}
    assert directives.get("frame-ancestors") == "frame-ancestors 'none'", (where, csp)
    assert directives.get("script-src") == "script-src 'self'", (where, csp)
    # Styles: this site's files, and the compilation document's own stylesheet by its hash.
    assert directives.get("style-src", "").startswith("style-src 'self'"), (where, csp)
    allowed_inline = set(directives["style-src"].split()[2:])
    assert all(s.startswith("'sha256-") for s in allowed_inline), (where, csp)
    assert directives.get("object-src") == "object-src 'none'", (where, csp)
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, (where, csp)
    # No CORS granted, but to the open data and feeds (issue 21: anyone's tools may read them).
    open_data = re.search(r"GET /offentligt/\S*(\.json|\.csv|\.atom)\b", where)
    if open_data:
        assert response.headers.get("access-control-allow-origin") == "*", where
    else:
        assert "access-control-allow-origin" not in response.headers, where
    if response.headers.get("content-type", "").startswith("text/html"):
        html = response.text
        assert not INLINE_SCRIPT.search(html), (where, INLINE_SCRIPT.search(html))
        assert not INLINE_STYLE_ATTRIBUTE.search(html), (where, INLINE_STYLE_ATTRIBUTE.search(html))
        for block in INLINE_STYLE_BLOCK.findall(html):  # only the hashed ones
            digest = hashlib.sha256(block.encode("utf-8")).digest()
            assert f"'sha256-{base64.b64encode(digest).decode()}'" in allowed_inline, where
        assert not EVENT_HANDLER.search(html), (where, EVENT_HANDLER.search(html))


def _signed_in(email: str) -> TestClient:
    client = TestClient(create_app(warm=False))
    answer = client.post("/api/session", json={"email": email, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return client


def all_routes(routes: list[Any]) -> list[APIRoute]:
    """Every APIRoute, also those of included routers (FastAPI nests them)."""
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):
            found.extend(all_routes(route.original_router.routes))
    return found


def _fill(path: str, values: dict[str, str]) -> str:
    return re.sub(r"\{([^}:]+)(?::[^}]*)?\}", lambda m: values.get(m.group(1), "1"), path)


def test_every_page_and_answer_carries_the_security_headers(db) -> None:
    from models import Problem
    from models.db import session_scope
    from tests.web.test_public import _published_with_markers

    pid = _published_with_markers()
    with session_scope() as s:
        problem_id = s.exec(select(Problem.id).where(Problem.promise_id == pid)).first()
    account("samordnare@sollentuna.se", "Sollentuna")
    account("region@polisen.se", None, role="regional_coordinator")
    account("admin@lofte.se", None, role="admin")
    values = {
        "promise_id": str(pid),
        "region": "stockholm",
        "kind": "problem",
        "artefact_id": str(problem_id),
        "number": "1",
        "email": "samordnare@sollentuna.se",
        "token": "ingen-sadan-nyckel",
        "fmt": "html",
        "provider": "ingen",
        "message_id": "1",
        "token_id": "1",
    }
    clients = {
        "anonymous": TestClient(create_app(warm=False)),
        "coordinator": _signed_in("samordnare@sollentuna.se"),
        "regional": _signed_in("region@polisen.se"),
        "admin": _signed_in("admin@lofte.se"),
    }
    app = create_app(warm=False)
    statuses: dict[int, int] = {}
    pages = 0
    for route in all_routes(app.routes):
        if "GET" not in route.methods:
            continue
        path = _fill(route.path, values)
        who = clients.items() if not path.startswith("/api/") else [("coordinator", None)]
        for name, _ in who:
            answer = clients[name].get(path, follow_redirects=False)
            check_headers(answer, f"{name} GET {path} -> {answer.status_code}")
            statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1
            pages += answer.headers.get("content-type", "").startswith("text/html")
    # Error answers, static files and posts refused for a missing form token.
    extra = [
        clients["anonymous"].get("/finns-inte"),
        clients["anonymous"].get("/api/promises"),
        clients["anonymous"].post("/logga-in", data={"email": "x"}),
        clients["coordinator"].get("/admin"),
        clients["coordinator"].get("/loften/999999"),
        clients["admin"].post("/admin/nycklar/1/aterkalla"),
        clients["anonymous"].get("/static/lofte.css"),
        clients["anonymous"].get("/static/govuk/govuk-frontend.min.js"),
        clients["anonymous"].get("/health"),
        clients["anonymous"].put("/health"),
    ]
    for answer in extra:
        where = f"{answer.request.method} {answer.request.url} -> {answer.status_code}"
        check_headers(answer, where)
        statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1
    # The walk really saw pages, refusals and missing things, not only redirects.
    assert pages >= 40, statuses
    assert {200, 303, 400, 401, 403, 404, 405} <= set(statuses), statuses
    assert "strict-transport-security" not in extra[0].headers  # plain HTTP: no HSTS


@pytest.mark.parametrize(
    ("public_url", "hsts"), [("https://loften.example.se", True), ("http://127.0.0.1:1", False)]
)
def test_hsts_only_behind_an_https_public_address(monkeypatch, public_url, hsts) -> None:
    monkeypatch.setenv("LOFTE_PUBLIC_URL", public_url)
    reset_settings()
    client = TestClient(create_app(warm=False))
    for path in ("/health", "/logga-in", "/finns-inte", "/static/lofte.css"):
        answer = client.get(path)
        check_headers(answer, path)
        assert ("strict-transport-security" in answer.headers) is hsts, path
        if hsts:
            assert answer.headers["strict-transport-security"].startswith("max-age=31536000")


def test_a_route_cannot_weaken_the_headers() -> None:
    from fastapi import FastAPI
    from fastapi.responses import PlainTextResponse

    from web.headers import SecurityHeaders

    inner = FastAPI()

    @inner.get("/framed")
    def framed() -> PlainTextResponse:
        return PlainTextResponse("x", headers={"X-Frame-Options": "ALLOWALL"})

    inner.add_middleware(SecurityHeaders)
    answer = TestClient(inner).get("/framed")
    assert answer.headers.get_list("x-frame-options") == ["DENY"]
