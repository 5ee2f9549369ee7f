"""Swedish first, English second: which language a page is in, and its words in English.

Templates write their text in Swedish inside ``_("...")``; in English the same text is looked
up in the one catalogue every layer uses, ``lifecycle/translations/en.po`` (``lifecycle/i18n.py``:
msgid Swedish, msgstr English). A sentence with values names them: ``_("Uppföljning {n}", n=2)``.
A test checks that every text the pages use has its English, so a missing translation fails the
suite instead of showing Swedish on an English page.

The language is ``?lang=sv|en`` when given (and then remembered in a cookie), else the cookie,
else Swedish.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from lifecycle.i18n import CATALOGUE, LANGUAGES, N_, english, translate

__all__ = ["CATALOGUE", "LANGUAGES", "N_", "english", "language_of", "translator"]

COOKIE = "lofte_lang"
LOCALES = {"sv": "sv_SE", "en": "en_GB"}


def language_of(request: Request | None) -> str:
    """The page's language: the ``lang`` parameter, else the remembered choice, else sv."""
    if request is None:
        return "sv"
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return str(asked)
    kept = request.cookies.get(COOKIE)
    return kept if kept in LANGUAGES else "sv"


def translator(language: str) -> Callable[..., str]:
    """``_`` for templates: the text in ``language`` with its ``{values}`` filled in."""

    def in_language(text: str, **values: Any) -> str:
        return translate(text, language, **values)

    return in_language


def remember(request: Request | None, response: Response) -> bool:
    """Keep a language chosen with ``?lang=`` for the following pages (a year); True when
    the answer sets the cookie (then no shared cache may keep it)."""
    if request is None:
        return False
    asked = request.query_params.get("lang")
    if asked in LANGUAGES and request.cookies.get(COOKIE) != asked:
        from config.settings import get_settings

        response.set_cookie(
            COOKIE,
            str(asked),
            max_age=365 * 24 * 3600,
            samesite="lax",
            secure=get_settings().secure_cookies,  # every cookie Secure behind HTTPS
        )
        return True
    return False


def switch_url(request: Request | None, language: str) -> str:
    """This page in the other language (its other parameters kept)."""
    other = "en" if language == "sv" else "sv"
    if request is None:
        return f"?lang={other}"
    url = request.url.include_query_params(lang=other)
    return f"{url.path}?{url.query}"
