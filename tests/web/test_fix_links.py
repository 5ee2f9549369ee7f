"""Issue 25: every "Kvar att göra" link opens the form that fixes exactly that item, filled
in, and saving it removes exactly that item; the refusal after "Gå vidare" links the same way.
Promises in several stages, in the browser, each page without WCAG 2.1 A/AA violations."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import parse_qsl, urlparse

import pytest

from lifecycle.stages import Stage
from tests.helpers import new_promise
from tests.test_method import walk_to
from tests.web.conftest import account, axe_violations, sign_in

pytestmark = pytest.mark.timeout(600)

COORDINATOR = "samordnare@sollentuna.se"


def _no_violations(tab: Any) -> None:
    found = axe_violations(tab)
    assert found == [], f"{tab.url}: {found}"


def _items(tab: Any, pid: int) -> list[tuple[str, str | None]]:
    """The promise page's "Kvar att göra": each item's text and its link."""
    tab.goto(f"/loften/{pid}")
    found = []
    for li in tab.locator("h2:has-text('Kvar att göra') + ul > li").all():
        link = li.locator("a")
        found.append(
            (li.inner_text().strip(), link.get_attribute("href") if link.count() else None)
        )
    return found


def _opens_filled_in(tab: Any, href: str) -> None:
    """The link answers 200 and every field it names is chosen as it says; its anchor is on
    the page."""
    tab.goto("about:blank")  # a link to the page it is on (#underskrifter) loads it again
    response = tab.goto(href)
    assert response is not None and response.status == 200, href
    url = urlparse(href)
    for name, value in parse_qsl(url.query):
        field = tab.locator(f"[id='{name}']")
        if field.get_attribute("type") == "checkbox":
            assert field.is_checked(), (href, name)
        else:
            assert field.input_value() == value, (href, name)
    if url.fragment:
        assert tab.locator(f"[id='{url.fragment}']").count() == 1, href


def _follow(tab: Any, pid: int, starts: str) -> tuple[list[tuple[str, str | None]], str]:
    """Every item's link opens its form filled in; the link of the item starting ``starts``."""
    items = _items(tab, pid)
    assert items, "nothing left to do"
    for _text, href in items:
        assert href, f"an item without a link: {_text}"
        _opens_filled_in(tab, href)
    href = next(h for t, h in items if t.startswith(starts))
    assert href is not None
    _opens_filled_in(tab, href)
    return items, href


def _saved_removes_exactly(
    tab: Any, pid: int, before: list[tuple[str, str | None]], href: str
) -> None:
    """Saving went back to the promise and exactly the items that link to ``href`` are gone
    (one, or two fixed by the same form: a goal's activity also covers its mandatory area)."""
    tab.wait_for_url(f"**/loften/{pid}")
    after = [t for t, _ in _items(tab, pid)]
    assert sorted(after) == sorted(t for t, h in before if h != href)


