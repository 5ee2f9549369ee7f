"""Pages fit the screen (issue 25): at 320 px, a phone, and at 1280 px, a laptop, no page is
wider than the window; a wide table scrolls inside its own frame instead of cutting off."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.web.conftest import PASSWORD

OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')].filter(e => {
    const box = e.getBoundingClientRect();
    if (box.width === 0) return false;
    // Inside a frame of its own that scrolls: it is meant to be wider.
    for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX === 'auto') return false;
    }
    return box.right > width + 1 || box.left < -1;
  });
  return {page: document.documentElement.scrollWidth, width,
          wide: wide.slice(0, 5).map(e => e.tagName + '.' + e.className)};
}"""


@pytest.fixture
def demo(db: Any) -> dict[str, Any]:
    from sqlmodel import select

    from application.demo import DEMO_ADMIN
    from application.identity import set_password
    from models import Person, Promise
    from models.db import session_scope
    from tests.demo_copy import demo_region

    demo_region(date(2026, 11, 22))
    with session_scope() as s:
        for email in (DEMO_ADMIN, COORDINATOR, REGIONAL):
            set_password(s, s.exec(select(Person).where(Person.email == email)).one(), PASSWORD)
        coordinator = s.exec(select(Person).where(Person.email == COORDINATOR)).one()
        promise = s.exec(
            select(Promise).where(Promise.municipality_id == coordinator.organisation_id)
        ).first()
        return {"promise": promise.id if promise else 1}


COORDINATOR = "trygghetssamordnare@hasselby.vallingby.example.se"
REGIONAL = "brottsforebyggande@polisen.example.se"
PAGES: dict[str | None, list[str]] = {
    None: ["/offentligt/stockholm", "/offentligt/loften/{promise}", "/logga-in"],
    COORDINATOR: [
        "/",
        "/loften/{promise}",
        "/loften/nytt",
        "/loften/{promise}/sammanstallning",
        "/loften/{promise}/ny/activity",
    ],
    REGIONAL: ["/oversikt/stockholm", "/overenskommelser"],
    "admin": ["/admin", "/admin/lokal-post"],
}


# Layout does not depend on the database: SQLite only, both widths on one demo load.
@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_no_page_is_wider_than_the_window(browser: Any, server: str, demo: Any) -> None:
    for width in (320, 1280):
        _fits(browser, server, demo, width)


def _fits(browser: Any, server: str, demo: Any, width: int) -> None:
    from application.demo import DEMO_ADMIN
    from tests.web.conftest import sign_in

    context = browser.new_context(
        base_url=server, locale="sv-SE", viewport={"width": width, "height": 800}
    )
    tab = context.new_page()
    try:
        problems = {}
        for who, paths in PAGES.items():
            if who is not None:
                sign_in(tab, DEMO_ADMIN if who == "admin" else who)
            for path in paths:
                answer = tab.goto(path.format(**demo))
                assert answer is not None and answer.status == 200, path
                found = tab.evaluate(OVERFLOW)
                if found["page"] > found["width"] or found["wide"]:
                    problems[path] = found
        assert problems == {}, f"at {width} px"
    finally:
        context.close()


# A chart's SVG drawn as the page shows it: where each of its texts ends, against the chart.
CHART_TEXTS = """() => [...document.querySelectorAll('svg.lofte-chart')].map(svg => {
  const edge = svg.getBoundingClientRect();
  return {label: svg.getAttribute('aria-label'), width: edge.width,
          out: [...svg.querySelectorAll('text, tspan')].filter(t => {
            const box = t.getBoundingClientRect();
            return box.right > edge.right + 1 || box.left < edge.left - 1;
          }).map(t => t.textContent)};
})"""


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_a_charts_long_title_wraps_inside_the_chart_at_320_px(browser: Any, server: str) -> None:
    """Issue 25: people name their own indicators; a name of 90 characters is drawn on
    several lines inside the chart, none past its edge, and its accessible name is whole."""
    from sqlmodel import select

    from application.transitions import advance_promise
    from lifecycle.stages import CYCLE, Stage
    from models.artefacts import Goal
    from models.db import session_scope
    from tests.helpers import ACTOR, complete_stage, new_promise
    from tests.test_method import at

    name = (
        "Andel invånare i Hässelby-Vällingby som känner sig trygga i sitt bostadsområde "
        "efter mörkrets inbrott"
    )
    assert len(name) >= 90
    # a promise through its first year, its goals' indicator named long before it is signed
    # (the public page shows the plan as signed)
    pid = new_promise(start=date(2026, 1, 1))
    for stage in CYCLE:
        complete_stage(pid, stage)
        if stage is Stage.YEAR_END_COMPILATION:
            break
        if stage is Stage.GOALS:
            with session_scope() as s:
                for goal in s.exec(select(Goal).where(Goal.promise_id == pid)).all():
                    goal.indicator = name
                    s.add(goal)
        p_end = date(2027, 2, 1) if stage.position >= 6 else date(2026, 1, 1)
        assert advance_promise(pid, ACTOR, now=at(p_end)).ok
    context = browser.new_context(
        base_url=server, locale="sv-SE", viewport={"width": 320, "height": 800}
    )
    tab = context.new_page()
    try:
        answer = tab.goto(f"/offentligt/loften/{pid}")
        assert answer is not None and answer.status == 200
        charts = tab.evaluate(CHART_TEXTS)
        assert charts and all(c["label"] == name for c in charts), charts
        assert [c for c in charts if c["out"] or c["width"] > 320] == []
        found = tab.evaluate(OVERFLOW)
        assert found["page"] <= found["width"] and not found["wide"], found
    finally:
        context.close()
