"""Runs the service: uvicorn serving the API, and the embedded scheduler beside it."""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

import uvicorn

from web.api import create_app

log = logging.getLogger("lofte.serve")

_SECRET_IN_QUERY = re.compile(r"(token=)[^&\s\"]+")
# The links in messages to residents carry their token in the path.
_SECRET_IN_PATH = re.compile(r"(/offentligt/(?:bekrafta|avsluta)/)[^/?\s\"]+")


def _mask(text: str) -> str:
    return _SECRET_IN_PATH.sub(r"\1***", _SECRET_IN_QUERY.sub(r"\1***", text))


class MaskSecrets(logging.Filter):
    """Masks a token given in an address (calendar subscriptions, residents' confirm and
    unsubscribe links) in the access log."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's arguments; never drop the record."""
        if isinstance(record.args, tuple):
            record.args = tuple(_mask(a) if isinstance(a, str) else a for a in record.args)
        return True


def log_config() -> dict[str, Any]:
    """uvicorn's logging, with secrets masked in the access log."""
    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config.setdefault("filters", {})["mask_secrets"] = {"()": "web.server.MaskSecrets"}
    config["handlers"]["access"]["filters"] = ["mask_secrets"]
    return config


def run(host: str, port: int, *, with_scheduler: bool = True) -> None:
    """Serve until interrupted, with the embedded scheduler in the same process (the
    application's lifespan starts and stops both in order: ``web.api``)."""
    app = create_app(with_scheduler=with_scheduler)
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="info",
        log_config=log_config(),
        # Forwarded headers are believed only from LOFTE_TRUSTED_PROXIES (web/proxies.py),
        # not from 127.0.0.1 as uvicorn would by default.
        proxy_headers=False,
    )
