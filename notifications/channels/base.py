"""What every channel adapter shares: the message it is handed and the request it returns.

A channel does not send anything itself. It turns a message into one HTTP request
(``OutgoingRequest``); the dispatcher sends every channel's requests through one shared httpx
client. That keeps pooling, timeouts, retries and logging in one place, and makes each
adapter a small pure function that unit tests can check without a network.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from notifications.http import Timeouts


@dataclass(frozen=True)
class Envelope:
    """An outbox row as the dispatcher hands it to a channel (no ORM object, no session)."""

    id: int
    key: str
    kind: str
    channel: str
    recipient: str
    language: str
    subject: str
    payload: dict[str, Any]
    attempts: int
    created_at: datetime


@dataclass(frozen=True)
class Rendered:
    """A message rendered for people: subject, plain text and (when the channel wants it) HTML."""

    subject: str
    text: str
    html: str | None = None


@dataclass
class OutgoingRequest:
    """One HTTP request to make. ``headers`` may hold secrets: never log this object whole."""

    url: str = field(repr=False)
    body: bytes = field(repr=False)
    headers: dict[str, str] = field(default_factory=dict, repr=False)
    method: str = "POST"


class PermanentError(Exception):
    """The message can never be delivered as it is (bad recipient, broken template...)."""


def json_body(data: Any) -> bytes:
    """Compact UTF-8 JSON (Swedish letters stay letters, not \\u escapes)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")


class Channel(ABC):
    """A configured way of reaching people or systems.

    ``needs_html`` tells the dispatcher whether to render the HTML template at all (chat
    messages are plain text). ``max_concurrency`` bounds this channel's requests in flight so
    that one slow receiver cannot take every slot.
    """

    type: str = ""
    needs_html: bool = False

    def __init__(
        self, name: str, *, timeouts: Timeouts | None = None, max_concurrency: int | None = None
    ):
        self.name = name
        self.timeouts = timeouts
        self.max_concurrency = max_concurrency

    def __repr__(self) -> str:
        # Only the name and type: the URL and credentials of a channel are secrets.
        return f"<{self.__class__.__name__} {self.name!r}>"

    @abstractmethod
    def build(self, message: Envelope, rendered: Rendered, *, now: float) -> OutgoingRequest:
        """The request that delivers ``message``; ``now`` (Unix seconds) stamps signatures."""

    def describe(self) -> dict[str, Any]:
        """A description safe to print: type and non-secret settings."""
        return {"name": self.name, "type": self.type}
