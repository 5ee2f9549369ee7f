"""Organisation logos for the documents: configurable files, none shipped.

``LOFTE_LOGO_DIR`` names a directory; the logo of an organisation is the file named after it
in lower case with å/ä/ö as a/a/o and anything else but letters and digits as "-", ending in
.png, .jpg or .svg ("LPO Skärholmen" → ``lpo-skarholmen.png``). A logo is put into the
document as a ``data:`` URL, so the PDF renderer never reads a file or the network itself.
"""

from __future__ import annotations

import base64
import re
import unicodedata

from models import Organisation

MEDIA = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml"}
# A logo is a small picture: anything larger is ignored rather than put in every document.
MAX_BYTES = 512 * 1024


def slug(name: str) -> str:
    """An organisation name as a file name: "LPO Skärholmen" → "lpo-skarholmen"."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def logo_data_uri(org: Organisation | None) -> str | None:
    """The organisation's logo as a data: URL, or None (no directory, no file, too large)."""
    from config.settings import get_settings

    folder = get_settings().logo_dir
    if org is None or folder is None:
        return None
    for suffix, media in MEDIA.items():
        path = folder / f"{slug(org.name)}{suffix}"
        if path.is_file() and path.stat().st_size <= MAX_BYTES:
            return f"data:{media};base64," + base64.b64encode(path.read_bytes()).decode("ascii")
    return None
