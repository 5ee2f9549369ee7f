"""Issue 18, point 4: what a bad day does to the default service gets a clear answer, writes
nothing, and is never a 500 or a traceback.

- another process holds the database's write lock: signed-in reads, staff pages, checking a
  token or a session do not wait for it; writes (sign-in, a new token, a resident's
  subscription) answer 503 with Retry-After after ``lock_wait_seconds``, the CLI a sentence;
- a calendar override is checked for the right before it is parsed, parsed with the bounded
  loader, and a broken one is a 422 naming the field;
- deeply nested JSON, and ``as_of`` in year 1 or 9999, are 422;
- a broken channels file is refused whole when it is loaded, naming channel and field;
- every CLI input error is exit 2 with a sentence, the first admin's path included.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select, text, update
from typer.testing import CliRunner

from cli.main import app as cli_app
from config.settings import reset_settings
from lifecycle.stages import Stage
from models import AccessToken, PromiseCalendar, SubscriptionRequest, WebSession
from models.db import _nowait_engine, get_engine, get_read_engine, session_scope
from tests.helpers import new_promise, register
from web.api import create_app

PASSWORD = "rätt-häst-batteri-klammer"
ME = "samordnare@sollentuna.se"


def _count(model: Any) -> int:
    with session_scope() as s:
        return int(s.execute(select(func.count()).select_from(model)).scalar_one())


@contextmanager
def write_lock_held(db: Any) -> Iterator[None]:
    """Another process writing, and taking its time: SQLite's write lock held by a second
    connection (BEGIN IMMEDIATE); on PostgreSQL every table locked against writers (EXCLUSIVE
    lets plain reads through, as a long writer's row locks do)."""
    if db.backend == "sqlite":
        other = sqlite3.connect(db.url.removeprefix("sqlite:///"), isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
        return
    from sqlmodel import SQLModel

    engine = create_engine(db.url)
    with engine.connect() as conn:
        tables = ", ".join(f'"{name}"' for name in SQLModel.metadata.tables)
        conn.execute(text(f"LOCK TABLE {tables} IN EXCLUSIVE MODE"))
        try:
            yield
        finally:
            conn.rollback()
    engine.dispose()


def _lower_lock_wait(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    monkeypatch.setenv("LOFTE_LOCK_WAIT_SECONDS", str(seconds))
    reset_settings()
    get_engine.cache_clear()
    get_read_engine.cache_clear()
    _nowait_engine.cache_clear()


def _published_promise() -> int:
    from tests.test_method import walk_to

    pid = new_promise()
    walk_to(pid, Stage.CONTINUOUS_EVALUATION)
    return pid


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


@pytest.mark.timeout(180)
def test_a_held_write_lock_delays_no_read_and_a_write_is_503_with_retry_after(
    db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.web.conftest import account
    from wiring.usecases import BY_NAME

    pid = _published_promise()
    account(ME, "Sollentuna")
    me = register(ME)
    # A token made for making tokens (issue 20: a plain token cannot), so its write is one.
    token = BY_NAME["token.create"].run(me, {"email": ME, "scopes": ["tokens"]}).token
    _lower_lock_wait(monkeypatch, 0.5)
    client = TestClient(create_app(warm=False))
    signed_in = client.post("/api/session", json={"email": ME, "password": PASSWORD})
    assert signed_in.status_code == 200
    cookie = {"lofte_session": signed_in.cookies["lofte_session"]}
    with session_scope() as s:  # seen a while ago: the next request wants to stamp it
        s.execute(update(WebSession).values(last_seen_at=datetime.now(UTC) - timedelta(minutes=5)))
    client.cookies.clear()  # the sign-in form of a browser with no session (issue 20's CSRF)
    login_page = client.get("/logga-in")
    before = {m: _count(m) for m in (AccessToken, WebSession, SubscriptionRequest)}
    bearer = {"Authorization": f"Bearer {token}"}

    with write_lock_held(db):
        started = time.perf_counter()
        # Reads, signed in by token and by session: at once, and the stamps are skipped.
        assert client.get(f"/api/promises/{pid}", headers=bearer).status_code == 200
        client.cookies.clear()
        assert client.get(f"/api/promises/{pid}", cookies=cookie).status_code == 200
        home = client.get("/", cookies=cookie)
        assert home.status_code == 200 and "Mina uppgifter" in home.text
        assert time.perf_counter() - started < 3, "a read waited for the writer"

        # Writes: 503, Retry-After, a sentence, after about lock_wait_seconds.
        started = time.perf_counter()
        created = client.post("/api/tokens", json={"email": ME}, headers=bearer)
        assert created.status_code == 503 and created.headers["Retry-After"].isdigit()
        assert created.json()["error_kind"] == "Busy" and "try again" in created.json()["error"]
        assert time.perf_counter() - started < 5
        client.cookies.clear()
        api_sign_in = client.post("/api/session", json={"email": ME, "password": PASSWORD})
        assert api_sign_in.status_code == 503 and "Retry-After" in api_sign_in.headers
        client.cookies.clear()
        page_sign_in = client.post(
            "/logga-in",
            data={"email": ME, "password": PASSWORD, "csrf_token": _csrf(login_page.text)},
            cookies={"lofte_csrf": login_page.cookies["lofte_csrf"]},
        )
        assert page_sign_in.status_code == 503 and "Retry-After" in page_sign_in.headers
        assert "Systemet är upptaget just nu" in page_sign_in.text
        subscribe = client.post(
            f"/offentligt/loften/{pid}/bevaka",
            data={"epost": "invanare@exempel.se", "samtycke": "ja"},
        )
        assert subscribe.status_code == 503 and "Retry-After" in subscribe.headers
        assert "Ingenting har ändrats" in subscribe.text

        # The CLI, in its own process's way (no service): a sentence and exit 1.
        monkeypatch.setenv("LOFTE_TOKEN", token)
        result = CliRunner().invoke(cli_app, ["token", "create", ME])
        assert result.exit_code == 1, result.output
        assert "busy" in result.output and "Traceback" not in result.output

    assert {m: _count(m) for m in before} == before  # nothing was written
    assert _last_used(token) is None  # the stamp was skipped, not waited for
    # With the lock free again the stamp is written (best effort, not never).
    assert client.get(f"/api/promises/{pid}", headers=bearer).status_code == 200
    assert _last_used(token) is not None


def _last_used(token: str) -> Any:
    from application.identity import digest

    with session_scope() as s:
        row = s.execute(
            select(AccessToken).where(AccessToken.token_hash == digest(token))  # type: ignore[arg-type]
        ).scalar_one()
        return row.last_used_at


def test_the_lock_wait_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    from config.settings import get_settings

    assert get_settings().lock_wait_seconds == 5.0
    monkeypatch.setenv("LOFTE_LOCK_WAIT_SECONDS", "0.2")
    reset_settings()
    assert get_settings().lock_wait_seconds == 0.2
    monkeypatch.setenv("LOFTE_LOCK_WAIT_SECONDS", "-1")
    reset_settings()
    with pytest.raises(Exception, match="LOFTE_LOCK_WAIT_SECONDS"):
        get_settings()


# --- calendar overrides ----------------------------------------------------------------------


def test_a_calendar_override_is_checked_for_the_right_first_bounded_and_422_naming_the_field(
    db: Any,
) -> None:
    from wiring.usecases import BY_NAME

    pid = new_promise()
    register(ME)
    stranger = register("samordnare@danderyd.se", organisation="Danderyd")
    tokens = {
        who: BY_NAME["token.create"].run(principal, {"email": who}).token
        for who, principal in ((ME, register(ME)), ("samordnare@danderyd.se", stranger))
    }
    client = TestClient(create_app(warm=False))

    def post(who: str, override: str) -> Any:
        return client.post(
            f"/api/promises/{pid}/calendar",
            json={"override": override},
            headers={"Authorization": f"Bearer {tokens[who]}"},
        )

    deep = "a: " + "[" * 5000 + "]" * 5000
    # No right on the promise: refused before the text is even read.
    refused = post("samordnare@danderyd.se", deep)
    assert refused.status_code == 403, refused.text
    assert post("samordnare@danderyd.se", "stages: {dialogue: nonsense}").status_code == 403

    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    started = time.perf_counter()
    bomb = post(ME, laughs)
    assert bomb.status_code == 422 and "alias" in bomb.json()["error"]
    assert time.perf_counter() - started < 2
    cases = {
        deep: "nested deeper",
        "stages:\n  resident_dialogue: {anchor: moon}": "stages.resident_dialogue.anchor",
        "evaluation: [1, 2]": "evaluation",
        "evaluation: {rhythm: weekly}": "evaluation.rhythm",
        "reminders: {before: [-1]}": "reminders.before",
        "1: x": "not text",
        "when: !!timestamp 2026-01-01": "tag",
        "- a\n- b": "mapping",
        "\x10": "not valid YAML",
        "renewal: 13-45": "renewal",
    }
    for override, named in cases.items():
        answer = post(ME, override)
        assert answer.status_code == 422, (override[:40], answer.text)
        assert named in answer.json()["error"], (override[:40], answer.json()["error"])
    with session_scope() as s:
        row = s.get(PromiseCalendar, pid)
        assert row is None or row.override is None  # nothing stored
    assert post(ME, "evaluation: {rhythm: quarterly}").status_code == 200


# --- request bodies and dates ----------------------------------------------------------------


def test_deep_json_bodies_and_extreme_dates_are_422_with_a_sentence(db: Any) -> None:
    from wiring.usecases import BY_NAME

    register(ME)
    regional = register(
        "region@polisen.se", "regional_coordinator", "Polisregion Stockholm", "police_region"
    )
    token = BY_NAME["token.create"].run(regional, {"email": "region@polisen.se"}).token
    bearer = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    client = TestClient(create_app(warm=False))
    for depth in (30, 100_000):
        body = '{"region": ' + "[" * depth + "]" * depth + "}"
        answer = client.post("/api/promises", content=body, headers=bearer)
        assert answer.status_code == 422, answer.text
        assert "nested deeper than" in answer.json()["error"]
        signing_in = client.post("/api/session", content=body, headers=bearer)
        assert signing_in.status_code == 401
    nan = client.post("/api/promises", content='{"years": NaN}', headers=bearer)
    assert nan.status_code == 422 and "NaN" in nan.json()["error"]
    for day in (
        "0001-01-01",
        "9999-12-31",
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-12:00",
    ):
        for path in ("/api/regions/stockholm/overview", "/api/me/deadlines"):
            answer = client.get(path, params={"as_of": day}, headers=bearer)
            assert answer.status_code == 422, (path, day, answer.text)
            assert "not a plausible day" in answer.json()["error"]
    assert (
        client.get(
            "/api/regions/stockholm/overview", params={"as_of": "2026-06-01"}, headers=bearer
        ).status_code
        == 200
    )


# --- the channels file -----------------------------------------------------------------------


def _channels(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str, **env: str) -> Path:
    path = tmp_path / "channels.yaml"
    path.write_text(body, encoding="utf-8")
    monkeypatch.setenv("LOFTE_CHANNELS_FILE", str(path))
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return path


WEBHOOK = """
default_channel: hook
channels:
  hook:
    type: webhook
    url: http://127.0.0.1:9/hook
    secret_env: HOOK_SECRET
"""


@pytest.mark.parametrize(
    ("body", "env", "named"),
    [
        (WEBHOOK, {"HOOK_SECRET": "whsec_this is not base64!"}, "channels.hook.secret_env"),
        (WEBHOOK, {"HOOK_SECRET": "whsec_"}, "channels.hook.secret_env"),
        (
            WEBHOOK.replace("http://127.0.0.1:9/hook", "http://"),
            {"HOOK_SECRET": "s"},
            "channels.hook.url",
        ),
        (
            WEBHOOK + "    headers: {'X-Bad': \"a\\nb\"}\n",
            {"HOOK_SECRET": "s"},
            "channels.hook.headers.X-Bad",
        ),
        (
            WEBHOOK + "    headers: {'Bad Name': x}\n",
            {"HOOK_SECRET": "s"},
            "channels.hook.headers.Bad Name",
        ),
        (
            "channels:\n  mail:\n    type: mail\n    preset: postmark\n    token_env: MAIL_TOKEN\n"
            "    from: a@b.se\n",
            {"MAIL_TOKEN": "abc\ndef"},
            "channels.mail.token_env",
        ),
        (
            "channels:\n  mail:\n    type: mail\n    endpoint: http://127.0.0.1:9/m\n"
            "    token_env: MAIL_TOKEN\n    from: a@b.se\n    auth_header: 'X Auth'\n",
            {"MAIL_TOKEN": "abc"},
            "channels.mail.auth_header",
        ),
        (WEBHOOK + "    nonsense: 1\n", {"HOOK_SECRET": "s"}, "channels.hook.nonsense"),
        ("channels: &a {}\nx: *a\n", {}, "alias"),
    ],
    ids=[
        "whsec-not-base64",
        "whsec-empty",
        "url-without-host",
        "header-value-line-break",
        "header-name-space",
        "mail-token-line-break",
        "mail-auth-header-space",
        "unknown-field",
        "yaml-alias",
    ],
)
def test_a_broken_channels_file_is_refused_whole_naming_channel_and_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str, env: dict[str, str], named: str
) -> None:
    _channels(tmp_path, monkeypatch, body, **env)
    dispatch = CliRunner().invoke(cli_app, ["outbox", "dispatch", "--max-seconds", "1"])
    assert dispatch.exit_code == 2, dispatch.output
    assert named in dispatch.output and "Traceback" not in dispatch.output
    assert "whsec_this" not in dispatch.output and "abc" not in dispatch.output  # no secrets
    # The service refuses to start with it (before it listens on anything).
    serve = CliRunner().invoke(cli_app, ["serve", "--port", "1", "--no-scheduler"])
    assert serve.exit_code == 2 and named in serve.output, serve.output


def test_a_good_webhook_secret_is_accepted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from notifications.channel_config import load_channels

    _channels(tmp_path, monkeypatch, WEBHOOK, HOOK_SECRET="whsec_c2VjcmV0")
    setup = load_channels()
    assert setup is not None and set(setup.channels) == {"hook"}


# --- the CLI ---------------------------------------------------------------------------------


def test_cli_input_errors_are_exit_2_with_a_sentence_the_first_admin_included(db: Any) -> None:
    runner = CliRunner()
    first_admin = runner.invoke(
        cli_app, ["person", "add", "--email", "a@b.se", "--name", "A", "--role", "admin"]
    )
    assert first_admin.exit_code == 2, first_admin.output
    assert "name" in first_admin.output and "at least 2 characters" in first_admin.output
    assert "Traceback" not in first_admin.output and "pydantic" not in first_admin.output
    bad_role = runner.invoke(
        cli_app, ["person", "add", "--email", "a@b.se", "--name", "Anna", "--role", "kung"]
    )
    assert bad_role.exit_code in (2, 3) and "Traceback" not in bad_role.output
    bad_day = runner.invoke(cli_app, ["demo", "--today", "2026-13-45"])
    assert bad_day.exit_code == 2 and "Traceback" not in bad_day.output, bad_day.output
    assert (
        runner.invoke(
            cli_app, ["person", "add", "--email", "a@b.se", "--name", "Anna", "--role", "admin"]
        ).exit_code
        == 0
    )
