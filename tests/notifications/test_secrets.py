"""No secret (token, signing secret, signed URL) ever reaches a log line or the database."""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import text

from notifications.dispatcher import dispatch_pending
from tests.notifications.conftest import channel_env
from tests.notifications.helpers import add
from tests.notifications.receiver import Reply

pytestmark = pytest.mark.timeout(60)


def _secrets(receiver) -> list[str]:
    env = channel_env(receiver)
    values = list(env.values())
    # The secret parts of the signed URLs on their own, too.
    values += ["TEAMSSIG-SECRET-42", "SLACKPATHSECRET99"]
    return [v for v in values]


def test_no_secret_in_logs_or_database(db, receiver, make_setup, caplog):
    caplog.set_level(
        logging.DEBUG
    )  # everything, httpx's request lines and httpcore's traces included
    secrets = _secrets(receiver)
    # Receivers that fail in the nastiest way: echo the credentials back in an error body.
    echo = (
        f"bad request; got Authorization: Bearer {secrets[1]} for {channel_env(receiver)['LOFTE_TEST_TEAMS_URL']} "
        f"token={secrets[2]}"
    ).encode()
    receiver.default = Reply(400, body=echo)
    receiver.script("/hook", Reply(500, body=echo), Reply(200))
    for channel in ("hook", "teams", "slack", "mail", "sendgrid", "postmark"):
        add(db.engine, f"k-{channel}", channel)
    setup = make_setup()
    report = dispatch_pending(db.engine, setup=setup)
    assert report.sent == 1 and report.dead == 5

    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "HTTP Request" in logged  # httpx did log its request lines, and they were redacted
    stored = []
    with db.engine.connect() as conn:
        for table in ("outboxmessage", "deliveryattempt"):
            for r in conn.execute(text(f"select * from {table}")):
                stored.append(json.dumps([str(v) for v in r]))
    stored_text = "\n".join(stored)
    assert "bad request" in stored_text  # the receiver's error text was kept, minus the secrets
    for secret in secrets:
        assert secret not in logged, f"secret in logs: {secret[:6]}…"
        assert secret not in stored_text, f"secret in database: {secret[:6]}…"
    # Nor in the printable forms of the configuration.
    for channel in setup.channels.values():
        assert all(s not in repr(channel) + json.dumps(channel.describe()) for s in secrets)
