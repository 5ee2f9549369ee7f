""" "Now" and "today" for the application: real time, or the frozen moment ``LOFTE_NOW``."""

from __future__ import annotations

from datetime import UTC, date, datetime

from config.settings import get_settings


def now_utc(now: datetime | None = None) -> datetime:
    """The moment to act at: ``now`` if given, else ``LOFTE_NOW``, else the clock (aware UTC)."""
    moment = now or get_settings().now or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=get_settings().tz)
    return moment.astimezone(UTC)


def local_today(now: datetime | None = None) -> date:
    """Today's date in the configured time zone (Europe/Stockholm by default)."""
    return now_utc(now).astimezone(get_settings().tz).date()
