"""Security headers on every answer of the service, pages, API, static files and errors alike.

The pages need no inline script or style (GOV.UK Frontend is started from static files), so
the Content Security Policy allows scripts and styles from this site only, and no framing at
all: one-click buttons ("Gå vidare", the admin's revoke, a resident's confirmation) cannot be
clickjacked. HSTS is sent when the installation's public address is HTTPS.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from config.settings import get_settings
from reports.styles import csp_hashes

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        # The year-end compilation is a document that keeps its stylesheet inline when saved:
        # exactly that stylesheet is allowed, by its hash (a style attribute still is not).
        "style-src " + " ".join(["'self'", *csp_hashes()]),
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HSTS = "max-age=31536000"

BASE_HEADERS: tuple[tuple[str, str], ...] = (
    ("content-security-policy", CSP),
    ("x-frame-options", "DENY"),
    ("x-content-type-options", "nosniff"),
    # Residents' confirm and unsubscribe links carry their secret in the path: never send it on.
    ("referrer-policy", "same-origin"),
    ("cross-origin-opener-policy", "same-origin"),
    ("permissions-policy", "camera=(), microphone=(), geolocation=(), payment=()"),
)


def security_headers() -> list[tuple[str, str]]:
    """The headers every answer carries (HSTS only behind an HTTPS public address)."""
    headers = list(BASE_HEADERS)
    if get_settings().https:
        headers.append(("strict-transport-security", HSTS))
    return headers


class SecurityHeaders:
    """ASGI middleware: adds :func:`security_headers` to every HTTP response it passes on,
    replacing any of the same name (a route cannot weaken them by accident)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """Pass the request on; rewrite the start of each response."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in security_headers()]
        names = {k for k, _ in extra}

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                kept: Iterable[tuple[bytes, bytes]] = (
                    (k, v) for k, v in message.get("headers", []) if k.lower() not in names
                )
                message = {**message, "headers": [*kept, *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)
