"""A coordinator creates their promise from the pages (issue 25: no page created one)."""

from __future__ import annotations

from typing import Any

from tests.helpers import register
from tests.web.conftest import account, axe_violations, screenshot, sign_in


def test_a_coordinator_creates_a_promise_from_the_pages(page: Any) -> None:
    account("anna@sollentuna.se", "Sollentuna")
    register("kp.sollentuna@polisen.se", organisation="LPO Sollentuna", kind="local_police_area")
    register("kp.jarfalla@polisen.se", organisation="LPO Järfälla", kind="local_police_area")
    sign_in(page, "anna@sollentuna.se")
    page.get_by_role("link", name="Skapa ett nytt medborgarlöfte").click()
    assert page.locator("h1").inner_text() == "Nytt medborgarlöfte"
    assert axe_violations(page) == []

    # Nothing chosen, a start already behind its first deadlines: each field says what to do.
    page.locator("#start").fill("2026-01-01")
    with page.expect_response(lambda r: r.url.endswith("/loften/nytt")) as answer:
        page.get_by_role("button", name="Skapa medborgarlöftet").click()
    assert answer.value.status == 400
    assert "Välj lokalpolisområdet" in page.locator(".govuk-error-summary").inner_text()
    assert axe_violations(page) == []
    page.locator("#other").select_option(label="LPO Sollentuna")
    page.get_by_role("button", name="Skapa medborgarlöftet").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "redan passerat" in summary and "late_start_reason" not in summary

    # With the reason, the promise is created and its page opens in its first stage.
    page.locator("#late_reason").fill("Ny samordnare från november")
    page.get_by_role("button", name="Skapa medborgarlöftet").click()
    page.wait_for_url("**/loften/*")
    main = page.locator("main").inner_text()
    assert "Sollentuna" in main and "Medborgardialog" in main
    # Every change is confirmed (issue 25): here the new promise, then a saved dialogue.
    banner = page.locator(".govuk-notification-banner--success")
    assert banner.inner_text().endswith(
        "Medborgarlöftet är skapat. Det börjar i steget Medborgardialog."
    )
    assert axe_violations(page) == []
    screenshot(page, "new-promise")
    promise_path = page.url.removeprefix(page.url.split("/loften/")[0])
    page.goto(promise_path + "/ny/dialogue")
    page.locator("#method").select_option("safety_walk")
    page.fill("#held_from", "2026-10-01")
    page.fill("#participants", "25")
    page.fill("#results", "Otryggt vid stationen kvällstid.")
    page.get_by_role("button", name="Spara").click()
    assert banner.inner_text().endswith("Det är sparat.")
    # Once: a reload confirms nothing; and only the known sentences are ever shown.
    page.reload()
    assert banner.count() == 0
    page.context.add_cookies(
        [{"name": "lofte_klart", "value": "hej", "url": page.url.split("?")[0]}]
    )
    page.reload()
    assert banner.count() == 0 and "hej" not in page.locator("main").inner_text()


def test_the_police_side_chooses_the_municipality_and_others_cannot_create(page: Any) -> None:
    account("kommunpolis@polisen.se", "LPO Sollentuna", kind="local_police_area")
    register("anna@sollentuna.se", organisation="Sollentuna")
    account(
        "region@polisen.se",
        "Polisregion Stockholm",
        role="regional_coordinator",
        kind="police_region",
    )
    sign_in(page, "kommunpolis@polisen.se")
    page.goto("/loften/nytt")
    assert page.locator("label[for=other]").inner_text() == "Kommun eller stadsdelsnämnd"
    page.locator("#other").select_option(label="Sollentuna")
    page.locator("#start").fill("2027-01-01")
    page.get_by_role("button", name="Skapa medborgarlöftet").click()
    page.wait_for_url("**/loften/*")
    assert "Medborgardialog" in page.locator("main").inner_text()

    # The police region sees every promise but is no party: it creates none.
    sign_in(page, "region@polisen.se")
    assert "Skapa ett nytt" not in page.locator("main").inner_text()
    assert page.goto("/loften/nytt").status == 403
