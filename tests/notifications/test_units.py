"""Pure parts: signing, retry policy, redaction, templates, channel shapes, configuration."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from config.settings import ConfigError, reset_settings
from notifications.channel_config import load_channels, parse_channels
from notifications.channels import (
    Envelope,
    MailChannel,
    Rendered,
    SlackChannel,
    TeamsChannel,
    WebhookChannel,
)
from notifications.redact import redact, register_secret
from notifications.render import KINDS, LANGUAGES, Renderer
from notifications.retry import Outcome, RetryPolicy, classify_status, parse_retry_after
from notifications.signing import SignatureError, sign, signature_headers, verify
from tests.notifications.helpers import SAMPLE

pytestmark = pytest.mark.fast  # pure: no database, Prefect or browser (make test-fast)

MSG = Envelope(
    1,
    "digest:7:2026-03-02",
    "digest",
    "c",
    "anna@kommun.example",
    "sv",
    "Ämne",
    {"url": "https://l/p/1"},
    0,
    datetime(2026, 3, 2, tzinfo=UTC),
)
RENDERED = Rendered("Ämne <b>", "Rad ett\nrad två\n\nStycke två & mer", "<p>hej</p>")

# ------------------------------------------------------------------ signing


def test_signature_round_trip_and_rejections():
    body = b'{"a":1}'
    headers = signature_headers("whsec_c2VjcmV0", "key-1", body, now=1_700_000_000)
    assert verify("whsec_c2VjcmV0", headers, body, now=1_700_000_100) == "key-1"
    with pytest.raises(SignatureError, match="match"):
        verify("whsec_c2VjcmV0", headers, body + b" ", now=1_700_000_100)
    with pytest.raises(SignatureError, match="match"):
        verify("whsec_c2VjcmV0", {**headers, "webhook-id": "key-2"}, body, now=1_700_000_100)
    with pytest.raises(SignatureError, match="replay"):
        verify("whsec_c2VjcmV0", headers, body, now=1_700_000_000 + 301)
    with pytest.raises(SignatureError, match="missing"):
        verify("whsec_c2VjcmV0", {}, body)


def test_signature_matches_the_standard_webhooks_reference_vector():
    # From the Standard Webhooks specification's test vectors.
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    assert sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body) == (
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    )


# ------------------------------------------------------------------ retry


def test_classification():
    assert classify_status(200) is Outcome.SENT and classify_status(202) is Outcome.SENT
    assert classify_status(500) is Outcome.RETRY and classify_status(503) is Outcome.RETRY
    assert classify_status(429) is Outcome.RETRY
    for code in (400, 401, 403, 404, 410, 422, 301):
        assert classify_status(code) is Outcome.FAILED


def test_backoff_grows_with_jitter_and_caps():
    policy = RetryPolicy(base_delay=2, max_delay=60)
    rng = random.Random(1)
    for attempt, ceiling in [(1, 2), (2, 4), (3, 8), (6, 60), (20, 60)]:
        d = policy.backoff(attempt, rng)
        assert ceiling / 2 <= d <= ceiling
    assert policy.delay(1, retry_after=30) == 30
    assert RetryPolicy(max_retry_after=100).delay(1, retry_after=10_000) == 100


def test_retry_after_parsing():
    now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    assert parse_retry_after("120") == 120
    assert parse_retry_after("Mon, 02 Mar 2026 12:01:00 GMT", now) == 60
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


# ------------------------------------------------------------------ redaction


def test_redaction_masks_registered_secrets_and_credential_shapes():
    register_secret("https://x.example/hook/path-that-is-secret?sig=abc123def")
    text = "POST https://x.example/hook/path-that-is-secret?sig=abc123def failed; Bearer abcdefghijkl token=zzz"
    out = redact(text)
    assert "path-that-is-secret" not in out and "abc123def" not in out
    assert "abcdefghijkl" not in out and "zzz" not in out
    assert redact("sig=other-secret&x=1") == "sig=***&x=1"


# ------------------------------------------------------------------ templates


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_kind_renders_in_both_languages_text_and_html(kind, language):
    payload = SAMPLE
    r = Renderer().render(kind, language, payload)
    assert r.subject and "\n" not in r.subject
    if kind == "account_notice":  # about a person's account, not a promise
        assert "anna@lofte.example" in r.text
    else:
        assert "Kista" in r.text or "Stockholm" in r.text
    assert r.html and '<meta name="viewport"' in r.html and 'lang="' + language + '"' in r.html
    assert "<script>" not in r.html  # data is escaped in HTML
    swedish = {
        "digest": "Hej",
        "escalation": "försenat",
        "transition": "gått vidare",
        "status_report": "Lägesrapport",
        "resident_confirm": "Bekräfta",
        "resident_round": "Belysningen",
        "resident_year_end": "godkänt",
        "account_notice": "Lösenordet",
        "generic": "Belysningen",
        "agreement_expiry": "gäller till och med",
        "status_event": "Statushändelse",
        "signature_request": "ber dig skriva under",
    }
    english = {
        "digest": "Hello",
        "escalation": "overdue",
        "transition": "moved on",
        "status_report": "Status report",
        "resident_confirm": "Confirm",
        "resident_round": "Belysningen",
        "resident_year_end": "approved",
        "account_notice": "password",
        "generic": "Belysningen",
        "agreement_expiry": "is valid until",
        "status_event": "Status event",
        "signature_request": "asks you to sign",
    }
    assert (swedish if language == "sv" else english)[kind] in r.text


def test_stage_names_are_translated_and_missing_fields_tolerated():
    r = Renderer().render("transition", "sv", {"promise": "P", "to_stage": "action_plan"})
    assert "Åtgärdsplan" in r.text
    assert (
        Renderer().render("digest", "fi", {}).subject.startswith("Löfte: 0 tidsfrister att bevaka")
    )  # unknown language → Swedish
    # A kind without templates is never sent as a list of raw field names: it dead-letters.
    with pytest.raises(LookupError, match="custom_kind"):
        Renderer().render("custom_kind", "en", {"a": 1})


def test_messages_speak_swedish_times_names_and_links_not_commands():
    from tests.notifications.helpers import DIGEST

    moved = Renderer().render(
        "transition",
        "sv",
        {
            "promise": "Kista",
            "to_stage": "goals",
            "by": "anna@x.se",
            "by_name": "Anna Berg",
            "at": "2026-12-03T19:15+00:00",
        },
    )
    # Swedish time (UTC+1 in December), the person's name, no ISO stamp or address.
    assert "När: torsdag 3 december 2026 kl. 20.15" in moved.text
    assert "Av: Anna Berg" in moved.text and "anna@x.se" not in moved.text
    digest = Renderer().render("digest", "sv", DIGEST)
    assert "lofte deadlines" not in digest.text
    assert "/loften/" in digest.text


def test_languages_do_not_leak_between_renders_inside_imported_macros():
    # The stage and date filters are shared by every render; the language must come from each
    # render (or, in the context-less imported _deadlines macros, from the file), never from
    # whichever render ran last.
    from tests.notifications.helpers import DIGEST

    renderer = Renderer()
    for _ in range(2):
        en = renderer.render("digest", "en", DIGEST)
        sv = renderer.render("digest", "sv", DIGEST)
        assert "Friday 13 March 2026" in en.text and "Goals" in en.text
        assert "fredag 13 mars 2026" in sv.text and "Mål" in sv.text
        assert "Friday 13 March 2026" in (en.html or "") and "fredag 13 mars 2026" in (
            sv.html or ""
        )
    payload = {**DIGEST, "items": [{**DIGEST["items"][0], "what_sv": None, "what_en": None}]}
    assert "Goals" in renderer.render("digest", "en", payload).text  # the stage filter, not what_en


# ------------------------------------------------------------------ channel shapes (no network)


def _send_through_mock(request_spec):
    seen = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen["request"] = request
        return httpx.Response(200)

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        client.post(request_spec.url, content=request_spec.body, headers=request_spec.headers)
    return seen["request"]


def test_webhook_shape_and_signature():
    ch = WebhookChannel(
        "w", url="http://127.0.0.1:9/h", secret="topsecret", headers={"X-Source": "lofte"}
    )
    req = _send_through_mock(ch.build(MSG, RENDERED, now=1_700_000_000))
    body = json.loads(req.content)
    assert body["id"] == MSG.key and body["data"] == MSG.payload and body["text"] == RENDERED.text
    assert req.headers["idempotency-key"] == MSG.key and req.headers["x-source"] == "lofte"
    assert verify("topsecret", dict(req.headers), req.content, now=1_700_000_010) == MSG.key
    # Same body on every attempt: only the signature's timestamp changes.
    assert ch.build(MSG, RENDERED, now=1).body == ch.build(MSG, RENDERED, now=2).body


def test_teams_slack_shapes():
    teams = json.loads(
        TeamsChannel("t", url="http://127.0.0.1:9/t").build(MSG, RENDERED, now=0).body
    )
    blocks = teams["attachments"][0]["content"]["body"]
    # People's text stays text on the card: markdown characters escaped.
    assert teams["type"] == "message" and blocks[0]["text"] == "Ämne \\<b\\>" and len(blocks) == 3
    assert teams["attachments"][0]["content"]["actions"][0]["title"] == "Öppna i Löfte"
    slack = json.loads(
        SlackChannel("s", url="http://127.0.0.1:9/s").build(MSG, RENDERED, now=0).body
    )
    assert "&amp; mer" in slack["blocks"][1]["text"]["text"]


def test_mail_presets_shapes():
    def build(preset, **kw):
        ch = MailChannel(
            "m",
            preset=preset,
            endpoint="http://127.0.0.1:9/m",
            token="tok",
            sender="Löfte <n@k.se>",
            **kw,
        )
        return ch.build(MSG, RENDERED, now=0)

    generic = build("generic", auth_header="X-Api-Key", auth_scheme="")
    assert generic.headers["X-Api-Key"] == "tok"
    assert json.loads(generic.body) == {
        "from": "Löfte <n@k.se>",
        "to": MSG.recipient,
        "subject": "Ämne <b>",
        "text": RENDERED.text,
        "html": "<p>hej</p>",
    }
    sg = json.loads(build("sendgrid").body)
    assert sg["custom_args"] == {"idempotency_key": MSG.key}
    pm = build("postmark", reply_to="s@k.se")
    assert (
        pm.headers["X-Postmark-Server-Token"] == "tok"
        and json.loads(pm.body)["ReplyTo"] == "s@k.se"
    )


# ------------------------------------------------------------------ configuration


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "channels.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_file_loads(monkeypatch):
    env = {
        "LOFTE_MAIL_TOKEN": "t" * 10,
        "LOFTE_TEAMS_TRYGGHET_URL": "https://example.invalid/x?sig=abcd",
        "LOFTE_SLACK_URL": "https://hooks.slack.com/services/T/B/X",
        "LOFTE_REGION_STOCKHOLM_SECRET": "whsec_c2VjcmV0",
    }
    setup = load_channels(Path("config/channels.example.yaml"), environ=env)
    assert setup is not None and setup.default_channel == "mail"
    assert {c.type for c in setup.channels.values()} == {"mail", "teams", "slack", "webhook"}
    assert setup.route(None, "a@k.se") == ("mail", "a@k.se")
    assert setup.route("teams-trygghet", "a@k.se")[0] == "teams-trygghet"


@pytest.mark.parametrize(
    ("text", "env", "expected"),
    [
        (
            "channels:\n  m:\n    type: mail\n    token_env: T\n    from: a@b\n",
            {"T": "x"},
            "channels.m: Value error, the generic preset needs an endpoint",
        ),
        (
            "channels:\n  m:\n    type: mail\n    endpoint: https://m\n    token_env: T\n    from: a@b\n",
            {},
            "channels.m.token_env: environment variable T is not set",
        ),
        (
            "channels:\n  t:\n    type: teams\n    url: https://secret\n",
            {},
            "channels.t: Value error, the webhook URL of a chat channel is a secret",
        ),
        ("channels:\n  x:\n    type: pigeon\n", {}, "channels.x"),
        (
            "delivery:\n  max_attempts: 0\n",
            {},
            "delivery.max_attempts: Input should be greater than or equal to 1",
        ),
        ("default_channel: nope\n", {}, "default_channel 'nope' is not among channels"),
        ("channels: [\n", {}, "not valid YAML"),
        (
            "channels:\n  w:\n    type: webhook\n    url: ftp://x\n    secret_env: S\n",
            {"S": "s"},
            "channels.w.url: not an http(s) URL",
        ),
    ],
)
def test_broken_config_names_file_key_and_problem(tmp_path, text, env, expected):
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_channels(path, environ=env)
    assert str(path) in str(info.value) and expected in str(info.value)


def test_missing_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    # The default file is optional: without it, the local mailbox on the embedded default
    # (tests/web/test_local_mailbox.py), and nothing when the mailbox is off.
    assert load_channels(environ={}).source is None
    monkeypatch.setenv("LOFTE_LOCAL_MAILBOX", "off")
    reset_settings()
    assert load_channels(environ={}) is None
    with pytest.raises(ConfigError, match="LOFTE_CHANNELS_FILE: the channels file does not exist"):
        load_channels(environ={"LOFTE_CHANNELS_FILE": str(tmp_path / "nope.yaml")})


def test_delivery_defaults():
    setup = parse_channels({}, Path("x"), {})
    assert setup.delivery.max_attempts == 8 and setup.delivery.channel_limit() == 8
    assert setup.delivery.policy().base_delay == 2.0
    assert datetime.now(UTC) - timedelta(seconds=1) < datetime.now(UTC)
