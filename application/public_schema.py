"""The open data's descriptions, published beside it at stable addresses (docs/public.md):
a Frictionless Data Package (``datapackage.json``, Table Schemas for the CSV files, CC0) and a
JSON Schema (draft 2020-12) for ``data.json``. Tools validate the data against them, and a
test does the same, so the description and the data cannot drift apart."""

from __future__ import annotations

from typing import Any

SCHEMA_PATH = "/offentligt/schema/lofte-public-1.json"
LICENCE_ENTRY = {
    "name": "CC0-1.0",
    "path": "https://creativecommons.org/publicdomain/zero/1.0/",
    "title": "Creative Commons Zero v1.0 Universal",
}
_DATE_OR_EMPTY = {"type": "date", "format": "default"}
_BOOLEAN = {"type": "boolean", "trueValues": ["true"], "falseValues": ["false"]}

PROMISES_TABLE: dict[str, Any] = {
    "fields": [
        {"name": "id", "type": "integer", "constraints": {"required": True, "unique": True}},
        {"name": "area", "type": "string", "constraints": {"required": True}},
        {"name": "municipality", "type": "string"},
        {"name": "police_area", "type": "string"},
        {"name": "term_start", "type": "date", "constraints": {"required": True}},
        {"name": "term_end", "type": "date", "constraints": {"required": True}},
        {"name": "status", "type": "string", "description": "Läget i ord, på svenska"},
        {"name": "status_en", "type": "string", "description": "The status in English"},
        {**_BOOLEAN, "name": "late", "description": "En redovisning har passerat sitt datum"},
        {**_DATE_OR_EMPTY, "name": "starts_on", "description": "Set before the term begins"},
        {**_DATE_OR_EMPTY, "name": "next_due", "description": "The next report's due date"},
    ],
    "primaryKey": ["id"],
    "missingValues": [""],
}
REPORTS_TABLE: dict[str, Any] = {
    "fields": [
        {"name": "promise_id", "type": "integer", "constraints": {"required": True}},
        {
            "name": "kind",
            "type": "string",
            "constraints": {"required": True, "enum": ["round", "year_end"]},
        },
        {"name": "year", "type": "integer", "constraints": {"required": True, "minimum": 1}},
        {"name": "round", "type": "integer", "description": "Empty for a year-end result"},
        {"name": "due", "type": "date", "constraints": {"required": True}},
        {**_DATE_OR_EMPTY, "name": "reported_on", "description": "Empty: not reported"},
        {**_BOOLEAN, "name": "late", "constraints": {"required": True}},
    ],
    "foreignKeys": [
        {
            "fields": ["promise_id"],
            "reference": {"resource": "promises", "fields": ["id"]},
        }
    ],
    "missingValues": [""],
}


def datapackage(region: str, region_name: str, base: str) -> dict[str, Any]:
    """The region's Data Package (Frictionless v1, tabular): the two CSV files, CC0."""

    def resource(name: str, path: str, title: str, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "name": name,
            "path": path,
            "title": title,
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "dialect": {"delimiter": ",", "header": True},
            "schema": schema,
        }

    return {
        "profile": "tabular-data-package",
        "name": f"lofte-{region}",
        "title": f"Medborgarlöften i {region_name}",
        "description": (
            "Publicerade medborgarlöften och varje uppföljning de är skyldiga invånarna, med "
            f"datum. Hela löftena finns i {base}/offentligt/{region}/data.json "
            f"(JSON Schema: {base}{SCHEMA_PATH})."
        ),
        "homepage": f"{base}/offentligt/{region}",
        "licenses": [LICENCE_ENTRY],
        "resources": [
            resource("promises", "data.csv", "Löftena, ett per rad", PROMISES_TABLE),
            resource(
                "reports", "uppfoljningar.csv", "Uppföljningar och årsresultat", REPORTS_TABLE
            ),
        ],
    }


_TEXT = {"type": "string"}
_DATE = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_DATE_OR_NULL = {"anyOf": [_DATE, {"type": "null"}]}
_NUMBER_OR_NULL = {"type": ["number", "null"]}
_COUNT_BELOW = {"type": ["integer", "null"], "minimum": 1}


def _object(properties: dict[str, Any], optional: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": [k for k in properties if k not in optional],
        "additionalProperties": False,
    }


