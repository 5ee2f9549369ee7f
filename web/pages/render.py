"""Rendering the web pages: one Jinja environment (autoescaped), Swedish formats through Babel,
and CSRF tokens for every form (fastapi-csrf-protect's flexible class reads a form field)."""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.dates import format_datetime
from babel.numbers import format_decimal
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi_csrf_protect.exceptions import CsrfProtectError
from fastapi_csrf_protect.flexible import CsrfProtect
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup

from config.operator_key import ensure_operator_key
from config.public_address import public_base
from config.settings import get_settings
from lifecycle.calendar import long_day
from lifecycle.names import municipal_party, organisation_title
from lifecycle.stages import Stage
from lifecycle.statements import promise_paragraphs
from lifecycle.vocabulary import OrganisationKind, label
from lifecycle.words import counted
from web.http import static_url
from web.pages.i18n import LOCALES, language_of, remember, switch_url, translator

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
CSRF_FIELD = "csrf_token"
CSRF_COOKIE = "lofte_csrf"


def long_date(value: str | date | None, language: str = "sv") -> str:
    """ "22 november 2026" / "22 November 2026" (``lifecycle.calendar.long_day``)."""
    if not value:
        return "–"
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return long_day(day, language)


def decimal(value: float | int | None, language: str = "sv") -> str:
    """ "12,5" / "12.5" (Babel)."""
    return "–" if value is None else format_decimal(value, locale=LOCALES.get(language, "sv_SE"))


def stage_name(value: str, language: str = "sv") -> str:
    """A stage's name ("Medborgardialog" / "Resident dialogue"), never its code."""
    try:
        return Stage(value).name_in(language)
    except ValueError:
        return value


def _lang(context: Context) -> str:
    return str(context.get("lang") or "sv")


@pass_context
def _long_date(context: Context, value: str | date | None) -> str:
    return long_date(value, _lang(context))


_URL = re.compile(r"https?://[^\s<>\"']+")


def _linkify(text: str) -> Markup:
    """Plain text, escaped, with its web addresses as links and its lines kept."""
    out = []
    for line in text.splitlines():
        parts, last = [], 0
        for match in _URL.finditer(line):
            url = match.group(0).rstrip(".,;:)")
            parts.append(Markup.escape(line[last : match.start()]))
            parts.append(Markup('<a class="govuk-link" href="{0}">{0}</a>').format(url))
            last = match.start() + len(url)
        parts.append(Markup.escape(line[last:]))
        out.append(Markup("").join(parts))
    return Markup("<br>\n").join(out)


@pass_context
def _local_time(context: Context, value: datetime) -> str:
    """A moment in the installation's time zone, as people write it ("3 dec. 2026 20:15")."""
    lang = _lang(context)
    return format_datetime(
        value.astimezone(get_settings().tz),
        "d MMM y HH:mm",
        locale="sv_SE" if lang == "sv" else "en_GB",
    )


@pass_context
def _decimal(context: Context, value: float | int | None) -> str:
    return decimal(value, _lang(context))


@pass_context
def _stage_name(context: Context, value: str) -> str:
    return stage_name(value, _lang(context))


@pass_context
def _label(context: Context, value: str) -> str:
    return label(value, _lang(context))


@pass_context
def _counted(context: Context, n: int, unit: str) -> str:
    return counted(n, unit, _lang(context))


def language_context(request: Request | None) -> dict[str, Any]:
    """What every template needs to speak the page's language. ``sv_part`` is the attribute
    that marks text people wrote in Swedish on an English page (WCAG 3.1.2)."""
    lang = language_of(request)
    return {
        "lang": lang,
        "_": translator(lang),
        "switch_url": switch_url(request, lang),
        "sv_part": Markup(' lang="sv"') if lang == "en" else "",
    }


@pass_context
def _swedish(context: Context, value: object) -> Markup:
    """Text people wrote (in Swedish): on an English page inside ``<span lang="sv">``."""
    if _lang(context) == "en" and value not in (None, ""):
        return Markup('<span lang="sv">{}</span>').format(value)
    return Markup("{}").format("" if value is None else value)


@pass_context
def _municipal_party(context: Context, kind: str, name: str) -> str:
    """ "Stadsdelsnämnden", "Regionen" or "Kommunen": who makes the municipal promise."""
    return municipal_party(OrganisationKind(kind), name, _lang(context))


@pass_context
def _titled(context: Context, name: str, kind: str) -> str:
    """An organisation by its full name inside a sentence ("Sollentuna kommun")."""
    return organisation_title(name, OrganisationKind(kind), _lang(context), in_sentence=True)


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The pages' templates, HTML-escaped everywhere."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["long_date"] = _long_date
    env.filters["decimal"] = _decimal
    env.filters["local_time"] = _local_time
    env.filters["linkify"] = _linkify
    env.filters["stage_name"] = _stage_name
    env.filters["label"] = _label
    env.filters["sv"] = _swedish
    env.filters["paragraphs"] = promise_paragraphs
    env.globals["counted"] = _counted
    env.globals["municipal_party"] = _municipal_party
    env.globals["titled"] = _titled
    env.globals["static_url"] = static_url
    env.globals["public_base"] = public_base
    return env


@CsrfProtect.load_config
def _csrf_settings() -> list[tuple[str, Any]]:
    # A secret of the installation, shared by every service process (they share the data
    # folder), derived from the operator key so that there is no second secret to manage.
    secret = hashlib.sha256(b"lofte-csrf:" + ensure_operator_key().encode()).hexdigest()
    return [
        ("secret_key", secret),
        ("token_location", "body"),
        ("token_key", CSRF_FIELD),
        ("cookie_key", CSRF_COOKIE),
        ("cookie_secure", get_settings().secure_cookies),
        ("cookie_samesite", "lax"),
        ("max_age", 8 * 3600),
    ]


CSRF = CsrfProtect()


def page(
    request: Request,
    template: str,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    """Render a page with a CSRF token in its forms: the session's own when signed in, else
    a fresh one with the matching cookie."""
    from web.auth import SESSION_COOKIE
    from web.csrf import session_token

    token, signed = CSRF.generate_csrf_tokens()
    session_cookie = request.cookies.get(SESSION_COOKIE) if request is not None else None
    if session_cookie:
        token = session_token(session_cookie)
    html = (
        environment()
        .get_template(template)
        .render(
            request=request,
            csrf_field=CSRF_FIELD,
            csrf_token=token,
            **language_context(request),
            **context,
        )
    )
    # Pages with a form and a CSRF token (the staff's, the sign-in): never kept by a cache.
    response = HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})
    CSRF.set_csrf_cookie(signed, response)
    remember(request, response)
    return response


async def check_csrf(request: Request) -> None:
    """Refuse a form post without the token of a page this browser was given: with a session,
    that session's token (another session's, or one from before sign-in, is refused)."""
    from web.auth import SESSION_COOKIE
    from web.csrf import valid_session_token

    form = await request.form()  # parsed once: the flexible class reads the token from it
    session_cookie = request.cookies.get(SESSION_COOKIE)
    if session_cookie:
        if not valid_session_token(session_cookie, str(form.get(CSRF_FIELD, ""))):
            raise CsrfProtectError(400, "the form's token is not this session's")
        return
    await CSRF.validate_csrf(request)
