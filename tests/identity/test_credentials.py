"""Issue 20: credentials that cannot be stretched. Tokens have scopes and cannot breed;
revoking a token revokes the tokens it made; a password change needs the current password and
ends every other session and token; an admin sets only one-time passwords and makes tokens only
for service accounts, audited as the admin, and the person is told; the JSON API takes writes
only with a bearer token or the session's CSRF token, JSON only. SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import select

from application import identity
from models.db import session_scope
from tests.helpers import register
from web.api import create_app
from web.auth import SESSION_COOKIE

EMAIL = "samordnare@sollentuna.se"
PASSWORD = "rätt häst batteri häftstift"
NEW_PASSWORD = "ett helt annat långt lösenord"


def _with_password(email: str = EMAIL, role: str = "coordinator", **kw: Any) -> None:
    from models import Person

    register(email, role=role, organisation=None if role == "admin" else "Sollentuna", **kw)
    with session_scope() as s:
        identity.set_password(
            s, s.exec(select(Person).where(Person.email == email)).one(), PASSWORD
        )


def _browser(email: str = EMAIL, password: str = PASSWORD) -> tuple[TestClient, dict[str, str]]:
    """A signed-in client and the headers its writes need (the session's CSRF token)."""
    client = TestClient(create_app(warm=False))
    answer = client.post("/api/session", json={"email": email, "password": password})
    assert answer.status_code == 200, answer.text
    return client, {"X-CSRF-Token": answer.json()["csrf_token"]}


def _count(table: str) -> int:
    with session_scope() as s:
        return int(s.execute(text(f"select count(*) from {table}")).scalar_one())


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# --- token scopes and lineage ----------------------------------------------------------------


def test_a_token_cannot_create_tokens_or_change_the_password_unless_made_for_it(db) -> None:
    _with_password()
    browser, csrf = _browser()
    plain = browser.post("/api/tokens", json={"email": EMAIL}, headers=csrf).json()
    assert plain["scopes"] == ["api"]
    api = TestClient(create_app(warm=False))
    before = _count("accesstoken")
    bred = api.post("/api/tokens", json={"email": EMAIL}, headers=_bearer(plain["token"]))
    assert bred.status_code == 403 and "scope tokens" in bred.json()["error"]
    changed = api.post(
        f"/api/people/{EMAIL}/password",
        json={"password": NEW_PASSWORD, "current_password": PASSWORD},
        headers=_bearer(plain["token"]),
    )
    assert changed.status_code == 403 and "scope credentials" in changed.json()["error"]
    assert _count("accesstoken") == before
    assert identity.sign_in_with_password(EMAIL, PASSWORD, "10.0.0.1")  # unchanged
    # Its work is still allowed.
    assert api.get("/api/me", headers=_bearer(plain["token"])).status_code == 200

    # A token made for it may create tokens, but never with more than it has itself.
    breeder = browser.post(
        "/api/tokens", json={"email": EMAIL, "scopes": ["tokens"]}, headers=csrf
    ).json()
    assert breeder["scopes"] == ["api", "tokens"]
    child = api.post("/api/tokens", json={"email": EMAIL}, headers=_bearer(breeder["token"]))
    assert child.status_code == 200 and child.json()["parent_id"] == breeder["id"]
    more = api.post(
        "/api/tokens",
        json={"email": EMAIL, "scopes": ["tokens", "credentials"]},
        headers=_bearer(breeder["token"]),
    )
    assert more.status_code == 403 and "more than it may do" in more.json()["error"]
    # A token with the credentials scope may change the password (with the current one).
    keys = browser.post(
        "/api/tokens", json={"email": EMAIL, "scopes": ["credentials"]}, headers=csrf
    ).json()
    ok = api.post(
        f"/api/people/{EMAIL}/password",
        json={"password": NEW_PASSWORD, "current_password": PASSWORD},
        headers=_bearer(keys["token"]),
    )
    assert ok.status_code == 200, ok.text


def test_revoking_a_token_revokes_every_token_it_created(db) -> None:
    _with_password()
    browser, csrf = _browser()
    api = TestClient(create_app(warm=False))
    parent = browser.post(
        "/api/tokens", json={"email": EMAIL, "scopes": ["tokens"]}, headers=csrf
    ).json()
    child = api.post(
        "/api/tokens", json={"email": EMAIL, "scopes": ["tokens"]}, headers=_bearer(parent["token"])
    ).json()
    grandchild = api.post("/api/tokens", json={"email": EMAIL}, headers=_bearer(child["token"]))
    grandchild_token = grandchild.json()["token"]
    sibling = browser.post("/api/tokens", json={"email": EMAIL}, headers=csrf).json()
    for token in (parent["token"], child["token"], grandchild_token):
        assert api.get("/api/me", headers=_bearer(token)).status_code == 200
    revoked = api.post(f"/api/tokens/{parent['id']}/revoke", headers=_bearer(sibling["token"]))
    assert revoked.status_code == 200
    assert sorted(revoked.json()["also_revoked"]) == sorted([child["id"], grandchild.json()["id"]])
    for token in (parent["token"], child["token"], grandchild_token):
        answer = api.get("/api/me", headers=_bearer(token))
        assert answer.status_code == 401 and "revoked" in answer.json()["error"]
    assert api.get("/api/me", headers=_bearer(sibling["token"])).status_code == 200


# --- changing a password ------------------------------------------------------------------------


def test_changing_the_password_needs_the_current_one_and_ends_every_other_session_and_token(
    db,
) -> None:
    from models import OutboxMessage

    _with_password()
    here, csrf = _browser()
    elsewhere, _ = _browser()
    token = here.post("/api/tokens", json={"email": EMAIL}, headers=csrf).json()["token"]
    path = f"/api/people/{EMAIL}/password"
    missing = here.post(path, json={"password": NEW_PASSWORD}, headers=csrf)
    assert missing.status_code == 422 and "current password" in missing.json()["error"]
    wrong = here.post(
        path,
        json={"password": NEW_PASSWORD, "current_password": "inte det rätta alls"},
        headers=csrf,
    )
    assert wrong.status_code == 403 and "current password is wrong" in wrong.json()["error"]
    assert identity.sign_in_with_password(EMAIL, PASSWORD, "10.0.0.1")  # nothing changed
    ok = here.post(
        path, json={"password": NEW_PASSWORD, "current_password": PASSWORD}, headers=csrf
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["one_time"] is False and ok.json()["revoked_tokens"] == 1
    assert here.get("/api/me").status_code == 200  # this session goes on
    assert elsewhere.get("/api/me").status_code == 401  # every other one has ended
    assert here.get("/api/me", headers=_bearer(token)).status_code == 401
    assert identity.sign_in_with_password(EMAIL, NEW_PASSWORD, "10.0.0.1")
    with session_scope() as s:
        notice = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "account_notice")).one()
        assert notice.recipient == EMAIL and notice.payload["event"] == "password_changed"
        assert PASSWORD not in str(notice.payload) and NEW_PASSWORD not in str(notice.payload)


