"""The safety survey (trygghetsmätning) as a series: imported from CSV, compared year on year.

"Polisregion Stockholm genomför sedan ett år tillbaka en sådan mätning där samtliga kommuner
erbjuds att delta. … Tillsammans med andra underlag kan det användas både som en grund för
vilka åtgärder som krävs och ett kvitto på om arbetet får effekt." (seed 000)
"""

from __future__ import annotations

import csv
import io
import math
from typing import Any

from pydantic import BaseModel, Field
from sqlmodel import select

from application.access import require_region
from lifecycle.errors import InputError
from lifecycle.permissions import Action, Principal
from lifecycle.safe_text import control_character_in
from models import Region, SurveyResult
from models.db import read_scope, session_scope
from views.surveys import survey_series

COLUMNS = ("source", "year", "area", "question", "value")
MAX_ROWS = 20_000


class SurveyImport(BaseModel):
    """Survey results as CSV text: source, year, area, question, value (and optionally unit)."""

    region: str = Field(max_length=40)
    csv: str = Field(max_length=2_000_000, description="The CSV file's text, with a header")


def _text(row: dict[str, str], name: str, line: int, limit: int) -> str:
    value = (row.get(name) or "").strip()
    if not value:
        raise InputError.said(
            "rad {line}: {name} är tom; varje rad behöver {columns}",
            line=line,
            name=name,
            columns=", ".join(COLUMNS),
        )
    if len(value) > limit or control_character_in(value, multiline=False) is not None:
        raise InputError.said(
            "rad {line}: {name} ska vara en rad med högst {limit} tecken",
            line=line,
            name=name,
            limit=limit,
        )
    return value


def parse_survey_csv(text: str) -> list[dict[str, Any]]:
    """The rows of a survey CSV (comma or semicolon separated, decimal comma allowed), or an
    InputError naming the line and the problem; nothing is read half."""
    sample = text[:2048]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter)
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InputError.said(
            "CSV-filen saknar kolumnen {missing}; dess rubrikrad ska ha {columns} (och "
            "eventuellt unit)",
            missing=", ".join(missing),
            columns=", ".join(COLUMNS),
        )
    reader.fieldnames = header
    rows: list[dict[str, Any]] = []
    for line, row in enumerate(reader, start=2):
        if len(rows) >= MAX_ROWS:
            raise InputError.said("högst {rows:,} rader i en import; dela upp filen", rows=MAX_ROWS)
        raw_year = (row.get("year") or "").strip()
        if not raw_year.isdigit() or not 2000 <= int(raw_year) <= 2100:
            raise InputError.said(
                "rad {line}: året {year!r} är inte ett år som 2026", line=line, year=raw_year
            )
        raw_value = (row.get("value") or "").strip().replace(",", ".").replace(" ", "")
        try:
            value = float(raw_value.rstrip("%"))
        except ValueError:
            raise InputError.said(
                "rad {line}: värdet {value!r} är inte ett tal", line=line, value=raw_value
            ) from None
        if not math.isfinite(value) or abs(value) > 1e9:
            raise InputError.said(
                "rad {line}: värdet {value!r} är inte en rimlig siffra", line=line, value=raw_value
            )
        rows.append(
            {
                "source": _text(row, "source", line, 200),
                "year": int(raw_year),
                "area": _text(row, "area", line, 200),
                "question": _text(row, "question", line, 300),
                "value": value,
                "unit": (row.get("unit") or "%").strip()[:40] or "%",
            }
        )
    if not rows:
        raise InputError.said("CSV-filen har en rubrikrad men inga rader")
    return rows


class SurveyImported(BaseModel):
    """How many survey figures were added, and how many replaced a figure imported before."""

    region: str
    added: int
    replaced: int


def import_survey(principal: Principal | None, request: SurveyImport) -> SurveyImported:
    """Store the region's survey results (a figure imported again is replaced, not doubled)."""
    with session_scope() as session:
        if session.get(Region, request.region) is None:
            raise InputError.said("okänd polisregion {region!r}", region=request.region)
        require_region(principal, Action.IMPORT_SURVEY, request.region)
        rows = parse_survey_csv(request.csv)
        added = replaced = 0
        for row in rows:
            existing = session.exec(
                select(SurveyResult).where(
                    SurveyResult.region_id == request.region,
                    SurveyResult.source == row["source"],
                    SurveyResult.year == row["year"],
                    SurveyResult.area == row["area"],
                    SurveyResult.question == row["question"],
                )
            ).first()
            if existing is None:
                session.add(SurveyResult(region_id=request.region, **row))
                added += 1
            else:
                existing.value, existing.unit = row["value"], row["unit"]
                session.add(existing)
                replaced += 1
        return SurveyImported(region=request.region, added=added, replaced=replaced)


class SurveyList(BaseModel):
    """The survey series of a region, optionally for one area."""

    region: str = Field(max_length=40)
    area: str | None = Field(default=None, max_length=200)


class SurveyFigure(BaseModel):
    """One year's figure of a series."""

    year: int
    value: float


class SurveySeries(BaseModel):
    """One question's figures for an area, the latest year against the one before it."""

    source: str
    area: str
    question: str
    unit: str
    values: list[SurveyFigure]
    latest_year: int
    latest: float
    previous_year: int | None
    previous: float | None
    change: float | None


def list_surveys(principal: Principal | None, request: SurveyList) -> list[SurveySeries]:
    """Every survey series of the region (or an area), each year against the one before."""
    require_region(principal, Action.READ_REGION, request.region)
    with read_scope() as session:
        areas = (
            [request.area]
            if request.area
            else list(
                session.exec(
                    select(SurveyResult.area)
                    .where(SurveyResult.region_id == request.region)
                    .distinct()
                ).all()
            )
        )
        # views.surveys builds the series as plain data for the public pages too.
        return [
            SurveySeries.model_validate(series)
            for series in survey_series(session, request.region, areas, 2100)
        ]
