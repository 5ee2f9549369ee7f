"""When to try again: classification of outcomes, exponential backoff with jitter, Retry-After."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from enum import StrEnum


class Outcome(StrEnum):
    """What one delivery attempt means for its message."""

    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"  # permanent: dead-letter now


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently a message is retried before it is dead-lettered.

    The delay before attempt n+1 is ``base * 2**(n-1)`` capped at ``max_delay``, of which the
    second half is random ("equal jitter"): receivers recovering from an outage are not hit by
    every sender at the same instant, and the wait never shrinks to nothing.
    """

    max_attempts: int = 8
    base_delay: float = 2.0
    max_delay: float = 900.0
    # A Retry-After longer than this is cut short (a receiver cannot park a message for days).
    max_retry_after: float = 3600.0

    def backoff(self, attempt: int, rng: random.Random | None = None) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        rng = rng or _rng
        ceiling = min(self.max_delay, self.base_delay * (2 ** max(0, attempt - 1)))
        return ceiling / 2 + rng.uniform(0, ceiling / 2)

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """The wait before the next attempt, honouring a receiver's Retry-After when given."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_retry_after)
        return self.backoff(attempt)


_rng = random.Random()


def classify_status(status_code: int) -> Outcome:
    """2xx is sent; 5xx and 429 are worth retrying; any other status is permanent."""
    if 200 <= status_code < 300:
        return Outcome.SENT
    if status_code >= 500 or status_code == 429:
        return Outcome.RETRY
    return Outcome.FAILED


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date); None if absent/bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