# --- what an admin may do to someone else's account ------------------------------------------


def test_an_admin_sets_only_a_one_time_password_audited_as_the_admin_and_the_person_is_told(
    db,
) -> None:
    from models import AuditEvent, OutboxMessage

    _with_password()
    _with_password("admin@lofte.se", role="admin")
    victim, victim_csrf = _browser()
    victim_token = victim.post("/api/tokens", json={"email": EMAIL}, headers=victim_csrf).json()
    admin, admin_csrf = _browser("admin@lofte.se")
    one_time = "engångslösenord för anna"
    answer = admin.post(
        f"/api/people/{EMAIL}/password", json={"password": one_time}, headers=admin_csrf
    )
    assert answer.status_code == 200 and answer.json()["one_time"] is True
    # The person's sessions and tokens have ended: the admin cannot slip in beside them.
    assert victim.get("/api/me").status_code == 401
    assert victim.get("/api/me", headers=_bearer(victim_token["token"])).status_code == 401
    # Signing in with it allows nothing but choosing a new password.
    person, person_csrf = _browser(EMAIL, one_time)
    assert person.get("/api/me").json()["email"] == EMAIL
    blocked = person.get("/api/promises")
    assert blocked.status_code == 403 and "one-time password" in blocked.json()["error"]
    no_token = person.post("/api/tokens", json={"email": EMAIL}, headers=person_csrf)
    assert no_token.status_code == 403
    changed = person.post(
        f"/api/people/{EMAIL}/password",
        json={"password": NEW_PASSWORD, "current_password": one_time},
        headers=person_csrf,
    )
    assert changed.status_code == 200, changed.text
    assert person.get("/api/promises").status_code == 200
    with session_scope() as s:
        event = s.exec(
            select(AuditEvent).where(AuditEvent.action == "account_one_time_password")
        ).one()
        assert event.actor == "admin@lofte.se" and event.details["person"] == EMAIL
        assert event.auth_method == "password"
        told = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "account_notice")).all()
        assert [(m.recipient, m.payload["event"], m.payload["by"]) for m in told] == [
            (EMAIL, "one_time_password", "admin@lofte.se"),
            (EMAIL, "password_changed", EMAIL),
        ]


