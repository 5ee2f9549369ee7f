"""Optional configuration files named by an environment variable (one helper, used by the
channels file and the status routes file). Their errors are ``ConfigError``, said in Swedish
with their English from the catalogue."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from config.documents import DocumentError, parse_mapping, parse_yaml
from config.errors import ConfigError
from lifecycle.i18n import Phrase


def configured_file(
    env_var: str, default: Path, what: Phrase, environ: Mapping[str, str] | None = None
) -> Path | None:
    """The file to read: the one ``env_var`` names (which must exist), else ``default`` if it
    exists, else None (the feature is simply not configured). ``what``: the file in words
    ("kanalfilen"), said in the error's language."""
    env = os.environ if environ is None else environ
    named = env.get(env_var)
    if named:
        path = Path(named)
        if not path.exists():
            raise ConfigError.said(
                "{path}: {variable}: {what} finns inte", path=str(path), variable=env_var, what=what
            )
        return path
    return default if default.exists() else None


def read_yaml_mapping(path: Path) -> dict[str, Any]:
    """A YAML file's top-level mapping ({} for an empty file), read with the bounded loader
    (config/documents.py); ConfigError names the file and what is wrong."""
    return read_yaml_document(path, mapping=True)  # type: ignore[no-any-return]


def read_yaml_document(path: Path, *, mapping: bool = False) -> Any:
    """A configuration file's YAML (None for an empty file unless ``mapping``), bounded like
    every document Löfte parses; ConfigError names the file and what is wrong."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError.said(
            "{path}: (fil): kan inte läsas: {why}", path=str(path), why=exc.strerror or exc
        ) from None
    try:
        return parse_mapping(raw, str(path)) if mapping else parse_yaml(raw, str(path))
    except DocumentError as exc:
        raise ConfigError.of(exc) from None  # the document's sentence, in both languages
