"""Issue 11 (first slice): a coordinator signs in and works a promise in the browser, in
Swedish, every page without WCAG 2.1 A/AA violations (axe-core), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlmodel import select

from models import Dialogue, Promise
from models.db import session_scope
from tests.helpers import new_promise, register
from tests.web.conftest import PASSWORD, axe_violations, screenshot
from tests.web.conftest import account as _account

pytestmark = pytest.mark.timeout(300)


def _no_violations(tab: Any) -> None:
    found = axe_violations(tab)
    assert found == [], f"{tab.url}: {found}"


def test_a_coordinator_signs_in_records_a_dialogue_and_moves_the_promise_on(page) -> None:
    pid = new_promise(start=date(2026, 1, 1))
    _account("samordnare@sollentuna.se", "Sollentuna")

    page.goto(f"/loften/{pid}")  # not signed in: to the sign-in page, and back afterwards
    assert "/logga-in" in page.url and page.title() == "Logga in – Löfte"
    _no_violations(page)
    screenshot(page, "sign-in")
    page.get_by_role("button", name="Logga in").click()
    assert page.title().startswith("Fel:")
    assert page.locator(".govuk-error-summary").is_visible()
    _no_violations(page)

    # Keyboard only: Tab to the fields, type, Enter.
    page.locator("#email").focus()
    page.keyboard.type("samordnare@sollentuna.se")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/loften/{pid}")
    assert page.get_by_role("heading", level=1).inner_text() == "Sollentuna 2026"
    assert page.locator(".govuk-task-list__item").count() == 7
    _no_violations(page)
    screenshot(page, "promise")

    page.get_by_role("button", name="Gå vidare till nästa steg").click()
    summary = page.locator(".govuk-error-summary")
    assert "Ingen medborgardialog är registrerad" in summary.inner_text()
    _no_violations(page)

    page.get_by_role("link", name="Registrera en medborgardialog").first.click()
    page.fill("#held_from", "15 september")
    page.fill("#participants", "trettio")
    page.get_by_role("button", name="Spara").click()
    assert page.title().startswith("Fel:")
    errors = page.locator(".govuk-error-summary").inner_text()
    assert "Välj dialogform." in errors and "Datum måste vara ett datum" in errors
    assert "Antal deltagare måste vara ett heltal." in errors
    _no_violations(page)
    screenshot(page, "dialogue-form-errors")
    page.locator(".govuk-error-summary a[href='#held_from']").click()
    with session_scope() as s:
        assert s.exec(select(Dialogue)).all() == []  # nothing written

    page.select_option("#method", "safety_walk")
    page.fill("#held_from", "2025-10-01")
    page.fill("#participants", "30")
    page.fill("#themes", "belysning, narkotika")
    page.fill("#results", "Otryggt vid stationen kvällstid <script>alert(1)</script>")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_url(f"**/loften/{pid}")
    assert "Trygghetsvandring 1 oktober 2025, 30 deltagare" in page.content()

    page.get_by_role("button", name="Gå vidare till nästa steg").click()
    page.wait_for_url(f"**/loften/{pid}")
    with session_scope() as s:
        assert s.get(Promise, pid).stage.value == "joint_analysis"  # type: ignore[union-attr]
    assert "Medborgardialog till Gemensam lägesbild" in page.content()

    # Skicka tillbaka: without a reason it says so; with one the promise goes back.
    page.get_by_text("Skicka tillbaka till ett tidigare steg").click()
    page.select_option("#to", "resident_dialogue")
    page.get_by_role("button", name="Skicka tillbaka").click()
    assert (
        "Skriv varför löftet skickas tillbaka." in page.locator(".govuk-error-summary").inner_text()
    )
    _no_violations(page)
    page.get_by_text("Skicka tillbaka till ett tidigare steg").click()
    page.select_option("#to", "resident_dialogue")
    page.fill("#reason", "Vi behöver höra fler boende i Tureberg.")
    page.get_by_role("button", name="Skicka tillbaka").click()
    page.wait_for_url(f"**/loften/{pid}")
    with session_scope() as s:
        assert s.get(Promise, pid).stage.value == "resident_dialogue"  # type: ignore[union-attr]
    assert "Vi behöver höra fler boende i Tureberg." in page.content()  # in the history

    page.goto("/")
    assert page.get_by_role("heading", level=1).inner_text() == "Mina uppgifter"
    assert page.locator(".lofte-late").count() >= 1  # late in red and in words
    _no_violations(page)
    screenshot(page, "my-tasks")
    page.goto("/tillganglighet")
    assert "2018:1937" in page.content()
    _no_violations(page)


def test_another_municipalitys_promise_is_refused_and_nothing_is_written(page) -> None:
    other = new_promise(start=date(2026, 1, 1), municipality="Järfälla")
    _account("samordnare@sollentuna.se", "Sollentuna")
    page.goto("/logga-in")
    page.fill("#email", "samordnare@sollentuna.se")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    response = page.goto(f"/loften/{other}")
    assert response.status == 403 and "Du har inte behörighet" in page.content()
    _no_violations(page)
    posted = page.request.post(f"/loften/{other}/vidare", form={"csrf_token": "x"})
    assert posted.status in (400, 403)
    with session_scope() as s:
        assert s.get(Promise, other).version == 1  # type: ignore[union-attr]
    missing = page.goto("/loften/999999")
    assert missing.status == 404
    _no_violations(page)


def test_a_form_post_without_the_pages_csrf_token_is_refused(page) -> None:
    pid = new_promise(start=date(2026, 1, 1))
    _account("samordnare@sollentuna.se", "Sollentuna")
    page.goto("/logga-in")
    page.fill("#email", "samordnare@sollentuna.se")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    forged = page.request.post(
        f"/loften/{pid}/ny/dialogue",
        form={"csrf_token": "forged", "method": "survey", "held_from": "2025-10-01"},
    )
    assert forged.status == 400
    with session_scope() as s:
        assert s.exec(select(Dialogue)).all() == []


def test_the_police_region_sees_who_is_late_and_cannot_write(page, monkeypatch) -> None:
    from config.settings import reset_settings
    from tests.demo_copy import demo_region

    monkeypatch.setenv("LOFTE_NOW", "2026-11-22T09:00:00+01:00")  # the demo's day, not today's
    reset_settings()
    demo_region(date(2026, 11, 22))
    _two_status_reports()
    page.goto("/logga-in?next=/oversikt/stockholm")
    page.fill("#email", "brottsforebyggande@polisen.example.se")
    page.fill("#password", "demo-lofte-2026")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/oversikt/stockholm")
    assert page.get_by_role("heading", level=1).inner_text() == "Översikt: Polisregion Stockholm"
    first = page.locator("tbody tr").first.inner_text()
    assert "Skärholmen 2025" in first or "Spånga-Tensta 2026" in first  # worst first
    _no_violations(page)
    assert page.locator("figure svg[role=img]").count() == 1  # the trend, and its table
    assert page.locator("table").nth(1).locator("tbody tr").count() == 2
    screenshot(page, "overview")
    page.select_option("#kommun", "Spånga-Tensta")
    page.check("#sena")
    page.get_by_role("button", name="Visa").click()
    rows = page.locator("table").first.locator("tbody tr")
    assert rows.count() == 1 and "Spånga-Tensta 2026" in rows.first.inner_text()
    _no_violations(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    assert download.value.suggested_filename.endswith(".csv")
    unknown = page.goto("/oversikt/narnia")  # an address a person can type: a page, not a 500
    assert unknown.status == 422 and "narnia" in page.content()
    # Reading is all: moving a promise on is refused, and nothing is written.
    with session_scope() as s:
        spanga = s.exec(
            select(Promise).where(
                Promise.area_name == "Spånga-Tensta", Promise.term_start == date(2026, 1, 1)
            )
        ).one()
        version = spanga.version
    page.goto(f"/loften/{spanga.id}")
    assert page.get_by_role("button", name="Gå vidare till nästa steg").count() == 0
    assert page.get_by_role("link", name="Ändra").count() == 0
    assert "Du kan läsa löftet men inte ändra det" in page.content()
    _no_violations(page)
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    refused = page.request.post(f"/loften/{spanga.id}/vidare", form={"csrf_token": token or ""})
    assert refused.status == 403
    with session_scope() as s:
        assert s.get(Promise, spanga.id).version == version  # type: ignore[union-attr]


def test_an_admin_sends_a_dead_letter_again_and_a_coordinator_may_not(page) -> None:
    from application.identity import set_password
    from models import OutboxMessage, Person

    _account("samordnare@sollentuna.se", "Sollentuna")
    register("admin@lofte.example.se", role="admin", organisation=None)
    with session_scope() as s:
        admin = s.exec(select(Person).where(Person.email == "admin@lofte.example.se")).one()
        set_password(s, admin, PASSWORD)
        s.add(
            OutboxMessage(
                idempotency_key="test-dead-1",
                kind="digest",
                channel="webhook",
                recipient="samordnare@sollentuna.se",
                status="dead",
                attempts=8,
                last_error="HTTP 503 <b>from</b> the receiver",
            )
        )
    page.goto("/logga-in?next=/admin")
    page.fill("#email", "samordnare@sollentuna.se")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    assert "Du har inte behörighet" in page.content()  # a coordinator is no admin

    page.context.clear_cookies()
    page.goto("/logga-in?next=/admin")
    page.fill("#email", "admin@lofte.example.se")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/admin")
    assert "HTTP 503 <b>from</b> the receiver" in page.locator("table").first.inner_text()
    _no_violations(page)
    page.get_by_role("button", name="Skicka igen till samordnare@sollentuna.se").click()
    page.wait_for_url("**/admin?notice=koad")
    assert "skickas strax" in page.content()
    _no_violations(page)
    with session_scope() as s:
        assert s.exec(select(OutboxMessage)).one().status == "pending"


def test_an_admin_adds_a_person_gives_a_one_time_password_the_person_changes_it(page) -> None:
    from models import OutboxMessage
    from tests.web.conftest import account, sign_in

    account("admin@lofte.example.se", None, role="admin")
    account("samordnare@sollentuna.se", "Sollentuna")
    sign_in(page, "admin@lofte.example.se")
    page.goto("/admin")
    page.get_by_role("link", name="Lägg till en person").click()
    page.get_by_role("button", name="Spara personen").click()  # empty: every mistake listed
    assert page.title().startswith("Fel:")
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Fyll i personens namn" in summary and "Välj personens roll" in summary
    _no_violations(page)
    page.fill("#name", "Nya Samordnaren")
    page.fill("#email", "Ny@Sollentuna.se")
    page.check("#role")  # the first role: coordinator
    page.select_option("#organisation", label="Sollentuna (Kommunen, stockholm)")
    page.get_by_role("button", name="Spara personen").click()
    page.wait_for_url("**/admin?notice=person")
    assert "ny@sollentuna.se" in page.locator("table").nth(0).inner_text() or (
        "ny@sollentuna.se" in page.content()
    )
    page.get_by_role("link", name="Sätt lösenord för ny@sollentuna.se").click()
    page.fill("#password", "kort")
    page.get_by_role("button", name="Spara det tillfälliga lösenordet").click()
    assert "minst 12 tecken" in page.locator(".govuk-error-summary").inner_text()
    _no_violations(page)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Spara det tillfälliga lösenordet").click()
    page.wait_for_url("**/admin?notice=losenord")
    assert "måste byta det vid första inloggningen" in page.content()
    # The person signs in with the one-time password and must choose their own first.
    page.context.clear_cookies()
    page.goto("/logga-in")
    page.fill("#email", "ny@sollentuna.se")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/byt-losenord**")
    _no_violations(page)
    assert page.goto("/").url.split("?")[0].endswith("/byt-losenord")  # nothing else yet
    page.fill("#current", PASSWORD)
    page.fill("#password", PASSWORD)  # the same again: refused
    page.get_by_role("button", name="Byt lösenord").click()
    assert "inte det du har" in page.locator(".govuk-error-summary").inner_text()
    _no_violations(page)
    page.fill("#current", PASSWORD)
    page.fill("#password", "ett eget långt lösenord")
    page.get_by_role("button", name="Byt lösenord").click()
    page.wait_for_url("**/")
    assert page.get_by_role("heading", name="Mina uppgifter").is_visible()
    with session_scope() as s:
        notices = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "account_notice")).all()
        assert [(n.recipient, n.payload["event"], n.payload["by"]) for n in notices] == [
            ("ny@sollentuna.se", "one_time_password", "admin@lofte.example.se"),
            ("ny@sollentuna.se", "password_changed", "ny@sollentuna.se"),
        ]
    sign_in(page, "samordnare@sollentuna.se")  # a coordinator may not add people
    assert page.goto("/admin/personer/ny").status == 403  # type: ignore[union-attr]


def _two_status_reports() -> None:
    """Two stored snapshots of the region, a week apart: the trend has a line to draw."""
    from jobs.status_report import take_snapshot

    for day in (date(2026, 11, 9), date(2026, 11, 16)):
        with session_scope() as s:
            take_snapshot(s, "stockholm", day)


def test_the_promise_page_shows_the_chain_as_a_tree_deadlines_lateness_and_the_trail(
    page,
) -> None:
    from lifecycle.stages import Stage
    from tests.helpers import complete_stage
    from tests.test_method import walk_to
    from tests.web.conftest import account, sign_in

    pid = new_promise(start=date(2026, 1, 1))
    walk_to(pid, Stage.ACTION_PLAN)  # its action plan was due before the term began: late now
    complete_stage(pid, Stage.ACTION_PLAN)  # the activities, still not moved on
    account("samordnare@sollentuna.se", "Sollentuna")
    sign_in(page, "samordnare@sollentuna.se")
    page.goto(f"/loften/{pid}")
    current = page.locator(".govuk-task-list__item", has_text="Åtgärdsplan")
    assert "Försenat" in current.inner_text()
    # problem → goal → activity, nested: an activity sits in a list inside its goal's item
    nested = page.locator(".lofte-chain li .lofte-chain li")
    assert nested.count() >= 1 and nested.first.inner_text().startswith("Aktivitet ")
    assert page.get_by_role("heading", name="Problem").count() >= 1
    deadlines = page.locator("table", has=page.locator("caption", has_text="År 1 av löftet"))
    assert "Åtgärdsplan" in deadlines.inner_text() and "Försenad" in deadlines.inner_text()
    trail = page.locator("table", has=page.locator("caption", has_text="Allt som har hänt"))
    assert "La till mål" in trail.inner_text() and "Löftet skapades" in trail.inner_text()
    _no_violations(page)
    screenshot(page, "promise-tree")


def test_a_coordinator_changes_a_goal_and_removes_an_activity_in_the_browser(page) -> None:
    from lifecycle.stages import Stage
    from models import Activity, Goal, Problem
    from tests.helpers import complete_stage, ids
    from tests.test_method import walk_to
    from tests.web.conftest import account, sign_in

    pid = new_promise(start=date(2026, 1, 1))
    walk_to(pid, Stage.ACTION_PLAN)
    complete_stage(pid, Stage.ACTION_PLAN)  # signed by both parties
    goal, problem = ids(pid, Goal)[0], ids(pid, Problem)[0]
    account("samordnare@sollentuna.se", "Sollentuna")
    sign_in(page, "samordnare@sollentuna.se")
    page.goto(f"/loften/{pid}")
    page.get_by_role("link", name=f"Ändra mål {goal}").click()
    page.wait_for_url(f"**/loften/{pid}/andra/goal/{goal}")
    assert page.input_value("#description")  # filled in with what it says now
    page.fill("#description", "")
    page.get_by_role("button", name="Spara").click()
    assert page.title().startswith("Fel:")
    assert "Fyll i beskrivning" in page.locator(".govuk-error-summary").inner_text()
    _no_violations(page)
    page.fill("#description", "Färre rån vid stationen, mätt varje kvartal")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_url(f"**/loften/{pid}")
    assert "Färre rån vid stationen, mätt varje kvartal" in page.content()
    assert f"Ändrade mål {goal}" in page.content()  # the history says so
    with session_scope() as s:
        assert s.get(Goal, goal).description.startswith("Färre rån")  # type: ignore[union-attr]
    # the plan changed after it was signed: the signatures are gone and asked for again
    assert "underteckna" in page.locator(".govuk-list--bullet").inner_text().lower()

    page.get_by_role("link", name=f"Ändra problem {problem}").click()
    page.get_by_role("button", name=f"Ta bort problem {problem}").click()
    assert "medan mål" in page.locator(".govuk-error-summary").inner_text()  # goals rest on it
    _no_violations(page)
    activity = ids(pid, Activity)[-1]
    page.goto(f"/loften/{pid}")
    page.get_by_role("link", name=f"Ändra aktivitet {activity}").click()
    page.get_by_role("button", name=f"Ta bort aktivitet {activity}").click()
    page.wait_for_url(f"**/loften/{pid}")
    with session_scope() as s:
        assert s.get(Activity, activity) is None
    assert f"Tog bort aktivitet {activity}" in page.content()
