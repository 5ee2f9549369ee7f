"""Signing in with the organisation's identity provider, end to end against a real OpenID
Connect provider on 127.0.0.1 (oidc-provider-mock): the browser's redirects are followed by
hand, the provider's consent form is posted, the ID token is checked and mapped."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
import yaml
from fastapi.testclient import TestClient
from oidc_provider_mock import User, run_server_in_thread

from config.settings import reset_settings
from tests.helpers import register
from web.api import create_app
from web.auth import SESSION_COOKIE

ANNA = User(
    sub="anna-berg",
    claims={
        "email": "anna.berg@sollentuna.se",
        "email_verified": True,
        "name": "Anna Berg",
        "roles": ["Lofte.Coordinator"],
        "org": "Sollentuna",
    },
)


@pytest.fixture
def provider() -> Iterator[str]:
    with run_server_in_thread(require_nonce=True, user_claims=[ANNA]) as server:
        yield f"http://127.0.0.1:{server.server_port}"


@pytest.fixture
def configured(db, provider: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    # The provider speaks plain HTTP on 127.0.0.1; Authlib refuses that unless told.
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")
    monkeypatch.setenv("LOFTE_TEST_OIDC_SECRET", "hemligt-klientlosen")
    claims = {"organisation": "org", "roles": {"Lofte.Coordinator": "coordinator"}}
    doc = {
        "providers": {
            "sollentuna": {
                "label": "Sollentuna kommun",
                "issuer": provider,
                "client_id": "lofte",
                "client_secret_env": "LOFTE_TEST_OIDC_SECRET",
                "organisations": [{"region": "stockholm", "name": "Sollentuna"}],
                "claims": claims,
            },
            "jarfalla": {
                "label": "Järfälla kommun",
                "issuer": provider,
                "client_id": "lofte",
                "client_secret_env": "LOFTE_TEST_OIDC_SECRET",
                "organisations": [{"region": "stockholm", "name": "Järfälla"}],
                "claims": claims,
            },
        }
    }
    path = tmp_path / "oidc.yaml"
    # Written out in full: the providers share one claims mapping, which yaml would dump as an
    # alias, and the loader refuses aliases (config/documents.py).
    path.write_text(
        yaml.dump(doc, Dumper=_NoAliases, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    monkeypatch.setenv("LOFTE_OIDC_FILE", str(path))
    reset_settings()
    register("samordnare@sollentuna.se", organisation="Sollentuna")
    register("samordnare@jarfalla.se", organisation="Järfälla")
    return provider


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: object) -> bool:
        return True


def _sign_in(client: TestClient, name: str) -> httpx.Response:
    start = client.get(f"/logga-in/oidc/{name}", follow_redirects=False)
    assert start.status_code == 302, start.text
    authorize = start.headers["location"]
    assert urlsplit(authorize).hostname == "127.0.0.1"
    # The person picks their account on the provider's page and consents.
    consent = httpx.post(authorize, data={"sub": ANNA.sub, "action": "allow"})
    assert consent.status_code == 302, consent.text
    back = urlsplit(consent.headers["location"])
    assert back.path == f"/logga-in/oidc/{name}/callback"
    return client.get(f"{back.path}?{back.query}", follow_redirects=False)


def test_sign_in_with_the_organisations_provider(configured: str) -> None:
    client = TestClient(create_app(warm=False))
    done = _sign_in(client, "sollentuna")
    assert done.status_code == 303, done.text
    assert SESSION_COOKIE in done.cookies
    me = client.get("/api/me").json()
    assert me["email"] == "anna.berg@sollentuna.se" and me["role"] == "coordinator"
    assert (me["method"], me["proof"]) == ("oidc", configured)


def test_a_provider_not_bound_to_the_organisation_grants_nothing(configured: str) -> None:
    client = TestClient(create_app(warm=False))
    done = _sign_in(client, "jarfalla")  # Järfälla's provider vouching for a Sollentuna person
    assert done.status_code == 401 and "may not vouch" in done.json()["error"]
    assert SESSION_COOKIE not in done.cookies
    assert client.get("/api/me").status_code == 401


def test_a_tampered_state_is_refused(configured: str) -> None:
    client = TestClient(create_app(warm=False))
    start = client.get("/logga-in/oidc/sollentuna", follow_redirects=False)
    consent = httpx.post(start.headers["location"], data={"sub": ANNA.sub})
    back = urlsplit(consent.headers["location"])
    forged = back.query.replace("state=", "state=x")
    assert client.get(f"{back.path}?{forged}", follow_redirects=False).status_code == 401
    assert client.get("/logga-in/oidc/okand").status_code == 404


def test_a_provider_cannot_take_over_a_person_of_no_organisation(configured: str) -> None:
    # An installation admin has no organisation; a bound provider naming the admin's e-mail
    # must not link its user to that row (nor make it a coordinator of Sollentuna).
    from sqlmodel import select

    from application.oidc import map_claims, provider
    from lifecycle.errors import NotAuthenticated
    from models import OidcIdentity, Person
    from models.db import session_scope

    register("admin@lofte.se", role="admin", organisation=None)
    claims = {**ANNA.claims, "sub": "x", "email": "admin@lofte.se"}
    with pytest.raises(NotAuthenticated, match="may not vouch"):
        map_claims(provider("sollentuna"), claims)
    with session_scope() as s:
        admin = s.exec(select(Person).where(Person.email == "admin@lofte.se")).one()
        assert admin.role.value == "admin" and admin.organisation_id is None
        assert s.exec(select(OidcIdentity)).all() == []


def test_the_sign_in_page_offers_each_configured_provider(configured: str) -> None:
    client = TestClient(create_app(warm=False))
    html = client.get("/logga-in").text
    assert "Logga in med din organisations konto" in html
    assert 'href="/logga-in/oidc/sollentuna"' in html


def test_a_person_is_bound_to_the_providers_subject_and_first_matched_only_verified(
    configured: str,
) -> None:
    """Issue 20: the first sign-in matches by e-mail only when the provider verified it; after
    that the (issuer, subject) pair finds the person, whatever the e-mail claim says."""
    from sqlmodel import select

    from application.oidc import map_claims, provider
    from lifecycle.errors import NotAuthenticated
    from models import OidcIdentity, Person
    from models.db import session_scope

    register("anna.berg@sollentuna.se", organisation="Sollentuna")
    register("bo@sollentuna.se", organisation="Sollentuna")
    config = provider("sollentuna")
    unverified = {**ANNA.claims, "sub": "anna-berg", "email_verified": False}
    with pytest.raises(NotAuthenticated, match="not verified"):
        map_claims(config, unverified)
    with pytest.raises(NotAuthenticated, match="not verified"):
        map_claims(config, {k: v for k, v in unverified.items() if k != "email_verified"})
    with session_scope() as s:
        assert s.exec(select(OidcIdentity)).all() == []
    anna = map_claims(config, {**ANNA.claims, "sub": "anna-berg"})
    # Later the provider's e-mail claim changes (or is forged) to Bo's: still Anna.
    again = map_claims(config, {**ANNA.claims, "sub": "anna-berg", "email": "bo@sollentuna.se"})
    assert again == anna
    # Another subject of the same provider claiming Anna's verified address: refused.
    with pytest.raises(NotAuthenticated, match="already bound"):
        map_claims(config, {**ANNA.claims, "sub": "someone-else"})
    # A name with a direction override arrives without it.
    map_claims(config, {**ANNA.claims, "sub": "anna-berg", "name": "Anna\u202e Berg"})
    with session_scope() as s:
        person = s.get(Person, anna)
        assert person is not None and person.email == "anna.berg@sollentuna.se"
        assert person.name == "Anna Berg"
        links = s.exec(select(OidcIdentity)).all()
        assert [(link.subject, link.person_id) for link in links] == [("anna-berg", anna)]
