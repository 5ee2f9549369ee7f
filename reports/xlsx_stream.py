"""The one XLSX writer of Löfte: rows go into the file as they come, in constant memory.

An .xlsx file is a zip of a few XML parts: the workbook, one part per sheet, the styles and
the document properties. Only the sheets grow with the data, so each sheet is written as a
zip entry that is compressed while its rows arrive, never held as cells (openpyxl's
write-only mode does the same but builds an object per cell, about eight times slower:
docs/performance.md). Every other part is small and written when the workbook is closed.

What a cell holds:

- text as an inline string, with the characters XML cannot carry removed and the
  spreadsheet-formula prefixes neutralised (``lifecycle.safe_text.neutralise_formula``): no
  cell is ever a formula, and a text starting with ``=`` ``+`` ``-`` ``@`` stays text in a
  reader that re-parses it;
- numbers as numbers, ``True``/``False`` as booleans;
- dates and date-times as real date cells (serial days since 1899-12-30, shown as
  ``yyyy-mm-dd``), so a region can sort and filter on them;
- ``None`` and ``""`` as no cell.

Every sheet prints the same way (landscape A4, fitted to the page width, the header rows on
every page, grid lines, "sida / sidor" in the footer), has frozen panes, and may have an
auto-filter over its rows and a conditional fill on the rows a formula marks.

Usage::

    with XlsxBook(target, info) as book:
        with book.sheet("Översikt", widths, wrapped={3}, freeze="D2") as sheet:
            sheet.header(["Löfte", ...])
            for row in rows:
                sheet.row(row)
"""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import product
from pathlib import Path
from types import TracebackType
from typing import IO, Any, cast

from lifecycle.safe_text import FORMULA_PREFIXES, neutralise_formula, strip_controls
from reports.office import DocumentInfo, language_tag

# Characters XML 1.0 cannot carry at all (neutralise_formula has already removed the other
# control characters): lone surrogates and the two non-characters U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# What a text must not start with, and what it must not contain, to be written as it is.
_FORMULA_START = frozenset(prefix[0] for prefix in FORMULA_PREFIXES)
_NEEDS_CLEANING = re.compile("[\x00-\x1f\x7f-\x9f&<>\ud800-\udfff\ufffe\uffff]")
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_EPOCH = date(1899, 12, 30).toordinal()  # day 0 of a spreadsheet's (1900) date system
_EPOCH_TIME = datetime(1899, 12, 30)
# Rows are compressed in batches of about this many characters: few calls into zlib,
# and a batch is all the sheet ever holds.
_BATCH = 1 << 16

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# The cell formats of styles.xml, by (bold, kind, wrapped); kind: "" text/number, "d" date,
# "t" date and time. Index = position in cellXfs.
_FORMATS: tuple[tuple[bool, str, bool], ...] = tuple(
    product((False, True), ("", "d", "t"), (False, True))
)
_STYLE = {key: index for index, key in enumerate(_FORMATS)}
# The colour of the rows a sheet's ``highlight`` formula marks (late ones: light red).
HIGHLIGHT_RGB = "FFFDE2E1"


@dataclass(frozen=True)
class Bold:
    """A cell written in bold (a header or a heading inside a sheet)."""

    value: Any


