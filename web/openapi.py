"""What each API route takes and answers, as OpenAPI: from the use case's request and result.

The routes are built from the composition root with one generic endpoint, so FastAPI cannot see their
parameters; this module describes them from the request models (path parameters, the query of
a GET, the JSON body of a POST) and the answers every route can give (the JSON error with its
sentence). The service does not publish the schema (every route but /health needs sign-in);
``FastAPI.openapi()`` builds it for the tests, which fuzz the API with it (tests/security/
test_fuzz_api.py), and for anyone who wants to generate a client.
"""

from __future__ import annotations

import copy
import re
import types
import typing
from typing import Any

from pydantic import BaseModel, TypeAdapter

from wiring.usecases import UseCase

JSON = "application/json"
# The routes whose success is a document (and, for some, JSON when format=json).
DOCUMENTS: dict[str, tuple[str, ...]] = {
    "ical.promise": ("text/calendar",),
    "ical.region": ("text/calendar",),
    "overview.show": (
        JSON,
        "text/plain",
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "compilation.show": (
        JSON,
        "text/markdown",
        "text/html",
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "promise.document": (
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "promise.action_plan": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "places.geojson": ("application/geo+json",),
    "compilation.region": (
        JSON,
        "text/markdown",
        "text/html",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
}
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["ok", "error", "error_kind"],
    "properties": {
        "ok": {"type": "boolean", "enum": [False]},
        "error": {"type": "string", "minLength": 1},
        "error_kind": {"type": "string", "minLength": 1},
        "error_sv": {"type": "string"},
        "unmet": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["code", "message_sv", "message_en"],
                "properties": {
                    "code": {"type": "string"},
                    "message_sv": {"type": "string"},
                    "message_en": {"type": "string"},
                },
            },
        },
    },
}
ERRORS = {
    "400": "Refused as asked",
    "401": "Not signed in, or the credentials are unknown, expired or revoked",
    "403": "Signed in, without the right this needs (the answer names it)",
    "404": "No such promise, artefact, token ... (or not in this promise)",
    "409": "Refused by the rules (every unmet criterion listed) or changed meanwhile",
    "422": "Bad input: the answer says which field and what is wrong",
    "429": "Too many requests; try again later",
    "503": "The database is busy (Retry-After) or not reachable; nothing was changed",
}
_PATH_PARAMETER = re.compile(r"{([^}]+)}")


def _inline(schema: Any, defs: dict[str, Any]) -> Any:
    """``schema`` with every ``#/$defs/...`` reference replaced by what it names."""
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return _inline(copy.deepcopy(defs[ref.removeprefix("#/$defs/")]), defs)
        return {k: _inline(v, defs) for k, v in schema.items() if k != "$defs"}
    if isinstance(schema, list):
        return [_inline(item, defs) for item in schema]
    return schema


def _is_model(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, BaseModel)


def _result_schema(op: UseCase[Any, Any]) -> dict[str, Any]:
    """The JSON schema of a typed result (a pydantic model, a list of them, or a union of
    models: the reminder run or its preview); ``{}`` for a document or the report data."""
    result = op.result
    origin = typing.get_origin(result)
    if origin is list:
        models: tuple[Any, ...] = typing.get_args(result)[:1]
    elif origin in (typing.Union, types.UnionType):
        models = typing.get_args(result)
    else:
        models = (result,)
    if not all(_is_model(model) for model in models):
        return {}
    schema = TypeAdapter(result).json_schema(mode="serialization")
    inlined: dict[str, Any] = _inline(schema, schema.get("$defs", {}))
    return inlined


def _responses(op: UseCase[Any, Any]) -> dict[str, Any]:
    result = _result_schema(op)
    success: dict[str, Any] = {
        media: {"schema": result if media == JSON else {}}
        for media in DOCUMENTS.get(op.name, (JSON,))
    }
    responses: dict[str, Any] = {"200": {"description": "Done", "content": success}}
    for status, description in ERRORS.items():
        responses[status] = {
            "description": description,
            "content": {JSON: {"schema": ERROR_SCHEMA}},
        }
    responses["503"]["headers"] = {
        "Retry-After": {"description": "Seconds to wait", "schema": {"type": "string"}}
    }
    return responses


def operation_openapi(op: UseCase[Any, Any]) -> dict[str, Any]:
    """The OpenAPI operation of ``op``'s route: parameters, body and answers."""
    model = op.request.model_json_schema()
    defs = model.get("$defs", {})
    properties: dict[str, Any] = _inline(model.get("properties", {}), defs)
    required = set(model.get("required", []))
    in_path = _PATH_PARAMETER.findall(op.path)
    parameters = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": properties.get(name, {"type": "string"}),
        }
        for name in in_path
    ]
    rest = {k: v for k, v in properties.items() if k not in in_path}
    extra: dict[str, Any] = {
        "operationId": op.name,
        "description": (op.func.__doc__ or "").strip(),
        "responses": _responses(op),
    }
    if op.method == "GET":
        parameters += [
            {"name": name, "in": "query", "required": name in required, "schema": schema}
            for name, schema in rest.items()
        ]
    elif rest:
        body: dict[str, Any] = {"type": "object", "properties": rest}
        body_required = sorted(required & set(rest))
        if body_required:
            body["required"] = body_required
        if model.get("additionalProperties") is False:
            body["additionalProperties"] = False
        extra["requestBody"] = {
            "required": bool(body_required),
            "content": {JSON: {"schema": body}},
        }
    extra["parameters"] = parameters
    return extra