def test_an_admin_makes_tokens_only_for_service_accounts(db) -> None:
    from models import AuditEvent, OutboxMessage

    _with_password()
    _with_password("admin@lofte.se", role="admin")
    admin, csrf = _browser("admin@lofte.se")
    account = {
        "email": "integration@sollentuna.se",
        "name": "Ärendesystemet",
        "role": "coordinator",
        "organisation": "Sollentuna",
        "region": "stockholm",
        "service_account": True,
    }
    added = admin.post("/api/people", json=account, headers=csrf)
    assert added.status_code == 200 and added.json()["service_account"] is True, added.text
    before = _count("accesstoken")
    refused = admin.post("/api/tokens", json={"email": EMAIL}, headers=csrf)
    assert refused.status_code == 403 and "service accounts" in refused.json()["error"]
    assert _count("accesstoken") == before
    made = admin.post("/api/tokens", json={"email": "integration@sollentuna.se"}, headers=csrf)
    assert made.status_code == 200, made.text
    api = TestClient(create_app(warm=False))
    me = api.get("/api/me", headers=_bearer(made.json()["token"])).json()
    assert me["email"] == "integration@sollentuna.se"
    with session_scope() as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "account_token_created")).one()
        assert event.actor == "admin@lofte.se"
        assert event.details == {
            "person": "integration@sollentuna.se",
            "token_id": me["proof"][6:],
        } or (event.details["token_id"] == made.json()["id"])
        told = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "account_notice")).one()
        assert told.recipient == "integration@sollentuna.se"


# --- the JSON API and the browser's session -------------------------------------------------


def test_the_api_takes_writes_with_a_session_only_with_its_csrf_token_and_json(db) -> None:
    _with_password()
    browser, csrf = _browser()
    _other, other_csrf = _browser()
    before = _count("accesstoken")
    no_header = browser.post("/api/tokens", json={"email": EMAIL})
    assert no_header.status_code == 403 and "X-CSRF-Token" in no_header.json()["error"]
    # Another session's token is not this one's.
    assert browser.post("/api/tokens", json={"email": EMAIL}, headers=other_csrf).status_code == 403
    as_form = browser.post("/api/tokens", data={"email": EMAIL}, headers=csrf)
    assert as_form.status_code == 415
    as_text = browser.post(
        "/api/tokens", content=b'{"email": "x"}', headers={**csrf, "Content-Type": "text/plain"}
    )
    assert as_text.status_code == 415
    assert _count("accesstoken") == before
    assert browser.post("/api/tokens", json={"email": EMAIL}, headers=csrf).status_code == 200
    # The token is there to be asked for again, and a new sign-in makes a new one.
    assert browser.get("/api/session").json()["csrf_token"] == csrf["X-CSRF-Token"]
    again = browser.post("/api/session", json={"email": EMAIL, "password": PASSWORD})
    assert again.json()["csrf_token"] != csrf["X-CSRF-Token"]
    assert browser.post("/api/tokens", json={"email": EMAIL}, headers=csrf).status_code == 403


def test_signing_in_through_the_api_takes_json_only(db) -> None:
    _with_password()
    client = TestClient(create_app(warm=False))
    # What another site's form could send: refused, and no session is opened.
    for kind, kw in (
        ("form", {"data": {"email": EMAIL, "password": PASSWORD}}),
        (
            "text",
            {
                "content": f'{{"email": "{EMAIL}", "password": "{PASSWORD}"}}'.encode(),
                "headers": {"Content-Type": "text/plain"},
            },
        ),
    ):
        answer = client.post("/api/session", **kw)  # type: ignore[arg-type]
        assert answer.status_code == 415, kind
        assert SESSION_COOKIE not in answer.cookies
    assert _count("websession") == 0


def test_a_page_form_token_is_bound_to_the_session(db) -> None:
    import re

    _with_password()
    one, _ = _browser()
    two, _ = _browser()
    token_one = re.search(r'name="csrf_token" value="([^"]+)"', one.get("/").text)
    assert token_one
    # The other session's sign-out form with the first session's token: refused.
    refused = two.post("/logga-ut", data={"csrf_token": token_one.group(1)}, follow_redirects=False)
    assert two.get("/api/me").status_code == 200, refused.status_code
    ok = one.post("/logga-ut", data={"csrf_token": token_one.group(1)}, follow_redirects=False)
    assert ok.status_code == 303 and one.get("/api/me").status_code == 401
