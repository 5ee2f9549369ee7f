"""Issue 20: what is believed from a reverse proxy. X-Forwarded-For and X-Forwarded-Proto only
from LOFTE_TRUSTED_PROXIES (uvicorn's own trust of 127.0.0.1 is off), so rotating the header
does not slip past the per-address sign-in lock; the session cookie is Secure when the public
address is https. SQLite and PostgreSQL where the throttle table is read."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from config.settings import ConfigError, get_settings, reset_settings
from tests.identity.test_credentials import PASSWORD, _with_password
from web.api import create_app
from web.auth import SESSION_COOKIE
from web.proxies import client_address

NETS = [__import__("ipaddress").ip_network("10.0.0.0/24")]


@pytest.mark.parametrize(
    ("peer", "forwarded", "seen"),
    [
        ("192.0.2.7", "198.51.100.1", "192.0.2.7"),  # not a proxy: the header is ignored
        ("10.0.0.5", "198.51.100.1", "198.51.100.1"),  # the proxy says who it served
        ("10.0.0.5", "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # the client's own claim is not
        ("10.0.0.5", "198.51.100.1, 10.0.0.9", "198.51.100.1"),  # a chain of our proxies
        ("10.0.0.5", "nonsense", "10.0.0.5"),
        ("10.0.0.5", None, "10.0.0.5"),
        ("testclient", "198.51.100.1", "testclient"),
    ],
)
def test_the_client_address_from_a_trusted_proxy_only(peer, forwarded, seen) -> None:
    assert client_address(peer, forwarded, NETS) == seen


def test_a_proxy_list_that_is_not_addresses_is_refused(monkeypatch) -> None:
    monkeypatch.setenv("LOFTE_TRUSTED_PROXIES", "127.0.0.1, nginx.local")
    reset_settings()
    with pytest.raises(ConfigError, match=r"LOFTE_TRUSTED_PROXIES.*nginx\.local"):
        get_settings()


def test_lofte_serve_does_not_let_uvicorn_trust_forwarded_headers(monkeypatch) -> None:
    import uvicorn

    from web import server

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(kw))
    server.run("127.0.0.1", 1, with_scheduler=False)
    assert seen.get("proxy_headers") is False


def _fail_three_times(client: TestClient, forwarded: list[str]) -> None:
    for address in forwarded:
        answer = client.post(
            "/api/session",
            json={"email": "ingen@sollentuna.se", "password": "fel fel fel fel fel"},
            headers={"X-Forwarded-For": address},
        )
        assert answer.status_code == 401


def test_rotating_x_forwarded_for_does_not_escape_the_address_lock(db, monkeypatch) -> None:
    from models import SignInThrottle
    from models.db import session_scope

    monkeypatch.setenv("LOFTE_SIGNIN_MAX_FAILURES", "3")
    reset_settings()
    _with_password()
    local = TestClient(create_app(warm=False), client=("127.0.0.1", 40000))
    _fail_three_times(local, ["198.51.100.1", "198.51.100.2", "198.51.100.3"])
    # All three came from 127.0.0.1 as far as Löfte believes: that address is locked.
    right = local.post(
        "/api/session",
        json={"email": "samordnare@sollentuna.se", "password": PASSWORD},
        headers={"X-Forwarded-For": "198.51.100.4"},
    )
    assert right.status_code == 401
    with session_scope() as s:
        keys = {r.key for r in s.exec(select(SignInThrottle)).all()}
    assert "address:127.0.0.1" in keys and not any("198.51.100" in k for k in keys)


def test_a_configured_proxy_is_believed(db, monkeypatch) -> None:
    monkeypatch.setenv("LOFTE_SIGNIN_MAX_FAILURES", "3")
    monkeypatch.setenv("LOFTE_TRUSTED_PROXIES", "127.0.0.1")
    reset_settings()
    _with_password()
    proxy = TestClient(create_app(warm=False), client=("127.0.0.1", 40000))
    _fail_three_times(proxy, ["198.51.100.1"] * 3)
    # The locked one is the client the proxy named, not the proxy (everyone else's way in).
    other = proxy.post(
        "/api/session",
        json={"email": "samordnare@sollentuna.se", "password": PASSWORD},
        headers={"X-Forwarded-For": "198.51.100.9"},
    )
    assert other.status_code == 200
    locked = proxy.post(
        "/api/session",
        json={"email": "samordnare@sollentuna.se", "password": PASSWORD},
        headers={"X-Forwarded-For": "198.51.100.1"},
    )
    assert locked.status_code == 401


@pytest.mark.parametrize(
    ("public_url", "override", "secure"),
    [
        ("https://loften.example.se", None, True),
        ("http://127.0.0.1:1", None, False),
        ("https://loften.example.se", "false", False),
        ("http://127.0.0.1:1", "true", True),
    ],
)
def test_the_session_cookie_is_secure_behind_an_https_public_address(
    db, monkeypatch, public_url, override, secure
) -> None:
    monkeypatch.setenv("LOFTE_PUBLIC_URL", public_url)
    if override is not None:
        monkeypatch.setenv("LOFTE_COOKIE_SECURE", override)
    reset_settings()
    _with_password()
    client = TestClient(create_app(warm=False))
    answer = client.post(
        "/api/session", json={"email": "samordnare@sollentuna.se", "password": PASSWORD}
    )
    cookie = next(
        c for c in answer.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE + "=")
    )
    assert ("secure" in cookie.lower().split("; ")) is secure, cookie
    assert "httponly" in cookie.lower()
    # The language cookie follows the same rule.
    chosen = client.get("/tillganglighet?lang=en")
    language = next(c for c in chosen.headers.get_list("set-cookie") if c.startswith("lofte_lang="))
    assert ("secure" in language.lower().split("; ")) is secure, language


def test_the_deploy_files_agree_on_the_proxy(monkeypatch) -> None:
    import ipaddress
    from pathlib import Path

    deploy = Path(__file__).resolve().parents[2] / "deploy"
    for line in (deploy / "lofte.env.example").read_text(encoding="utf-8").splitlines():
        if line.startswith(("LOFTE_PUBLIC_URL=", "LOFTE_TRUSTED_PROXIES=")):
            key, value = line.split("=", 1)
            monkeypatch.setenv(key, value)
    reset_settings()
    settings = get_settings()
    assert settings.https and settings.secure_cookies
    assert any(ipaddress.ip_address("127.0.0.1") in n for n in settings.proxy_networks)
    nginx = (deploy / "nginx-lofte.conf").read_text(encoding="utf-8")
    # nginx replaces the client's header instead of appending to it.
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in nginx
    assert "$proxy_add_x_forwarded_for" not in nginx
