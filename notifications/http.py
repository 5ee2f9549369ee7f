"""The one httpx client every channel sends through: pooled connections, explicit timeouts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

USER_AGENT = "lofte-notifier/0.1"


@dataclass(frozen=True)
class Timeouts:
    """Seconds for each phase of a request; none is left to a library default."""

    connect: float = 5.0
    read: float = 10.0
    write: float = 10.0
    pool: float = 10.0

    def as_httpx(self) -> httpx.Timeout:
        """The same limits as an httpx.Timeout."""
        return httpx.Timeout(connect=self.connect, read=self.read, write=self.write, pool=self.pool)


def _client_options(concurrency: int, timeouts: Timeouts | None, trust_env: bool) -> dict[str, Any]:
    """What both clients share: pool sized for ``concurrency``, explicit timeouts, no redirects.

    Redirects are not followed: a webhook that redirects is misconfigured, and following it
    would send a signed body (or a mail token) to a host nobody configured.
    """
    return {
        "timeout": (timeouts or Timeouts()).as_httpx(),
        "limits": httpx.Limits(
            max_connections=concurrency,
            max_keepalive_connections=concurrency,
            keepalive_expiry=30.0,
        ),
        "follow_redirects": False,
        "trust_env": trust_env,
        "headers": {"User-Agent": USER_AGENT},
    }


def make_sync_client(
    concurrency: int, timeouts: Timeouts | None = None, *, trust_env: bool = True
) -> httpx.Client:
    """The blocking twin of ``make_client``, shared by the sender threads in ``threads`` mode."""
    return httpx.Client(**_client_options(concurrency, timeouts, trust_env))


def make_client(
    concurrency: int, timeouts: Timeouts | None = None, *, trust_env: bool = True
) -> httpx.AsyncClient:
    """An AsyncClient sized for ``concurrency`` requests in flight."""
    return httpx.AsyncClient(**_client_options(concurrency, timeouts, trust_env))
