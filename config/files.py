"""Optional configuration files named by an environment variable (one helper, used by the
channels file and the status routes file)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from config.errors import ConfigError


def configured_file(
    env_var: str, default: Path, what: str, environ: Mapping[str, str] | None = None
) -> Path | None:
    """The file to read: the one ``env_var`` names (which must exist), else ``default`` if it
    exists, else None (the feature is simply not configured)."""
    env = os.environ if environ is None else environ
    named = env.get(env_var)
    if named:
        path = Path(named)
        if not path.exists():
            raise ConfigError(f"{path}: {env_var}: the {what} does not exist")
        return path
    return default if default.exists() else None


def read_yaml_mapping(path: Path) -> dict[str, Any]:
    """A YAML file's top-level mapping ({} for an empty file); ConfigError names what is wrong."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: (file): cannot read YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: (top level): expected a mapping")
    return raw
