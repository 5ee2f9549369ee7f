"""E-mail over an HTTP mail API (never SMTP): a generic JSON shape and provider presets.

``generic`` posts ``{"from", "to", "subject", "text", "html"}`` with the token in a
configurable header; ``sendgrid`` (Twilio SendGrid v3 ``/mail/send``) and ``postmark``
(``/email``) use those providers' documented request shapes. Every preset sends the
idempotency key too: as ``Idempotency-Key`` header and in the provider's metadata field.
"""

from __future__ import annotations

from typing import Any

from notifications.channels.base import (
    Channel,
    Envelope,
    OutgoingRequest,
    PermanentError,
    Rendered,
    json_body,
)

PRESET_ENDPOINTS = {
    "sendgrid": "https://api.sendgrid.com/v3/mail/send",
    "postmark": "https://api.postmarkapp.com/email",
}


class MailChannel(Channel):
    """Sends one e-mail per message to ``recipient`` through an HTTP mail API."""

    type = "mail"
    needs_html = True

    def __init__(
        self,
        name: str,
        *,
        preset: str,
        endpoint: str,
        token: str,
        sender: str,
        reply_to: str | None = None,
        auth_header: str = "Authorization",
        auth_scheme: str = "Bearer",
        message_stream: str = "outbound",
        **kw: Any,
    ):
        super().__init__(name, **kw)
        self.preset = preset
        self._endpoint = endpoint
        self._token = token
        self.sender = sender
        self.reply_to = reply_to
        self.auth_header = auth_header
        self.auth_scheme = auth_scheme
        self.message_stream = message_stream

    def document(self, message: Envelope, rendered: Rendered) -> dict[str, Any]:
        """The JSON body in the preset's shape."""
        to = message.recipient
        html = rendered.html or ""
        extra = _list_unsubscribe(message)
        if self.preset == "sendgrid":
            doc: dict[str, Any] = {
                "personalizations": [{"to": [{"email": to}]}],
                "from": _sendgrid_address(self.sender),
                "subject": rendered.subject,
                "content": [
                    {"type": "text/plain", "value": rendered.text},
                    {"type": "text/html", "value": html},
                ],
                "custom_args": {"idempotency_key": message.key},
            }
            if self.reply_to:
                doc["reply_to"] = _sendgrid_address(self.reply_to)
            if extra:
                doc["headers"] = extra
            return doc
        if self.preset == "postmark":
            doc = {
                "From": self.sender,
                "To": to,
                "Subject": rendered.subject,
                "TextBody": rendered.text,
                "HtmlBody": html,
                "MessageStream": self.message_stream,
                "Metadata": {"idempotency_key": message.key},
            }
            if self.reply_to:
                doc["ReplyTo"] = self.reply_to
            if extra:
                doc["Headers"] = [{"Name": k, "Value": v} for k, v in extra.items()]
            return doc
        doc = {
            "from": self.sender,
            "to": to,
            "subject": rendered.subject,
            "text": rendered.text,
            "html": html,
        }
        if self.reply_to:
            doc["reply_to"] = self.reply_to
        if extra:
            doc["headers"] = extra
        return doc

    def build(self, message: Envelope, rendered: Rendered, *, now: float) -> OutgoingRequest:
        """The POST to the mail API, authenticated the way the preset wants."""
        if "@" not in message.recipient:
            raise PermanentError(
                "mottagaren är ingen e-postadress / recipient is not an e-mail address"
            )
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "application/json",
            "Idempotency-Key": message.key,
        }
        if self.preset == "postmark":
            headers["X-Postmark-Server-Token"] = self._token
        elif self.auth_scheme:
            headers[self.auth_header] = f"{self.auth_scheme} {self._token}"
        else:
            headers[self.auth_header] = self._token
        return OutgoingRequest(
            url=self._endpoint, body=json_body(self.document(message, rendered)), headers=headers
        )

    def describe(self) -> dict[str, Any]:
        """Type, preset and sender (the endpoint and token are not shown)."""
        return {**super().describe(), "preset": self.preset, "from": self.sender}


def _sendgrid_address(value: str) -> dict[str, str]:
    # "Löfte <noreply@x.se>" → {"email": ..., "name": ...}, as SendGrid wants.
    if "<" in value and value.endswith(">"):
        name, _, email = value[:-1].partition("<")
        return {"email": email.strip(), "name": name.strip().strip('"')}
    return {"email": value.strip()}


def _list_unsubscribe(message: Envelope) -> dict[str, str]:
    """RFC 8058 one-click unsubscribe headers for a message that carries its unsubscribe link
    (messages to residents): the mail client's own "Unsubscribe" button then works too."""
    url = message.payload.get("unsubscribe_url")
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        return {}
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