def column_letter(index: int) -> str:
    """The letters of column ``index`` (0 → A, 25 → Z, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def xml_text(text: str) -> str:
    """``text`` as XML character data: escaped, and without what XML cannot carry."""
    return _NOT_XML.sub("", text).translate(_ESCAPES)


def fit_widths(
    head: Sequence[str], sample: Iterable[Sequence[Any]], widest: int = 40
) -> tuple[list[float], set[int]]:
    """Column widths (in characters) from the header and a sample of the rows, at least 8
    and at most ``widest``; and the columns whose longer texts wrap. A streamed sheet sets
    its widths before its first row, so a sample of the first rows stands for all."""
    longest = [len(str(h)) for h in head]
    for row in sample:
        for index, value in enumerate(row):
            if value is not None and index < len(longest):
                longest[index] = max(longest[index], len(str(value)))
    widths = [float(min(max(n + 2, 8), widest)) for n in longest]
    return widths, {index for index, n in enumerate(longest) if n > widest}


def _cell(ref: str, value: Any, bold: bool, wrapped: bool) -> str:
    """One ``<c>`` element (empty text for a value that is no cell)."""
    if isinstance(value, Bold):
        value, bold = value.value, True
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        style = _STYLE[(bold, "", wrapped)]
        return f'<c r="{ref}" t="b"{_s(style)}><v>{int(value)}</v></c>'
    if isinstance(value, int) or (isinstance(value, float | Decimal) and math.isfinite(value)):
        style = _STYLE[(bold, "", wrapped)]
        return f'<c r="{ref}"{_s(style)}><v>{value}</v></c>'
    # A date-time keeps its wall-clock time (a spreadsheet has no time zones).
    if isinstance(value, datetime):
        serial = (value.replace(tzinfo=None) - _EPOCH_TIME).total_seconds() / 86400
        return f'<c r="{ref}"{_s(_STYLE[(bold, "t", wrapped)])}><v>{serial!r}</v></c>'
    if isinstance(value, date):
        serial_day = value.toordinal() - _EPOCH
        return f'<c r="{ref}"{_s(_STYLE[(bold, "d", wrapped)])}><v>{serial_day}</v></c>'
    return _text_cell(ref, str(value), bold, wrapped)  # NaN and infinities too, as text


def _text_cell(ref: str, text: str, bold: bool, wrapped: bool) -> str:
    text = xml_text(neutralise_formula(text))
    style = _STYLE[(bold, "", wrapped)]
    return f'<c r="{ref}" t="inlineStr"{_s(style)}><is><t xml:space="preserve">{text}</t></is></c>'


def _s(style: int) -> str:
    return f' s="{style}"' if style else ""


def _quoted_sheet(name: str) -> str:
    """A sheet name in a reference: 'Name' with its apostrophes doubled."""
    return "'" + name.replace("'", "''") + "'"


# Excel refuses these in sheet names, and a name longer than 31 characters.
_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


class XlsxSheet:
    """One sheet being written: ``header`` and ``row`` append rows (written as they come).

    Made by ``XlsxBook.sheet``; closed when its ``with`` block ends, after which the book
    can start the next sheet.
    """

    def __init__(
        self,
        entry: IO[bytes],
        widths: Sequence[float],
        wrapped: Collection[int],
        freeze: str | None,
        autofilter: bool,
        highlight: str | None,
        first: bool,
    ) -> None:
        self._entry = entry
        self._columns = max(len(widths), 1)
        self._wrapped = frozenset(wrapped)
        self._autofilter = autofilter
        self._highlight = highlight
        self._letters: list[str] = []
        self._styles: dict[bool, list[str]] = {}
        self._dated: dict[bool, list[str]] = {}
        self._grow(self._columns)
        self._rows = 0
        self._buffer: list[str] = []
        self._buffered = 0
        self._closed = False
        self._write(_HEAD)
        self._write(f'<worksheet xmlns="{MAIN}" xmlns:r="{REL}">')
        self._write('<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>')
        self._write(_sheet_view(freeze, first))
        self._write('<sheetFormatPr defaultRowHeight="15"/>')
        if widths:
            self._write(
                "<cols>"
                + "".join(
                    f'<col min="{i}" max="{i}" width="{w:g}" customWidth="1"/>'
                    for i, w in enumerate(widths, start=1)
                )
                + "</cols>"
            )
        self._write("<sheetData>")

    @property
    def rows(self) -> int:
        """How many rows have been written."""
        return self._rows

    def header(self, values: Sequence[Any]) -> None:
        """A row in bold (the sheet's header)."""
        self.row(values, bold=True)

    def row(self, values: Sequence[Any], bold: bool = False) -> None:
        """Append one row: text, numbers, dates, booleans; None or "" leave the cell empty."""
        self._rows += 1
        number = str(self._rows)
        if len(values) > len(self._letters):
            self._grow(len(values))
        letters, styles, dated = self._letters, self._styles[bold], self._dated[bold]
        cells = []
        # Text and whole numbers are most cells: written here, without a call per cell;
        # text that needs no cleaning (most) is written as it is.
        for index, value in enumerate(values):
            kind = type(value)
            if kind is str:
                if not value:
                    continue
                if value[0] in _FORMULA_START or _NEEDS_CLEANING.search(value):
                    value = xml_text(neutralise_formula(value))
                cells.append(
                    f'<c r="{letters[index]}{number}" t="inlineStr"{styles[index]}>'
                    f'<is><t xml:space="preserve">{value}</t></is></c>'
                )
            elif kind is int:
                cells.append(f'<c r="{letters[index]}{number}"{styles[index]}><v>{value}</v></c>')
            elif kind is date:
                serial = value.toordinal() - _EPOCH
                cells.append(f'<c r="{letters[index]}{number}"{dated[index]}><v>{serial}</v></c>')
            elif value is not None:
                cells.append(_cell(letters[index] + number, value, bold, index in self._wrapped))
        self._write(f'<row r="{number}">{"".join(cells)}</row>')

    def _grow(self, columns: int) -> None:
        """Letters and styles for ``columns`` columns (a row wider than the widths given)."""
        self._letters = [column_letter(i) for i in range(columns)]
        self._styles = {
            bold: [_s(_STYLE[(bold, "", i in self._wrapped)]) for i in range(columns)]
            for bold in (False, True)
        }
        self._dated = {
            bold: [_s(_STYLE[(bold, "d", i in self._wrapped)]) for i in range(columns)]
            for bold in (False, True)
        }

    def _write(self, text: str) -> None:
        self._buffer.append(text)
        self._buffered += len(text)
        if self._buffered >= _BATCH:
            self._flush()

    def _flush(self) -> None:
        if self._buffer:
            self._entry.write("".join(self._buffer).encode("utf-8"))
            self._buffer.clear()
            self._buffered = 0

    def close(self) -> None:
        """End the sheet: its filter, conditional fill and print set-up, then the entry
        (once: the book closes a sheet its ``with`` block has already closed)."""
        if self._closed:
            return
        self._closed = True
        self._write("</sheetData>")
        last = column_letter(self._columns - 1)
        if self._autofilter and self._rows > 1:
            self._write(f'<autoFilter ref="A1:{last}{self._rows}"/>')
        if self._highlight and self._rows > 1:
            self._write(
                f'<conditionalFormatting sqref="A2:{last}{self._rows}">'
                '<cfRule type="expression" dxfId="0" priority="1">'
                f"<formula>{xml_text(self._highlight)}</formula></cfRule></conditionalFormatting>"
            )
        self._write(
            '<printOptions gridLines="1"/>'
            '<pageMargins left="0.5" right="0.5" top="1" bottom="1" header="0.5" footer="0.5"/>'
            '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
            "<headerFooter><oddHeader>&amp;C&amp;A</oddHeader>"
            "<oddFooter>&amp;C&amp;P / &amp;N</oddFooter></headerFooter>"
            "</worksheet>"
        )
        self._flush()
        self._entry.close()

    def abandon(self) -> None:
        """Close the entry without ending the sheet (the export failed)."""
        if not self._closed:
            self._closed = True
            self._entry.close()

    def __enter__(self) -> XlsxSheet:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def _sheet_view(freeze: str | None, first: bool) -> str:
    """The sheet's view: selected if it is the first, panes frozen above and left of ``freeze``."""
    selected = ' tabSelected="1"' if first else ""
    if not freeze or freeze == "A1":
        return f'<sheetViews><sheetView workbookViewId="0"{selected}/></sheetViews>'
    letters = freeze.rstrip("0123456789")
    columns = 0
    for char in letters:
        columns = columns * 26 + ord(char.upper()) - 64
    columns -= 1
    rows = int(freeze[len(letters) :]) - 1
    pane = "bottomRight" if columns and rows else ("bottomLeft" if rows else "topRight")
    split = (f' xSplit="{columns}"' if columns else "") + (f' ySplit="{rows}"' if rows else "")
    return (
        f'<sheetViews><sheetView workbookViewId="0"{selected}>'
        f'<pane{split} topLeftCell="{freeze}" activePane="{pane}" state="frozen"/>'
        f'<selection pane="{pane}" activeCell="{freeze}" sqref="{freeze}"/>'
        "</sheetView></sheetViews>"
    )


class XlsxBook:
    """A workbook written to ``target`` (a path or a binary file, which need not be
    seekable: a response being sent). Sheets are written one after the other."""

    def __init__(
        self, target: Path | IO[bytes], info: DocumentInfo, compresslevel: int = 6
    ) -> None:
        self._zip = zipfile.ZipFile(
            target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel
        )
        self._info = info
        self._sheets: list[tuple[str, int]] = []  # (name, title rows)
        self._open: XlsxSheet | None = None

    def sheet(
        self,
        name: str,
        widths: Sequence[float] = (),
        *,
        wrapped: Collection[int] = (),
        freeze: str | None = "A2",
        title_rows: int = 1,
        autofilter: bool = False,
        highlight: str | None = None,
    ) -> XlsxSheet:
        """Start the next sheet. ``widths``: of each column, in characters; ``wrapped``: the
        columns whose text wraps; ``freeze``: the first cell that scrolls; ``title_rows``:
        printed on every page; ``autofilter``: a filter over every row; ``highlight``: a
        formula for the second row (``$K2>0``) that fills the rows it is true for."""
        if self._open is not None:
            self._open.close()
        name = _SHEET_NAME.sub("", _NOT_XML.sub("", strip_controls(name)))[:31] or "Blad"
        number = len(self._sheets) + 1
        self._sheets.append((name, title_rows))
        entry = self._zip.open(f"xl/worksheets/sheet{number}.xml", "w")
        self._open = XlsxSheet(entry, widths, wrapped, freeze, autofilter, highlight, number == 1)
        return self._open

    def close(self) -> None:
        """Write the workbook, its styles and properties, and end the zip."""
        if self._open is not None:
            self._open.close()
            self._open = None
        if not self._sheets:
            self.sheet("Blad1").close()
        for name, text in self._parts():
            self._zip.writestr(name, text)
        self._zip.close()

    def _parts(self) -> Iterator[tuple[str, str]]:
        count = len(self._sheets)
        sheets = "".join(
            f'<sheet name="{xml_text(name)}" sheetId="{n}" r:id="rId{n}"/>'
            for n, (name, _) in enumerate(self._sheets, start=1)
        )
        titles = "".join(
            f'<definedName name="_xlnm.Print_Titles" localSheetId="{n}">'
            f"{xml_text(_quoted_sheet(name))}!$1:${rows}</definedName>"
            for n, (name, rows) in enumerate(self._sheets)
            if rows
        )
        yield (
            "xl/workbook.xml",
            f'{_HEAD}<workbook xmlns="{MAIN}" xmlns:r="{REL}"><workbookPr/>'
            '<bookViews><workbookView activeTab="0"/></bookViews>'
            f"<sheets>{sheets}</sheets>"
            + (f"<definedNames>{titles}</definedNames>" if titles else "")
            + '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>',
        )
        relations = "".join(
            f'<Relationship Id="rId{n}" Type="{REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
            for n in range(1, count + 1)
        )
        yield (
            "xl/_rels/workbook.xml.rels",
            f'{_HEAD}<Relationships xmlns="{PKG_REL}">{relations}'
            f'<Relationship Id="rId{count + 1}" Type="{REL}/styles" Target="styles.xml"/>'
            "</Relationships>",
        )
        yield "xl/styles.xml", _styles()
        yield "docProps/core.xml", _core(self._info)
        yield (
            "docProps/app.xml",
            f'{_HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
            'extended-properties"><Application>Löfte</Application></Properties>',
        )
        yield (
            "_rels/.rels",
            f'{_HEAD}<Relationships xmlns="{PKG_REL}">'
            f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
            'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{REL}/extended-properties" Target="docProps/app.xml"/>'
            "</Relationships>",
        )
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for n in range(1, count + 1)
        )
        yield (
            "[Content_Types].xml",
            f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/>'
            f"{overrides}"
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-'
            'package.core-properties+xml"/>'
            '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.extended-properties+xml"/></Types>',
        )

    def __enter__(self) -> XlsxBook:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if kind is None:
            self.close()
            return
        # A failed export: end the zip as it is (the error, not a complaint about an open
        # entry, is what the caller sees); what was written is no whole workbook.
        if self._open is not None:
            self._open.abandon()
        self._zip.close()


