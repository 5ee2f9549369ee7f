"""Reading one artefact from a JSON or YAML file a person hands the CLI, safely.

Bounded before anything is parsed or expanded: size (1 MB), encoding (UTF-8 only), YAML
aliases (a "billion laughs" document is refused in milliseconds, never expanded), nesting
depth, and the shape (one mapping of field: value). Errors say what is wrong and never echo
the document.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml

MAX_BYTES = 1_000_000
MAX_ALIASES = 50
MAX_DEPTH = 20


class InputFileError(ValueError):
    """The file cannot be used; the message says why and how to fix it."""


class _BoundedLoader(yaml.SafeLoader):
    """A safe loader that counts aliases and nesting while composing, before any expansion."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.aliases = 0
        self.depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:  # noqa: D102 - yaml's hook
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise InputFileError(
                    f"the YAML uses more than {MAX_ALIASES} aliases (*name); write the values out"
                )
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise InputFileError(f"the document is nested deeper than {MAX_DEPTH} levels")
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_DEPTH:
        raise InputFileError(f"the document is nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level)
    return level


def load_input_file(path: str) -> dict[str, Any]:
    """The mapping in a JSON (``.json``) or YAML file (``-``: standard input)."""
    try:
        raw = sys.stdin.buffer.read(MAX_BYTES + 1) if path == "-" else _read(Path(path))
    except OSError as exc:
        raise InputFileError(f"cannot read {path}: {exc.strerror}") from None
    if len(raw) > MAX_BYTES:
        raise InputFileError(f"{path} is over {MAX_BYTES:,} bytes; one artefact is far smaller")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputFileError(f"{path} is not UTF-8 text; save it as UTF-8") from None
    is_json = path.endswith(".json")
    try:
        if is_json:
            data = json.loads(text)
            _depth(data)
        else:
            loader = _BoundedLoader(text)
            try:
                data = loader.get_single_data()
            finally:
                loader.dispose()
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        kind = "JSON" if is_json else "YAML"
        where = getattr(exc, "problem_mark", None) or getattr(exc, "lineno", None)
        raise InputFileError(
            f"{path} is not valid {kind} (near {where}): {_first_line(exc)}"
        ) from None
    except RecursionError:
        raise InputFileError(f"the document is nested deeper than {MAX_DEPTH} levels") from None
    if not isinstance(data, dict):
        raise InputFileError(
            f"{path} must hold one object (a mapping of field: value), got {type(data).__name__}"
        )
    return data


def _read(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(MAX_BYTES + 1)


def _first_line(exc: Exception) -> str:
    return str(getattr(exc, "problem", None) or exc).splitlines()[0][:200]
