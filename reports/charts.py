"""Tiny inline SVG line charts (no plotting library): one goal's indicator over the year."""

from __future__ import annotations

import textwrap
from datetime import date
from html import escape

TITLE_SIZE = 11  # px: the title's font size
TITLE_LINE = 13  # px between the title's lines
# The widest a character of an 11 px sans-serif usually is, on average over a line: a line of
# the title is cut at (width / this) characters, so a user's long indicator name never runs
# past the chart's right edge (the SVG would cut it off, and a phone could not show it).
CHAR_WIDTH = 0.62 * TITLE_SIZE


def title_lines(title: str, width: int) -> list[str]:
    """``title`` broken between words into the lines that fit a chart ``width`` wide (a word
    longer than a whole line is broken too)."""
    per_line = max(int((width - 4) / CHAR_WIDTH), 8)
    return textwrap.wrap(title, per_line, break_on_hyphens=False) or [""]


def indicator_chart(
    points: list[tuple[date, float]],
    baseline: float | None,
    target: float | None,
    title: str,
    width: int = 320,
    height: int = 140,
    words: tuple[str, str] = ("baseline", "target"),
) -> str:
    """An SVG with the values as a line, dashed lines for baseline and target (named by
    ``words``, e.g. ``("utgångsläge", "mål")`` on a Swedish page)."""
    values = [v for _, v in points] + [v for v in (baseline, target) if v is not None]
    if not points or not values:
        return ""
    low, high = min(values), max(values)
    if high == low:
        high, low = high + 1, low - 1
    lines = title_lines(title, width)
    # each line of the title after the first moves the plot down, and the chart grows as much
    extra = TITLE_LINE * (len(lines) - 1)
    height += extra
    pad_l, pad_r, pad_t, pad_b = 34, 10, 22 + extra, 22
    first, last = points[0][0].toordinal(), points[-1][0].toordinal()
    span = max(last - first, 1)

    def x(day: date) -> float:
        return (
            pad_l + (day.toordinal() - first) / span * (width - pad_l - pad_r)
            if len(points) > 1
            else width / 2
        )

    def y(value: float) -> float:
        return pad_t + (high - value) / (high - low) * (height - pad_t - pad_b)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" class="lofte-chart" role="img" '
        f'aria-label="{escape(title)}">',
        # the accessible name is the whole title (aria-label); the lines only show it
        f'<text x="2" y="14" font-size="{TITLE_SIZE}" font-family="sans-serif" aria-hidden="true">'
        + "".join(
            f'<tspan x="2" dy="{0 if i == 0 else TITLE_LINE}">{escape(line)}</tspan>'
            for i, line in enumerate(lines)
        )
        + "</text>",
    ]
    # Colours with at least 4.5:1 contrast on white (WCAG AA for the small labels).
    for value, colour, label in ((baseline, "#505a5f", words[0]), (target, "#00703c", words[1])):
        if value is not None:
            parts.append(
                f'<line x1="{pad_l}" x2="{width - pad_r}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
                f'stroke="{colour}" stroke-dasharray="4 3"><title>{escape(label)} {value:g}</title></line>'
                f'<text x="2" y="{y(value) + 4:.1f}" font-size="10" fill="{colour}" font-family="sans-serif">{value:g}</text>'
            )
    line = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in points)
    parts.append(f'<polyline points="{line}" fill="none" stroke="#1565c0" stroke-width="2"/>')
    for d, v in points:
        parts.append(
            f'<circle cx="{x(d):.1f}" cy="{y(v):.1f}" r="3" fill="#1565c0"><title>{d}: {v:g}</title></circle>'
        )
    parts.append("</svg>")
    return "".join(parts)
