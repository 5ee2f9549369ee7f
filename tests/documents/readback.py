"""Reading the generated documents back with code that did not write them.

PDF (written by WeasyPrint) is read with pikepdf (structure, metadata, fonts) and pypdf
(text). DOCX (written by python-docx) and XLSX (written by openpyxl) are read as what they
are, zipped Office Open XML, with the standard library: nothing of the writing library is
involved, so a property it forgets to write is missing here too.
"""

from __future__ import annotations

import io
import re
import zipfile
from xml.etree import ElementTree as ET

import pikepdf
from pypdf import PdfReader

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
NS = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
}
A4_POINTS = (595.28, 841.89)
A4_TWIPS = (11906, 16838)


def catalogue_ids() -> set[str]:
    """Every priority area and goal id of the catalogues (never to be shown in a document)."""
    from config.catalogue import get_catalogue

    ids: set[str] = set()
    catalogue = get_catalogue()
    for region_id in ("stockholm",):
        for _, area in catalogue.region(region_id).all_areas():
            ids.add(area.id)
            ids.update(g.id for g in area.goals)
    return ids


def assert_no_catalogue_ids(text: str) -> None:
    found = [i for i in catalogue_ids() if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", text)]
    assert not found, f"catalogue ids in the text: {found}"


def assert_nothing_doubled(text: str) -> None:
    """No phrase of three or more words written twice in a row ("Uppföljning 2: Uppföljning 2:")."""
    for line in text.splitlines():
        doubled = re.search(r"(\b\w+(?:\W+\w+){1,8}\W+)\1", line + " ")
        assert doubled is None, f"doubled text: {doubled.group(0) if doubled else ''}"


# --- PDF ------------------------------------------------------------------------------------


def read_pdf(content: bytes, *, title: str, author: str, language: str, created: str) -> list[str]:
    """Check a PDF/A-2b document's identity and fonts; return the text of each page."""
    pdf = pikepdf.open(io.BytesIO(content))
    assert str(pdf.Root.Lang) == language
    with pdf.open_metadata() as meta:
        assert meta["pdfaid:part"] == "2" and meta["pdfaid:conformance"] == "B"
        assert meta["dc:title"] == title
    info = pdf.docinfo
    assert str(info["/Title"]) == title
    assert author in str(info["/Author"])
    assert str(info["/CreationDate"]).startswith("D:" + created.replace("-", ""))
    assert "/OutputIntents" in pdf.Root  # PDF/A carries its colour profile
    fonts = 0
    for page in pdf.pages:
        box = [float(v) for v in page.MediaBox]
        assert abs(box[2] - A4_POINTS[0]) < 1 and abs(box[3] - A4_POINTS[1]) < 1, box
        for font in page.Resources.get("/Font", {}).values():
            fonts += 1
            descendants = font.get("/DescendantFonts")
            target = descendants[0] if descendants is not None else font
            descriptor = target.FontDescriptor
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), (
                f"font {target.get('/BaseFont')} is not embedded"
            )
    assert fonts, "a document with text has fonts"
    pages = [page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages]
    for number, text in enumerate(pages, 1):
        marker = re.compile(rf"(Sida|Page)\s*{number}\s*(av|of)\s*{len(pages)}")
        assert marker.search(text), f"page {number} has no page number: {text[-200:]!r}"
    return pages


# --- DOCX -----------------------------------------------------------------------------------


class Docx:
    """A .docx package read with zipfile and ElementTree."""

    def __init__(self, content: bytes) -> None:
        self.zip = zipfile.ZipFile(io.BytesIO(content))
        self.document = self.xml("word/document.xml")

    def xml(self, name: str) -> ET.Element:
        return ET.fromstring(self.zip.read(name))

    def text(self) -> str:
        return "\n".join(
            "".join(t.text or "" for t in p.iter(f"{W}t")) for p in self.document.iter(f"{W}p")
        )

    def core(self, tag: str) -> str:
        prefix, name = tag.split(":")
        found = self.xml("docProps/core.xml").find(f"{{{NS[prefix]}}}{name}")
        return "" if found is None or found.text is None else found.text

    def parts(self, kind: str) -> list[str]:
        return [n for n in self.zip.namelist() if re.fullmatch(rf"word/{kind}\d*\.xml", n)]


