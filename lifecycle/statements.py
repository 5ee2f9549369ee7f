"""The promise text as statements: each one a thing a party promises, checked against the plan.

"Medborgarlöften är effektiva verktyg när de är konkreta." (seed 000) A promise text is split
into statements so that each can be tied to the activities that carry it: one statement per
line, and a line with several sentences is several statements. A bullet or a number at the
start of a line is not part of the statement. Pure: the standard library only.
"""

from __future__ import annotations

import re

# A sentence ends at . ! or ? followed by space and a capital letter (or a quote): "t.ex. en
# vakt" and "kl. 18" stay inside their sentence.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"«”A-ZÅÄÖÉ])")
_BULLET = re.compile(r"^\s*(?:[-*•–]|\d+[.)])\s+")
# A paragraph that already says who promises ("Polisen lovar att ...") keeps its opening.
_OPENS_WITH_PROMISE = re.compile(
    r"^\W*(?:\w+\W+){0,6}?(?:lovar|promises?)(?:\s+(?:att|to))?\b", re.IGNORECASE
)


def split_statements(text: str) -> list[str]:
    """The statements of one party's promise text, in order (numbered from 1 by their users)."""
    statements: list[str] = []
    for line in text.splitlines():
        line = _BULLET.sub("", line).strip()
        if not line:
            continue
        statements.extend(s.strip() for s in _SENTENCE_END.split(line) if s.strip())
    return statements


def backed_by(party: str, owners: set[str]) -> bool:
    """Whether activities carried by ``owners`` back a statement that ``party`` makes: a
    party's own activity or a joint one; what both promise together needs a joint activity,
    or one of each party's."""
    if party == "joint":
        return "joint" in owners or {"police", "municipality"} <= owners
    return bool({party, "joint"} & owners)


def promise_paragraphs(text: str) -> list[tuple[str | None, str]]:
    """Each paragraph of one party's promise text as (its own opening, the rest).

    The opening is the paragraph's own "Polisen lovar att" when it says who promises, else
    None: the reader then writes the party's opening before it, so a text that begins "Polisen
    lovar …" never reads "Polisen lovar: Polisen lovar …".
    """
    paragraphs: list[tuple[str | None, str]] = []
    for paragraph in (p.strip() for p in text.splitlines()):
        if paragraph:
            opens = _OPENS_WITH_PROMISE.match(paragraph)
            if opens:
                paragraphs.append((opens.group(0).strip(), paragraph[opens.end() :].strip()))
            else:
                paragraphs.append((None, paragraph))
    return paragraphs
