"""The operator key: how a shell on the server acts through the running service.

``lofte serve`` writes a random key to ``<data dir>/operator.key`` (mode 0600). A command run
on the server by someone who can read that file (the operator, who could open the database
anyway) sends it with ``--actor EMAIL`` and acts as that registered person, checked against
the same permission matrix as everyone else, without paying Prefect's cold start.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from config.client import client_settings

FILE_NAME = "operator.key"


def operator_key_path() -> Path:
    """Where the operator key lives: the data folder."""
    return client_settings().data_dir / FILE_NAME


def ensure_operator_key() -> str:
    """The operator key, created (readable by the owner only) if there is none yet."""
    path = operator_key_path()
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key)
    return key


def read_operator_key() -> str | None:
    """The operator key if this user can read it, else None."""
    try:
        return operator_key_path().read_text(encoding="ascii").strip() or None
    except OSError:
        return None


PROOF_CONTEXT = b"lofte-operator-proof:"


def operator_proof(key: str, nonce: str) -> str:
    """What a service that holds ``key`` answers to the challenge ``nonce``: an HMAC of the
    nonce under the key, which proves it holds the key without revealing anything of it."""
    import hmac

    return hmac.new(
        key.encode("ascii"), PROOF_CONTEXT + nonce.encode("ascii"), "sha256"
    ).hexdigest()


def instance_id(key: str) -> str:
    """A short public name of the data folder whose key this is (to tell two services apart
    in a message; it reveals nothing of the key)."""
    return operator_proof(key, "instance")[:12]
