"""The error every configuration problem is reported with, in Swedish first and in English.

A configuration error is written like every other sentence a person reads: in Swedish with
its values named, its English from the catalogue (``ConfigError.said``; docs/architecture.md,
"Writing a sentence"). The command line prints both (``Fel / error: <sv> / <en>``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lifecycle.i18n import Given, InvalidValue, Phrase, SaidError, translate

if TYPE_CHECKING:
    from collections.abc import Callable

    from pydantic import ValidationError


class ConfigError(SaidError):
    """A configuration file or value is broken; the message names the source, key and problem.

    ``str(error)`` is its English; ``message("sv")`` its Swedish where it was said in Swedish.
    """

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
