"""The overview and the action plan as files that print right (issue 23, part 3): landscape
A4 fitted to the width, header rows on every page, frozen panes, properties; the action plan
also as a landscape .docx. Read back as zipped XML, not with the writing libraries."""

from __future__ import annotations

import io
from datetime import date

from application.documents import ActionPlanRequest, action_plan_document
from config.clock import local_today
from lifecycle.stages import Stage
from models.db import session_scope
from reports.overview import build_overview
from reports.overview_render import to_xlsx
from tests.documents.readback import (
    assert_no_catalogue_ids,
    assert_nothing_doubled,
    read_docx,
    read_xlsx_sheet,
)
from tests.documents.test_promise_document import walk_to
from tests.helpers import ACTOR, new_promise


def _prints_right(sheet: dict[str, object], frozen: str) -> None:
    assert sheet["orientation"] == "landscape" and sheet["paper"] == "9"  # 9: A4
    assert sheet["fit_width"] == "1" and sheet["fit_height"] == "0"
    assert sheet["fit_to_page"] in ("1", "true")
    assert sheet["print_titles"] and str(sheet["print_titles"][0]).endswith("$1:$1")
    assert sheet["frozen"] == (frozen, "frozen")


def test_the_overview_prints_landscape_fitted_to_the_width(db) -> None:
    for municipality in ("Sollentuna", "Järfälla", "Täby"):
        walk_to(new_promise(start=date(2026, 1, 1), municipality=municipality), Stage.GOALS)
    with session_scope() as s:
        data = build_overview(s, "stockholm", date(2026, 3, 1))
    out = io.BytesIO()
    to_xlsx(data, out)
    content = out.getvalue()
    overview = read_xlsx_sheet(content, 1)
    _prints_right(overview, "D2")
    _prints_right(read_xlsx_sheet(content, 2), "C2")
    assert overview["title"] == "Regional översikt: Polisregion Stockholm"
    assert overview["creator"] == "Polisregion Stockholm"
    assert str(overview["created"]).startswith("2026-03-01")
    assert overview["language"] == "sv-SE"


def test_the_action_plan_as_xlsx_and_docx(db) -> None:
    pid = new_promise(start=date(2026, 1, 1))
    walk_to(pid, Stage.CONTINUOUS_EVALUATION)
    request = ActionPlanRequest(promise_id=pid, format="xlsx")
    xlsx = action_plan_document(ACTOR, request)
    assert xlsx.filename == f"atgardsplan-{pid}-2026.xlsx"
    sheet = read_xlsx_sheet(xlsx.content)
    _prints_right(sheet, "C2")
    assert sheet["title"] == "Åtgärdsplan 2026: Sollentuna"
    assert sheet["creator"] == "Sollentuna kommun"

    from openpyxl import load_workbook  # reading back: the columns a planning system takes

    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Fokusområde", "Mål", "Indikator")
    assert len(rows) == 1 + 4 and rows[1][6] == "Trygghetsvandring varje månad"
    assert str(rows[1][9]).startswith("2026-01-01")  # a real date cell (start)

    docx = action_plan_document(ACTOR, ActionPlanRequest(promise_id=pid, format="docx"))
    package = read_docx(
        docx.content,
        title="Åtgärdsplan 2026: Sollentuna",
        author="Sollentuna kommun",
        language="sv-SE",
        created=local_today().isoformat(),
        landscape=True,
    )
    text = package.text()
    assert "Trygghetsvandring varje månad" in text and "Preventionsnivå" in text
    assert_nothing_doubled(text)
    assert_no_catalogue_ids(text)

    english = action_plan_document(
        ACTOR, ActionPlanRequest(promise_id=pid, format="xlsx", language="en")
    )
    assert read_xlsx_sheet(english.content)["language"] == "en-GB"
