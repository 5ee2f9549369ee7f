"""What text may contain on the way in, and how it is made harmless on the way out.

One place for each class of defect (docs/security.md lists the threats):
- input: no control characters (newline and tab only where a text is multi-line);
- HTML: every template whose name says HTML escapes by default (``autoescape_for``);
- spreadsheets: cells that start like a formula are kept as text (OWASP CSV injection);
- every output: control characters are removed (a name with ESC must not break an export,
  ring a terminal's bell or split an iCalendar line);
- chat cards (Teams, Slack): markdown characters in people's text are escaped.
"""

from __future__ import annotations

import re
from typing import Any

# C0 and C1 controls and DEL, except TAB, LF (kept in multi-line text) and CR (handled apart).
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~&])")


def control_character_in(text: str, *, multiline: bool = False) -> str | None:
    """The first control character ``text`` must not contain (None if it is clean).

    Multi-line texts may contain newlines and tabs (and CRLF line ends); one-line texts none.
    """
    found = (_CONTROLS if multiline else _LINE_CONTROLS).search(text.replace("\r\n", "\n"))
    if found is None and multiline and "\r" in text.replace("\r\n", ""):
        return "\r"
    return found.group(0) if found else None


# Characters that change how text looks without being seen: bidirectional overrides and
# isolates (U+202A-202E, U+2066-2069), marks (U+200E, U+200F, U+061C), zero-width characters
# (U+200B-200D, U+2060-2064) and the byte order mark (U+FEFF). "LPO Farsta" and a look-alike
# with one of these are the same to the eye.
_INVISIBLE = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def invisible_character_in(text: str) -> str | None:
    """The first bidi control, zero-width character or BOM in ``text`` (None if none)."""
    found = _INVISIBLE.search(text)
    return found.group(0) if found else None


def strip_invisible(text: str) -> str:
    """``text`` without bidi controls, zero-width characters and BOMs (for names that come
    from elsewhere, such as an identity provider's claims, and cannot be sent back)."""
    return _INVISIBLE.sub("", text)


def strip_controls(text: str) -> str:
    """``text`` without control characters (newlines and tabs kept; a lone CR becomes LF)."""
    return _CONTROLS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def clean(value: Any) -> Any:
    """``strip_controls`` for strings, recursively through lists and dicts; others unchanged."""
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, list):
        return [clean(v) for v in value]
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    return value


def neutralise_formula(value: Any) -> Any:
    """A spreadsheet cell that cannot run: text starting like a formula gets a leading ``'``
    (visible text otherwise kept, control characters removed); numbers and dates unchanged."""
    if not isinstance(value, str):
        return value
    stripped = strip_controls(value)
    # Checked before and after the controls go: "\x00=1+1" must not become a bare "=1+1".
    if value.startswith(FORMULA_PREFIXES) or stripped.startswith(FORMULA_PREFIXES):
        return "'" + stripped
    return stripped


def escape_markdown(text: str) -> str:
    """People's text for a markdown chat card: every markdown character escaped."""
    return _MARKDOWN.sub(r"\\\1", strip_controls(text))


_MARKDOWN_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_MARKDOWN_INLINE = re.compile(r"([\[\]|`])")


def escape_markdown_value(value: Any) -> Any:
    """A value for a Markdown document: raw HTML becomes text (``<`` ``>`` ``&`` as entities,
    which Markdown shows as the characters), and link brackets, table pipes and backticks are
    backslash-escaped, so people's text can neither inject markup nor break a table. Values
    that are not text are returned as they are."""
    if not isinstance(value, str):
        return value
    text = "".join(_MARKDOWN_HTML.get(c, c) for c in value)
    return _MARKDOWN_INLINE.sub(r"\\\1", text)


def autoescape_for(template_name: str | None) -> bool:
    """Whether a template escapes HTML: every name with ``html`` in its extensions does
    (``compilation.html.j2``, ``digest.sv.html.j2``, ``page.html``)."""
    if not template_name:
        return True  # templates from strings: escape unless told otherwise
    parts = template_name.lower().split(".")[1:]
    return "html" in parts or "htm" in parts or "xml" in parts
