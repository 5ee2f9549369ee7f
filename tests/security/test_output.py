"""Hostile text stored in Löfte is harmless in every output: HTML escapes it, spreadsheets
keep formulas as text, terminals and calendars get no control characters, chat cards no
markdown. Values are generated (Hypothesis) and rendered into every format."""

from __future__ import annotations

import csv
import io
import json
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from lifecycle.safe_text import autoescape_for, escape_markdown, neutralise_formula, strip_controls
from notifications.channels.chat import SlackChannel, TeamsChannel
from notifications.render import KINDS, LANGUAGES, Renderer
from reports.compilation import TEMPLATES
from reports.overview_render import to_csv, to_table, to_xlsx
from views.ical import escape_text, render_calendar

MARKUP = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    '=HYPERLINK("http://evil","klicka")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\tTAB",
    "\rCR först",
    "Rån\x1b[31m i rött\x07",
    "**fet** [länk](http://evil) # rubrik",
    "Åsa Öberg-Ärlig",
]
hostile = st.one_of(
    st.sampled_from(MARKUP),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=60),
    st.builds(lambda a, b: a + b, st.sampled_from(MARKUP), st.text(max_size=20)),
)
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _overview(name: str) -> dict:
    """An overview's data (the shape ``reports.overview.build_overview`` returns) with
    ``name`` in every text a person typed."""
    person = {"name": name, "email": "a@b.se"}
    overdue = {
        "kind": "stage",
        "stage": "goals",
        "cycle_year": 1,
        "ref": "goals",
        "round": None,
        "what": name,
        "due": "2026-03-01",
        "nominal_due": None,
        "working_days_late": 3,
        "responsible": [person],
    }
    row = {
        "promise_id": 1,
        "region": "stockholm",
        "area": name,
        "municipality": name,
        "police_area": name,
        "stage": "goals",
        "stage_name": name,
        "cycle_year": 1,
        "stage_due": "2026-03-01",
        "next_deadline": {"due": "2026-03-01", "what": name},
        "overdue": [overdue],
        "overdue_rounds": 0,
        "worst_working_days_late": 3,
        "responsible": [person],
        "activities_not_done": [{"id": 1, "title": name, "reason": name, "round": 1}],
        "last_moved": "2026-01-01T00:00:00",
        "late": True,
        "on_track": False,
        "late_evaluation": False,
        "days_in_stage": 3,
    }
    summary = {
        "promises": 1,
        "late": 1,
        "on_track": 0,
        "late_evaluations": 0,
        "overdue_rounds": 0,
        "overdue_items": 1,
        "closed": 0,
        "by_stage": {"goals": 1},
        "worst": [],
        "most_overdue": [],
        "municipalities_most_overdue": [
            {
                "municipality": name,
                "overdue_items": 1,
                "overdue_rounds": 0,
                "worst_working_days_late": 3,
            }
        ],
    }
    return {
        "date": "2026-03-02",
        "language": "sv",
        "region": "stockholm",
        "region_name": name,
        "rows": [row],
        "summary": summary,
    }


def test_every_html_template_escapes_by_its_name() -> None:
    names = [p.name for p in TEMPLATES.glob("*.html*")]
    assert names and all(autoescape_for(n) for n in names)
    assert autoescape_for("digest.sv.html.j2") and not autoescape_for("digest.sv.txt.j2")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=hostile)
def test_notifications_in_every_kind_and_language_are_safe(text: str) -> None:
    payload = {
        "person": text,
        "promise": text,
        "what": text,
        "by": text,
        "region_name": text,
        "comment": text,
        "area": text,
        "municipality": text,
        "feedback": text,
        "summary": text,
        "confirm_url": text,
        "unsubscribe_url": text,
        "stage": "goals",
        "to_stage": "goals",
        "from_stage": "joint_analysis",
        "items": [
            {
                "promise_id": 1,
                "area_name": text,
                "stage": "goals",
                "what_sv": text,
                "what_en": text,
                "due": "2026-02-01",
                "overdue": True,
            }
        ],
        "late": [{"promise": text, "stage": "goals", "days_overdue": 2}],
    }
    for kind in KINDS:
        for language in LANGUAGES:
            rendered = Renderer().render(kind, language, payload)
            assert rendered.html is not None and "<script" not in rendered.html
            assert "<img" not in rendered.html


@settings(max_examples=40, deadline=None)
@given(text=hostile)
def test_spreadsheets_terminals_and_json_are_safe(text: str, tmp_path_factory) -> None:
    data = _overview(text)
    for row in csv.reader(io.StringIO(to_csv(data))):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
            assert not CONTROL.search(cell)
    buffer = io.BytesIO()
    to_xlsx(data, buffer)  # a control character must not break the export of a region
    book = load_workbook(io.BytesIO(buffer.getvalue()))
    for sheet in book.worksheets:
        for line in sheet.iter_rows(values_only=True):
            for cell in line:
                if isinstance(cell, str):
                    assert not cell.startswith(("=", "+", "-", "@")), cell
    assert not CONTROL.search(to_table(data))
    json.loads(json.dumps(data))


@settings(max_examples=60, deadline=None)
@given(text=hostile)
def test_calendar_lines_and_chat_cards_are_safe(text: str) -> None:
    escaped = escape_text(text)
    assert "\r" not in escaped and "\n" not in escaped and not CONTROL.search(escaped)
    assert not re.search(r"(?<!\\)[*_\[\]#`]", escape_markdown(text).replace("\\\\", ""))
    formula = ("=", "+", "-", "@", "\t", "\r")
    prefix = "'" if text.startswith(formula) or strip_controls(text).startswith(formula) else ""
    assert neutralise_formula(text) == prefix + strip_controls(text)


def test_teams_card_and_slack_message_carry_text_not_markup() -> None:
    from datetime import UTC, datetime

    from notifications.channels.base import Envelope, Rendered

    message = Envelope(1, "k", "transition", "teams", "a@b.se", "sv", "", {}, 0, datetime.now(UTC))
    rendered = Rendered(subject="**Rån** [här](http://evil)", text="# Rubrik\n\n<b>fet</b> *x*")
    card = TeamsChannel("teams", url="http://127.0.0.1:1/hook").card(message, rendered)
    title, paragraph = card["body"][0]["text"], card["body"][2]["text"]
    assert title == r"\*\*Rån\*\* \[här\]\(http://evil\)"
    assert paragraph == r"\<b\>fet\</b\> \*x\*"
    slack = SlackChannel("slack", url="http://127.0.0.1:1/hook").document(message, rendered)
    assert "<b>" not in json.dumps(slack) and "&lt;b&gt;" in json.dumps(slack)


def test_a_calendar_never_carries_a_bare_cr() -> None:
    assert "\r" not in escape_text("Möte\rBEGIN:VEVENT")
    assert render_calendar  # the renderer uses escape_text for every TEXT value
