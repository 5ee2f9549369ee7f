"""The one bounded loader for every YAML or JSON document Löfte parses.

Request bodies of the API, files handed to the CLI (``--file``), a promise's calendar override,
the channels, status-routes, OIDC, calendar and catalogue files: all go through here, so every
one of them has the same bounds, checked before anything is expanded:

- size (1 MB unless the caller says less) and encoding (UTF-8 only);
- nesting depth (20 levels; deeper is never a real document, and deep recursion is a crash);
- YAML aliases (``*name``) are refused outright: expanding them is how a 400-byte "billion
  laughs" document costs seconds of CPU, and no document of ours needs them;
- only plain types come out: mappings, lists, strings, whole numbers, finite decimals,
  true/false and null. YAML's dates stay strings (the input models parse them), its other
  tags (``!!binary``, ``!!set``, ``!!python/...``) and JSON's NaN and Infinity are refused.

Errors are ``DocumentError`` (an InputError: exit 2, HTTP 422) saying what is wrong and
where, never echoing the document: one sentence written in Swedish, its English from the
catalogue (``DocumentError.said``; docs/architecture.md, "Writing a sentence"). A document's
``source`` is a path, or words said in the sentence's language (``REQUEST_BODY``).
"""

from __future__ import annotations

import json
import math
from typing import Any

import yaml

from lifecycle.errors import InputError
from lifecycle.i18n import Given, InvalidValue, Phrase

MAX_BYTES = 1_000_000
MAX_DEPTH = 20

# What a document is called where it has no file name of its own.
REQUEST_BODY = Phrase("förfrågans innehåll")
DOCUMENT = Phrase("dokumentet")
STANDARD_INPUT = Phrase("standardinmatningen")
# A document's source: a path, a command-line option, or one of the words above.
Source = str | Phrase


class DocumentError(InputError):
    """The document cannot be used; the message names it and says what is wrong."""


class _PlainLoader(yaml.SafeLoader):
    """A safe loader that builds plain types only, refuses aliases and deep nesting while
    composing (before anything is constructed or expanded)."""

    def __init__(self, stream: str, source: Source) -> None:
        super().__init__(stream)
        self.source = source
        self.depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:  # yaml's hook
        if self.check_event(yaml.AliasEvent):
            raise DocumentError.said(
                "{source}: använder ett YAML-alias (*namn); alias tas inte emot, skriv ut värdena",
                source=self.source,
            )
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _too_deep(self.source)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _too_deep(source: Source) -> DocumentError:
    return DocumentError.said(
        "{source}: nästlat djupare än {depth} nivåer", source=source, depth=MAX_DEPTH
    )


def _source_of(loader: yaml.SafeLoader) -> Source:
    source: Source = getattr(loader, "source", DOCUMENT)
    return source


def _finite_float(loader: yaml.SafeLoader, node: yaml.Node) -> float:
    value = yaml.SafeLoader.construct_yaml_float(loader, node)  # type: ignore[arg-type]
    if not math.isfinite(value):
        raise DocumentError.said("{source}: .inf och .nan är inga tal", source=_source_of(loader))
    return float(value)


