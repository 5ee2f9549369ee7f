"""`lofte outbox` list / retry / dispatch, and the Prefect flow around the dispatcher."""

from __future__ import annotations

import json

import pytest
import yaml
from typer.testing import CliRunner

from cli.outbox import app
from tests.notifications.conftest import SECRETS, channels_doc
from tests.notifications.helpers import add, attempts, row
from tests.notifications.receiver import Reply

pytestmark = pytest.mark.timeout(120)
runner = CliRunner(env={"LOFTE_ACTOR": "ada.admin@lofte.example"})


@pytest.fixture
def channels_file(receiver, tmp_path, monkeypatch):
    doc = channels_doc(receiver)
    doc["channels"] = {k: v for k, v in doc["channels"].items() if k in ("hook", "mail")}
    path = tmp_path / "channels.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("LOFTE_CHANNELS_FILE", str(path))
    for k, v in SECRETS.items():
        monkeypatch.setenv(k, v)
    return path


def test_dead_letter_list_and_retry(db, receiver, channels_file):
    from tests.helpers import register

    register("ada.admin@lofte.example", "admin", None)
    receiver.script("/hook", Reply(400, body=b"nope"))
    add(db.engine, "k1")
    add(db.engine, "k2", "mail")
    result = runner.invoke(app, ["dispatch"])
    assert result.exit_code == 0, result.output
    assert "sent 1" in result.output and "dead 1" in result.output

    result = runner.invoke(app, ["list", "--failed", "--json"])
    assert result.exit_code == 0
    [dead] = json.loads(result.output)
    assert (
        dead["idempotency_key"] == "k1"
        and dead["status"] == "dead"
        and "HTTP 400" in dead["last_error"]
    )
    listed = runner.invoke(app, ["list"])
    assert "k1" not in listed.output and "dead" in listed.output and "HTTP 400" in listed.output

    # Bad input and refusals change nothing.
    assert runner.invoke(app, ["retry"]).exit_code == 2
    assert runner.invoke(app, ["retry", str(dead["id"]), "999999"]).exit_code == 2
    sent_id = row(db.engine, "k2").id
    refused = runner.invoke(app, ["retry", str(dead["id"]), str(sent_id)])
    assert refused.exit_code == 1 and row(db.engine, "k1").status == "dead"

    result = runner.invoke(app, ["retry", str(dead["id"])])
    assert result.exit_code == 0, result.output
    assert row(db.engine, "k1").status == "pending" and row(db.engine, "k1").attempts == 0
    assert runner.invoke(app, ["dispatch"]).exit_code == 0
    assert row(db.engine, "k1").status == "sent"
    assert [a.status_code for a in attempts(db.engine, "k1")] == [400, 200]
    assert runner.invoke(app, ["retry", "--all-failed"]).exit_code == 1  # nothing dead any more


def test_dispatch_refuses_without_or_with_broken_config(db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["dispatch"])
    assert result.exit_code == 1 and "LOFTE_CHANNELS_FILE" in result.output
    bad = tmp_path / "c.yaml"
    bad.write_text("channels:\n  m:\n    type: mail\n")
    monkeypatch.setenv("LOFTE_CHANNELS_FILE", str(bad))
    result = runner.invoke(app, ["dispatch"])
    assert (
        result.exit_code == 2
        and "c.yaml" in result.output
        and "channels.m.token_env" in result.output
    )


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_flow_delivers(db, receiver, channels_file, prefect_harness):
    from flows.dispatch import dispatch_outbox_flow

    add(db.engine, "k1")
    result = dispatch_outbox_flow(max_seconds=10)
    assert result["sent"] == 1 and "latencies_ms" not in result
    assert len(receiver.on("/hook")) == 1