def _styles() -> str:
    """styles.xml: two fonts (plain, bold), the date formats, wrapping, the highlight fill."""
    xfs = []
    for bold, kind, wrapped in _FORMATS:
        number_format = {"": 0, "d": 164, "t": 165}[kind]
        attributes = (
            f'numFmtId="{number_format}" fontId="{int(bold)}" fillId="0" borderId="0" xfId="0"'
            + (' applyFont="1"' if bold else "")
            + (' applyNumberFormat="1"' if number_format else "")
        )
        if wrapped:
            xfs.append(
                f'<xf {attributes} applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>'
            )
        else:
            xfs.append(f"<xf {attributes}/>")
    font = '<sz val="11"/><name val="Calibri"/><family val="2"/>'
    return (
        f'{_HEAD}<styleSheet xmlns="{MAIN}">'
        '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
        '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/></numFmts>'
        f'<fonts count="2"><font>{font}</font><font><b/>{font}</font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        f'</cellStyleXfs><cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        '<dxfs count="1"><dxf><fill><patternFill patternType="solid">'
        f'<fgColor rgb="{HIGHLIGHT_RGB}"/><bgColor rgb="{HIGHLIGHT_RGB}"/></patternFill></fill>'
        "</dxf></dxfs></styleSheet>"
    )


