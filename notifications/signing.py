"""Signing webhook bodies with HMAC-SHA256, and verifying them on the receiving side.

The scheme follows the Standard Webhooks specification (https://www.standardwebhooks.com),
so receivers can use its libraries or the ten lines below:

* ``webhook-id``: the message's idempotency key (the same on every re-send);
* ``webhook-timestamp``: Unix seconds when this attempt was signed;
* ``webhook-signature``: ``v1,`` + base64(HMAC-SHA256(key, f"{id}.{timestamp}.{body}")).

The key is the secret's bytes, or for a secret written ``whsec_<base64>`` (the standard's
format) the decoded bytes. Signing the id and timestamp with the body means a captured request
cannot be replayed later (the timestamp is checked) nor with another id.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

from lifecycle.i18n import InvalidValue

ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
SIGNATURE_HEADER = "webhook-signature"
DEFAULT_TOLERANCE_SECONDS = 300


class SignatureError(ValueError):
    """The signature is missing, malformed, wrong, or too old/new."""


def secret_key(secret: str) -> bytes:
    """The HMAC key for a configured secret (``whsec_``-prefixed secrets are base64).

    A ``whsec_`` secret that is not base64 is a ValueError saying so (never quoting it), an
    ``InvalidValue`` said in Swedish and in English; the channels file is checked with this
    when it is loaded, so sending never meets one."""
    if secret.startswith("whsec_"):
        try:
            key = base64.b64decode(secret.removeprefix("whsec_"), validate=True)
        except ValueError:  # binascii.Error
            raise InvalidValue(
                "efter whsec_ ska hemligheten vara base64 (A-Z a-z 0-9 + / =)"
            ) from None
        if not key:
            raise InvalidValue("efter whsec_ ska hemligheten vara base64 av minst en byte")
        return key
    return secret.encode("utf-8")


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header value for ``body``."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def signature_headers(
    secret: str, message_id: str, body: bytes, now: float | None = None
) -> dict[str, str]:
    """The three headers that carry id, timestamp and signature for one attempt."""
    timestamp = int(time.time() if now is None else now)
    return {
        ID_HEADER: message_id,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(secret, message_id, timestamp, body),
    }


def verify(
    secret: str,
    headers: dict[str, str],
    body: bytes,
    *,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> str:
    """Check a received request; return its message id, or raise SignatureError.

    ``headers`` may use any letter case. The timestamp must be within ``tolerance`` seconds of
    ``now``; the receiver should also remember ids it has processed and drop repeats.
    """
    lower = {k.lower(): v for k, v in headers.items()}
    try:
        message_id = lower[ID_HEADER]
        timestamp = int(lower[TIMESTAMP_HEADER])
        signatures = lower[SIGNATURE_HEADER]
    except (KeyError, ValueError) as exc:
        raise SignatureError(f"missing or malformed header: {exc}") from None
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        raise SignatureError("timestamp outside the tolerance window (possible replay)")
    expected = sign(secret, message_id, timestamp, body)
    # The header may hold several space-separated signatures (key rotation).
    for candidate in signatures.split():
        if hmac.compare_digest(candidate, expected):
            return message_id
    raise SignatureError("signature does not match")
