"""Delivery against a real HTTP receiver on 127.0.0.1, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from notifications.dispatcher import dispatch_pending
from notifications.signing import verify
from tests.notifications.conftest import SECRETS, free_port
from tests.notifications.helpers import add, attempts, row, rows
from tests.notifications.receiver import Reply

pytestmark = pytest.mark.timeout(60)


def test_each_channel_delivers_its_request_shape(db, receiver, make_setup):
    setup = make_setup()
    for channel in ("hook", "teams", "slack", "mail", "sendgrid", "postmark"):
        add(db.engine, f"k-{channel}", channel)
    report = dispatch_pending(db.engine, setup=setup)
    assert report.sent == 6 and report.dead == 0
    assert {r.status for r in rows(db.engine)} == {"sent"}

    hook = receiver.on("/hook")[0]
    body = hook.json()
    assert (
        body["id"] == "k-hook"
        and body["kind"] == "digest"
        and body["data"]["recipient"]["name"] == "Anna Andersson"
    )
    assert body["subject"].startswith("Löfte: ")
    assert hook.header("Idempotency-Key") == "k-hook"
    assert verify(SECRETS["LOFTE_TEST_HOOK_SECRET"], hook.headers, hook.body) == "k-hook"

    [teams] = [r for r in receiver.requests if r.path.startswith("/workflows/")]
    card = teams.json()["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert card["content"]["type"] == "AdaptiveCard"
    assert card["content"]["actions"][0]["url"] == "https://lofte.example/p/1"

    [slack] = [r for r in receiver.requests if r.path.startswith("/services/")]
    assert slack.json()["blocks"][0]["type"] == "header" and "Sollentuna" in slack.json()["text"]

    mail = receiver.on("/mail")[0]
    assert mail.header("Authorization") == "Bearer " + SECRETS["LOFTE_TEST_MAIL_TOKEN"]
    doc = mail.json()
    assert doc["to"] == "anna@kommun.example" and doc["from"].startswith("Löfte")
    assert "Sollentuna" in doc["text"] and doc["html"].lstrip().startswith("<!DOCTYPE html>")

    sg = receiver.on("/v3/mail/send")[0].json()
    assert sg["personalizations"][0]["to"][0]["email"] == "anna@kommun.example"
    assert sg["from"] == {"email": "noreply@kommun.example", "name": "Löfte"}
    assert [c["type"] for c in sg["content"]] == ["text/plain", "text/html"]

    pm = receiver.on("/email")[0]
    assert pm.header("X-Postmark-Server-Token") == SECRETS["LOFTE_TEST_PM_TOKEN"]
    assert pm.json()["To"] == "anna@kommun.example" and pm.json()["MessageStream"] == "outbound"


def test_two_500s_then_200_delivers_once_after_backoff(db, receiver, make_setup):
    receiver.script("/hook", Reply(500), Reply(502))
    add(db.engine, "k1")
    report = dispatch_pending(
        db.engine, setup=make_setup(backoff_base_seconds=0.2, backoff_max_seconds=1)
    )
    got = receiver.on("/hook")
    assert len(got) == 3 and report.sent == 1
    assert {r.header("Idempotency-Key") for r in got} == {"k1"}
    # Equal jitter: at least half of base (0.2 s) after the first failure, half of 0.4 s after the second.
    # The receiver stamps each request when it has read it, so a slow first read under load
    # shortens the gap it sees by a few milliseconds: a 10 ms allowance for that.
    assert got[1].at - got[0].at >= 0.1 - 0.01
    assert got[2].at - got[1].at >= 0.2 - 0.01
    m = row(db.engine, "k1")
    assert m.status == "sent" and m.attempts == 3
    log = attempts(db.engine, "k1")
    assert [a.status_code for a in log] == [500, 502, 200]
    assert all(a.latency_ms is not None and a.at.tzinfo is not None for a in log)
    assert log[0].error.startswith("HTTP 500")


def test_429_retry_after_is_honoured(db, receiver, make_setup):
    receiver.script("/hook", Reply(429, headers={"Retry-After": "1"}))
    add(db.engine, "k1")
    report = dispatch_pending(db.engine, setup=make_setup(backoff_base_seconds=0.01))
    got = receiver.on("/hook")
    assert len(got) == 2 and report.sent == 1
    assert got[1].at - got[0].at >= 0.95  # not the 0.01 s backoff
    assert [a.status_code for a in attempts(db.engine, "k1")] == [429, 200]


def test_400_is_not_retried_and_dead_letters(db, receiver, make_setup):
    receiver.default = Reply(400, body=b'{"error":"bad field"}')
    add(db.engine, "k1")
    report = dispatch_pending(db.engine, setup=make_setup())
    assert len(receiver.on("/hook")) == 1
    assert report.dead == 1
    m = row(db.engine, "k1")
    assert (
        m.status == "dead"
        and m.attempts == 1
        and "HTTP 400" in m.last_error
        and "bad field" in m.last_error
    )


def test_receiver_that_never_answers_times_out_and_is_retried(db, receiver, make_setup):
    receiver.script("/hook", Reply(delay=3.0))
    add(db.engine, "k1")
    setup = make_setup(timeouts={"connect": 1, "read": 0.3, "write": 1, "pool": 1})
    report = dispatch_pending(db.engine, setup=setup)
    assert report.sent == 1
    log = attempts(db.engine, "k1")
    assert log[0].status_code is None and log[0].error.startswith("timeout")
    assert log[-1].status_code == 200 and len(log) == 2


def test_connection_refused_retries_then_dead_letters(db, receiver, make_setup):
    setup = make_setup(max_attempts=3)
    from notifications.channels import WebhookChannel

    setup.channels["hook"] = WebhookChannel(
        "hook", url=f"http://127.0.0.1:{free_port()}/hook", secret="s3cret-value", max_concurrency=4
    )
    add(db.engine, "k1")
    report = dispatch_pending(db.engine, setup=setup)
    assert report.attempts == 3 and report.dead == 1
    log = attempts(db.engine, "k1")
    assert len(log) == 3 and all(a.error.startswith("network: ConnectError") for a in log)
    assert row(db.engine, "k1").status == "dead"


def test_slow_receiver_does_not_hold_up_the_rest(db, receiver, make_setup):
    # "hook" answers after 1.5 s; the mail API answers at once. With per-channel limits the
    # mails are not stuck behind the webhook's requests.
    receiver.script("/hook", *[Reply(delay=1.5)] * 6)
    setup = make_setup(concurrency=6, per_channel_concurrency=3, timeouts={"read": 5})
    for i in range(6):
        add(db.engine, f"slow-{i}", "hook")
    for i in range(20):
        add(db.engine, f"fast-{i}", "mail")
    report = dispatch_pending(db.engine, setup=setup)
    assert report.sent == 26
    first_slow = min(r.at for r in receiver.on("/hook"))
    last_fast = max(r.at for r in receiver.on("/mail"))
    assert last_fast < first_slow + 1.5  # every mail arrived before the first slow reply came back


def test_unknown_channel_and_bad_recipient_dead_letter_with_a_reason(db, receiver, make_setup):
    add(db.engine, "k-unknown", "nowhere")
    add(db.engine, "k-badmail", "mail", recipient="not-an-address")
    report = dispatch_pending(db.engine, setup=make_setup())
    assert report.dead == 2 and receiver.requests == []
    assert "not configured" in row(db.engine, "k-unknown").last_error
    assert "e-mail" in row(db.engine, "k-badmail").last_error


def test_frozen_now_only_attempts_what_is_due_once(db, receiver, make_setup):
    from datetime import timedelta

    from models.base import utcnow

    receiver.default = Reply(503)
    add(db.engine, "k1")
    report = dispatch_pending(db.engine, setup=make_setup(), now=utcnow() + timedelta(seconds=1))
    assert report.attempts == 1 and report.retried == 1
    assert row(db.engine, "k1").status == "pending"


def test_second_enqueue_of_same_key_is_a_noop_and_sent_once(db, receiver, make_setup):
    add(db.engine, "same")
    add(db.engine, "same")
    dispatch_pending(db.engine, setup=make_setup())
    dispatch_pending(db.engine, setup=make_setup())
    assert len(receiver.on("/hook")) == 1 and len(rows(db.engine)) == 1


def test_no_channels_file_sends_nothing(db, receiver, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    add(db.engine, "k1")
    report = dispatch_pending(db.engine)
    assert report.skipped_reason and report.attempts == 0
    assert row(db.engine, "k1").status == "pending"


def test_async_http_mode_retries_timeouts_and_5xx_the_same_way(db, receiver, make_setup):
    receiver.script("/hook", Reply(delay=3.0), Reply(503))
    add(db.engine, "k1")
    setup = make_setup(
        http_mode="async", timeouts={"connect": 1, "read": 0.3, "write": 1, "pool": 1}
    )
    report = dispatch_pending(db.engine, setup=setup)
    assert report.sent == 1
    log = attempts(db.engine, "k1")
    assert [a.status_code for a in log] == [None, 503, 200] and log[0].error.startswith("timeout")


def test_many_messages_each_sent_and_marked_exactly_once_by_two_dispatchers(
    db, receiver, make_setup
):
    # Small claim batches and flushes, two dispatchers at once on one outbox: every message
    # reaches the receiver once, is marked once, and has exactly one attempt in the log.
    from concurrent.futures import ThreadPoolExecutor

    from sqlalchemy import func, select

    from models.operations import DeliveryAttempt

    n = 240
    for i in range(n):
        add(db.engine, f"many-{i:03d}")
    setup = make_setup(concurrency=8)
    with ThreadPoolExecutor(2) as pool:
        reports = list(
            pool.map(
                lambda _: dispatch_pending(db.engine, setup=setup, batch_size=10, flush_every=25),
                range(2),
            )
        )
    assert sum(r.sent for r in reports) == n and sum(r.attempts for r in reports) == n
    keys = [r.header("Idempotency-Key") for r in receiver.on("/hook")]
    assert sorted(keys) == [f"many-{i:03d}" for i in range(n)]
    assert {(m.status, m.attempts) for m in rows(db.engine)} == {("sent", 1)}
    with db.engine.connect() as conn:
        logged = conn.execute(
            select(DeliveryAttempt.message_id, func.count()).group_by(DeliveryAttempt.message_id)
        ).all()
    assert len(logged) == n and {count for _, count in logged} == {1}


def test_message_whose_lease_ran_short_while_queued_is_not_sent_twice(db, receiver, make_setup):
    # One request at a time, 0.3 s each, a 2 s lease: the later messages of the first claim wait
    # in memory past three quarters of their lease. They must not be sent then (the lease could
    # run out mid-request and the row be claimed again); they are claimed afresh and sent once.
    receiver.default = Reply(delay=0.3)
    for i in range(8):
        add(db.engine, f"lease-{i}")
    report = dispatch_pending(
        db.engine,
        setup=make_setup(
            concurrency=1, per_channel_concurrency=1, lease_seconds=2, wait_for_retries_seconds=5
        ),
    )
    keys = [r.header("Idempotency-Key") for r in receiver.on("/hook")]
    assert sorted(keys) == [f"lease-{i}" for i in range(8)]  # each exactly once
    assert report.sent == 8 and report.released >= 1
    assert {(m.status, m.attempts) for m in rows(db.engine)} == {("sent", 1)}