def _refuse(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    raise DocumentError.said(
        "{source}: YAML-taggen {tag} tas inte emot (rad {line}); använd vanlig text, tal, "
        "listor och mappningar",
        source=_source_of(loader),
        tag=node.tag,
        line=node.start_mark.line + 1,
    )


def _text_keys(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[str, Any]:
    # Keys are text, as in JSON: `1: x` or `yes: x` would be a number or true/false, and a
    # mapping with both kinds of key cannot even be sorted.
    for key_node, _value in node.value:
        if key_node.tag != "tag:yaml.org,2002:str":
            shown = repr(key_node.value)[:40] if isinstance(key_node, yaml.ScalarNode) else ""
            raise DocumentError.said(
                "{source}: nyckeln {key} på rad {line} är inte text; nycklar är text (sätt den "
                "inom citattecken)",
                source=_source_of(loader),
                key=shown or Phrase("(en lista eller mappning)"),
                line=key_node.start_mark.line + 1,
            )
    data: dict[str, Any] = {}
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        data[loader.construct_object(key_node)] = loader.construct_object(value_node)
    return data


_PLAIN = {
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:seq",
}
_PlainLoader.yaml_constructors = {
    tag: fn for tag, fn in yaml.SafeLoader.yaml_constructors.items() if tag in _PLAIN
}
_PlainLoader.add_constructor("tag:yaml.org,2002:float", _finite_float)
_PlainLoader.add_constructor("tag:yaml.org,2002:map", _text_keys)
_PlainLoader.add_constructor(None, _refuse)
# Dates stay text: "2026-06-19" is for the input model to read, not a datetime here.
_PlainLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _text(raw: bytes | str, source: Source, max_bytes: int) -> str:
    size = len(raw.encode("utf-8")) if isinstance(raw, str) else len(raw)
    if size > max_bytes:
        # "1 000 000" in Swedish, "1,000,000" in English
        limit = Given(f"{max_bytes:,}".replace(",", "\u00a0"), f"{max_bytes:,}")
        raise DocumentError.said(
            "{source}: över {limit} byte; skicka mindre", source=source, limit=limit
        )
    if isinstance(raw, str):
        return raw
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise DocumentError.said(
            "{source}: inte UTF-8-text; spara den som UTF-8", source=source
        ) from None


def _check_depth(value: Any, source: Source) -> None:
    # Iterative, so a deep document cannot exhaust the stack here either.
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if level > MAX_DEPTH:
            raise _too_deep(source)
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)


def _no_constant(name: str) -> Any:
    raise InvalidValue("{name} är inte ett tal som JSON tillåter", name=name)


def parse_json(raw: bytes | str, source: Source = REQUEST_BODY, max_bytes: int = MAX_BYTES) -> Any:
    """A JSON document as plain data, within the bounds above."""
    text = _text(raw, source, max_bytes)
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise _too_deep(source) from None
    except ValueError as exc:  # JSONDecodeError, NaN, an integer of thousands of digits
        raise DocumentError.said(
            "{source}: inte giltig JSON: {why}", source=source, why=_first_line(exc)
        ) from None
    _check_depth(data, source)
    return data


def parse_yaml(raw: bytes | str, source: Source = DOCUMENT, max_bytes: int = MAX_BYTES) -> Any:
    """A YAML document (JSON is YAML too) as plain data, within the bounds above."""
    text = _text(raw, source, max_bytes)
    loader = None
    try:
        loader = _PlainLoader(text, source)  # the reader refuses control characters here
        return loader.get_single_data()
    except DocumentError:
        raise
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        if mark is None:
            raise DocumentError.said(
                "{source}: inte giltig YAML: {why}", source=source, why=_first_line(exc)
            ) from None
        raise DocumentError.said(
            "{source}: inte giltig YAML (rad {line}, kolumn {column}): {why}",
            source=source,
            line=mark.line + 1,
            column=mark.column + 1,
            why=_first_line(exc),
        ) from None
    except (RecursionError, ValueError, TypeError) as exc:
        # A key that is a list, an integer of thousands of digits ...
        raise DocumentError.said(
            "{source}: kan inte läsas: {why}", source=source, why=_first_line(exc)
        ) from None
    finally:
        if loader is not None:
            loader.dispose()


def parse_mapping(
    raw: bytes | str, source: Source, *, json_only: bool = False, max_bytes: int = MAX_BYTES
) -> dict[str, Any]:
    """A document that must be one mapping of field: value (empty: ``{}``)."""
    data = parse_json(raw, source, max_bytes) if json_only else parse_yaml(raw, source, max_bytes)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise DocumentError.said(
            "{source}: ska innehålla en mappning av fält: värde, fick {kind}",
            source=source,
            kind=_kind(data),
        )
    return data


def _kind(value: Any) -> Phrase | str:
    """What a value is, in words ("en lista" / "a list"); a type of its own by its name."""
    a_number = Phrase("ett tal")
    kinds = {
        list: Phrase("en lista"),
        str: Phrase("text"),
        int: a_number,
        float: a_number,
        bool: Phrase("sant/falskt"),
    }
    return kinds.get(type(value), type(value).__name__)


def _first_line(exc: BaseException) -> Phrase | str:
    """The first line of a parser's own words (English, as the parser writes them), or our
    sentence for what the parser says in no useful way."""
    if isinstance(exc, InvalidValue):
        return exc.phrase
    text = str(getattr(exc, "problem", None) or exc)
    if "integer string conversion" in text:
        return Phrase("ett tal med tusentals siffror")
    return (text.splitlines() or [""])[0][:200]
