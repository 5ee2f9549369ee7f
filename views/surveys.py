"""The safety survey's series of one area, the latest year against the one before."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from models import SurveyResult


def survey_series(
    session: Session, region: str, areas: list[str], up_to_year: int
) -> list[dict[str, Any]]:
    """Each question's figures for the areas, up to ``up_to_year``, the latest year against the
    one before it (labelled with their years, never "this year")."""
    rows = session.exec(
        select(SurveyResult)
        .where(
            SurveyResult.region_id == region,
            col(SurveyResult.area).in_(areas),
            SurveyResult.year <= up_to_year,
        )
        .order_by(col(SurveyResult.source), col(SurveyResult.question), col(SurveyResult.year))
    ).all()
    series: dict[tuple[str, str, str], list[SurveyResult]] = {}
    for r in rows:
        series.setdefault((r.source, r.area, r.question), []).append(r)
    out = []
    for (source, area, question), figures in series.items():
        latest = figures[-1]
        before = figures[-2] if len(figures) > 1 else None
        out.append(
            {
                "source": source,
                "area": area,
                "question": question,
                "unit": latest.unit,
                "values": [{"year": f.year, "value": f.value} for f in figures],
                "latest_year": latest.year,
                "latest": latest.value,
                "previous_year": before.year if before else None,
                "previous": before.value if before else None,
                "change": round(latest.value - before.value, 2) if before else None,
            }
        )
    return out
