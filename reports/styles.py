"""The stylesheets of the HTML documents (the year-end compilation and the region's roll-up).

They are inline so that a saved document keeps its look; the service's Content Security Policy
allows exactly these blocks by their SHA-256 hashes (``web/headers.py``), no other inline style.
"""

from __future__ import annotations

import base64
import hashlib

# The committee paper (docs/documents.md): A4 with its margins; its running header and footer
# name the organisation and diarienummer, so they are added for the PDF only (reports/compilation).
COMPILATION = (
    "@page{size:A4;margin:22mm 18mm 20mm}\n"
    'html{font-family:"DejaVu Sans", "Liberation Sans", Arial, sans-serif;line-height:1.45;color:#222}\n'
    "body{margin:0 auto;max-width:60rem;padding:1rem}\n"
    "table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;font-size:.92rem}\n"
    "thead{display:table-header-group}\n"
    "tr{break-inside:avoid}\n"
    "th,td{border-bottom:1px solid #ccc;padding:.3rem .4rem;text-align:left;vertical-align:top}\n"
    "th{background:#f3f3f3}\n"
    "td.n,th.n{text-align:right}\n"
    "dl.head{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;margin:0 0 1rem}\n"
    "dl.head dt{font-weight:bold}dl.head dd{margin:0}\n"
    "dl.head,ol{break-inside:avoid}\n"
    "svg{max-width:100%;height:auto}\n"
    "h1,h2,h3,dd,td{overflow-wrap:break-word}\n"
    "@media screen{.wrap{overflow-x:auto;position:relative}}.ok{color:#1b7a3a}.bad{color:#b3261e}.muted{color:#595959}\n"
    "section.area{border-left:4px solid #1565c0;padding-left:.8rem;margin:1rem 0}\n"
    "section.link{border-left:4px solid #1565c0;padding-left:.8rem;margin:1.2rem 0}\n"
    "figure{margin:.4rem 0 1rem;break-inside:avoid}figcaption{font-size:.85rem;color:#444}\n"
    "@media print{html{font-size:10pt;color:#000}body{max-width:none;padding:0}.wrap{overflow:visible}\n"
    "section.area,figure{break-inside:avoid}h2,h3{break-after:avoid}a{color:inherit;text-decoration:none}}\n"
)
ROLLUP = "body{font-family:system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem}table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:.35rem;text-align:left}.wrap{overflow-x:auto}"
DOCUMENT_STYLES = {"compilation": COMPILATION, "rollup": ROLLUP}


def csp_hashes() -> list[str]:
    """``'sha256-...'`` sources for each document stylesheet, for a CSP's ``style-src``."""
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode() + "'"
        for css in DOCUMENT_STYLES.values()
    ]
