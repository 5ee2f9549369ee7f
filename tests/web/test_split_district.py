"""A city district split between two police areas, in the browser (issue 22): the district's
coordinator names both LPOs when creating its promise, and each LPO's chief signs from the
promise page, which says who signs for each organisation and what is still unsigned."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from tests.helpers import complete_stage, promise, register
from tests.web.conftest import account, axe_violations, sign_in


def _walk_to_action_plan(pid: int) -> None:
    from application.transitions import advance_promise
    from lifecycle.stages import CYCLE, Stage
    from tests.helpers import ACTOR

    for stage in CYCLE:
        if stage is Stage.ACTION_PLAN:
            return
        complete_stage(pid, stage)
        when = datetime.combine(promise(pid).term_start, time(7), tzinfo=UTC)
        assert advance_promise(pid, ACTOR, now=when).ok


def test_a_split_district_names_both_lpos_and_each_chief_signs_for_its_own(page: Any) -> None:
    district = "Enskede-Årsta-Vantör"
    account("samordnare@eav.example.se", district, kind="city_district")
    register("kp@farsta.example.se", organisation="LPO Farsta", kind="local_police_area")
    account("chef@globen.example.se", "LPO Globen", "steering_group", "local_police_area")
    account("chef@farsta.example.se", "LPO Farsta", "steering_group", "local_police_area")

    sign_in(page, "samordnare@eav.example.se")
    page.goto("/loften/nytt")
    page.locator("#other").select_option(label="LPO Farsta")
    # the same LPO twice is refused, on the field
    page.locator("#also_police").select_option(label="LPO Farsta")
    page.locator("#start").fill("2026-01-01")
    page.locator("#late_reason").fill("Stadsdelen och de två lokalpolisområdena började i december")
    page.get_by_role("button", name="Skapa medborgarlöftet").click()
    assert "Välj ett annat lokalpolisområde" in page.locator(".govuk-error-summary").inner_text()
    page.locator("#also_police").select_option(label="LPO Globen")
    page.get_by_role("button", name="Skapa medborgarlöftet").click()
    page.wait_for_url("**/loften/*")
    parties = f"{district} stadsdelsnämnd, lokalpolisområde Farsta och lokalpolisområde Globen"
    assert parties in page.locator("main").inner_text()
    assert axe_violations(page) == []
    pid = int(page.url.split("/loften/")[1].split("?")[0])

    _walk_to_action_plan(pid)
    from tests.helpers import add, add_activities, ids

    add_activities(pid)
    from models import Activity

    joint = ids(pid, Activity)[-1]
    add(
        pid,
        "promise_text",
        police_promises="Polisen lovar att vara på plats vid Rågsveds centrum på kvällarna.",
        municipality_promises="Stadsdelsnämnden lovar bättre belysning i centrum.",
        backing=[
            {"party": "police", "statement": 1, "activities": [joint]},
            {"party": "municipality", "statement": 1, "activities": [joint]},
        ],
    )

    sign_in(page, "chef@globen.example.se")
    page.goto(f"/loften/{pid}#underskrifter")
    table = page.locator("#underskrifter + p + div table")
    rows = table.locator("tbody tr")
    assert rows.count() == 3
    text = table.inner_text()
    assert "LPO Farsta" in text and "Chef (styrgruppen)" in text and "Inte undertecknat" in text
    assert axe_violations(page) == []
    # the chief of LPO Globen signs for LPO Globen, not for LPO Farsta
    assert table.get_by_role("link").count() == 1
    table.get_by_role("link", name="Skriv under för LPO Globen").click()
    page.locator("#party").select_option("police")
    page.fill("#signed_by", "Sara Lindqvist")
    page.get_by_role("button", name="Spara").click()
    assert page.locator(".govuk-notification-banner--success").count() == 1
    page.goto(f"/loften/{pid}")
    text = page.locator("#underskrifter + p + div table").inner_text()
    assert "Undertecknat av Sara Lindqvist" in text
    unmet = page.locator("main").inner_text()
    assert "LPO Farsta har inte undertecknat" in unmet and "LPO Globen har inte" not in unmet

    # the district's coordinator asks LPO Farsta's chief, who gets a notice with a link
    sign_in(page, "samordnare@eav.example.se")
    page.goto(f"/loften/{pid}")
    page.get_by_role("button", name="Be LPO Farsta skriva under").click()
    banner = page.locator(".govuk-notification-banner--success")
    assert banner.inner_text().endswith(
        "Vi har bett styrgruppen skriva under. De får ett meddelande med en länk hit."
    )
    assert axe_violations(page) == []
    from sqlmodel import select

    from models import OutboxMessage
    from models.db import session_scope

    with session_scope() as s:
        asked = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "signature_request")).all()
        assert [m.recipient for m in asked] == ["chef@farsta.example.se"]
        assert f"/loften/{pid}#underskrifter" in asked[0].payload["url"]
