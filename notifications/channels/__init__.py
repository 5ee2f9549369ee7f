"""Channel adapters: generic signed webhook, Teams, Slack-compatible chat, HTTP mail APIs."""

from notifications.channels.base import Channel, Envelope, OutgoingRequest, PermanentError, Rendered
from notifications.channels.chat import SlackChannel, TeamsChannel
from notifications.channels.mail import MailChannel
from notifications.channels.webhook import WebhookChannel

__all__ = [
    "Channel",
    "Envelope",
    "MailChannel",
    "OutgoingRequest",
    "PermanentError",
    "Rendered",
    "SlackChannel",
    "TeamsChannel",
    "WebhookChannel",
]
