"""Swedish first, English second: the one way Löfte writes a sentence in either language.

A sentence is written in Swedish, with its values named: ``"Fyll i {label}."``. Its English is
looked up in one catalogue, ``lifecycle/translations/en.po`` (gettext's format: msgid the
Swedish, msgstr the English), so the web pages, the forms' errors and the errors of the
application's input all read from the same place: the vocabulary's labels (activity status,
dialogue method ...: ``lifecycle/vocabulary.py``) and the stages' names
(``lifecycle/stages.py``) too, each written there in Swedish.

A value that is words itself (a right, a stage, a list) is a ``Phrase`` (or any value with a
``said(language)``), said in the language of the sentence around it; an error is said with
``InputError.said(...)`` (``lifecycle/errors.py``), a validator's refusal with ``InvalidValue``,
a report's word with ``in_context`` (gettext's ``msgctxt``: a report may say a word otherwise
than a page). ``docs/architecture.md`` ("Writing a sentence") has the whole of it.

``tests/web/test_i18n.py`` and ``tests/test_one_home.py`` fail when a text the pages or the
errors use has no English, and when a sentence's ``{values}`` differ between its two
languages. Read with the standard library only, like the rest of ``lifecycle/``.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol, Self, runtime_checkable

LANGUAGES = ("sv", "en")
CATALOGUE = Path(__file__).resolve().parent / "translations" / "en.po"
# gettext's separator between an entry's context and its msgid.
CONTEXT_SEPARATOR = "\x04"
# The context of the documents' and reports' words: a report says "Uppnått" as "Met", where a
# page says "Reached".
REPORT = "report"


def read_catalogue(path: Path = CATALOGUE) -> dict[str, str]:
    """Every translated entry of a gettext catalogue: msgid → msgstr (empty ones left out).

    Enough of the PO format for ours: comments, ``msgctxt``/``msgid``/``msgstr`` and strings
    continued on the following lines; no plurals. An entry with a context is keyed as gettext
    keys it, ``context + "\x04" + msgid`` (``in_context``).
    """
    entries: dict[str, str] = {}
    msgctxt: list[str] | None = None
    msgid: list[str] | None = None
    msgstr: list[str] | None = None
    current: list[str] | None = None

    def flush() -> None:
        if msgid is not None and msgstr is not None:
            key, value = "".join(msgid), "".join(msgstr)
            if msgctxt is not None:
                key = "".join(msgctxt) + CONTEXT_SEPARATOR + key
            if key and value:
                entries[key] = value

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("msgctxt "):
            flush()
            msgctxt, msgid, msgstr = [_unquote(line[8:])], None, None
            current = msgctxt
        elif line.startswith("msgid "):
            if msgstr is not None:  # a new entry, not the msgid of a msgctxt just read
                flush()
                msgctxt = None
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
    return read_catalogue()


def N_(text: str) -> str:  # gettext's name for "translated later"
    """Mark a Swedish text that is translated later (``{{ _(title) }}``): the catalogue test
    finds it here, and it is returned unchanged."""
    return text


def in_context(context: str, text: str, language: str, /, **values: Any) -> str:
    """``text`` (Swedish) in ``language`` as said in ``context`` (gettext's ``msgctxt``: the
    same Swedish word with another English there), its ``{values}`` filled in."""
    if language == "en":
        table = english()
        text = table.get(context + CONTEXT_SEPARATOR + text, table.get(text, text))
    return _filled(text, language, values)


@runtime_checkable
class Sayable(Protocol):
    """A value that says itself in a language (a Phrase, a stage's name ...)."""

    def said(self, language: str) -> str:
        """The value in ``language``."""
        ...


@dataclass(frozen=True)
class Phrase:
    """A sentence not yet in either language: its Swedish and its values, to be said later.

    A value that is itself a Phrase (the name of a right, a stage) is said in the same
    language as the sentence around it: ``Phrase("Du saknar rätt att {right}.",
    {"right": Phrase(RIGHTS[action])})``.
    """

    text: str
    values: Mapping[str, Any] = field(default_factory=dict)
    # gettext's msgctxt, where the same Swedish has another English here (a stage's "Mål").
    context: str | None = None

    def said(self, language: str) -> str:
        """The sentence in ``language``, its values filled in."""
        if self.context is not None:
            return in_context(self.context, self.text, language, **self.values)
        return translate(self.text, language, **self.values)


@dataclass(frozen=True)
class Given:
    """Words that come already said in each language, not from the catalogue: a name (the
    same in both, ``Given("Region Gotland")``), or a sentence the server said in both
    (the API's ``message_sv`` and ``message_en``)."""

    sv: str
    en: str | None = None  # None: a name, the same in English

    def said(self, language: str) -> str:
        """The words as given for ``language``."""
        if language == "en" and self.en is not None:
            return self.en
        return self.sv


def translate(text: str, language: str, /, **values: Any) -> str:
    """``text`` (Swedish) in ``language``, its ``{values}`` filled in (a value that can say
    itself, a Phrase or a Stage, is said in ``language`` too)."""
    words = english().get(text, text) if language == "en" else text
    return _filled(words, language, values)


def _filled(words: str, language: str, values: Mapping[str, Any]) -> str:
    if not values:
        return words  # a text without values may hold braces of its own
    return words.format(**{k: said_in(v, language) for k, v in values.items()})


def said_in(value: Any, language: str) -> Any:
    """A sentence's value as said in ``language``: a Phrase, a stage or a name says itself;
    an error is its own sentence in that language (``message(language)``, else its text),
    never a phrase: an error's ``said`` is a constructor that would make a new error of the
    language's code. Any other value is left as it is (``format`` writes it)."""
    if isinstance(value, BaseException):
        message = getattr(value, "message", None)
        return message(language) if callable(message) else str(value)
    if isinstance(value, Sayable):
        return value.said(language)
    return value


class SaidError(Exception):
    """An error a person reads, in Swedish and English: the base of the application's errors
    (``lifecycle/errors.py``) and of configuration errors (``config/errors.py``).

    ``str(error)`` is its English; ``message("sv")`` its Swedish where it was said in Swedish.
    """

    swedish: str | None = None

    @classmethod
    def said(cls, swedish: str, /, **values: Any) -> Self:
        """The error as one sentence written in Swedish with named ``values``; its English is
        the catalogue's. A value that says itself (a Phrase, a stage) is said in each
        language too."""
        error = cls(translate(swedish, "en", **values))
        error.swedish = translate(swedish, "sv", **values)
        return error

    @classmethod
    def of(cls, words: Phrase | Given | Exception) -> Self:
        """The error saying ``words``, a sentence made elsewhere: a phrase (a refused right),
        words given in both languages, or another error as its own sentence in each."""
        error = cls(str(said_in(words, "en")))
        error.swedish = str(said_in(words, "sv"))
        return error

    def message(self, language: str) -> str:
        """The error in ``language``: Swedish where it was written in Swedish, else English."""
        if language == "sv" and self.swedish:
            return self.swedish
        return str(self)


class InvalidValue(ValueError):
    """A validator's refusal of a value, written as one Swedish sentence with named values
    (English from the catalogue): raised inside a pydantic validator, which wraps a
    ``ValueError``; ``describe_validation_error`` then says it in either language."""

    def __init__(self, swedish: str, /, **values: Any) -> None:
        self.phrase = Phrase(swedish, values)
        super().__init__(self.phrase.said("en"))


# "none" where a list of what is known or valid is empty ("giltiga id: inga").
NONE = Phrase("inga")


def joined(phrases: list[Phrase], separator: str | Phrase = ", ") -> Phrase:
    """One phrase listing ``phrases``, each said in the sentence's language: the glue
    (``{p0}, {p1}``) is not a sentence and needs no English of its own; a separator that is a
    word (``AND``) is said in the language too."""
    glue = " {sep} " if isinstance(separator, Phrase) else separator.replace("{", "{{")
    text = glue.join(f"{{p{i}}}" for i in range(len(phrases)))
    values: dict[str, Any] = {f"p{i}": p for i, p in enumerate(phrases)}
    return Phrase(text, {**values, "sep": separator})


# "and" between the last two of a list ("mål 3 och aktiviteter 4").
AND = Phrase("och")
