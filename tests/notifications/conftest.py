"""Fixtures for the notifier: a real HTTP receiver on 127.0.0.1 and channel setups aimed at it."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from notifications.channel_config import ChannelSetup, parse_channels
from tests.notifications.receiver import Receiver

SECRETS = {
    "LOFTE_TEST_HOOK_SECRET": "whsec_c2VjcmV0LWZvci10aGUtd2ViaG9vay0xMjM0NTY=",
    "LOFTE_TEST_MAIL_TOKEN": "mailtoken-SUPERSECRET-0123456789",
    "LOFTE_TEST_SG_TOKEN": "SG.sendgrid-SECRET-abcdef",
    "LOFTE_TEST_PM_TOKEN": "postmark-SECRET-xyz-9876",
}

# Small delays, so retries and backoff take milliseconds in tests.
FAST_DELIVERY: dict[str, Any] = {
    "max_attempts": 4,
    "backoff_base_seconds": 0.05,
    "backoff_max_seconds": 0.2,
    "concurrency": 8,
    "lease_seconds": 30,
    "wait_for_retries_seconds": 5,
    "timeouts": {"connect": 1.0, "read": 1.0, "write": 1.0, "pool": 2.0},
    "trust_env": False,
}


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver().start()
    yield r
    r.stop()


def free_port() -> int:
    """A port on 127.0.0.1 where nothing listens (connection refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def channels_doc(receiver: Receiver, **delivery: Any) -> dict[str, Any]:
    return {
        "delivery": {**FAST_DELIVERY, **delivery},
        "default_channel": "mail",
        "channels": {
            "hook": {
                "type": "webhook",
                "url": receiver.url("/hook"),
                "secret_env": "LOFTE_TEST_HOOK_SECRET",
            },
            "teams": {"type": "teams", "url_env": "LOFTE_TEST_TEAMS_URL"},
            "slack": {"type": "slack", "url_env": "LOFTE_TEST_SLACK_URL"},
            "mail": {
                "type": "mail",
                "endpoint": receiver.url("/mail"),
                "token_env": "LOFTE_TEST_MAIL_TOKEN",
                "from": "Löfte <noreply@kommun.example>",
            },
            "sendgrid": {
                "type": "mail",
                "preset": "sendgrid",
                "endpoint": receiver.url("/v3/mail/send"),
                "token_env": "LOFTE_TEST_SG_TOKEN",
                "from": "Löfte <noreply@kommun.example>",
            },
            "postmark": {
                "type": "mail",
                "preset": "postmark",
                "endpoint": receiver.url("/email"),
                "token_env": "LOFTE_TEST_PM_TOKEN",
                "from": "noreply@kommun.example",
            },
        },
    }


def channel_env(receiver: Receiver) -> dict[str, str]:
    return {
        **SECRETS,
        # Signed URLs, as Teams Workflows and Slack hand them out: the whole URL is the secret.
        "LOFTE_TEST_TEAMS_URL": receiver.url(
            "/workflows/abc/triggers/manual/paths/invoke?api-version=1&sig=TEAMSSIG-SECRET-42"
        ),
        "LOFTE_TEST_SLACK_URL": receiver.url("/services/T000/B000/SLACKPATHSECRET99"),
    }


@pytest.fixture
def make_setup(receiver: Receiver) -> Callable[..., ChannelSetup]:
    def build(**delivery: Any) -> ChannelSetup:
        return parse_channels(
            channels_doc(receiver, **delivery), Path("test-channels.yaml"), channel_env(receiver)
        )

    return build
