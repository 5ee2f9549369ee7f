"""The error every configuration problem is reported with, in Swedish first and in English.

A configuration error is written like every other sentence a person reads: in Swedish with
its values named, its English from the catalogue (``ConfigError.said``; docs/architecture.md,
"Writing a sentence"). The command line prints both (``Fel / error: <sv> / <en>``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from lifecycle.i18n import Given, InvalidValue, Phrase, said_in, translate

if TYPE_CHECKING:
    from collections.abc import Callable

    from pydantic import ValidationError


class ConfigError(Exception):
    """A configuration file or value is broken; the message names the source, key and problem.

    ``str(error)`` is its English; ``message("sv")`` its Swedish where it was said in Swedish.
    """

    swedish: str | None = None

    @classmethod
    def said(cls, swedish: str, /, **values: Any) -> Self:
        """The error as one sentence written in Swedish with named ``values`` (English from
        the catalogue; a value with ``said(language)`` is said in each language)."""
        error = cls(translate(swedish, "en", **values))
        error.swedish = translate(swedish, "sv", **values)
        return error

    @classmethod
    def of(cls, words: Phrase | Given | Exception) -> Self:
        """The error saying ``words`` made elsewhere, in each language: a ``Given``, a
        ``Phrase``, or another error (a document's ``DocumentError``) as its own sentence."""
        error = cls(str(said_in(words, "en")))
        error.swedish = str(said_in(words, "sv"))
        return error

    def message(self, language: str) -> str:
        """The error in ``language``: Swedish where it was written in Swedish, else English."""
        if language == "sv" and self.swedish:
            return self.swedish
        return str(self)

    @property
    def sentence(self) -> Given:
        """The error as words of a sentence of its own ("konfigurationen: {why}"), said in
        that sentence's language (the error itself, ``why=error``, is said the same way)."""
        return Given(self.message("sv"), str(self))


# The key of an error about the document as a whole (pydantic's empty ``loc``).
TOP_LEVEL = Phrase("(översta nivån)")


def problems(
    exc: ValidationError, key_of: Callable[[tuple[Any, ...]], str], shown: Callable[[Any], str]
) -> Given:
    """pydantic's errors of a configuration, "key: problem; ...", in both languages: the
    English as pydantic (or our validator, ``InvalidValue``) words it, as it always read; the
    Swedish our validator's own sentence, or a sentence of ``FIELD_MESSAGES`` naming the key.
    ``key_of``: the key as the file names it ("" for the document as a whole: ``TOP_LEVEL``,
    said in each language); ``shown``: how a value given is quoted ("" to leave it out)."""
    from lifecycle.errors import FIELD_MESSAGES

    english, swedish = [], []
    for err in exc.errors():
        key = key_of(err["loc"])
        named = {language: key or TOP_LEVEL.said(language) for language in ("sv", "en")}
        value = shown(err.get("input"))
        english.append(f"{named['en']}: {err['msg']}" + (f" (got {value})" if value else ""))
        cause = (err.get("ctx") or {}).get("error")
        if isinstance(cause, InvalidValue):
            said = f"{named['sv']}: {cause.phrase.said('sv')}"
        else:
            limit = (err.get("ctx") or {}).get("ge", "")
            sentence = FIELD_MESSAGES.get(err["type"], "{label}: ogiltigt värde")
            said = translate(sentence, "sv", label=named["sv"], limit=limit)
        said = said.rstrip(".")
        swedish.append(
            said + (translate(" (angivet: {value})", "sv", value=value) if value else "")
        )
    return Given("; ".join(swedish), "; ".join(english))