def _core(info: DocumentInfo) -> str:
    """docProps/core.xml: title, subject, author organisation, language, created date."""
    created = info.created.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"
    title, subject, creator = (
        xml_text(strip_controls(v)) for v in (info.title, info.subject, info.organisation)
    )
    return (
        f'{_HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{title}</dc:title><dc:subject>{subject}</dc:subject>"
        f"<dc:creator>{creator}</dc:creator><cp:lastModifiedBy>{creator}</cp:lastModifiedBy>"
        f"<dc:language>{language_tag(info.language)}</dc:language>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{created}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{created}</dcterms:modified>'
        "</cp:coreProperties>"
    )


class ChunkSink:
    """A file-like target that keeps what is written until ``take`` hands it on: how a
    workbook is sent while it is written (``iter_book``). Not seekable, so the zip writes
    each entry's sizes after its data."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        """Keep ``data`` until the next ``take``."""
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        """Nothing to flush: ``take`` hands the data on."""

    def take(self) -> bytes:
        """What was written since the last ``take``."""
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def write_book(
    fill: Callable[[XlsxBook], Iterable[object]], target: Path | IO[bytes], info: DocumentInfo
) -> None:
    """Write the workbook ``fill`` makes (it adds sheets and rows to the book it is given,
    yielding now and then) to ``target``."""
    with XlsxBook(target, info) as book:
        for _ in fill(book):
            pass


def stream_book(
    fill: Callable[[XlsxBook], Iterable[object]], info: DocumentInfo
) -> Iterator[bytes]:
    """The workbook ``fill`` makes, as bytes to send while it is made: whatever the zip has
    written is handed on each time ``fill`` yields (after a row, say), so neither the rows
    nor the file are ever held whole."""
    sink = ChunkSink()
    book = XlsxBook(cast(IO[bytes], sink), info)  # zipfile needs only write and flush
    for _ in fill(book):
        if chunk := sink.take():
            yield chunk
    book.close()
    yield sink.take()
