"""The year-end compilation of a demo promise, its approval, and the region's roll-up."""

from __future__ import annotations

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import select
from typer.testing import CliRunner

from application.compilation import ApprovalRequest, current_compilation, region_compilations
from application.transitions import TransitionResult
from cli.main import app
from flows.compilation import approve_compilation_flow
from lifecycle.goals import goal_met
from lifecycle.permissions import system_principal
from lifecycle.stages import Stage
from models import Activity, Goal, Promise, YearEndCompilation
from models.db import session_scope
from reports.compilation import region_roll_up, render
from tests.demo_copy import demo_region

# The demo as it stands late in January 2027: the 2026 promises have finished their follow-up
# and written their compilations, which their steering groups have not approved yet.
DEMO_DAY = date(2027, 1, 25)
NOW = datetime(2027, 1, 26, 9, 0, tzinfo=ZoneInfo("Europe/Stockholm"))


def compile_and_store(promise_id: int, language: str, now: datetime) -> dict:
    with session_scope() as s:
        return current_compilation(s, s.get(Promise, promise_id), language, now)  # type: ignore[arg-type]


def roll_up(region: str, year: int, language: str, now: datetime) -> dict:
    with session_scope() as s:
        return region_roll_up(region_compilations(s, region, year, language, now), region, language)


def _demo_promise(area: str) -> Promise:
    demo_region(DEMO_DAY)
    with session_scope() as s:
        return s.exec(
            select(Promise).where(
                Promise.area_name == area,
                Promise.stage == Stage.YEAR_END_COMPILATION,
                Promise.term_start == date(2026, 1, 1),
            )
        ).one()


def test_goal_met_follows_the_direction_of_the_target() -> None:
    assert goal_met(18, 12, 11) is True and goal_met(18, 12, 13) is False
    assert goal_met(1, 5, 5) is True and goal_met(1, 5, 3) is False
    assert goal_met(18, 12, None) is None and goal_met(None, None, 3) is None


def test_compilation_has_every_goal_and_every_activity_not_done_in_all_formats(db) -> None:
    promise = _demo_promise("Skärholmen")
    data = compile_and_store(promise.id, "sv", NOW)
    with session_scope() as s:
        goals = s.exec(select(Goal).where(Goal.promise_id == promise.id)).all()
        not_done = s.exec(
            select(Activity).where(Activity.promise_id == promise.id, Activity.status == "not_done")
        ).all()
        stored = s.exec(
            select(YearEndCompilation).where(YearEndCompilation.promise_id == promise.id)
        ).first()
    assert data["goals_summary"]["total"] == len(goals) == 5  # 4 mandatory + unsafe places
    assert stored is None or not stored.content  # looking at a compilation writes nothing
    assert not_done, "the demo has an activity not done, with a reason"
    compiled_goals = [g for link in data["chain"] for g in link["goals"]]
    assert {g["id"] for g in compiled_goals} == {g.id for g in goals}
    assert all(g["last_value"] is not None for g in compiled_goals)
    assert (
        data["goals_summary"]["met"] + data["goals_summary"]["not_met"] == 5
        and data["goals_summary"]["not_met"] >= 1
    )
    assert [r["status"] for r in data["rounds"]] == ["submitted"] * 2  # Stockholm's tertials
    assert data["feedback"] and data["suggestions"]
    markdown, html, as_json = (render(data, f) for f in ("md", "html", "json"))
    assert json.loads(as_json)["goals_summary"] == data["goals_summary"]
    for g in goals:
        last = next(x["last_value"] for x in compiled_goals if x["id"] == g.id)
        for text in (markdown, html):
            assert g.indicator in text
            assert (
                f"| {g.baseline:g} | {g.target:g} | {last:g} |" in text
                or f"<td>{g.baseline:g}</td><td>{g.target:g}</td><td>{last:g}</td>" in text
            )
    for a in not_done:
        for text in (markdown, html, as_json):
            assert a.title in text and a.status_reason in text
    assert "Årssammanställning 2026: Skärholmen" in markdown and "<svg" in html
    english = render(compile_and_store(promise.id, "en", NOW), "md")
    assert "Year-end compilation 2026: Skärholmen" in english and "Not done" in english


def test_approval_closes_the_promise_and_the_roll_up_shows_it(db, prefect_harness) -> None:
    promise = _demo_promise("Nacka")
    result = approve_compilation_flow(
        system_principal("samordnare@nacka.se"),
        ApprovalRequest(promise_id=promise.id, approved_by="Styrgruppen i Nacka"),
        now=NOW,
    )
    assert isinstance(result, TransitionResult), result
    assert result.to_stage == "closed" and result.next_promise_id
    with session_scope() as s:
        assert s.get(Promise, promise.id).stage is Stage.CLOSED  # type: ignore[union-attr]
        row = s.exec(
            select(YearEndCompilation).where(YearEndCompilation.promise_id == promise.id)
        ).one()
        assert (
            row.approved_by == "Styrgruppen i Nacka" and row.content["promise"]["area"] == "Nacka"
        )
    rollup = roll_up("stockholm", 2026, "sv", NOW)
    areas = {r["area"]: r for r in rollup["rows"]}
    assert areas["Nacka"]["approved"] and not areas["Skärholmen"]["approved"]
    assert rollup["totals"]["goals_total"] >= 8
    regional = ["--actor", "brottsforebyggande@polisen.example.se"]
    out = CliRunner().invoke(
        app, ["compilation", "region", "stockholm", "--year", "2026", *regional]
    )
    assert out.exit_code == 0 and "Nacka" in out.output
    bad = CliRunner().invoke(app, ["compilation", "show", str(promise.id), "--format", "odt"])
    assert bad.exit_code == 2 and "--format must be md, html, json, docx or pdf" in bad.output


