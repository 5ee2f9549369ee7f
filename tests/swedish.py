"""A checker for Swedish text: finds English sentences and raw field names in what a Swedish
reader gets (issue 25: "no page, refusal, mail or document in Swedish contains an English
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


def problems_in(text: str) -> list[str]:
    """Each English sentence and each raw field name in ``text`` (a Swedish reader's text)."""
    found: list[str] = []
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
