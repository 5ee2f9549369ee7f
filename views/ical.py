"""iCalendar feeds (RFC 5545) of deadlines, per promise and per region, to subscribe to from a
calendar program (Outlook, Google Calendar, Apple Calendar, Thunderbird).

Every deadline is an all-day event on its due date with a stable UID, so a calendar that
refreshes the feed moves an event when its deadline moves instead of adding a second one.
Done deadlines stay in the feed (marked as done) so the year's history remains visible.
Written by hand: the format is small and an extra dependency would buy nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session, col, select

from config.public_address import public_host
from lifecycle.deadlines import KIND_ROUND, ROUND
from lifecycle.i18n import translate
from lifecycle.safe_text import strip_controls
from lifecycle.stages import Stage
from models.operations import Deadline
from models.promise import Promise

PRODID = "-//Löfte//Medborgarlöften//SV"


def escape_text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and newlines.

    Control characters are removed first: a bare CR would end the content line early.
    """
    return (
        strip_controls(value)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 3.1), never inside a UTF-8 character."""
    raw = line.encode("utf-8")
    if len(raw) <= 75:
        return line
    parts: list[str] = []
    current = b""
    limit = 75
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > limit:
            parts.append(current.decode("utf-8"))
            current = b""
            limit = 74  # continuation lines start with a space
        current += encoded
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _day(value: date) -> str:
    return value.strftime("%Y%m%d")


def _what(deadline: Deadline, language: str) -> str:
    if deadline.kind == KIND_ROUND:
        return translate(ROUND, language, number=deadline.ref.split(":", 1)[1])
    return Stage(deadline.stage).name_in(language)


def _lines(deadline: Deadline, promise: Promise, language: str) -> list[str]:
    """The event's description in ``language`` (its sentences from the catalogue)."""
    done = translate(" (klar)", language) if deadline.done else ""
    lines = [
        translate(
            "Medborgarlöfte {id}: {area}, år {year}.",
            language,
            id=promise.id,
            area=promise.area_name,
            year=deadline.cycle_year,
        ),
        translate(
            "Tidsfrist: {what}, senast {due}{done}.",
            language,
            what=_what(deadline, language),
            due=deadline.due.isoformat(),
            done=done,
        ),
    ]
    if deadline.nominal_due:
        lines.append(
            translate(
                "Flyttad från {day} (helg eller helgdag).",
                language,
                day=deadline.nominal_due.isoformat(),
            )
        )
    return lines


def _event(deadline: Deadline, promise: Promise, stamp: str) -> list[str]:
    done = translate(" (klar)", "sv") if deadline.done else ""
    summary = f"{_what(deadline, 'sv')}{done}: {promise.area_name}"
    sv, en = _lines(deadline, promise, "sv"), _lines(deadline, promise, "en")
    description = "\n".join([*sv, "", *en, "", f"lofte deadlines {promise.id}"])
    uid = (
        f"promise-{promise.id}-{deadline.kind}-{deadline.stage}-y{deadline.cycle_year}"
        f"{('-' + deadline.ref.replace(':', '')) if deadline.ref else ''}@{public_host()}"
    )
    return [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{_day(deadline.due)}",
        f"DTEND;VALUE=DATE:{_day(deadline.due + timedelta(days=1))}",
        f"SUMMARY:{escape_text(summary)}",
        f"DESCRIPTION:{escape_text(description)}",
        f"CATEGORIES:{escape_text('Löfte')},{escape_text(deadline.stage)}",
        "TRANSP:TRANSPARENT",  # a deadline does not make anyone busy
        "STATUS:CONFIRMED",
        "END:VEVENT",
    ]


def render_calendar(
    name: str, rows: Iterable[tuple[Deadline, Promise]], now: datetime | None = None
) -> str:
    """A VCALENDAR with one all-day VEVENT per deadline; CRLF line ends, folded lines."""
    stamp = _stamp(now or datetime.now(UTC))
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        "X-WR-TIMEZONE:Europe/Stockholm",
        # Ask subscribing programs to refresh twice a day.
        "REFRESH-INTERVAL;VALUE=DURATION:PT12H",
        "X-PUBLISHED-TTL:PT12H",
    ]
    for deadline, promise in rows:
        lines += _event(deadline, promise, stamp)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def promise_feed(session: Session, promise_id: int, now: datetime | None = None) -> str:
    """The feed of one promise's deadlines (LookupError if there is no such promise)."""
    promise = session.get(Promise, promise_id)
    if promise is None:
        raise LookupError(f"no promise with id {promise_id}")
    deadlines = session.exec(
        select(Deadline)
        .where(Deadline.promise_id == promise_id)
        .order_by(col(Deadline.due), col(Deadline.id))
    ).all()
    name = f"Löfte {promise.id}: {promise.area_name}"
    return render_calendar(name, ((d, promise) for d in deadlines), now)


def region_feed(
    session: Session, region_id: str, now: datetime | None = None, include_closed: bool = False
) -> str:
    """The feed of every deadline of the region's promises (closed promises left out by default)."""
    query = (
        select(Deadline, Promise)
        .join(Promise, col(Promise.id) == col(Deadline.promise_id))
        .where(Promise.region_id == region_id)
        .order_by(col(Deadline.due), col(Deadline.id))
    )
    if not include_closed:
        query = query.where(Promise.stage != Stage.CLOSED)
    rows = session.exec(query).all()
    return render_calendar(f"Löfte: region {region_id}", rows, now)
