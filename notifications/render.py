"""Rendering messages from their data with Jinja2: Swedish and English, plain text and HTML.

Templates live in ``notifications/templates`` as ``{kind}.{language}.{subject|txt|html}.j2``.
A kind without templates falls back to ``generic`` (every field listed), a language other than
sv/en falls back to Swedish. Templates are tolerant of missing fields (``ChainableUndefined``):
a digest without a date still renders instead of dead-lettering the message.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import ChainableUndefined, Environment, FileSystemLoader, TemplateNotFound

from notifications.channels.base import Rendered

TEMPLATE_DIR = Path(__file__).parent / "templates"
KINDS = ("digest", "escalation", "transition", "status_report")
LANGUAGES = ("sv", "en")

_LABELS = {
    "sv": {"open": "Öppna i Löfte", "footer": "Skickat av Löfte, stöd för medborgarlöften."},
    "en": {"open": "Open in Löfte", "footer": "Sent by Löfte, support for citizen promises."},
}


def _stage_name(value: Any, language: str) -> str:
    from lifecycle.stages import Stage

    try:
        return Stage(str(value)).name_in(language)
    except ValueError:
        return str(value or "")


def _long_date(value: Any, language: str) -> str:
    """An ISO date as ``fredag 19 juni 2026`` / ``Friday 19 June 2026``; other values as given."""
    from datetime import date

    from lifecycle.calendar import format_day

    try:
        return format_day(date.fromisoformat(str(value)), language)
    except ValueError:
        return str(value or "")


@lru_cache(maxsize=2)
def _environment(autoescape: bool) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=autoescape,
        undefined=ChainableUndefined,
        trim_blocks=True,
        # Plain text keeps indentation in front of tags (list items); HTML does not care.
        lstrip_blocks=autoescape,
        keep_trailing_newline=False,
        auto_reload=False,
    )
    return env


class Renderer:
    """Renders subject, text and HTML for a message; templates are compiled once and cached."""

    def __init__(self) -> None:
        self._text = _environment(False)
        self._html = _environment(True)

    def _name(self, kind: str, language: str, part: str) -> str:
        kind = kind if (TEMPLATE_DIR / f"{kind}.sv.{part}.j2").exists() else "generic"
        return f"{kind}.{language}.{part}.j2"

    def render(
        self, kind: str, language: str, payload: dict[str, Any], *, subject: str = "", html: bool = True
    ) -> Rendered:
        """Render ``payload`` as message ``kind`` in ``language``; ``subject`` overrides the template's."""
        lang = language if language in LANGUAGES else "sv"
        context: dict[str, Any] = {
            **payload,
            "data": payload,
            "lang": lang,
            "open_label": _LABELS[lang]["open"],
            "footer": _LABELS[lang]["footer"],
        }
        for env in (self._text, self._html):
            env.filters["stage"] = lambda value, _lang=lang: _stage_name(value, _lang)
            env.filters["longdate"] = lambda value, _lang=lang: _long_date(value, _lang)
        try:
            if not subject:
                subject = self._text.get_template(self._name(kind, lang, "subject")).render(context)
            subject = " ".join(subject.split())
            context["subject"] = subject
            text = self._text.get_template(self._name(kind, lang, "txt")).render(context)
            text = _tidy(text)
            html_out = self._html.get_template(self._name(kind, lang, "html")).render(context) if html else None
        except TemplateNotFound as exc:  # pragma: no cover - the package ships every template
            raise LookupError(f"template missing: {exc}") from exc
        return Rendered(subject=subject, text=text, html=html_out)


_BLANKS = re.compile(r"\n{3,}")


def _tidy(text: str) -> str:
    # Optional fields leave blank lines behind; at most one empty line between paragraphs.
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return _BLANKS.sub("\n\n", "\n".join(lines)) + "\n"
