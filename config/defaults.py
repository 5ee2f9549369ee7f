"""Defaults shared by the full settings and the CLI's light client settings (one home)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

ENV_PREFIX = "LOFTE_"
API_HOST = "127.0.0.1"
API_PORT = 8470
LANGUAGE: Final = "sv"


def default_data_dir() -> Path:
    """Where Löfte keeps its embedded database when nothing is configured (XDG data dir)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "lofte"
