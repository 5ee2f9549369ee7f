"""The few settings a command needs to reach a running service, read without pydantic.

A command through ``lofte serve`` should cost a fraction of a second, most of it Python's
start; loading pydantic-settings alone costs more than the rest. These are the same
``LOFTE_*`` variables (and ``.env`` file) as ``config.settings``, with the same defaults
(``config.defaults``); the service itself validates everything it is sent.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from config.defaults import API_HOST, API_PORT, ENV_PREFIX, LANGUAGE, default_data_dir


def _dotenv() -> dict[str, str]:
    try:
        lines = Path(".env").read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return {}
    values = {}
    for line in lines:
        key, sep, value = line.strip().partition("=")
        if sep and key.startswith(ENV_PREFIX):
            values[key.strip()] = value.strip().strip("'\"")
    return values


@dataclass(frozen=True)
class ClientSettings:
    """Where the service is, whether to use it, the data folder and the language."""

    service_url: str
    use_service: bool
    data_dir: Path
    language: str


@lru_cache(maxsize=1)
def client_settings() -> ClientSettings:
    """The client settings, environment first, then ``.env``, then the defaults."""
    found = {**_dotenv(), **{k: v for k, v in os.environ.items() if k.startswith(ENV_PREFIX)}}

    def get(name: str, default: str) -> str:
        return found.get(ENV_PREFIX + name, default) or default

    url = (
        get("API_URL", "") or f"http://{get('API_HOST', API_HOST)}:{get('API_PORT', str(API_PORT))}"
    )
    return ClientSettings(
        service_url=url.rstrip("/"),
        use_service=get("USE_SERVICE", "true").lower() not in ("0", "false", "no", "off"),
        data_dir=Path(get("DATA_DIR", "")) if get("DATA_DIR", "") else default_data_dir(),
        language="en" if get("LANGUAGE", LANGUAGE) == "en" else "sv",
    )
