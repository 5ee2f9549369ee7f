"""Keeping secrets out of logs and the database.

Every secret the channel configuration reads from the environment (tokens, signing secrets,
webhook URLs that carry a signature) is registered here; ``redact()`` replaces each of them,
and anything that looks like a credential in a URL or header, with ``***``. Error texts are
redacted before they are logged or stored, and a logging filter does the same for httpx's own
request log lines, which name the full URL.
"""

from __future__ import annotations

import logging
import re
import threading
from urllib.parse import urlsplit

MASK = "***"

_lock = threading.Lock()
_secrets: set[str] = set()

# Credentials that show up in texts even when we never registered them: query parameters such
# as ``sig=`` of Teams/Power Automate URLs, bearer tokens echoed by a receiver.
_PATTERNS = [
    re.compile(
        r"(?i)\b(sig|signature|token|access_token|api_key|apikey|key|code|secret)=[^&\s\"'<>]+"
    ),
    re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}"),
    re.compile(
        r"(?i)(x-postmark-server-token|authorization|x-api-key)(\"?\s*[:=]\s*\"?)[^\s\"',}]+"
    ),
    re.compile(r"https://hooks\.slack\.com/services/[^\s\"'<>]+"),
]


def register_secret(value: str | None) -> None:
    """Remember ``value`` as a secret (and, for a URL, its path and query) so it is masked."""
    if not value or len(value) < 4:
        return
    with _lock:
        _secrets.add(value)
        if value.startswith(("http://", "https://")):
            parts = urlsplit(value)
            # The path of a Slack or Teams webhook is as secret as the whole URL.
            if parts.query and len(parts.query) >= 4:
                _secrets.add(parts.query)
            if parts.path and len(parts.path) > 8:
                _secrets.add(parts.path)


def redact(text: str | None) -> str | None:
    """``text`` with every registered secret and credential-looking fragment masked."""
    if not text:
        return text
    with _lock:
        # Longest first, so a URL is masked whole before its path is.
        known = sorted(_secrets, key=len, reverse=True)
    for secret in known:
        if secret in text:
            text = text.replace(secret, MASK)
    text = _PATTERNS[0].sub(lambda m: f"{m.group(1)}={MASK}", text)
    text = _PATTERNS[1].sub(lambda m: f"{m.group(1)} {MASK}", text)
    text = _PATTERNS[2].sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", text)
    text = _PATTERNS[3].sub(f"https://hooks.slack.com/services/{MASK}", text)
    return text


class RedactingFilter(logging.Filter):
    """A logging filter that rewrites each record's message with secrets masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Mask the formatted message in place (the record is always let through)."""
        try:
            message = record.getMessage()
        except Exception:  # a broken record is logged as it is
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        return True


_FILTER = RedactingFilter()
# httpx logs every request's full URL at INFO; httpcore traces requests at DEBUG.
GUARDED_LOGGERS = ("lofte.notifications", "httpx", "httpcore")


def install_log_redaction() -> None:
    """Attach the redacting filter to our logger and to httpx's and httpcore's (idempotent)."""
    for name in GUARDED_LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)


def get_logger() -> logging.Logger:
    """The notifier's logger, with redaction installed.

    Every module of the notifier logs through this one logger: filters on a logger do not
    apply to records of its children, so a child logger would bypass the redaction.
    """
    install_log_redaction()
    return logging.getLogger("lofte.notifications")
