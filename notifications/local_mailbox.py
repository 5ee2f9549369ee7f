"""The local mailbox: where mail goes when no mail channel is configured.

On the embedded default (``make run``: SQLite in the data folder, no channels file) nothing
could otherwise be mailed, so a resident could never confirm a subscription and nobody would
see a reminder. Instead, the dispatcher sends mail through its ordinary httpx path, as a
``generic`` mail API request, to the service's own ``/lokal-post/leverera``; that endpoint
keeps each mail as one JSON file in ``<data dir>/lokal-post/`` and the operator reads them at
``/admin/lokal-post``, as with a development mail catcher. The same retries and idempotency
apply: a mail the service did not take stays in the outbox and is sent again.

The request carries a token derived from the operator key, so only this installation's own
dispatcher can drop mail into the box. ``LOFTE_LOCAL_MAILBOX`` (auto/on/off) decides whether
the box is used; a configured channels file always wins under "auto".
"""

from __future__ import annotations

import hmac
import json
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from config.operator_key import ensure_operator_key, operator_proof
from config.settings import Settings, get_settings

CHANNEL_NAME = "lokal-brevlada"
DELIVERY_PATH = "/lokal-post/leverera"
SENDER = "Löfte (lokal brevlåda) <lofte@localhost>"
# The box keeps the newest mails only: it is for trying the product, not an archive.
KEEP = 500
# The largest mail the endpoint accepts (a reminder digest is a few kB).
MAX_BYTES = 512 * 1024
_ID = re.compile(r"^[0-9]{8}T[0-9]{12}-[0-9a-f]{8}$")


def active(settings: Settings | None = None, *, channels_file_configured: bool) -> bool:
    """Whether mail goes to the local mailbox (see the module's docstring)."""
    settings = settings or get_settings()
    if settings.local_mailbox == "on":
        return True
    if settings.local_mailbox == "off":
        return False
    return not channels_file_configured and not settings.database_url


def delivery_token() -> str:
    """The token the dispatcher sends and the endpoint checks (an HMAC under the operator key;
    the service creates the key when it starts)."""
    return operator_proof(ensure_operator_key(), "local-mailbox")


def token_ok(presented: str) -> bool:
    """Whether ``presented`` is this installation's delivery token (constant-time)."""
    return hmac.compare_digest(presented.encode("utf-8"), delivery_token().encode("ascii"))


def delivery_url(settings: Settings | None = None) -> str:
    """The service's own delivery endpoint (always the local listener, never a proxy)."""
    settings = settings or get_settings()
    host = settings.api_host if settings.api_host not in ("0.0.0.0", "::", "") else "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{settings.api_port}{DELIVERY_PATH}"


def folder(settings: Settings | None = None) -> Path:
    """Where the mails are kept."""
    return (settings or get_settings()).data_dir / "lokal-post"


@dataclass(frozen=True)
class LocalMail:
    """One mail in the box."""

    id: str
    received_at: datetime
    sender: str
    recipient: str
    subject: str
    text: str
    html: str


def store(document: dict[str, Any], now: datetime | None = None) -> LocalMail:
    """Keep one mail (the generic mail API's JSON shape) and drop the oldest beyond ``KEEP``."""
    now = now or datetime.now(UTC)
    mail = LocalMail(
        id=f"{now:%Y%m%dT%H%M%S%f}-{os.urandom(4).hex()}",
        received_at=now,
        sender=_text(document.get("from"), 320),
        recipient=_text(document.get("to"), 320),
        subject=_text(document.get("subject"), 1000),
        text=_text(document.get("text"), MAX_BYTES),
        html=_text(document.get("html"), MAX_BYTES),
    )
    box = folder()
    box.mkdir(parents=True, exist_ok=True)
    target = box / f"{mail.id}.json"
    partial = target.with_suffix(".part")
    partial.write_text(
        json.dumps(
            {
                "received_at": now.isoformat(),
                "from": mail.sender,
                "to": mail.recipient,
                "subject": mail.subject,
                "text": mail.text,
                "html": mail.html,
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    # Written whole, then renamed: a reader never sees half a mail.
    partial.replace(target)
    for old in sorted(box.glob("*.json"))[:-KEEP]:
        old.unlink(missing_ok=True)
    return mail


def newest(limit: int = 100) -> list[LocalMail]:
    """The newest mails first."""
    box = folder()
    if not box.is_dir():
        return []
    names = sorted((p for p in box.glob("*.json") if _ID.match(p.stem)), reverse=True)
    return [m for m in (_read(p) for p in names[:limit]) if m is not None]


def find(mail_id: str) -> LocalMail | None:
    """One mail by its id, or None (an id that is not one of ours finds nothing)."""
    if not _ID.match(mail_id):
        return None
    return _read(folder() / f"{mail_id}.json")


def _read(path: Path) -> LocalMail | None:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return LocalMail(
        id=path.stem,
        received_at=datetime.fromisoformat(raw["received_at"]),
        sender=raw.get("from", ""),
        recipient=raw.get("to", ""),
        subject=raw.get("subject", ""),
        text=raw.get("text", ""),
        html=raw.get("html", ""),
    )


def _text(value: Any, limit: int) -> str:
    return value[:limit] if isinstance(value, str) else ""
