"""Every route of the service needs credentials, except the few that are public by design."""

from __future__ import annotations

import re

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from flows.operations import missing_operations
from web.api import create_app

# Public by design: the health check, and the sign-in endpoints themselves.
PUBLIC = {
    ("GET", "/health"),
    # A command's challenge to the service, answered without credentials (cli/transport.py).
    ("GET", "/api/operator/proof"),
    ("POST", "/api/session"),
    ("DELETE", "/api/session"),
    ("GET", "/logga-in/oidc/{provider}"),
    ("GET", "/logga-in/oidc/{provider}/callback"),
}


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def test_every_route_but_the_public_ones_answers_401_without_credentials(db) -> None:
    app = create_app(warm=False)
    client = TestClient(app)
    walked = 0
    for route in app.routes:
        if not isinstance(route, APIRoute):
            continue
        for method in route.methods:
            response = client.request(method, _concrete(route.path))
            if (method, route.path) in PUBLIC:
                continue
            walked += 1
            assert response.status_code == 401, (method, route.path, response.status_code)
            assert response.headers.get("www-authenticate") == "Bearer"
    assert walked >= 25
    with_bad_token = client.get("/api/promises", headers={"Authorization": "Bearer nonsense"})
    assert with_bad_token.status_code == 401
    assert client.get("/docs").status_code == 404 and client.get("/openapi.json").status_code == 404


def test_every_route_has_its_use_case() -> None:
    assert missing_operations() == []
