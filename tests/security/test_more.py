"""More of the hostile-input and bad-day classes: stored markup in the year-end compilation,
unknown channels, an output file that cannot be written, a service answering 500, and the
idempotency key (an identifier, not a secret) in the log."""

from __future__ import annotations

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app as cli_app
from tests.helpers import add, complete_stage, new_promise, register

SCRIPT = "<script>alert('xss')</script>"


def test_stored_markup_is_escaped_in_the_html_compilation_and_roll_up(db) -> None:
    from application.compilation import current_compilation, region_compilations
    from lifecycle.stages import Stage
    from models import Promise
    from models.db import session_scope
    from reports.compilation import region_roll_up, render

    pid = new_promise()
    complete_stage(pid, Stage.RESIDENT_DIALOGUE)
    add(
        pid,
        "problem",
        title=f"Rån {SCRIPT}",
        description=SCRIPT,
        selected=True,
        priority_area="fewer-vulnerable-areas",
    )
    with session_scope() as s:
        promise = s.get(Promise, pid)
        promise.area_name = f"Sollentuna {SCRIPT}"  # type: ignore[union-attr]
        s.add(promise)
    with session_scope() as s:
        data = current_compilation(s, s.get(Promise, pid))  # type: ignore[arg-type]
        html = render(data, "html")
        rollup = render(
            region_roll_up([data, *region_compilations(s, "stockholm", None, "sv")], "stockholm"),
            "html",
            "rollup",
        )
    for page in (html, rollup):
        assert "<script" not in page and "&lt;script&gt;" in page


def test_a_channel_nobody_configured_is_refused_when_the_person_is_added(
    db, tmp_path, monkeypatch
) -> None:
    channels = tmp_path / "channels.yaml"
    channels.write_text(
        "default_channel: hook\nchannels:\n"
        "  hook: {type: webhook, url: 'http://127.0.0.1:9/h', secret_env: LOFTE_TEST_HOOK}\n"
    )
    monkeypatch.setenv("LOFTE_CHANNELS_FILE", str(channels))
    monkeypatch.setenv("LOFTE_TEST_HOOK", "whsec_" + "c" * 32)
    register("admin@lofte.example", "admin", None)
    runner = CliRunner(env={"LOFTE_ACTOR": "admin@lofte.example"})
    base = [
        "person",
        "add",
        "--email",
        "anna@sollentuna.se",
        "--name",
        "Anna Berg",
        "--role",
        "coordinator",
        "--organisation",
        "Sollentuna",
        "--region",
        "stockholm",
    ]
    register("samordnare@sollentuna.se")  # the organisation exists
    refused = runner.invoke(cli_app, [*base, "--channel", "teams-trygghet"])
    assert (
        refused.exit_code == 2 and "not configured" in refused.output and "hook" in refused.output
    )
    assert runner.invoke(cli_app, [*base, "--channel", "hook"]).exit_code == 0


def test_an_output_file_that_cannot_be_written_writes_nothing(db, tmp_path: Path) -> None:
    from sqlmodel import select

    from models import YearEndCompilation
    from models.db import session_scope

    pid = new_promise()
    register("samordnare@sollentuna.se")
    runner = CliRunner(env={"LOFTE_ACTOR": "samordnare@sollentuna.se"})
    result = runner.invoke(
        cli_app, ["compilation", "show", str(pid), "-o", str(tmp_path / "nej" / "x.md")]
    )
    assert result.exit_code == 2 and "cannot write" in result.output
    with session_scope() as s:
        assert s.exec(select(YearEndCompilation)).first() is None  # showing never creates one


def test_a_service_answering_500_is_one_sentence(db, monkeypatch: pytest.MonkeyPatch) -> None:
    class Broken(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            body = (
                b'{"service": "lofte", "ok": true}'
                if self.path == "/health"
                else b"Internal Server Error"
            )
            self.send_response(200 if self.path == "/health" else 500)
            self.send_header(
                "Content-Type", "application/json" if self.path == "/health" else "text/plain"
            )
            self.end_headers()
            self.wfile.write(body)

    server = HTTPServer(("127.0.0.1", 0), Broken)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        from config.settings import reset_settings

        monkeypatch.setenv("LOFTE_USE_SERVICE", "true")
        monkeypatch.setenv("LOFTE_API_PORT", str(server.server_address[1]))
        monkeypatch.setenv("LOFTE_TOKEN", "lofte_pat_x")
        reset_settings()
        result = CliRunner().invoke(cli_app, ["promise", "show", "1", "--json"])
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert "HTTP 500" in json.loads(result.output)["error"]
    finally:
        server.shutdown()


def test_the_idempotency_key_is_shown_in_the_log(db, caplog) -> None:
    from notifications.channel_config import parse_channels
    from notifications.dispatcher import dispatch_pending
    from tests.notifications.helpers import add as enqueue
    from tests.notifications.receiver import Receiver

    receiver = Receiver().start()

    caplog.set_level(logging.DEBUG, logger="lofte.notifications")
    setup = parse_channels(
        {
            "delivery": {"wait_for_retries_seconds": 0, "trust_env": False},
            "channels": {
                "hook": {"type": "webhook", "url": receiver.url("/hook"), "secret_env": "S"}
            },
        },
        Path("x.yaml"),
        {"S": "whsec_" + "b" * 32},
    )
    enqueue(db.engine, "transition:42:v3", "hook")
    try:
        dispatch_pending(db.engine, setup=setup)
    finally:
        receiver.stop()
    assert "idempotency_key=transition:42:v3" in caplog.text
