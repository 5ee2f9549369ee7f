"""Reading one artefact from a JSON or YAML file a person hands the CLI, safely.

The file is read with at most 1 MB (standard input too) and parsed by the bounded loader
(config/documents.py: size, UTF-8, nesting depth, no YAML aliases, plain types only); it must
hold one mapping of field: value. Errors say what is wrong, in Swedish and in English
(``DocumentError.said``), and never echo the document.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from config.documents import MAX_BYTES, STANDARD_INPUT, DocumentError, Source, parse_mapping

# The error the CLI reports (exit 2): the loader's.
InputFileError = DocumentError


def load_input_file(path: str) -> dict[str, Any]:
    """The mapping in a JSON (``.json``) or YAML file (``-``: standard input)."""
    try:
        raw = sys.stdin.buffer.read(MAX_BYTES + 1) if path == "-" else _read(Path(path))
    except OSError as exc:
        raise InputFileError.said(
            "kan inte läsa {path}: {why}", path=path, why=exc.strerror or exc
        ) from None
    source: Source = STANDARD_INPUT if path == "-" else path
    return parse_mapping(raw, source, json_only=path.endswith(".json"))


def _read(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(MAX_BYTES + 1)
