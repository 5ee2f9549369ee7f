"""The generic JSON webhook, signed with HMAC-SHA256 (also used for regions' status endpoints)."""

from __future__ import annotations

from typing import Any

from notifications.channels.base import Channel, Envelope, OutgoingRequest, Rendered, json_body
from notifications.signing import signature_headers


class WebhookChannel(Channel):
    """POSTs the message as JSON, with ``Idempotency-Key`` and Standard Webhooks signature headers.

    The body is the same on every attempt (only the signature's timestamp changes), so a
    receiver can drop a repeat by ``id``.
    """

    type = "webhook"

    def __init__(
        self, name: str, *, url: str, secret: str, headers: dict[str, str] | None = None, **kw: Any
    ):
        super().__init__(name, **kw)
        self._url = url
        self._secret = secret
        self._headers = dict(headers or {})

    def body(self, message: Envelope, rendered: Rendered) -> dict[str, Any]:
        """The JSON document a receiver gets."""
        return {
            "id": message.key,
            "kind": message.kind,
            "language": message.language,
            "recipient": message.recipient,
            "subject": rendered.subject,
            "text": rendered.text,
            "data": message.payload,
            "created_at": message.created_at.isoformat(),
        }

    def build(self, message: Envelope, rendered: Rendered, *, now: float) -> OutgoingRequest:
        """Serialise once, then sign exactly the bytes that are sent."""
        body = json_body(self.body(message, rendered))
        headers = {
            **self._headers,
            "Content-Type": "application/json; charset=utf-8",
            "Idempotency-Key": message.key,
            **signature_headers(self._secret, message.key, body, now=now),
        }
        return OutgoingRequest(url=self._url, body=body, headers=headers)
