"""Issue 11: a coordinator walks a new promise from resident dialogue to closed using only the
pages (no CLI, no API), the steering groups sign and approve in their own sessions, one stage is
done with the keyboard only, and axe-core checks the forms on the way; SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlmodel import select

from models import Promise
from models.db import session_scope
from tests.helpers import new_promise
from tests.web.conftest import account as _account
from tests.web.conftest import axe_violations
from tests.web.conftest import sign_in as _sign_in

pytestmark = pytest.mark.timeout(600)


def _form(tab: Any, pid: int, kind: str, values: dict[str, Any], check: bool = False) -> None:
    """Open the kind's form, fill it in like a person would, send it; back on the promise."""
    tab.goto(f"/loften/{pid}/ny/{kind}")
    if check:
        assert axe_violations(tab) == []
    for name, value in values.items():
        field = tab.locator(f"#{name}")
        tag = field.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
        if tag.startswith("select"):
            field.select_option(str(value))
        elif tag == "input:checkbox":
            field.check()
        else:
            field.fill(str(value))
    tab.get_by_role("button", name="Spara").click()
    tab.wait_for_url(f"**/loften/{pid}")


def _advance(tab: Any, pid: int, to: str) -> None:
    tab.goto(f"/loften/{pid}")
    tab.get_by_role("button", name="Gå vidare till nästa steg").click()
    tab.wait_for_url(f"**/loften/{pid}")
    with session_scope() as s:
        assert s.get(Promise, pid).stage.value == to, tab.content()[:3000]  # type: ignore[union-attr]


