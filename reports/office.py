"""Word and Excel files that open right everywhere: the set-up every Löfte document shares.

python-docx starts from its own template: US Letter, en-US, author "python-docx", created
2013, no header or footer, equal fixed columns. ``new_docx`` replaces all of that (A4, the
document's language, properties from the promise, a header naming the organisation and the
document, a footer with "Sida 1 av 3"); ``docx_table`` gives columns as wide as their content
needs, header rows repeated on every page and rows that never split. Spreadsheets get the
same set-up from their one writer, ``reports.xlsx_stream``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from lifecycle.safe_text import clean
from reports.i18n import words

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The font Word and LibreOffice both have (LibreOffice maps Arial to Liberation Sans).
FONT = "Arial"
A4_WIDTH, A4_HEIGHT = Mm(210), Mm(297)
MARGIN = Mm(20)
# Roughly how wide a character of 9-point Arial is, and a cell's padding: column widths.
CHAR_MM, CELL_PAD_MM = 1.75, 3.0


@dataclass(frozen=True)
class DocumentInfo:
    """What a document says about itself: title, the organisation that wrote it, its
    created date, its language (sv or en) and the line at the top of every page."""

    title: str
    organisation: str
    created: datetime
    language: str = "sv"
    subject: str = ""


def _plain(text: str) -> str:
    """Text for a property or a header: without control characters, which XML cannot hold
    (a region named with a terminal escape must not break its export)."""
    return str(clean(text))


def language_tag(language: str) -> str:
    """The document language tag: sv-SE, or en-GB for English."""
    return "en-GB" if language == "en" else "sv-SE"


def _set_language(doc: DocumentType, tag: str) -> None:
    """Every style's and the defaults' proofing language, and the theme font language."""
    styles = doc.styles.element
    for lang in styles.iter(qn("w:lang")):
        lang.set(qn("w:val"), tag)
        lang.set(qn("w:eastAsia"), tag)
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is not None and not list(defaults.iter(qn("w:lang"))):
        rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if rpr is not None:
            lang = OxmlElement("w:lang")
            lang.set(qn("w:val"), tag)
            rpr.append(lang)
    for theme_lang in doc.settings.element.iter(qn("w:themeFontLang")):
        theme_lang.set(qn("w:val"), tag)


def _set_font(doc: DocumentType) -> None:
    """One plain font in every style (the template's theme fonts are Calibri and Cambria)."""
    for style in doc.styles:
        element = getattr(style, "element", None)
        if element is None or getattr(style, "font", None) is None:
            continue
        style.font.name = FONT  # type: ignore[attr-defined]
        rpr = element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is not None:
            for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                fonts.attrib.pop(qn(attribute), None)
            for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
                fonts.set(qn(attribute), FONT)
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        for fonts in defaults.iter(qn("w:rFonts")):
            fonts.attrib.clear()
            for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
                fonts.set(qn(attribute), FONT)
    doc.styles["Normal"].font.size = Pt(10.5)  # type: ignore[union-attr]


def _field(paragraph: Any, instruction: str, shown: str) -> None:
    """A Word field (PAGE, NUMPAGES) as a complex field, with a result shown until updated."""
    for kind, text in (("begin", None), ("instr", instruction), ("separate", None)):
        run = paragraph.add_run()
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {text} "
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
            if kind == "begin":
                element.set(qn("w:dirty"), "true")  # Word recomputes it on opening
        run._r.append(element)
    paragraph.add_run(shown)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(end)


def page_words(language: str) -> tuple[str, str]:
    """("Sida", "av") or ("Page", "of"): the report's words (``reports/i18n.py``)."""
    said = words(language)
    return said.page, said.of


def new_docx(info: DocumentInfo, *, landscape: bool = False) -> DocumentType:
    """An empty A4 document in the document's language, with its properties, header and footer."""
    doc = Document()
    tag = language_tag(info.language)
    _set_language(doc, tag)
    _set_font(doc)
    props = doc.core_properties
    props.title = _plain(info.title)
    props.author = _plain(info.organisation)
    props.last_modified_by = _plain(info.organisation)
    props.created = info.created
    props.modified = info.created
    props.revision = 1
    props.language = tag
    props.comments = ""
    props.subject = _plain(info.subject)
    props.keywords = ""
    props.category = ""
    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = A4_HEIGHT, A4_WIDTH
    else:
        section.page_width, section.page_height = A4_WIDTH, A4_HEIGHT
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)
    section.header_distance = section.footer_distance = Mm(10)
    head = section.header.paragraphs[0]
    head.text = _plain(f"{info.organisation} · {info.title}")
    head.style.font.size = Pt(8.5)  # type: ignore[union-attr]
    foot = section.footer.paragraphs[0]
    page, of = page_words(info.language)
    foot.add_run(f"{page} ")
    _field(foot, "PAGE", "1")
    foot.add_run(f" {of} ")
    _field(foot, "NUMPAGES", "1")
    return doc


def text_width_mm(doc: DocumentType) -> float:
    """The width between the margins, in millimetres."""
    section = doc.sections[0]
    width = (
        int(section.page_width or 0)
        - int(section.left_margin or 0)
        - int(section.right_margin or 0)
    )
    return width / 36000  # EMU per millimetre


def column_widths(header: list[str], rows: list[list[str]], total_mm: float) -> list[float]:
    """Widths (mm) that fit each column's content: every column at least as wide as its
    longest word (so "Utgångsvärde" never breaks), the rest shared by how much text it has."""
    columns = list(zip(header, *rows, strict=True)) if rows else [(h,) for h in header]
    least, wish = [], []
    for cells in columns:
        words = [w for cell in cells for w in str(cell).split()] or [""]
        least.append(max(len(w) for w in words) * CHAR_MM + CELL_PAD_MM)
        wish.append(min(max(len(str(c)) for c in cells), 60) * CHAR_MM + CELL_PAD_MM)
    if sum(least) >= total_mm:  # too many columns for the page: shrink alike
        return [w * total_mm / sum(least) for w in least]
    if sum(wish) <= total_mm:
        return [w * total_mm / sum(wish) for w in wish]
    spare = total_mm - sum(least)
    extra = [w - m for w, m in zip(wish, least, strict=True)]
    return [m + spare * e / sum(extra) for m, e in zip(least, extra, strict=True)]


def _row_properties(row: Any, *, header: bool) -> None:
    """A row that never splits across pages; a header row repeated on every page."""
    trpr = row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))
    if header:
        trpr.append(OxmlElement("w:tblHeader"))


def docx_table(
    doc: DocumentType, header: list[str], rows: list[list[str]], font_size: float = 9
) -> Any:
    """A table with a bold header row repeated on every page, rows kept whole and columns
    as wide as their content needs (fixed layout, so every program shows the same)."""
    widths = column_widths(header, rows, text_width_mm(doc))
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    tblpr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tblpr.append(layout)
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(int(Mm(width).twips)))
    _row_properties(table.rows[0], header=True)
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        run.font.size = Pt(font_size)
    for values in rows:
        row = table.add_row()
        _row_properties(row, header=False)
        for cell, text in zip(row.cells, values, strict=True):
            cell.paragraphs[0].add_run(str(text)).font.size = Pt(font_size)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Mm(width)
    return table


def docx_bytes(doc: DocumentType) -> bytes:
    """The document as .docx bytes."""
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