_REPORT = _object(
    {
        "kind": {"enum": ["round", "year_end"]},
        "year": {"type": "integer", "minimum": 1},
        "round": {"type": ["integer", "null"]},
        "due": _DATE,
        "reported_on": _DATE_OR_NULL,
        "late": {"type": "boolean"},
    }
)
_VALUE = _object(
    {"on": _DATE, "value": _NUMBER_OR_NULL, "below": {"type": "integer", "minimum": 1}},
    optional=("below",),
)
_GOAL = _object(
    {
        "id": {"type": "integer"},
        "description": _TEXT,
        "indicator": _TEXT,
        "unit": _TEXT,
        "baseline": _NUMBER_OR_NULL,
        "baseline_below": _COUNT_BELOW,
        "target": _NUMBER_OR_NULL,
        "target_date": _DATE,
        "values": {"type": "array", "items": _VALUE},
    }
)
_ACTIVITY = _object(
    {
        "id": {"type": ["integer", "null"]},
        "goal_id": {"type": ["integer", "null"]},
        "title": _TEXT,
        "by": _TEXT,
        "status": _TEXT,
    },
    optional=("id", "goal_id"),
)
_SIGNATORY = _object(
    {"party": _TEXT, "name": _TEXT, "function": _TEXT, "organisation": _TEXT, "signed_on": _DATE}
)
_PROMISE = _object(
    {
        "schema": {"const": "lofte-public/1"},
        "id": {"type": "integer"},
        "area": _TEXT,
        "region": _TEXT,
        "municipality": _TEXT,
        "police_area": _TEXT,
        "parties": _TEXT,
        "parties_en": _TEXT,
        "municipality_kind": {"enum": ["municipality", "city_district"]},
        "term_start": _DATE,
        "term_end": _DATE,
        "status": _TEXT,
        "status_en": _TEXT,
        "late": {"type": "boolean"},
        "starts_on": _DATE_OR_NULL,
        "next_due": _DATE_OR_NULL,
        "situation": {"type": "array", "items": _TEXT},
        "situation_en": {"type": "array", "items": _TEXT},
        "reports": {"type": "array", "items": _REPORT},
        "signed_on": _DATE_OR_NULL,
        "revised_since": _DATE_OR_NULL,
        "signatories": {"type": "array", "items": _SIGNATORY},
        "contacts": {
            "type": "array",
            "items": _object({"organisation": _TEXT, "contact": _TEXT}),
        },
        "promise_text": _object({"joint": _TEXT, "police": _TEXT, "municipality": _TEXT}),
        "what_you_said": {
            "type": "array",
            "items": _object(
                {
                    "method": _TEXT,
                    "held_from": _DATE,
                    "participants": {"type": "integer", "minimum": 0},
                    "themes": {"type": "array", "items": _TEXT},
                    "places": {"type": "array", "items": _TEXT},
                    "results": _TEXT,
                }
            ),
        },
        "what_we_do": {
            "type": "array",
            "items": _object(
                {
                    "problem_id": {"type": ["integer", "null"]},
                    "problem": _TEXT,
                    "priority_area": {"type": ["string", "null"]},
                    "places": {"type": "array", "items": _TEXT},
                    "goals": {"type": "array", "items": _GOAL},
                    "activities": {"type": "array", "items": _ACTIVITY},
                },
                optional=("problem_id",),
            ),
        },
        "feedback": {
            "type": "array",
            "items": _object(
                {
                    "year": {"type": "integer"},
                    "round": {"type": "integer"},
                    "due": _DATE,
                    "submitted_on": _DATE,
                    "text": _TEXT,
                }
            ),
        },
        "year_end": {
            "type": "array",
            "items": _object(
                {
                    "year": {"type": "integer"},
                    "due": _DATE_OR_NULL,
                    "approved_on": _DATE,
                    "summary": _TEXT,
                }
            ),
        },
        "earlier_years": {
            "type": "array",
            "items": _object({"id": {"type": "integer"}, "term_start": _DATE}),
        },
    },
    optional=("signatories", "contacts"),
)


def json_schema(base: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``data.json``, schema ``lofte-public/1``."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{base}{SCHEMA_PATH}",
        "title": "Medborgarlöften, öppna data (lofte-public/1)",
        "description": "A police region's published citizen promises, as on their pages. CC0.",
        **_object(
            {
                "schema": {"const": "lofte-public/1"},
                "licence": _TEXT,
                "region": _TEXT,
                "region_name": _TEXT,
                "promises": {"type": "array", "items": _PROMISE},
            }
        ),
    }