def test_the_compilation_a_steering_group_decides_on(db, prefect_harness) -> None:
    """Issue 10, point 8: promise text, coverage, the city's goals, each indicator's series,
    activities by party and level, the survey against last year, the decision record, .docx."""
    import io

    from docx import Document

    from application.compilation import CompilationRequest, show_compilation
    from reports.compilation_docx import render_docx

    promise = _demo_promise("Rinkeby-Kista")  # a city district with vulnerable areas, year two
    data = compile_and_store(promise.id, "sv", NOW)
    coverage = {c["id"]: c for c in data["coverage"]}
    # Issue 22: for a city district from 2024 the city's five areas replace the police region's
    # list as the frame ("Den stadsövergripande samverkansöverenskommelsen utgör ramen", 002);
    # its areas may still be chosen, but are no longer mandatory there.
    assert coverage["fewer-vulnerable-areas"]["chosen"]
    assert not coverage["fewer-vulnerable-areas"]["mandatory"]
    assert coverage["city-unsafe-places"]["chosen"]
    assert all(c["covered"] for c in data["coverage"] if c["mandatory"])
    assert len(data["catalogue_goals"]) == 14
    assert data["promise_text"]["police"].startswith("Polisen lovar")
    series = [g["values"] for link in data["chain"] for g in link["goals"]]
    assert all(len(s) == 1 for s in series)  # Rinkeby-Kista submitted one round of three
    assert set(data["activities_by_party"]) >= {"joint", "other"}
    assert data["safety_survey"]["this_year"] and data["safety_survey"]["previous_year"] == []

    result = approve_compilation_flow(
        system_principal("samordnare@rinkeby.kista.example.se"),
        ApprovalRequest(
            promise_id=promise.id,
            approved_by="Stadsdelsnämnden Rinkeby-Kista",
            diarienummer="RK 2027/0042",
        ),
        now=NOW,
    )
    assert isinstance(result, TransitionResult), result
    principal = system_principal("styrgrupp@rinkeby.kista.example.se")
    docx = show_compilation(principal, CompilationRequest(promise_id=promise.id, format="docx"))
    document = Document(io.BytesIO(docx.content))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "Årssammanställning 2026 av medborgarlöftet för Rinkeby-Kista" in text
    assert "Stadsdelsnämnden Rinkeby-Kista" in text and "RK 2027/0042" in text
    assert "Värden under året" in text and "Trygghetsmätningen" in text
    assert "Minskat antal utsatta områden där sådana finns" in cells
    markdown = show_compilation(principal, CompilationRequest(promise_id=promise.id)).content
    assert "diarienummer RK 2027/0042" in markdown.decode()

    hostile = {**data, "summary": "<script>alert(1)</script> & </w:t>"}
    xml = render_docx(hostile)
    body = Document(io.BytesIO(xml)).paragraphs
    assert any(p.text == "<script>alert(1)</script> & </w:t>" for p in body)
    assert "<script>" not in render(hostile, "html")


def test_a_charts_long_title_is_drawn_on_lines_that_fit_and_named_whole() -> None:
    """Issue 25: an indicator named with 90 characters (people type their own) is drawn on
    lines that each fit the chart's width; the chart grows to hold them, and its accessible
    name is the whole title."""
    import re
    from html import unescape

    from reports.charts import CHAR_WIDTH, indicator_chart

    name = (
        "Andel invånare i Hässelby-Vällingby som känner sig trygga i sitt bostadsområde "
        "efter mörkrets inbrott & kvällar"
    )
    points = [(date(2026, 1, 1), 3.0), (date(2026, 6, 1), 5.0)]
    short = indicator_chart(points, 4.0, 8.0, "Anmälda rån")
    svg = indicator_chart(points, 4.0, 8.0, name)
    lines = [unescape(t) for t in re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg)]
    assert len(lines) >= 2 and " ".join(lines) == name
    assert all(2 + len(line) * CHAR_WIDTH <= 320 for line in lines), lines
    assert f'aria-label="{name.replace("&", "&amp;")}"' in svg
    grown = int(re.search(r'height="(\d+)"', svg)[1]) - int(re.search(r'height="(\d+)"', short)[1])
    assert grown == 13 * (len(lines) - 1)
