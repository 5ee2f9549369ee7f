"""The local mailbox (issue 25): with no mail channel on the embedded default, mail goes through
the ordinary dispatcher, over httpx, to the service's own endpoint, and the operator reads it
at /admin/lokal-post. `tests/web/test_make_run.py` walks the whole loop under `make run`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from config.settings import reset_settings


def _use_port(monkeypatch: pytest.MonkeyPatch, server: str) -> None:
    monkeypatch.setenv("LOFTE_API_PORT", server.rsplit(":", 1)[1])
    reset_settings()


def test_the_mailbox_is_on_only_where_nothing_else_can_carry_mail(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from notifications import local_mailbox
    from notifications.channel_config import load_channels

    # Nothing configured (the embedded default): the box carries staff and resident mail.
    assert local_mailbox.active(channels_file_configured=False)
    setup = load_channels()
    assert setup is not None and setup.source is None
    for name in ("default", "residents"):
        channel = setup.resolve(name)
        assert channel is not None and channel.name == "lokal-brevlada"
    assert local_mailbox.delivery_url() == "http://127.0.0.1:8470/lokal-post/leverera"

    # A channels file, a database of its own, or "off": mail waits for the real channel.
    assert not local_mailbox.active(channels_file_configured=True)
    monkeypatch.setenv("LOFTE_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    reset_settings()
    assert not local_mailbox.active(channels_file_configured=False)
    assert load_channels() is None
    monkeypatch.setenv("LOFTE_LOCAL_MAILBOX", "on")
    reset_settings()
    assert local_mailbox.active(channels_file_configured=False)
    monkeypatch.delenv("LOFTE_DATABASE_URL")
    monkeypatch.setenv("LOFTE_LOCAL_MAILBOX", "off")
    reset_settings()
    assert load_channels() is None


def test_the_dispatcher_delivers_into_the_box_and_the_admin_reads_it(
    db: Any, server: str, page: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from models.db import session_scope
    from notifications.dispatcher import dispatch_pending
    from notifications.outbox import enqueue
    from tests.web.conftest import account, axe_violations, screenshot, sign_in

    monkeypatch.setenv("LOFTE_LOCAL_MAILBOX", "on")
    _use_port(monkeypatch, server)
    with session_scope() as s:
        enqueue(
            s,
            key="local-1",
            kind="generic",
            channel="default",
            recipient="anna@sollentuna.se",
            payload={
                "title": "Påminnelse: <uppföljning> av löftet",
                "lines": ["Läs mer: https://example.se/x?a=1&b=2"],
            },
        )
    report = dispatch_pending(db.engine)
    assert report.sent == 1, report

    account("admin@lofte.example.se", None, role="admin")
    account("anna@sollentuna.se", "Sollentuna")
    sign_in(page, "admin@lofte.example.se")
    page.goto("/admin/lokal-post")
    table = page.locator("main table").inner_text()
    assert "anna@sollentuna.se" in table and "Påminnelse: <uppföljning>" in table
    assert axe_violations(page) == []
    screenshot(page, "local-mailbox")
    page.get_by_role("link", name="Påminnelse: <uppföljning> av löftet").click()
    # Escaped, never markup; the address in the text is a link.
    assert page.locator("main h1").inner_text() == "Påminnelse: <uppföljning> av löftet"
    assert axe_violations(page) == []

    # Only those who manage the outbox read the box.
    sign_in(page, "anna@sollentuna.se")
    assert page.goto("/admin/lokal-post").status == 403
    assert page.goto("/admin/lokal-post/not-an-id").status == 403


def test_only_this_installations_dispatcher_can_drop_mail(db: Any, server: str) -> None:
    from notifications.local_mailbox import delivery_token, newest

    mail = {"from": "x", "to": "anna@sollentuna.se", "subject": "s", "text": "t", "html": ""}
    url = f"{server}/lokal-post/leverera"
    assert httpx.post(url, json=mail).status_code == 401
    assert httpx.post(url, json=mail, headers={"Authorization": "Bearer guess"}).status_code == 401
    good = {"Authorization": f"Bearer {delivery_token()}"}
    assert httpx.post(url, content=b"{not json", headers=good).status_code == 422
    assert httpx.post(url, json=["a"], headers=good).status_code == 422
    assert httpx.post(url, content=b"x" * 600_000, headers=good).status_code == 413
    assert newest() == []
    assert httpx.post(url, json=mail, headers=good).status_code == 202
    assert [m.recipient for m in newest()] == ["anna@sollentuna.se"]


def test_the_box_keeps_the_newest_only(monkeypatch: pytest.MonkeyPatch) -> None:
    from notifications import local_mailbox

    monkeypatch.setattr(local_mailbox, "KEEP", 3)
    for n in range(5):
        local_mailbox.store({"to": f"p{n}@x.se", "subject": str(n)})
    assert [m.subject for m in local_mailbox.newest()] == ["4", "3", "2"]
    assert local_mailbox.find("../../etc/passwd") is None


def test_the_subscribe_page_tells_the_truth_about_mail(
    db: Any, server: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from application.local_mailbox import mail_delivery

    # The test database is not the embedded default: no channel, so mail waits.
    assert mail_delivery() == "none"
    monkeypatch.setenv("LOFTE_LOCAL_MAILBOX", "on")
    reset_settings()
    assert mail_delivery() == "local"
    channels = tmp_path / "channels.yaml"
    channels.write_text(
        "default_channel: hook\nchannels:\n"
        "  hook: {type: mail, preset: generic, endpoint: 'http://127.0.0.1:9/m', "
        "token_env: MAIL_TOKEN, from: 'x@y.se'}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("LOFTE_CHANNELS_FILE", str(channels))
    monkeypatch.setenv("MAIL_TOKEN", "a-token-value")
    reset_settings()
    assert mail_delivery() == "channel"
