"""The documented example channel configuration (config/channels.example.yaml) delivers every
kind of notice, for people with a channel of their own and for people without one (the
default channel), to a real receiver on 127.0.0.1. Only the addresses are moved to the
receiver; everything else is the file as documented."""

from __future__ import annotations

from pathlib import Path

import yaml

from notifications.channel_config import DEFAULT_CHANNEL, parse_channels
from notifications.dispatcher import dispatch_pending
from notifications.render import KINDS
from tests.notifications.helpers import add, row

EXAMPLE = Path(__file__).resolve().parents[2] / "config" / "channels.example.yaml"


def test_the_example_configuration_delivers_every_kind(db, receiver) -> None:
    doc = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    doc["delivery"].update(backoff_base_seconds=0.01, wait_for_retries_seconds=0, trust_env=False)
    paths = {name: f"/{name}" for name in doc["channels"]}
    secrets = {
        "LOFTE_MAIL_TOKEN": "mail-token-1234",
        "LOFTE_REGION_STOCKHOLM_SECRET": "whsec_" + "a" * 32,
    }
    for name, channel in doc["channels"].items():
        if channel["type"] == "mail":
            channel["endpoint"] = receiver.url(paths[name])
        elif "url_env" in channel:  # chat webhooks are secrets: named by an environment variable
            secrets[channel["url_env"]] = receiver.url(paths[name])
        else:
            channel["url"] = receiver.url(paths[name])
    setup = parse_channels(doc, EXAMPLE, secrets)
    sent = []
    for kind in KINDS:
        for channel in [DEFAULT_CHANNEL, *doc["channels"]]:
            key = f"{kind}:{channel}"
            add(
                db.engine,
                key,
                channel,
                kind=kind,
                payload={"promise": "Löfte Kista", "day": "2026-03-02"},
            )
            sent.append((key, channel))
    report = dispatch_pending(db.engine, setup=setup)
    assert report.dead == 0 and report.sent == len(sent), report
    for key, _channel in sent:
        assert row(db.engine, key).status == "sent", key
    # People with no channel of their own got the documented default (mail).
    default_count = sum(
        1 for _, channel in sent if channel in (DEFAULT_CHANNEL, doc["default_channel"])
    )
    assert len(receiver.on(paths[doc["default_channel"]])) == default_count
