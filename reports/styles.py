"""The stylesheets of the HTML documents (the year-end compilation and the region's roll-up).

They are inline so that a saved document keeps its look; the service's Content Security Policy
allows exactly these blocks by their SHA-256 hashes (``web/headers.py``), no other inline style.
"""

from __future__ import annotations

import base64
import hashlib

COMPILATION = (
    "body{font-family:system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;line-height:1.45;color:#222}\n"
    "table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;font-size:.95rem}\n"
    "th,td{border-bottom:1px solid #ddd;padding:.35rem .4rem;text-align:left;vertical-align:top}\n"
    ".wrap{overflow-x:auto}.ok{color:#1b7a3a}.bad{color:#b3261e}.muted{color:#666}\n"
    "svg{max-width:100%;height:auto}\n"
    "section.link{border-left:4px solid #1565c0;padding-left:.8rem;margin:1.2rem 0}\n"
    "@page{size:A4;margin:18mm 16mm}\n"
    "@media print{body{max-width:none;padding:0;font-size:10.5pt;color:#000}.wrap{overflow:visible}\n"
    "section.link,table,svg{break-inside:avoid}h2{break-after:avoid}a{color:inherit;text-decoration:none}}\n"
)
ROLLUP = "body{font-family:system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem}table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:.35rem;text-align:left}.wrap{overflow-x:auto}"
DOCUMENT_STYLES = {"compilation": COMPILATION, "rollup": ROLLUP}


def csp_hashes() -> list[str]:
    """``'sha256-...'`` sources for each document stylesheet, for a CSP's ``style-src``."""
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode() + "'"
        for css in DOCUMENT_STYLES.values()
    ]