def test_each_item_of_kvar_att_gora_opens_its_form_filled_in_and_saving_it_removes_it(
    page,
) -> None:
    account(COORDINATOR, "Sollentuna")
    # Several promises of the same parties, so the database's ids are not the numbers a
    # promise shows ("Problem 1" of the third promise is not problem 1).
    dialogue = new_promise(start=date(2026, 1, 1))
    analysis = new_promise(start=date(2026, 1, 1))
    walk_to(analysis, Stage.JOINT_ANALYSIS)
    causes = new_promise(start=date(2026, 1, 1))
    walk_to(causes, Stage.ROOT_CAUSE_ANALYSIS)
    plan = new_promise(start=date(2026, 1, 1))
    walk_to(plan, Stage.ACTION_PLAN)
    sign_in(page, COORDINATOR)

    # 1. No dialogue: the dialogue form.
    before, href = _follow(page, dialogue, "Ingen medborgardialog")
    assert href == f"/loften/{dialogue}/ny/dialogue"
    _no_violations(page)
    page.select_option("#method", "safety_walk")
    page.fill("#held_from", "2025-10-01")
    page.fill("#participants", "25")
    page.fill("#results", "Otryggt vid stationen på kvällen.")
    page.get_by_role("button", name="Spara").click()
    _saved_removes_exactly(page, dialogue, before, href)
    # the other promises' dialogues came first (database id 4), yet this is the promise's first
    shown = page.locator("main").inner_text()
    assert "Dialog 1: Trygghetsvandring" in shown and "La till medborgardialog 1" in shown
    assert "Dialog 4" not in shown

    # 2. Joint analysis: each party's picture with the party chosen; the refusal after "Gå
    # vidare" links each item the same way.
    page.goto(f"/loften/{analysis}")
    page.get_by_role("button", name="Gå vidare till nästa steg").click()
    refusal = {
        a.inner_text().strip(): a.get_attribute("href")
        for a in page.locator(".govuk-error-summary a").all()
    }
    items = _items(page, analysis)
    assert refusal == {t: h for t, h in items}
    police = "Polisen har inte bidragit med sin lägesbild."
    before, href = _follow(page, analysis, police)
    assert href == f"/loften/{analysis}/ny/situation_picture?party=police"
    _no_violations(page)
    page.fill("#summary", "Rån vid stationen på kvällarna.")
    page.get_by_role("button", name="Spara").click()
    _saved_removes_exactly(page, analysis, before, href)
    # No focus area and no problem yet: a new problem, chosen as focus area.
    before, href = _follow(page, analysis, "Inget problem är valt")
    assert href == f"/loften/{analysis}/ny/problem?selected=1"
    page.fill("#title", "Rån vid stationen")
    page.select_option("#priority_area", index=1)
    page.get_by_role("button", name="Spara").click()
    _saved_removes_exactly(page, analysis, before, href)

    # 3. Root-cause analysis: the cause form with the problem chosen (no "Fyll i problem").
    before, href = _follow(page, causes, "Problemet")
    assert "/ny/cause_analysis?problem_id=" in href
    _no_violations(page)
    item = next(t for t, h in before if h == href)
    title = item.split('"')[1]  # Problemet "…" saknar orsaksanalys.
    chosen = page.locator("#problem_id option:checked").inner_text()
    assert chosen.endswith(f": {title}") and int(chosen.split(":")[0]) <= 4  # numbered per promise
    page.fill("#event_chain", "Grupper samlas vid stationen, konflikter uppstår sent på kvällen.")
    page.get_by_role("button", name="Spara").click()
    _saved_removes_exactly(page, causes, before, href)

    # 4. Action plan: an activity for the goal, its cause chosen; signatures are asked for
    # where it says who signs.
    before, href = _follow(page, plan, "Målet med indikatorn")
    assert "goal_id=" in href and "cause_analysis_id=" in href
    _no_violations(page)
    page.fill("#title", "Kvällsvandringar vid stationen")
    page.select_option("#owner_party", "joint")
    page.fill("#responsible", "Kommunpolisen")
    page.fill("#start", "2026-02-01")
    page.fill("#end", "2026-11-30")
    page.select_option("#prevention_level", "universal")
    page.select_option("#approach", index=1)
    page.get_by_role("button", name="Spara").click()
    _saved_removes_exactly(page, plan, before, href)
    signing = [h for t, h in _items(page, plan) if "har inte undertecknat" in t]
    assert signing and all(h == f"/loften/{plan}#underskrifter" for h in signing)


def test_an_unapproved_compilation_links_to_writing_it_then_to_approving_it(page) -> None:
    pid = new_promise(start=date(2025, 1, 1))
    walk_to(pid, Stage.YEAR_END_COMPILATION)
    account(COORDINATOR, "Sollentuna")
    sign_in(page, COORDINATOR)
    [(text, href)] = _items(page, pid)
    assert (
        text == "Årssammanställningen är inte godkänd." and href == f"/loften/{pid}/ny/compilation"
    )
    _opens_filled_in(page, href)
    page.fill("#summary", "Året gav färre rån vid stationen och tryggare kvällar i centrum.")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_url(f"**/loften/{pid}")
    # written, but without the plan for next year the decision needs: the compilation form
    # again, at that field, filled in with what is written
    [(_, href)] = _items(page, pid)
    assert href == f"/loften/{pid}/ny/compilation#next_year_plan"
    _opens_filled_in(page, href)
    assert page.input_value("#summary").startswith("Året gav färre rån")
    page.fill("#next_year_plan", "Fortsätt med kvällsvandringarna och belysningen.")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_url(f"**/loften/{pid}")
    section = page.locator("h2#sammanstallning + h3 + dl")
    assert "Fortsätt med kvällsvandringarna" in section.inner_text()  # on the promise page
    [(_, href)] = _items(page, pid)
    assert href == f"/loften/{pid}/ny/approval"
    _opens_filled_in(page, href)
    shown = page.locator("main").inner_text()  # the steering group reads what it approves
    assert "Året gav färre rån vid stationen" in shown and "Inte godkänd ännu." in shown
    _no_violations(page)


