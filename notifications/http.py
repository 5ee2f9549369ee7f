"""The one httpx client every channel sends through: pooled connections, explicit timeouts."""

from __future__ import annotations

from dataclasses import dataclass

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


def make_sync_client(concurrency: int, timeouts: Timeouts | None = None, *, trust_env: bool = True) -> httpx.Client:
    """The blocking twin of ``make_client``, shared by the sender threads in ``threads`` mode."""
    limits = httpx.Limits(
        max_connections=concurrency,
        max_keepalive_connections=concurrency,
        keepalive_expiry=30.0,
    )
    return httpx.Client(
        timeout=(timeouts or Timeouts()).as_httpx(),
        limits=limits,
        follow_redirects=False,
        trust_env=trust_env,
        headers={"User-Agent": USER_AGENT},
    )


def make_client(concurrency: int, timeouts: Timeouts | None = None, *, trust_env: bool = True) -> httpx.AsyncClient:
    """An AsyncClient sized for ``concurrency`` requests in flight.

    Redirects are not followed: a webhook that redirects is misconfigured, and following it
    would send a signed body (or a mail token) to a host nobody configured.
    """
    limits = httpx.Limits(
        max_connections=concurrency,
        max_keepalive_connections=concurrency,
        keepalive_expiry=30.0,
    )
    return httpx.AsyncClient(
        timeout=(timeouts or Timeouts()).as_httpx(),
        limits=limits,
        follow_redirects=False,
        trust_env=trust_env,
        headers={"User-Agent": USER_AGENT},
    )
