"""HTML to archivable PDF (PDF/A-2b) with WeasyPrint.

Why WeasyPrint: Löfte already renders its documents as HTML with print CSS, and WeasyPrint
turns exactly that HTML into PDF/A (``pdf_variant``) with every font embedded and subset,
page headers and footers from CSS ``@page`` margin boxes (with page numbers), repeated table
header rows (``thead``) and rows kept whole (``break-inside: avoid``). It needs Pango from the
operating system and a font (docs/operations.md). The PDF's title, author, created date and
language come from the HTML's ``<title>``, ``<meta name=author>``, ``<meta
name=dcterms.created>`` and ``<html lang>``, so the HTML and the PDF cannot disagree.
"""

from __future__ import annotations

from markupsafe import Markup

# PDF/A-2b: the archival profile municipal e-archives accept (ISO 19005-2, level B).
PDF_VARIANT = "pdf/a-2b"
PDF_MEDIA_TYPE = "application/pdf"
# The fonts the documents ask for, in order: DejaVu or Liberation from the system (embedded).
FONT_STACK = '"DejaVu Sans", "Liberation Sans", Arial, sans-serif'


def css_string(text: str) -> Markup:
    """``text`` safe inside a quoted CSS string in a <style> element (page headers): every
    character but letters, digits and plain punctuation as a CSS escape, so no quote, backslash
    or "</style>" a person typed can end the string or the element."""
    return Markup(
        "".join(c if c.isalnum() or c in " -.,:()" else f"\\{ord(c):x} " for c in str(text))
    )


def html_to_pdf(html: str) -> bytes:
    """The document ``html`` as PDF/A-2b bytes.

    Nothing is fetched from the network or the disk: only ``data:`` URLs (the logos) are
    read, so text a person typed can never make the renderer reach anywhere.
    """
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"})
    document = HTML(string=html, url_fetcher=fetcher)
    pdf = document.write_pdf(pdf_variant=PDF_VARIANT, custom_metadata=True)
    assert pdf is not None
    return bytes(pdf)
