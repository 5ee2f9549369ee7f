"""Counting in Swedish and English: "1 arbetsdag", "3 arbetsdagar", "12,5" (pure).

One home for the grammar every line with a number needs, so a report, a reminder and the
command line never say "1 arbetsdagar" or "12.5" to a Swedish reader.
"""

from __future__ import annotations

# (singular, plural) per language for the nouns and adjectives Löfte counts.
COUNTED: dict[str, dict[str, tuple[str, str]]] = {
    "sv": {
        "working_day": ("arbetsdag", "arbetsdagar"),
        "promise": ("löfte", "löften"),
        "late": ("försenat", "försenade"),
        "closed": ("avslutat", "avslutade"),
        "submitted": ("inlämnad", "inlämnade"),
        "missed": ("utebliven", "uteblivna"),
        "follow_up": ("uppföljning", "uppföljningar"),
        "year": ("år", "år"),
    },
    "en": {
        "working_day": ("working day", "working days"),
        "promise": ("promise", "promises"),
        "late": ("late", "late"),
        "closed": ("closed", "closed"),
        "submitted": ("submitted", "submitted"),
        "missed": ("missed", "missed"),
        "follow_up": ("follow-up", "follow-ups"),
        "year": ("year", "years"),
    },
}


def plural(count: int, singular: str, many: str) -> str:
    """``count`` with the right form: ``plural(1, "arbetsdag", "arbetsdagar")`` → "1 arbetsdag"."""
    return f"{count} {singular if count == 1 else many}"


def counted(count: int, what: str, language: str = "sv") -> str:
    """``count`` of a known word in ``language``: ``counted(3, "missed")`` → "3 uteblivna"."""
    table = COUNTED["en" if language == "en" else "sv"]
    singular, many = table[what]
    return plural(count, singular, many)


def number(value: float | int | None, language: str = "sv") -> str:
    """A number as people write it: "12,5" in Swedish, "12.5" in English, "–" for none."""
    if value is None:
        return "–"
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return text.replace(".", ",") if language == "sv" else text
