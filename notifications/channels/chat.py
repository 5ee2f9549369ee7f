"""Chat incoming webhooks: Microsoft Teams (Workflows, Adaptive Card) and Slack-compatible.

The webhook URL is the only credential of both (Teams Workflows URLs carry a ``sig=``
signature, Slack's path is a token), so it is read from the environment and redacted.
"""

from __future__ import annotations

from typing import Any

from lifecycle.i18n import translate
from lifecycle.safe_text import escape_markdown, strip_controls
from notifications.channels.base import Channel, Envelope, OutgoingRequest, Rendered, json_body


class TeamsChannel(Channel):
    """Posts an Adaptive Card (version 1.4, what Teams renders on desktop and phone).

    This is the shape the Teams "Workflows" webhook trigger ("When a Teams webhook request is
    received") expects; it replaced the retired Office 365 connectors.
    """

    type = "teams"

    def __init__(self, name: str, *, url: str, **kw: Any):
        super().__init__(name, **kw)
        self._url = url

    def card(self, message: Envelope, rendered: Rendered) -> dict[str, Any]:
        """The Adaptive Card: a bold title, one text block per paragraph, a link button."""
        body: list[dict[str, Any]] = [
            {
                "type": "TextBlock",
                "text": escape_markdown(rendered.subject),
                "weight": "Bolder",
                "size": "Medium",
                "wrap": True,
            }
        ]
        # One block per paragraph: Teams collapses single newlines inside a TextBlock.
        for paragraph in _paragraphs(rendered.text):
            # Adaptive Cards read markdown in TextBlocks: people's text must stay text.
            body.append(
                {
                    "type": "TextBlock",
                    "text": escape_markdown(paragraph),
                    "wrap": True,
                    "spacing": "Small",
                }
            )
        card: dict[str, Any] = {
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "type": "AdaptiveCard",
            "version": "1.4",
            "body": body,
        }
        url = message.payload.get("url")
        if isinstance(url, str) and url.startswith(("http://", "https://")):
            card["actions"] = [
                {
                    "type": "Action.OpenUrl",
                    "title": translate("Öppna i Löfte", message.language),
                    "url": url,
                }
            ]
        return card

    def build(self, message: Envelope, rendered: Rendered, *, now: float) -> OutgoingRequest:
        """A Teams message with the card as its single attachment."""
        document = {
            "type": "message",
            "attachments": [
                {
                    "contentType": "application/vnd.microsoft.card.adaptive",
                    "contentUrl": None,
                    "content": self.card(message, rendered),
                }
            ],
        }
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Idempotency-Key": message.key,
        }
        return OutgoingRequest(url=self._url, body=json_body(document), headers=headers)


class SlackChannel(Channel):
    """Posts ``text`` plus Block Kit blocks; Mattermost and Rocket.Chat read the ``text`` field."""

    type = "slack"

    def __init__(self, name: str, *, url: str, **kw: Any):
        super().__init__(name, **kw)
        self._url = url

    def document(self, message: Envelope, rendered: Rendered) -> dict[str, Any]:
        """The Slack message: a header block and the text as mrkdwn (within Slack's limits)."""
        text = _slack_escape(rendered.text)
        blocks: list[dict[str, Any]] = [
            {"type": "header", "text": {"type": "plain_text", "text": rendered.subject[:150]}},
            {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}},
        ]
        return {"text": f"{_slack_escape(rendered.subject)}\n{text}", "blocks": blocks}

    def build(self, message: Envelope, rendered: Rendered, *, now: float) -> OutgoingRequest:
        """The request to the incoming-webhook URL."""
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Idempotency-Key": message.key,
        }
        return OutgoingRequest(
            url=self._url, body=json_body(self.document(message, rendered)), headers=headers
        )


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def _slack_escape(text: str) -> str:
    # Slack treats <, > and & as markup (links, mentions); the rest of the text is literal.
    return strip_controls(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
