"""Swedish first, English second: the one way Löfte writes a sentence in either language.

A sentence is written in Swedish, with its values named: ``"Fyll i {label}."``. Its English is
looked up in one catalogue, ``lifecycle/translations/en.po`` (gettext's format: msgid the
Swedish, msgstr the English), so the web pages, the forms' errors and the errors of the
application's input all read from the same place. The vocabulary's labels (activity status,
dialogue method ...) bring their English with them (``lifecycle/vocabulary.py``).

``tests/web/test_i18n.py`` fails when a text the pages or the errors use has no English, and
when a sentence's ``{values}`` differ between its two languages. Read with the standard
library only, like the rest of ``lifecycle/``.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path
from typing import Any

LANGUAGES = ("sv", "en")
CATALOGUE = Path(__file__).resolve().parent / "translations" / "en.po"


def read_catalogue(path: Path = CATALOGUE) -> dict[str, str]:
    """Every translated entry of a gettext catalogue: msgid → msgstr (empty ones left out).

    Enough of the PO format for ours: comments, ``msgid``/``msgstr`` and strings continued
    on the following lines; no plurals or contexts.
    """
    entries: dict[str, str] = {}
    msgid: list[str] | None = None
    msgstr: list[str] | None = None
    current: list[str] | None = None

    def flush() -> None:
        if msgid is not None and msgstr is not None:
            key, value = "".join(msgid), "".join(msgstr)
            if key and value:
                entries[key] = value

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("msgid "):
            flush()
            msgid, msgstr = [_unquote(line[6:])], None
            current = msgid
        elif line.startswith("msgstr "):
            msgstr = [_unquote(line[7:])]
            current = msgstr
        elif line.startswith('"') and current is not None:
            current.append(_unquote(line))
    flush()
    return entries


def _unquote(text: str) -> str:
    value = ast.literal_eval(text.strip())
    if not isinstance(value, str):
        raise ValueError(f"not a quoted string in the catalogue: {text!r}")
    return value


@lru_cache(maxsize=1)
def english() -> dict[str, str]:
    """The English of every Swedish text Löfte writes (msgid → msgstr)."""
    from lifecycle.vocabulary import LABELS

    table = {sv: en for sv, en in LABELS.values()}
    table.update(read_catalogue())
    return table


def N_(text: str) -> str:  # gettext's name for "translated later"
    """Mark a Swedish text that is translated later (``{{ _(title) }}``): the catalogue test
    finds it here, and it is returned unchanged."""
    return text


def translate(text: str, language: str, **values: Any) -> str:
    """``text`` (Swedish) in ``language``, its ``{values}`` filled in."""
    words = english().get(text, text) if language == "en" else text
    return words.format(**values) if values else words
