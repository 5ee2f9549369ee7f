"""HTTP plumbing every page shares (RFC 9110): HEAD wherever GET works, compressed answers,
and static files under fingerprinted names that may be cached for a year.

``install`` puts it on the application; ``static_url`` is what templates link to.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

STATIC = Path(__file__).resolve().parent / "static"
# A fingerprinted file's content never changes under its name: a year, and never revalidated.
IMMUTABLE = "public, max-age=31536000, immutable"
# A file asked for under its plain name may change with the next release.
REVALIDATE = "public, max-age=300"
_FINGERPRINTED = re.compile(r"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{12})(?P<suffix>\.[A-Za-z0-9]+)$")


@lru_cache(maxsize=64)
def _digest(name: str) -> str:
    return hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]


def static_url(name: str) -> str:
    """``/static/lofte.3f2a1b9c0d4e.css`` for ``lofte.css``: the name changes with the content."""
    path = Path(name)
    return f"/static/{path.with_name(f'{path.stem}.{_digest(name)}{path.suffix}').as_posix()}"


class FingerprintedStatic(StaticFiles):
    """The static files, by their fingerprinted names (cached for a year) or plain ones."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        """Serve ``name.DIGEST.ext`` as ``name.ext`` when the digest is the file's own."""
        match = _FINGERPRINTED.match(path)
        if match:
            plain = f"{match['stem']}{match['suffix']}"
            try:
                current = _digest(plain)
            except OSError:
                current = ""
            if current == match["digest"]:
                response = await super().get_response(plain, scope)
                response.headers["Cache-Control"] = IMMUTABLE
                return response
        response = await super().get_response(path, scope)
        response.headers.setdefault("Cache-Control", REVALIDATE)
        return response


class HeadAsGet:
    """Answer HEAD on every GET route (RFC 9110 9.3.2): the same status and headers, no body.

    FastAPI routes answer only the methods they name; this runs the GET and drops its body.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run a HEAD request as GET and send only the start of the answer."""
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if not message.get("more_body", False):
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
                return
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)


def install(app: Any) -> None:
    """Compression (gzip) and HEAD on the application; the static files fingerprinted."""
    app.add_middleware(GZipMiddleware, minimum_size=500)
    app.add_middleware(HeadAsGet)  # outermost: HEAD sees the headers of the compressed GET
    app.mount("/static", FingerprintedStatic(directory=STATIC), name="static")
