""" "Now" and "today" for the application: real time, or the frozen moment ``LOFTE_NOW``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime

from config.settings import ConfigError, get_settings

# The moment a replay of past work acts at (``lofte demo`` records each step on the day a
# person did it), so that every effect of a use case, not only its own row, bears that day.
_replayed: ContextVar[datetime | None] = ContextVar("lofte_replayed_now", default=None)


@contextmanager
def acting_at(moment: datetime) -> Iterator[None]:
    """Within the block, "now" is ``moment`` for everything that asks ``now_utc``."""
    token = _replayed.set(moment)
    try:
        yield
    finally:
        _replayed.reset(token)


def now_utc(now: datetime | None = None) -> datetime:
    """The moment to act at: ``now`` if given, else a replayed moment (``acting_at``), else
    ``LOFTE_NOW``, else the clock (aware UTC)."""
    moment = now or _replayed.get() or get_settings().now or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=get_settings().tz)
    return moment.astimezone(UTC)


def local_today(now: datetime | None = None) -> date:
    """Today's date in the configured time zone (Europe/Stockholm by default)."""
    return now_utc(now).astimezone(get_settings().tz).date()


def current_time(now: datetime | str | None = None) -> datetime:
    """The moment the reminder scan works at: ``now`` if given, else ``LOFTE_NOW``, else now.

    A string is ISO 8601 (a date alone means 07:00 that day, when the scheduled run happens).
    A time without zone is in the configured zone (Europe/Stockholm). Always timezone-aware.
    """
    settings = get_settings()
    tz = settings.tz
    if now is None:
        now = settings.now
    if now is None:
        return datetime.now(tz)
    if isinstance(now, str):
        try:
            if len(now.strip()) == 10:
                now = datetime.combine(
                    date.fromisoformat(now.strip()), datetime.min.time()
                ).replace(hour=7)
            else:
                now = datetime.fromisoformat(now.strip())
        except ValueError:
            raise ConfigError.said(
                "--now / LOFTE_NOW: {now!r} är inte ett ISO-datum eller en tid (till exempel "
                "2026-06-18T07:00)",
                now=now,
            ) from None
    if now.tzinfo is None:
        now = now.replace(tzinfo=tz)
    return now


def local_day(moment: datetime) -> date:
    """The calendar day of ``moment`` in the configured time zone (deadlines are local days)."""
    return moment.astimezone(get_settings().tz).date()
