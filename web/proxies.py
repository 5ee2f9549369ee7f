"""Believing a reverse proxy about the client's address, and only a configured one.

uvicorn would trust ``X-Forwarded-For`` from 127.0.0.1 by default, so anything on the server
(or a proxy that passes the header through unchecked) could rotate it and slip past the
per-address sign-in lock and the residents' per-client limits. ``lofte serve`` turns that off;
this middleware reads ``X-Forwarded-For`` and ``X-Forwarded-Proto`` only when the connection
comes from an address in ``LOFTE_TRUSTED_PROXIES``, and then takes the right-most address
that is not itself a trusted proxy (the one the outermost trusted proxy saw).
"""

from __future__ import annotations

import ipaddress
from typing import Any

from config.settings import get_settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _is_trusted(host: str, networks: list[Network]) -> bool:
    try:
        address = ipaddress.ip_address(host.strip())
    except ValueError:
        return False
    return any(address in net for net in networks)


def client_address(peer: str, forwarded_for: str | None, networks: list[Network]) -> str:
    """The client's address: ``peer`` unless it is a trusted proxy that says who it served."""
    if not forwarded_for or not _is_trusted(peer, networks):
        return peer
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, networks):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer  # garbage from the client's side: keep the proxy's own address
    return hops[0] if hops else peer


class TrustedProxies:
    """ASGI middleware: rewrites the request's client (and scheme) from a trusted proxy's
    headers; from anyone else those headers are ignored."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """Rewrite ``scope['client']`` and ``scope['scheme']`` when a trusted proxy asks."""
        if scope["type"] in ("http", "websocket") and scope.get("client"):
            networks = get_settings().proxy_networks
            peer, port = scope["client"]
            if networks and _is_trusted(peer, networks):
                headers = {k.lower(): v for k, v in scope.get("headers", [])}
                forwarded = headers.get(b"x-forwarded-for")
                proto = headers.get(b"x-forwarded-proto", b"").decode("latin-1").strip().lower()
                # In place, as uvicorn's own proxy middleware does: its access log then
                # names the real client too.
                if forwarded:
                    scope["client"] = (
                        client_address(peer, forwarded.decode("latin-1"), networks),
                        port,
                    )
                if proto in ("http", "https"):
                    scope["scheme"] = proto
        await self.app(scope, receive, send)
