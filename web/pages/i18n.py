"""Swedish first, English second: which language a page is in, and its words in English.

Templates write their text in Swedish inside ``_("...")``; in English the same text is looked
up in ``web/translations/en.po`` (a gettext catalogue read with Babel, msgid Swedish, msgstr
English). A sentence with values names them: ``_("Uppföljning {n}", n=2)``. A test checks that
every text the pages use has its English, so a missing translation fails the suite instead of
showing Swedish on an English page.

The language is ``?lang=sv|en`` when given (and then remembered in a cookie), else the cookie,
else Swedish.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po
from fastapi import Request
from fastapi.responses import Response

LANGUAGES = ("sv", "en")
COOKIE = "lofte_lang"
CATALOGUE = Path(__file__).resolve().parent.parent / "translations" / "en.po"
LOCALES = {"sv": "sv_SE", "en": "en_GB"}


@lru_cache(maxsize=1)
def english() -> dict[str, str]:
    """The English of every Swedish text of the pages (msgid → msgstr)."""
    from lifecycle.vocabulary import LABELS

    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    # The vocabulary's labels (activity status, dialogue method, party ...) come with their
    # English already (lifecycle/vocabulary.py), for texts the application hands over in Swedish.
    table = {sv: en for sv, en in LABELS.values()}
    table.update({str(m.id): str(m.string) for m in catalogue if m.id and m.string})
    return table


def N_(text: str) -> str:  # gettext's name for "translated later"
    """Mark a Swedish text that a template translates later (``{{ _(title) }}``): the
    catalogue test finds it here, and it is returned unchanged."""
    return text


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
    table = english() if language == "en" else {}

    def translate(text: str, **values: Any) -> str:
        words = table.get(text, text)
        return words.format(**values) if values else words

    return translate


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