def _tab_to(tab: Any, selector: str) -> None:
    """Press Tab until the element is focused (the keyboard alone reaches it)."""
    for _ in range(80):
        if tab.evaluate(f"document.activeElement && document.activeElement.matches({selector!r})"):
            return
        tab.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_a_promise_walked_from_dialogue_to_closed_in_the_browser(page) -> None:
    pid = new_promise(start=date(2026, 1, 1))
    _account("samordnare@sollentuna.se", "Sollentuna")
    _account("styrgrupp@sollentuna.se", "Sollentuna", role="steering_group")
    _account("styrgrupp@polisen.se", "LPO Sollentuna", "steering_group", "local_police_area")
    _sign_in(page, "samordnare@sollentuna.se")

    _form(
        page,
        pid,
        "dialogue",
        {
            "method": "safety_walk",
            "held_from": "2025-10-01",
            "participants": "30",
            "results": "Otryggt vid stationen kvällstid.",
        },
        check=True,
    )
    _advance(page, pid, "joint_analysis")

    _form(
        page,
        pid,
        "situation_picture",
        {"party": "police", "summary": "Rån och langning vid stationen."},
    )
    _form(
        page,
        pid,
        "situation_picture",
        {"party": "municipality", "summary": "Unga rekryteras i centrum."},
    )
    page.goto(f"/loften/{pid}/ny/problem")
    page.fill("#title", "Rekrytering av unga vid stationen")
    page.check("#selected")
    page.select_option("#priority_area", "fewer-criminals-exit")
    page.get_by_label(
        "Minskat antal unga i riskzon för kriminalitet (personrån, våldsbrott, narkotikabrott)"
    ).check()
    page.get_by_label(
        "Särskilt utsatta brottsoffer med fokus på gärningsmän, hot- och riskindivider"
    ).check()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Spara").click()
    page.wait_for_url(f"**/loften/{pid}")
    _advance(page, pid, "root_cause_analysis")

    # The cause analysis with the keyboard only: Tab, arrow keys, typing, Enter.
    page.goto(f"/loften/{pid}/ny/cause_analysis")
    _tab_to(page, "#problem_id")
    page.keyboard.press("ArrowDown")
    _tab_to(page, "#event_chain")
    page.keyboard.type("Nätverken erbjuder pengar; unga med skolfrånvaro är sårbara.")
    _tab_to(page, "button.govuk-button:not(.govuk-button--secondary)")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/loften/{pid}"), page.content()[:2000]
    _tab_to(page, "form[action$='/vidare'] button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    with session_scope() as s:
        assert s.get(Promise, pid).stage.value == "goals"  # type: ignore[union-attr]

    _form(
        page,
        pid,
        "goal",
        {
            "problem_id": _first(pid, "goal_problem"),
            "kind": "outcome",
            "description": "Färre unga rekryteras",
            "indicator": "Unga i avhopparstöd",
            "baseline": "2",
            "target": "8",
            "target_date": "2026-12-31",
        },
        check=True,
    )
    _advance(page, pid, "action_plan")

    _form(
        page,
        pid,
        "activity",
        {
            "goal_id": _first(pid, "goal"),
            "cause_analysis_id": _first(pid, "cause_analysis"),
            "title": "Avhopparstöd med bostad",
            "owner_party": "joint",
            "responsible": "Samordnare",
            "start": "2026-01-01",
            "end": "2026-12-31",
            "prevention_level": "indicated",
            "approach": "social",
        },
        check=True,
    )
    _form(
        page,
        pid,
        "promise_text",
        {
            "joint_promises": "Polisen och kommunen lovar stöd till den som vill lämna kriminalitet.",
            # the statement backed by the joint activity (issue 22: each statement backed)
            "backing": f"tillsammans 1: {_first(pid, 'activity')}",
        },
    )
    page.goto(f"/loften/{pid}")
    page.get_by_role("button", name="Gå vidare till nästa steg").click()
    assert "Polisen har inte undertecknat" in page.locator(".govuk-error-summary").inner_text()

    _sign_in(page, "styrgrupp@sollentuna.se")
    _form(
        page,
        pid,
        "signoff",
        {
            "party": "municipality",
            "signed_by": "Kommunstyrelsens ordförande",
            "signed_on": "2025-12-15",
        },
        check=True,
    )
    _sign_in(page, "styrgrupp@polisen.se")
    _form(
        page,
        pid,
        "signoff",
        {"party": "police", "signed_by": "Lokalpolisområdeschef", "signed_on": "2025-12-15"},
    )
    _sign_in(page, "samordnare@sollentuna.se")
    _advance(page, pid, "continuous_evaluation")

    goal, activity = _first(pid, "goal"), _first(pid, "activity")
    # Stockholm's two tertial rounds; the third tertial is in the year-end compilation
    for number, measured in ((1, "2026-04-25"), (2, "2026-08-25")):
        page.goto(f"/loften/{pid}/uppfoljning/{number}")
        if number == 1:
            assert axe_violations(page) == []
        page.select_option(f"#status-{activity}", "ongoing")
        page.fill(f"#value-{goal}", str(2 + number))
        page.fill(f"#measured-{goal}", measured)
        page.fill("#feedback_to_residents", f"Uppföljning {number}: stödet har kommit igång.")
        page.get_by_role("button", name="Lämna in uppföljningen").click()
        page.wait_for_url(f"**/loften/{pid}")
    _advance(page, pid, "year_end_compilation")

    _form(
        page,
        pid,
        "compilation",
        {"summary": "Fem unga fick stöd att lämna nätverken.", "next_year_plan": "Fortsätt."},
    )
    _sign_in(page, "styrgrupp@sollentuna.se")
    _form(
        page,
        pid,
        "approval",
        {"approved_by": "Kommunstyrelsen i Sollentuna", "diarienummer": "KS 2027/12"},
        check=True,
    )
    with session_scope() as s:
        closed = s.get(Promise, pid)
        assert closed is not None and closed.stage.value == "closed"
    page.goto(f"/loften/{pid}")
    page.locator(f'#dokument + ul a[href="/loften/{pid}/sammanstallning"]').click()
    page.wait_for_url(f"**/loften/{pid}/sammanstallning")
    page.wait_for_load_state()
    assert "Årssammanställning 2026 av medborgarlöftet för Sollentuna" in page.content()
    assert "KS 2027/12" in page.content()
    assert axe_violations(page) == []
    page.emulate_media(media="print")
    assert page.pdf(format="A4")[:4] == b"%PDF"  # "save as PDF" works from the print view


def _first(pid: int, what: str) -> int:
    from models import Activity, CauseAnalysis, Goal, Problem

    model = {
        "goal": Goal,
        "activity": Activity,
        "goal_problem": Problem,
        "cause_analysis": CauseAnalysis,
    }[what]
    with session_scope() as s:
        query = select(model.id).where(model.promise_id == pid)  # type: ignore[attr-defined]
        if what == "goal_problem":
            query = query.where(Problem.selected)  # type: ignore[arg-type]
        return int(s.exec(query.order_by(model.id)).first())  # type: ignore[attr-defined, arg-type]