def test_the_citys_five_areas_are_recorded_on_the_situation_picture_form_and_shown(page) -> None:
    from tests.test_frame import city_promise

    pid = city_promise()
    walk_to(pid, Stage.JOINT_ANALYSIS)
    account("samordnare@hv.stockholm.se", "Hässelby-Vällingby", kind="city_district")
    sign_in(page, "samordnare@hv.stockholm.se")
    items = _items(page, pid)
    frame = [(t, h) for t, h in items if t.startswith("Lägesbilden säger inget om")]
    assert len(frame) == 5
    for _text, href in frame:
        assert href and href.startswith(f"/loften/{pid}/ny/situation_picture?party=joint#frame-")
        _opens_filled_in(page, href)
    # the method's terms are explained at their fields
    assert "Lägesbild:" in page.locator("#summary-term").inner_text()
    assert "summary-term" in (page.get_attribute("#summary", "aria-describedby") or "")
    assert "Prioriterat område:" in page.locator("#frame-term").inner_text()
    _no_violations(page)
    areas = page.locator("fieldset legend").all_inner_texts()
    assert len(areas) == 5
    page.fill("#summary", "Den gemensamma bilden: rån och narkotika kring Vällingby centrum.")
    notes = page.locator("textarea[id^='frame-note-']").all()
    # one area "ej aktuellt här" without its reason: refused at the area, in Swedish
    last = notes[-1].get_attribute("id").removeprefix("frame-note-")  # type: ignore[union-attr]
    for note in notes[:-1]:
        note.fill("Ökar kring Vällingby centrum på kvällarna.")
    page.check(f"[id='frame-not-relevant-{last}']")
    page.get_by_role("button", name="Spara").click()
    assert page.title().startswith("Fel:")
    assert "inte är aktuellt här" in page.locator(".govuk-error-summary").inner_text()
    _no_violations(page)
    page.fill(f"[id='frame-reason-{last}']", "Inga kända fall i stadsdelen.")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_url(f"**/loften/{pid}")
    left = [t for t, _ in _items(page, pid)]
    assert not [t for t in left if t.startswith("Lägesbilden säger inget om")]
    shown = page.locator("main").inner_text()
    assert "ej aktuellt här (Inga kända fall i stadsdelen.)" in shown
    assert shown.count("Ökar kring Vällingby centrum på kvällarna.") == 4
    # and the change form shows what was recorded for each area
    page.get_by_role("link", name="Ändra lägesbild 1").click()
    assert page.input_value(f"[id='frame-reason-{last}']") == "Inga kända fall i stadsdelen."
    assert page.is_checked(f"[id='frame-not-relevant-{last}']")


def test_the_cause_analysis_form_explains_its_terms_in_both_languages(page) -> None:
    pid = new_promise(start=date(2026, 1, 1))
    walk_to(pid, Stage.ROOT_CAUSE_ANALYSIS)
    account(COORDINATOR, "Sollentuna")
    sign_in(page, COORDINATOR)
    page.goto(f"/loften/{pid}/ny/cause_analysis")
    assert page.locator("#event_chain-term").inner_text().startswith("Händelsekedja:")
    assert "event_chain-term" in (page.get_attribute("#event_chain", "aria-describedby") or "")
    assert page.locator("#problem_id-term").inner_text().startswith("Orsaksanalys:")
    _no_violations(page)
    # a link that names what the promise does not have opens the form with nothing chosen
    for query in ("problem_id=999999", "problem_id=abc", "problem_id=" + "9" * 5000):
        response = page.goto(f"/loften/{pid}/ny/cause_analysis?{query}")
        assert response is not None and response.status == 200
        assert page.input_value("#problem_id") == ""
    page.goto(f"/loften/{pid}/ny/cause_analysis?lang=en")
    assert page.locator("#event_chain-term").inner_text().startswith("Chain of events:")
