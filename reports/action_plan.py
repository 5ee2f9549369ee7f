"""The action plan (åtgärdsplan) as a coordinator pastes it into the city's planning system:
one row per activity with its goal, owner, dates, status and resources, as .xlsx and .docx.
"""

from __future__ import annotations

import io
from datetime import date, datetime, time
from typing import Any

from sqlmodel import Session, col, select

from lifecycle.i18n import REPORT, in_context
from lifecycle.safe_text import clean
from lifecycle.term import cycle_year_bounds
from lifecycle.vocabulary import label
from lifecycle.words import number
from models import Activity, Goal, Organisation, PriorityArea, Problem, Promise, Region
from reports.i18n import in_language, long_date
from reports.office import DocumentInfo, docx_bytes, docx_table, new_docx
from reports.parties import full_name
from reports.xlsx_stream import XlsxBook, fit_widths

# (key, Swedish header), in the order of the columns; the English in the catalogue
# (msgctxt ``action_plan.column.<key>``).
COLUMNS: tuple[tuple[str, str], ...] = (
    ("focus_area", "Fokusområde"),
    ("goal", "Mål"),
    ("indicator", "Indikator"),
    ("baseline", "Utgångsvärde"),
    ("target", "Målvärde"),
    ("target_date", "Måldatum"),
    ("activity", "Aktivitet"),
    ("owner", "Genomförs av"),
    ("responsible", "Ansvarig"),
    ("start", "Start"),
    ("end", "Slut"),
    ("level", "Preventionsnivå"),
    ("approach", "Inriktning"),
    ("status", "Status"),
    ("hours", "Timmar"),
    ("kronor", "Kronor"),
    ("funding", "Finansiering"),
)
DATE_KEYS = {"target_date", "start", "end"}
NUMBER_KEYS = {"baseline", "target", "hours", "kronor"}
# The columns the Word version has room for on a landscape page.
DOCX_KEYS = (
    "goal",
    "activity",
    "owner",
    "responsible",
    "start",
    "end",
    "level",
    "status",
    "hours",
    "kronor",
    "funding",
)


def _owner(a: Activity, language: str) -> str:
    if a.owner_party.value == "other":
        return a.owner_other
    return label(a.owner_party.value, language)


def plan_data(
    session: Session, promise: Promise, today: date, language: str = "sv"
) -> dict[str, Any]:
    """The current year's action plan of ``promise``: one row per activity."""
    first, last = cycle_year_bounds(promise.term_start, promise.cycle_year)
    areas = {a.id: a for a in session.exec(select(PriorityArea)).all()}
    problems = {
        p.id: p for p in session.exec(select(Problem).where(Problem.promise_id == promise.id)).all()
    }
    goals = {g.id: g for g in session.exec(select(Goal).where(Goal.promise_id == promise.id)).all()}
    activities = session.exec(
        select(Activity)
        .where(Activity.promise_id == promise.id)
        .order_by(col(Activity.goal_id), col(Activity.id))
    ).all()
    region = session.get(Region, promise.region_id)
    municipality = session.get(Organisation, promise.municipality_id)
    police = session.get(Organisation, promise.police_area_id)
    rows = []
    for a in activities:
        g = goals.get(a.goal_id)
        p = problems.get(g.problem_id) if g else None
        area = areas.get(p.priority_area_id or "") if p else None
        focus = p.title if p else ""
        if area is not None:
            focus += f" ({in_language((area.name_sv, area.name_en), language)})"
        rows.append(
            {
                "focus_area": focus,
                "goal": g.description if g else "",
                "indicator": g.indicator if g else "",
                "baseline": g.baseline if g else None,
                "target": g.target if g else None,
                "target_date": g.target_date.isoformat() if g else "",
                "activity": a.title,
                "owner": _owner(a, language),
                "responsible": a.responsible,
                "start": a.start.isoformat(),
                "end": a.end.isoformat(),
                "level": label(a.prevention_level.value, language),
                "approach": label(a.approach.value, language),
                "status": label(a.status.value, language),
                "hours": a.hours,
                "kronor": a.kronor,
                "funding": a.funding_source,
            }
        )
    title = in_context(REPORT, "Åtgärdsplan", language) + f" {first.year}: {promise.area_name}"
    return clean(
        {
            "language": language,
            "title": title,
            "year": first.year,
            "period": [first.isoformat(), last.isoformat()],
            "organisation": full_name(municipality, region, language),
            "parties": [
                full_name(municipality, region, language),
                full_name(police, region, language),
            ],
            "generated_on": today.isoformat(),
            "rows": rows,
        }
    )


def _info(d: dict[str, Any]) -> DocumentInfo:
    created = datetime.combine(date.fromisoformat(d["generated_on"]), time(12, 0))
    return DocumentInfo(d["title"], d["organisation"], created, d["language"])


def headers(language: str, keys: tuple[str, ...] | None = None) -> list[str]:
    """The column headers in ``language`` (all columns, or those of ``keys``)."""
    return [_header(k, sv, language) for k, sv in COLUMNS if keys is None or k in keys]


def _header(key: str, swedish: str, language: str) -> str:
    return in_context(f"action_plan.column.{key}", swedish, language)


def to_xlsx(d: dict[str, Any]) -> bytes:
    """The plan as a workbook: one sheet, printed landscape and fit to width, every cell
    wrapped (goals and activities are sentences), dates as date cells."""
    language = d["language"]
    head = headers(language)
    rows = [
        [
            date.fromisoformat(row[key]) if key in DATE_KEYS and row[key] else row[key]
            for key, _ in COLUMNS
        ]
        for row in d["rows"]
    ]
    widths, _ = fit_widths(head, ([row[key] or "" for key, _ in COLUMNS] for row in d["rows"]), 45)
    out = io.BytesIO()
    with XlsxBook(out, _info(d)) as book:
        name = in_context(REPORT, "Åtgärdsplan", language)
        everything = range(len(COLUMNS))
        with book.sheet(name, widths, wrapped=everything, freeze="C2", autofilter=True) as sheet:
            sheet.header(head)
            for values in rows:
                sheet.row(values)
    return out.getvalue()


def to_docx(d: dict[str, Any]) -> bytes:
    """The plan as a landscape Word document with one table (header repeated on every page)."""
    language = d["language"]
    doc = new_docx(_info(d), landscape=True)
    doc.add_heading(d["title"], level=0)
    doc.add_paragraph(
        in_context(REPORT, "Parter", language)
        + f": {d['parties'][0]}, {d['parties'][1]}. "
        + in_context(REPORT, "Period", language)
        + f": {long_date(d['period'][0], language)} – {long_date(d['period'][1], language)}."
    )
    rows = [
        [
            number(r[k], language)
            if k in NUMBER_KEYS and r[k] is not None
            else ("" if r[k] is None else str(r[k]))
            for k, _ in COLUMNS
            if k in DOCX_KEYS
        ]
        for r in d["rows"]
    ]
    docx_table(doc, headers(language, DOCX_KEYS), rows, font_size=8.5)
    return docx_bytes(doc)
