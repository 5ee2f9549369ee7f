"""An indicator's values over the year as a PNG line chart, for Word documents.

Word shows no SVG from python-docx, so the .docx gets the same chart as the HTML and PDF
(``reports.charts``: values as a line, dashed baseline and target) drawn with Pillow, which
WeasyPrint already brings, in the system's DejaVu or Liberation font (the ones the PDF
embeds; Pillow's own font has no å, ä or ö).
"""

from __future__ import annotations

import io
from datetime import date

from PIL import Image, ImageDraw, ImageFont

# The fonts, by file name (Pillow looks in the system's font directories) or path.
FONTS = (
    "DejaVuSans.ttf",
    "LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
)
BLUE, GREY, GREEN, INK = (21, 101, 192), (80, 90, 95), (0, 112, 60), (17, 17, 17)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for name in FONTS:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def _dashed(draw: ImageDraw.ImageDraw, y: float, x0: int, x1: int, colour: tuple[int, ...]) -> None:
    for x in range(x0, x1, 18):
        draw.line([(x, y), (min(x + 10, x1), y)], fill=colour, width=3)


def indicator_png(
    points: list[tuple[date, float]],
    baseline: float | None,
    target: float | None,
    title: str,
    words: tuple[str, str] = ("utgångsläge", "mål"),
    width: int = 1200,
    height: int = 520,
) -> bytes | None:
    """The chart as PNG bytes (None without values). Labels name the baseline and target."""
    values = [v for _, v in points] + [v for v in (baseline, target) if v is not None]
    if not points:
        return None
    low, high = min(values), max(values)
    if high == low:
        high, low = high + 1, low - 1
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    font, small = _font(30), _font(24)
    left, right, top, bottom = 110, 40, 80, 70
    inner = 90  # the first and last point stand clear of the axes, their dates readable
    draw.text((left, 18), title[:80], fill=INK, font=font)
    first, last = points[0][0].toordinal(), points[-1][0].toordinal()
    span = max(last - first, 1)

    def x(day: date) -> float:
        if len(points) == 1:
            return width / 2
        return left + inner + (day.toordinal() - first) / span * (width - left - right - 2 * inner)

    def y(value: float) -> float:
        return top + (high - value) / (high - low) * (height - top - bottom)

    draw.line([(left, top), (left, height - bottom)], fill=GREY, width=2)
    draw.line([(left, height - bottom), (width - right, height - bottom)], fill=GREY, width=2)
    for value, colour, name in ((baseline, GREY, words[0]), (target, GREEN, words[1])):
        if value is not None:
            _dashed(draw, y(value), left, width - right, colour)
            draw.text((8, y(value) - 16), f"{value:g}", fill=colour, font=small)
            draw.text((width - right - 220, y(value) - 32), name, fill=colour, font=small)
    line = [(x(d), y(v)) for d, v in points]
    if len(line) > 1:
        draw.line(line, fill=BLUE, width=5)
    for (px, py), (day, value) in zip(line, points, strict=True):
        draw.ellipse([px - 9, py - 9, px + 9, py + 9], fill=BLUE)
        draw.text((px + 12, py - 38), f"{value:g}", fill=BLUE, font=small)
        draw.text((px - 70, height - bottom + 14), day.isoformat(), fill=INK, font=small)
    out = io.BytesIO()
    # Little compression: a chart is a few flat colours, and the best compression took a
    # fifth of a second per chart.
    image.save(out, format="PNG", compress_level=1)
    return out.getvalue()
