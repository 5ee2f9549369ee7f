"""Large JSON answers sent in pieces: a region's overview of 10,000 rows is never one string.

``json_chunks`` writes the same bytes as the API's ``JSONResponse`` (compact, UTF-8, no NaN),
but a top-level list, or a list under a top-level key, goes out an item at a time (each item
serialised by the C encoder), gathered into pieces of about 64 KiB. ``is_large`` says which
answers are worth it: the rest keep their ``Content-Length``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

# Above this many items in one list an answer is streamed.
LARGE = 500
_PIECE = 1 << 16


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def is_large(value: Any) -> bool:
    """Whether ``value`` (JSON-ready data) holds a list of more than ``LARGE`` items at its
    top or under one of its top-level keys."""
    if isinstance(value, list):
        return len(value) > LARGE
    if isinstance(value, dict):
        return any(isinstance(v, list) and len(v) > LARGE for v in value.values())
    return False


def _pieces(value: Any) -> Iterator[str]:
    if isinstance(value, list):
        yield "["
        for index, item in enumerate(value):
            yield ("," if index else "") + _dumps(item)
        yield "]"
    elif isinstance(value, dict):
        yield "{"
        for index, (key, item) in enumerate(value.items()):
            yield ("," if index else "") + _dumps(str(key)) + ":"
            if isinstance(item, list):
                yield from _pieces(item)
            else:
                yield _dumps(item)
        yield "}"
    else:
        yield _dumps(value)


def json_chunks(value: Any) -> Iterator[bytes]:
    """``value`` as compact UTF-8 JSON, in pieces of about 64 KiB (never held whole)."""
    buffer: list[str] = []
    size = 0
    for piece in _pieces(value):
        buffer.append(piece)
        size += len(piece)
        if size >= _PIECE:
            yield "".join(buffer).encode("utf-8")
            buffer.clear()
            size = 0
    if buffer:
        yield "".join(buffer).encode("utf-8")
