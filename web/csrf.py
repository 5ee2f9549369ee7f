"""Cross-site request forgery: tokens bound to the browser's session.

A signed-in browser's forms, and its writes to the JSON API, carry a token derived from its
session (an HMAC of the session id's digest under the installation's secret): a token from
another session, or from before sign-in, is refused, and a new session (every sign-in) makes
every earlier token useless. Forms shown before sign-in (the sign-in form, residents'
subscriptions) keep fastapi-csrf-protect's signed double-submit cookie.
"""

from __future__ import annotations

import hashlib
import hmac

from config.operator_key import ensure_operator_key

CSRF_HEADER = "x-csrf-token"


def _secret() -> bytes:
    # Shared by every service process (they share the data folder), derived from the operator
    # key so that there is no second secret to manage; distinct from the form cookie's secret.
    return hashlib.sha256(b"lofte-session-csrf:" + ensure_operator_key().encode()).digest()


def session_token(session_cookie: str) -> str:
    """The CSRF token of the session whose cookie is ``session_cookie``."""
    session_digest = hashlib.sha256(session_cookie.encode("utf-8")).hexdigest()
    return hmac.new(_secret(), session_digest.encode(), hashlib.sha256).hexdigest()


def valid_session_token(session_cookie: str, given: str | None) -> bool:
    """Whether ``given`` is this session's token (constant-time)."""
    return bool(given) and hmac.compare_digest(session_token(session_cookie), str(given))
