"""Rendering the web pages: one Jinja environment (autoescaped), Swedish formats through Babel,
and CSRF tokens for every form (fastapi-csrf-protect's flexible class reads a form field)."""

from __future__ import annotations

import hashlib
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi_csrf_protect.flexible import CsrfProtect
from jinja2 import Environment, FileSystemLoader, select_autoescape

from config.operator_key import ensure_operator_key
from config.settings import get_settings
from lifecycle.stages import Stage
from lifecycle.words import counted

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
CSRF_FIELD = "csrf_token"
CSRF_COOKIE = "lofte_csrf"


def long_date(value: str | date | None) -> str:
    """ "22 november 2026" (Babel, Swedish)."""
    if not value:
        return "–"
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return format_date(day, format="long", locale="sv_SE")


def decimal(value: float | int | None) -> str:
    """ "12,5" (Babel, Swedish)."""
    return "–" if value is None else format_decimal(value, locale="sv_SE")


def stage_name(value: str) -> str:
    """A stage's Swedish name ("Medborgardialog"), never its code."""
    try:
        return Stage(value).name_in("sv")
    except ValueError:
        return value


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The pages' templates, HTML-escaped everywhere."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["long_date"] = long_date
    env.filters["decimal"] = decimal
    env.filters["stage_name"] = stage_name
    env.globals["counted"] = counted
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
        ("cookie_secure", get_settings().cookie_secure),
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
    """Render a page with a fresh CSRF token in its forms (and the matching cookie)."""
    token, signed = CSRF.generate_csrf_tokens()
    html = (
        environment()
        .get_template(template)
        .render(request=request, csrf_field=CSRF_FIELD, csrf_token=token, **context)
    )
    response = HTMLResponse(html, status_code=status)
    CSRF.set_csrf_cookie(signed, response)
    return response


async def check_csrf(request: Request) -> None:
    """Refuse a form post without the token of a page this browser was given."""
    await request.form()  # parsed once: the flexible class reads the token from it
    await CSRF.validate_csrf(request)