def read_docx(
    content: bytes,
    *,
    title: str,
    author: str,
    language: str,
    created: str,
    landscape: bool = False,
) -> Docx:
    """Check page size, language, properties, header, footer and tables; return the package."""
    doc = Docx(content)
    size = doc.document.find(f"{W}body/{W}sectPr/{W}pgSz")
    assert size is not None
    width, height = int(size.get(f"{W}w", 0)), int(size.get(f"{W}h", 0))
    expected = A4_TWIPS[::-1] if landscape else A4_TWIPS
    assert abs(width - expected[0]) <= 2 and abs(height - expected[1]) <= 2, (width, height)
    styles = doc.zip.read("word/styles.xml").decode()
    settings = doc.zip.read("word/settings.xml").decode()
    defaults = doc.xml("word/styles.xml").find(f"{W}docDefaults")
    assert defaults is not None
    langs = [e.get(f"{W}val") for e in defaults.iter(f"{W}lang")]
    assert langs == [language], langs
    assert "en-US" not in styles + settings or language == "en-US"
    assert doc.core("dc:title") == title
    assert author in doc.core("dc:creator") and "python-docx" not in doc.core("dc:creator")
    assert doc.core("dcterms:created").startswith(created)
    assert "python-docx" not in doc.zip.read("docProps/core.xml").decode()
    headers = " ".join(
        "".join(t.text or "" for t in doc.xml(h).iter(f"{W}t")) for h in doc.parts("header")
    )
    assert title in headers, headers
    footers = " ".join(doc.zip.read(f).decode() for f in doc.parts("footer"))
    assert "PAGE" in footers and "NUMPAGES" in footers
    for table in doc.document.iter(f"{W}tbl"):
        rows = table.findall(f"{W}tr")
        assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None, "header row not repeated"
        assert all(r.find(f"{W}trPr/{W}cantSplit") is not None for r in rows), "rows may split"
        layout = table.find(f"{W}tblPr/{W}tblLayout")
        assert layout is not None and layout.get(f"{W}type") == "fixed"
        widths = [int(c.get(f"{W}w", 0)) for c in table.iter(f"{W}gridCol")]
        # Every column at least as wide as the longest word of its header (no "Utgångsvä|rde").
        for cell, width in zip(rows[0].findall(f"{W}tc"), widths, strict=True):
            word = max(("".join(t.text or "" for t in cell.iter(f"{W}t")).split() or [""]), key=len)
            assert width >= len(word) * 1.5 * 56.7, (word, width)
    return doc


# --- XLSX -----------------------------------------------------------------------------------


def read_xlsx_sheet(content: bytes, sheet: int = 1) -> dict[str, object]:
    """A sheet's print set-up, frozen pane and print titles, and the workbook's properties."""
    package = zipfile.ZipFile(io.BytesIO(content))
    root = ET.fromstring(package.read(f"xl/worksheets/sheet{sheet}.xml"))
    setup = root.find(f"{S}pageSetup")
    fit = root.find(f"{S}sheetPr/{S}pageSetUpPr")
    pane = root.find(f"{S}sheetViews/{S}sheetView/{S}pane")
    book = ET.fromstring(package.read("xl/workbook.xml"))
    titles = [
        d.text
        for d in book.iter(f"{S}definedName")
        if d.get("name") == "_xlnm.Print_Titles" and d.get("localSheetId") == str(sheet - 1)
    ]
    core = ET.fromstring(package.read("docProps/core.xml"))
    return {
        "orientation": None if setup is None else setup.get("orientation"),
        "paper": None if setup is None else setup.get("paperSize"),
        "fit_width": None if setup is None else setup.get("fitToWidth"),
        "fit_height": None if setup is None else setup.get("fitToHeight"),
        "fit_to_page": None if fit is None else fit.get("fitToPage"),
        "frozen": None if pane is None else (pane.get("topLeftCell"), pane.get("state")),
        "print_titles": titles,
        "title": core.findtext(f"{{{NS['dc']}}}title"),
        "creator": core.findtext(f"{{{NS['dc']}}}creator"),
        "created": core.findtext(f"{{{NS['dcterms']}}}created"),
        "language": core.findtext(f"{{{NS['dc']}}}language"),
    }
