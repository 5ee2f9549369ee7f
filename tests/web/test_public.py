"""Issue 12 (first part): the public pages show only what is meant for residents; an
unpublished promise does not exist for them; answers are cacheable; 0 axe violations."""

from __future__ import annotations

from datetime import date

import httpx
import pytest
from sqlmodel import select

from lifecycle.stages import CYCLE, Stage
from models import (
    Activity,
    CauseAnalysis,
    Dialogue,
    EvaluationRound,
    Problem,
    SignOff,
    SituationPicture,
    YearEndCompilation,
)
from models.db import session_scope
from tests.helpers import add, complete_stage, new_promise, register
from tests.web.conftest import axe_violations

pytestmark = pytest.mark.timeout(300)
MARK = "INTERNT-MARKÖR"


def _walk(pid: int, to: Stage) -> None:
    from application.transitions import advance_promise
    from tests.helpers import ACTOR
    from tests.test_method import at

    for stage in CYCLE:
        if stage is to:
            return
        complete_stage(pid, stage)
        p_end = date(2027, 2, 1) if stage.position >= 6 else date(2026, 1, 1)
        assert advance_promise(pid, ACTOR, now=at(p_end)).ok


def _published_with_markers() -> int:
    """A promise through its first year, with a marker in every field that is not public."""
    register(f"{MARK.lower()}@sollentuna.se")
    pid = new_promise(start=date(2026, 1, 1))
    _walk(pid, Stage.YEAR_END_COMPILATION)
    add(pid, "problem", _on=date(2026, 12, 1), title=f"Kandidat {MARK}")  # not a focus area
    complete_stage(pid, Stage.YEAR_END_COMPILATION)
    with session_scope() as s:
        for model, fields in (
            (SituationPicture, ("summary",)),
            (CauseAnalysis, ("event_chain", "victim", "offender", "place")),
            (Activity, ("responsible", "status_reason", "description")),
            (SignOff, ("signed_by",)),
            (EvaluationRound, ("submitted_by", "feedback_channel")),
            (Dialogue, ("target_group", "safety_survey")),
            (YearEndCompilation, ("next_year_plan", "approved_by", "diarienummer")),
            (Problem, ("description", "scale")),
        ):
            for row in s.exec(select(model).where(model.promise_id == pid)).all():  # type: ignore[attr-defined]
                for name in fields:
                    setattr(row, name, f"{MARK} {name}")
                s.add(row)
    return pid


def _get(server: str, path: str, **headers: str) -> httpx.Response:
    return httpx.get(server + path, headers=headers, timeout=30)


def test_only_public_fields_leave_and_unpublished_promises_do_not_exist(server) -> None:
    pid = _published_with_markers()
    draft = new_promise(start=date(2027, 1, 1), municipality="Järfälla")
    with session_scope() as s:
        s.add(Problem(promise_id=draft, title=f"Utkast {MARK}", selected=True))
    answers = [
        _get(server, "/offentligt/stockholm"),
        _get(server, f"/offentligt/loften/{pid}"),
        _get(server, "/offentligt/stockholm/data.json"),
        _get(server, "/offentligt/stockholm/data.csv"),
        _get(server, "/offentligt/stockholm?sok=sollentuna"),
        _get(server, "/offentligt/stockholm/flode.atom"),
        _get(server, f"/offentligt/loften/{pid}/flode.atom"),
    ]
    assert [a.status_code for a in answers] == [200] * 7
    for answer in answers:
        assert MARK not in answer.text and MARK.lower() not in answer.text, answer.url
        assert "Järfälla" not in answer.text  # the unsigned draft is nowhere
    page = answers[1].text
    assert "Det här sa ni" in page and "Det här gör vi" in page
    assert "Otryggt vid stationen" in page  # what residents said
    assert "Vi har haft vandringar varje månad" in page  # the feedback they were given
    assert "Året gav färre rån vid stationen." in page  # the approved year-end result
    data = answers[2].json()
    assert data["schema"] == "lofte-public/1" and data["licence"].startswith("CC0")
    assert [p["id"] for p in data["promises"]] == [pid]
    assert answers[3].text.splitlines()[1].startswith("id,area,municipality")
    import xml.etree.ElementTree as ET

    feed = ET.fromstring(answers[6].content)
    titles = [e.text for e in feed.iter("{http://www.w3.org/2005/Atom}title")]
    assert (
        "Sollentuna 2026: årets resultat" in titles and "Sollentuna 2026: uppföljning 3" in titles
    )
    assert _get(server, f"/offentligt/loften/{draft}/flode.atom").status_code == 404
    assert _get(server, f"/offentligt/loften/{draft}").status_code == 404
    assert _get(server, "/offentligt/loften/999999").status_code == 404
    assert _get(server, "/offentligt/narnia").status_code == 404


def test_public_answers_are_cacheable(server) -> None:
    pid = _published_with_markers()
    for path in (
        f"/offentligt/loften/{pid}",
        "/offentligt/stockholm",
        "/offentligt/stockholm/data.json",
    ):
        first = _get(server, path)
        assert "public" in first.headers["cache-control"]
        again = _get(server, path, **{"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304 and again.content == b""


def test_a_resident_finds_a_promise_and_every_public_page_passes_axe(page) -> None:
    pid = _published_with_markers()
    page.goto("/offentligt/stockholm")
    assert axe_violations(page) == []
    page.fill("#sok", "Sollentuna")
    page.get_by_role("button", name="Sök").click()
    page.get_by_role("link", name="Sollentuna 2026").click()
    page.wait_for_url(f"**/offentligt/loften/{pid}")
    assert page.get_by_role("heading", name="Det här sa ni").is_visible()
    assert axe_violations(page) == []
    page.goto("/offentligt/loften/424242")
    assert axe_violations(page) == []
