"""Sign-in: passwords, throttling and locks, sessions and their timeouts, tokens, and what is
logged. On SQLite and PostgreSQL, through the HTTP service where a browser or client would."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import select

from application import identity
from config.clock import now_utc
from config.settings import reset_settings
from lifecycle.errors import InputError, NotAuthenticated
from models.db import session_scope
from tests.helpers import register
from web.api import create_app
from web.auth import SESSION_COOKIE

EMAIL = "samordnare@sollentuna.se"
PASSWORD = "rätt häst batteri häftstift"


def _with_password(email: str = EMAIL, password: str = PASSWORD) -> None:
    from models import Person

    register(email)
    with session_scope() as s:
        person = s.exec(select(Person).where(Person.email == email)).one()
        identity.set_password(s, person, password)


def test_password_policy_and_hashing(db) -> None:
    register(EMAIL)
    with pytest.raises(InputError, match="at least 12"):
        identity.check_password_policy(EMAIL, "kort")
    with pytest.raises(InputError, match="e-mail"):
        identity.check_password_policy(EMAIL, EMAIL)
    _with_password()
    with session_scope() as s:
        stored = s.execute(text("select password_hash from localpassword")).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_wrong_password_and_unknown_account_get_the_same_answer(db) -> None:
    _with_password()
    with pytest.raises(NotAuthenticated) as wrong:
        identity.sign_in_with_password(EMAIL, "fel lösenord helt och hållet", "10.0.0.1")
    with pytest.raises(NotAuthenticated) as unknown:
        identity.sign_in_with_password("ingen@sollentuna.se", PASSWORD, "10.0.0.1")
    assert str(wrong.value) == str(unknown.value)
    session_id, principal = identity.sign_in_with_password(EMAIL, PASSWORD, "10.0.0.1")
    assert principal.email == EMAIL and principal.method == "password" and session_id


def test_account_locked_after_repeated_failures_then_unlocked(db, monkeypatch) -> None:
    monkeypatch.setenv("LOFTE_SIGNIN_MAX_FAILURES", "3")
    monkeypatch.setenv("LOFTE_SIGNIN_LOCK_MINUTES", "15")
    reset_settings()
    _with_password()
    start = now_utc()
    with time_machine.travel(start, tick=False):
        for _ in range(3):
            with pytest.raises(NotAuthenticated):
                identity.sign_in_with_password(EMAIL, "fel lösenord igen och igen", "10.0.0.2")
        # Locked: even the right password is refused now, from any address.
        with pytest.raises(NotAuthenticated):
            identity.sign_in_with_password(EMAIL, PASSWORD, "10.0.0.9")
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        assert identity.sign_in_with_password(EMAIL, PASSWORD, "10.0.0.9")[1].email == EMAIL


def test_address_locked_across_accounts(db, monkeypatch) -> None:
    monkeypatch.setenv("LOFTE_SIGNIN_MAX_FAILURES", "3")
    reset_settings()
    _with_password()
    for n in range(3):
        with pytest.raises(NotAuthenticated):
            identity.sign_in_with_password(
                f"gissning{n}@example.se", "vad som helst här", "10.9.9.9"
            )
    with pytest.raises(NotAuthenticated):  # the address is locked, whichever account it tries
        identity.sign_in_with_password(EMAIL, PASSWORD, "10.9.9.9")
    assert identity.sign_in_with_password(EMAIL, PASSWORD, "10.0.0.3")[1].email == EMAIL


def test_session_idle_and_absolute_timeouts(db, monkeypatch) -> None:
    monkeypatch.setenv("LOFTE_SESSION_IDLE_MINUTES", "30")
    monkeypatch.setenv("LOFTE_SESSION_ABSOLUTE_HOURS", "2")
    reset_settings()
    _with_password()
    start = now_utc()
    with time_machine.travel(start, tick=False):
        idle_session, _ = identity.sign_in_with_password(EMAIL, PASSWORD, "10.0.0.4")
        busy_session, _ = identity.sign_in_with_password(EMAIL, PASSWORD, "10.0.0.4")
    with (
        time_machine.travel(start + timedelta(minutes=31), tick=False),
        pytest.raises(NotAuthenticated, match="expired"),
    ):
        identity.authenticate_session(idle_session)
    for minutes in range(20, 120, 20):  # used every 20 minutes: never idle, but at most 2 h
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert identity.authenticate_session(busy_session).email == EMAIL
    with (
        time_machine.travel(start + timedelta(minutes=121), tick=False),
        pytest.raises(NotAuthenticated, match="expired"),
    ):
        identity.authenticate_session(busy_session)


def test_sign_in_rotates_the_session_id_and_sign_out_ends_it(db) -> None:
    _with_password()
    client = TestClient(create_app(warm=False))
    first = client.post("/api/session", json={"email": EMAIL, "password": PASSWORD})
    assert first.status_code == 200
    old = first.cookies[SESSION_COOKIE]
    assert first.json()["csrf_token"]
    assert client.get("/api/me").json()["method"] == "password"
    again = client.post("/api/session", json={"email": EMAIL, "password": PASSWORD})
    new = again.cookies[SESSION_COOKIE]
    assert new != old
    stale = TestClient(create_app(warm=False), cookies={SESSION_COOKIE: old})
    assert stale.get("/api/me").status_code == 401  # the id presented before was ended
    assert client.delete("/api/session").status_code == 403  # without the session's token
    csrf = {"X-CSRF-Token": again.json()["csrf_token"]}
    assert client.delete("/api/session", headers=csrf).status_code == 200
    kept = TestClient(create_app(warm=False), cookies={SESSION_COOKIE: new})
    assert kept.get("/api/me").status_code == 401  # ended on the server, not only forgotten
    wrong = client.post("/api/session", json={"email": EMAIL, "password": "fel fel fel fel"})
    assert wrong.status_code == 401 and SESSION_COOKIE not in wrong.cookies


def test_tokens_are_shown_once_stored_hashed_expire_and_can_be_revoked(db) -> None:
    from wiring.usecases import BY_NAME

    me = register(EMAIL)
    ops = BY_NAME
    created = ops["token.create"].run(me, {"email": EMAIL, "days": 1, "name": "skript"})
    token = created.token
    assert token.startswith("lofte_pat_")
    with session_scope() as s:
        assert token not in str(s.execute(text("select * from accesstoken")).all())
    listed = ops["token.list"].run(me, {})
    assert "token" not in listed[0].model_dump() and listed[0].name == "skript"
    client = TestClient(create_app(warm=False))
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/me", headers=bearer).json()["proof"] == f"token:{created.id}"
    with time_machine.travel(now_utc() + timedelta(days=2), tick=False):
        expired = client.get("/api/me", headers=bearer)
        assert expired.status_code == 401 and "expired" in expired.json()["error"]
    ops["token.revoke"].run(me, {"token_id": created.id})
    revoked = client.get("/api/me", headers=bearer)
    assert revoked.status_code == 401 and "revoked" in revoked.json()["error"]
    other = register("samordnare@jarfalla.se", organisation="Järfälla")
    with pytest.raises(Exception, match="own tokens"):
        ops["token.revoke"].run(other, {"token_id": created.id})
    with pytest.raises(Exception, match="right"):
        ops["token.create"].run(other, {"email": EMAIL})  # not for someone else


def test_the_audit_trail_records_how_the_actor_was_proven(db, prefect_harness) -> None:
    from models import AuditEvent
    from tests.helpers import new_promise

    register(EMAIL)
    pid = new_promise()
    from wiring.usecases import BY_NAME

    token = BY_NAME["token.create"].run(register(EMAIL), {"email": EMAIL})
    client = TestClient(create_app(warm=False))
    added = client.post(
        f"/api/promises/{pid}/artefacts/dialogue",
        json={
            "fields": {
                "method": "survey",
                "held_from": "2025-10-01",
                "participants": 12,
                "results": "Otryggt vid stationen",
            }
        },
        headers={"Authorization": f"Bearer {token.token}"},
    )
    assert added.status_code == 200, added.json()
    with session_scope() as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "artefact_added")).one()
    assert (event.actor, event.auth_method, event.auth_proof) == (
        EMAIL,
        "token",
        f"token:{token.id}",
    )


def test_no_password_or_token_in_any_log_or_audit_row(db, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    _with_password()
    client = TestClient(create_app(warm=False))
    client.post("/api/session", json={"email": EMAIL, "password": "fel fel fel fel fel"})
    csrf = client.post("/api/session", json={"email": EMAIL, "password": PASSWORD}).json()
    token = client.post(
        "/api/tokens", json={"email": EMAIL}, headers={"X-CSRF-Token": csrf["csrf_token"]}
    ).json()["token"]
    client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    client.get(f"/ical/promise/1.ics?token={token}")
    # Every log record of the service (the test's own HTTP client logs what it sends).
    logged = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("httpx"))
    with session_scope() as s:
        rows = "\n".join(
            str(s.execute(text(f"select * from {t}")).all())
            for t in ("auditevent", "accesstoken", "websession", "localpassword", "signinthrottle")
        )
    for secret in (PASSWORD, "fel fel fel fel fel", token):
        assert secret not in logged and secret not in rows


def test_what_is_typed_into_a_field_is_never_stored_or_echoed(db) -> None:
    # A password typed into the e-mail field must not land in the throttle table, and a
    # refused password must not be quoted back in the validation message.
    from lifecycle.permissions import system_principal
    from wiring.usecases import BY_NAME

    _with_password()
    with pytest.raises(NotAuthenticated):
        identity.sign_in_with_password(PASSWORD, "x", "10.0.0.9")
    with session_scope() as s:
        keys = " ".join(s.execute(text("select key from signinthrottle")).scalars())
    assert PASSWORD.lower() not in keys and "account:" in keys
    too_long = "hemligt" * 200
    with pytest.raises(InputError) as refused:
        BY_NAME["user.password"].run(system_principal(), {"email": EMAIL, "password": too_long})
    assert "hemligt" not in str(refused.value)
