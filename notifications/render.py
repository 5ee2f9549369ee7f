"""Rendering messages from their data with Jinja2: Swedish and English, plain text and HTML.

Templates live in ``notifications/templates`` as ``{kind}.{language}.{subject|txt|html}.j2``.
A kind without templates is an error (the message is dead-lettered naming the kind): a mail
listing raw field names must never be sent. ``generic`` is a kind of its own (a title and
lines). A language other than sv/en falls back to Swedish. Templates are tolerant of missing fields (``ChainableUndefined``):
a digest without a date still renders instead of dead-lettering the message.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import (
    ChainableUndefined,
    Environment,
    FileSystemLoader,
    Template,
    TemplateNotFound,
    pass_context,
)
from jinja2.runtime import Context

from lifecycle.i18n import translate
from lifecycle.words import counted
from notifications.channels.base import Rendered

TEMPLATE_DIR = Path(__file__).parent / "templates"
KINDS = (
    "generic",
    "agreement_expiry",
    "status_event",
    "digest",
    "escalation",
    "transition",
    "status_report",
    "resident_confirm",
    "resident_round",
    "resident_year_end",
    "account_notice",
    "signature_request",
)
LANGUAGES = ("sv", "en")

# The link's label and the footer of every message (English in the catalogue).
OPEN_LABEL = "Öppna i Löfte"
FOOTER = "Skickat av Löfte, stöd för medborgarlöften."


def _stage_name(value: Any, language: str) -> str:
    from lifecycle.stages import Stage

    try:
        return Stage(str(value)).name_in(language)
    except ValueError:
        return str(value or "")


@lru_cache(maxsize=4096)
def _long_date(value: Any, language: str) -> str:
    """An ISO date as ``fredag 19 juni 2026`` / ``Friday 19 June 2026``; other values as given.

    Cached: a run renders the same few dates thousands of times (values are strings from JSON).
    """
    from datetime import date

    from lifecycle.calendar import format_day

    try:
        return format_day(date.fromisoformat(str(value)), language)
    except ValueError:
        return str(value or "")


def _language(context: Context) -> str:
    """The language a filter should use: the render's ``lang``, else the template's name.

    Macros imported from ``_deadlines.{lang}.j2`` run without the caller's context (Jinja
    caches such imports), so there ``lang`` is missing and the file name tells the language.
    One filter per environment then serves every language, and nothing about the shared
    environment changes between renders (it used to be re-bound per message).
    """
    lang = context.get("lang")
    if lang in LANGUAGES:
        return str(lang)
    parts = (context.name or "").split(".")
    return parts[1] if len(parts) > 2 and parts[1] in LANGUAGES else "sv"


@pass_context
def _stage_filter(context: Context, value: Any) -> str:
    return _stage_name(value, _language(context))


@pass_context
def _longdate_filter(context: Context, value: Any) -> str:
    if not isinstance(value, str | int | float):  # undefined or odd values render as before
        return str(value or "")
    return _long_date(value, _language(context))


@pass_context
def _localtime_filter(context: Context, value: Any) -> str:
    """A stored UTC moment (ISO) in the installation's time zone, as people write it:
    "torsdag 3 december 2026 kl. 20.15" / "Thursday 3 December 2026 at 20:15"."""
    from datetime import UTC, datetime

    from config.settings import get_settings

    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value or "")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(get_settings().tz)
    day = _long_date(local.date().isoformat(), _language(context))
    if _language(context) == "en":
        return f"{day} at {local:%H:%M}"
    return f"{day} kl. {local:%H.%M}"


@lru_cache(maxsize=2)
def _environment(autoescape: bool) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=autoescape,  # the HTML environment escapes every template, macros included
        undefined=ChainableUndefined,
        trim_blocks=True,
        # Plain text keeps indentation in front of tags (list items); HTML does not care.
        lstrip_blocks=autoescape,
        keep_trailing_newline=False,
        auto_reload=False,
    )
    env.filters["stage"] = _stage_filter
    env.filters["longdate"] = _longdate_filter
    env.filters["localtime"] = _localtime_filter
    env.globals["counted"] = counted
    return env


@lru_cache(maxsize=256)
def _template(autoescape: bool, kind: str, language: str, part: str) -> Template:
    """The compiled template for one part; looked up on disk once per (kind, language, part).

    Templates never change while the process runs (``auto_reload=False``), so neither does the
    answer; caching it saves a ``stat()`` per part and Jinja's own cache lookup per message.
    """
    if not (TEMPLATE_DIR / f"{kind}.sv.{part}.j2").exists():
        raise LookupError(f"no template for message kind {kind!r} ({part})")
    return _environment(autoescape).get_template(f"{kind}.{language}.{part}.j2")


def _context(language: str, payload: dict[str, Any]) -> dict[str, Any]:
    lang = language if language in LANGUAGES else "sv"
    return {
        **payload,
        "data": payload,
        "lang": lang,
        "open_label": translate(OPEN_LABEL, lang),
        "footer": translate(FOOTER, lang),
        # Links in messages point at the service (or LOFTE_PUBLIC_URL), never a command.
        "base_url": _base_url(),
    }


class Renderer:
    """Renders subject, text and HTML for a message; templates are compiled once and cached.

    A subject comes from its template only (``{kind}.{language}.subject.j2``): the outbox
    stores what ``subject`` renders when a message is queued, and delivery renders the same.
    """

    def subject(self, kind: str, language: str, payload: dict[str, Any]) -> str:
        """The subject line of message ``kind`` in ``language`` (on one line)."""
        context = _context(language, payload)
        text = _template(False, kind, context["lang"], "subject").render(context)
        return " ".join(text.split())

    def render(
        self, kind: str, language: str, payload: dict[str, Any], *, html: bool = True
    ) -> Rendered:
        """Render ``payload`` as message ``kind`` in ``language``: subject, text, HTML."""
        context = _context(language, payload)
        lang = context["lang"]
        try:
            subject = self.subject(kind, lang, payload)
            context["subject"] = subject
            text = _template(False, kind, lang, "txt").render(context)
            text = _tidy(text)
            html_out = _template(True, kind, lang, "html").render(context) if html else None
        except TemplateNotFound as exc:  # pragma: no cover - the package ships every template
            raise LookupError(f"template missing: {exc}") from exc
        return Rendered(subject=subject, text=text, html=html_out)


def _base_url() -> str:
    from config.settings import get_settings

    return get_settings().public_base_url


_BLANKS = re.compile(r"\n{3,}")


def _tidy(text: str) -> str:
    # Optional fields leave blank lines behind; at most one empty line between paragraphs.
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return _BLANKS.sub("\n\n", "\n".join(lines)) + "\n"
