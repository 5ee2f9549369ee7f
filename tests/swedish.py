"""A checker for Swedish text: finds English sentences, raw field names and wording officials
would not use in what a Swedish reader gets (issue 25: "no page, refusal, mail or document in Swedish contains an English
sentence or a raw field name").

English is recognised by its small words: a sentence with two or more different words from
``ENGLISH`` ("the", "is", "must", "invalid" ...) that Swedish does not use is English. A raw
field name is a developer's identifier in running text: ``snake_case`` words
("late_start_reason") or dotted paths with an index ("activities.3"). Addresses (links, e-mail,
paths) are left out first; so is what the page marks as another language (``lang="en"``) and
code (``<code>``, ``<kbd>``, ``<pre>``).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Words of English that are not Swedish words a Swedish sentence would use.
ENGLISH = frozenset(
    [
        "the",
        "is",
        "are",
        "was",
        "were",
        "of",
        "to",
        "and",
        "not",
        "with",
        "this",
        "that",
        "must",
        "should",
        "cannot",
        "can't",
        "invalid",
        "missing",
        "please",
        "your",
        "you",
        "has",
        "have",
        "been",
        "which",
        "will",
        "from",
        "only",
        "before",
        "after",
        "into",
        "would",
        "there",
        "their",
        "than",
        "when",
        "where",
        "what",
        "who",
    ]
)
_ADDRESS = re.compile(r"(?:https?://|mailto:|/)\S*|\S+@\S+")
_SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
_DOTTED_INDEX = re.compile(r"\b[a-z_]+\.\d+\b")
_SENTENCES = re.compile(r"(?<=[.!?:;])\s+|\n+")
_WORD = re.compile(r"[A-Za-zÅÄÖåäöé']+")


# "regionens" alone: the police region is "polisregionen" (Region Stockholm is another body).
_REGION = re.compile(r"\b[Rr]egionens\b")
# Abbreviations a reader must decode: "Ej gj." (ej genomförda), "152 ad" (arbetsdagar).
_ABBREVIATED = re.compile(r"\b[Ee]j gj\.|\b\d+ ad\b")
# A date written 2026-09-15 inside a sentence (a sentence says "15 september 2026"); a date
# alone in its table cell, or as an example of what to type, is fine.
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_EXAMPLE = re.compile(r"\b(?:till exempel|t\.ex\.|format|ISO-datum)\b", re.IGNORECASE)
PROSE_WORDS = 4  # a line with this many words around a date is a sentence, not a cell


def _wording(line: str) -> list[str]:
    """What ``line`` (one block of text) says in a way Swedish officials would not."""
    found = [f"{m.group()!r} for the police region: {line[:160]}" for m in _REGION.finditer(line)]
    found += [f"abbreviation {m.group()!r}: {line[:160]}" for m in _ABBREVIATED.finditer(line)]
    prose = len(_WORD.findall(_ISO_DATE.sub(" ", line))) >= PROSE_WORDS
    if _ISO_DATE.search(line) and prose and not _EXAMPLE.search(line):
        found.append(f"ISO date in a sentence: {line.strip()[:160]}")
    return found


# The police's short name for a local police area: a resident reads "lokalpolisområde
# Vällingby" (staff pages may show the register's "LPO Vällingby").
_LPO = re.compile(r"\bLPO\b")


def problems_in(text: str, *, for_residents: bool = False) -> list[str]:
    """Each English sentence and each raw field name in ``text`` (a Swedish reader's text),
    and the wording officials would not write: "regionens" for the police region, an
    abbreviation ("Ej gj.", "152 ad"), a date in a sentence written 2026-09-15; with
    ``for_residents``, also the short name "LPO"."""
    found: list[str] = []
    for line in text.splitlines():
        found += _wording(_ADDRESS.sub(" ", line))
        if for_residents and _LPO.search(line):
            found.append(f"'LPO' for residents: {line.strip()[:160]}")
    for sentence in _SENTENCES.split(text):
        bare = _ADDRESS.sub(" ", sentence)
        english = {w.lower() for w in _WORD.findall(bare)} & ENGLISH
        if len(english) >= 2:
            found.append(f"English ({', '.join(sorted(english))}): {sentence.strip()[:160]}")
        for raw in (*_SNAKE.findall(bare), *_DOTTED_INDEX.findall(bare)):
            found.append(f"raw field name {raw!r}: {sentence.strip()[:160]}")
    return found


class _Text(HTMLParser):
    """The text a reader sees (and hears: ``aria-label``, ``title``, ``placeholder``), without
    scripts, styles, code, or what is marked as English."""

    SKIPPED = frozenset({"script", "style", "code", "kbd", "pre", "template"})
    VOID = frozenset(
        {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[bool] = []  # per open element: is its text skipped

    def _skipping(self) -> bool:
        return any(self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        skip = tag in self.SKIPPED or (named.get("lang") or "").startswith("en")
        if not skip and not self._skipping():
            for attribute in ("aria-label", "title", "placeholder", "alt"):
                if named.get(attribute):
                    self.parts.append(str(named[attribute]))
        if tag not in self.VOID:
            self.stack.append(skip)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not self._skipping():
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The text of an HTML page as a Swedish reader gets it, one block per line."""
    parser = _Text()
    parser.feed(html)
    return "\n".join(p.strip() for p in parser.parts if p.strip())
