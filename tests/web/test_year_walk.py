"""Issue 25, what it must show: a new coordinator creates a promise and takes it to an approved
year-end compilation using only the pages. Each thing to do is found in "Kvar att göra" and
its link followed as a person would (the form opens filled in where the item says what); the
steering groups sign and approve in their own sessions, found through the page's "who signs";
the days pass (``LOFTE_NOW``) as the year does. No answer is a server error, and each kind of
page passes axe."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from config.settings import reset_settings
from tests.web.conftest import account, axe_violations, sign_in

pytestmark = pytest.mark.timeout(900)

COORDINATOR = "ny.samordnare@sollentuna.se"
MUNICIPAL_BOARD = "ordforande@sollentuna.se"
POLICE_CHIEF = "chef@lposollentuna.se"

# What a coordinator writes in each form, where the field is still empty (what the link chose
# stays as it is).
WRITES: dict[str, dict[str, str]] = {
    "dialogue": {
        "method": "safety_walk",
        "held_from": "2026-09-10",
        "participants": "18",
        "results": "Otryggt vid stationen och i gångtunneln på kvällarna.",
    },
    "situation_picture": {"summary": "Rån och bråk vid stationen fredagar och lördagar."},
    "problem": {"title": "Rån mot unga vid stationen", "selected": "on", "priority_area": "1"},
    "cause_analysis": {
        "event_chain": "Unga väntar på bussen sent; grupper rånar dem där ingen vuxen syns.",
    },
    "goal": {
        "kind": "outcome",
        "description": "Färre rån mot unga vid stationen",
        "indicator": "Anmälda rån mot unga vid stationen",
        "unit": "antal",
        "baseline": "24",
        "target": "15",
        "target_date": "2027-12-31",
    },
    "activity": {
        "title": "Kvällsvandringar vid stationen med fältassistenter och kommunpolis",
        "owner_party": "joint",
        "responsible": "Fältassistenterna och kommunpolisen",
        "start": "2027-01-15",
        "end": "2027-12-15",
        "prevention_level": "universal",
        "approach": "1",
    },
    "promise_text": {
        "joint_promises": "Polisen och kommunen lovar kvällsvandringar vid stationen varje helg.",
        "backing": "tillsammans 1: 1",
    },
    "compilation": {
        "summary": "Kvällsvandringarna blev av varje helg; rånen vid stationen minskade.",
        "next_year_plan": "Vandringarna fortsätter; fler vuxna på plats vid skolavslutningen.",
    },
    "approval": {"approved_by": "Kommunstyrelsen i Sollentuna", "diarienummer": "KS 2028/14"},
}


class Walk:
    """One browser tab used as the people of the walk, watching every answer it gets."""

    def __init__(self, tab: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        self.tab = tab
        self.monkeypatch = monkeypatch
        self.errors: list[str] = []
        self.checked: set[str] = set()
        tab.on(
            "response",
            lambda r: self.errors.append(f"{r.status} {r.url}") if r.status >= 500 else None,
        )

    def day(self, when: date) -> None:
        """The service's clock moves on (as the months of a year pass)."""
        self.monkeypatch.setenv("LOFTE_NOW", f"{when.isoformat()}T10:00:00+01:00")
        reset_settings()

    def axe(self, shape: str) -> None:
        """Each kind of page once: no WCAG 2.1 A/AA violations."""
        if shape not in self.checked:
            self.checked.add(shape)
            found = axe_violations(self.tab)
            assert found == [], f"{self.tab.url}: {found}"

    def items(self, pid: int) -> list[tuple[str, str | None]]:
        """The promise page's "Kvar att göra": each item and its link."""
        self.tab.goto(f"/loften/{pid}")
        self.axe("promise")
        found = []
        for li in self.tab.locator("h2:has-text('Kvar att göra') + ul > li").all():
            link = li.locator("a")
            found.append(
                (li.inner_text().strip(), link.get_attribute("href") if link.count() else None)
            )
        return found

    def fill(self, kind: str) -> None:
        """Write what the coordinator would, leaving what the link chose."""
        for name, value in WRITES.get(kind, {}).items():
            field = self.tab.locator(f"main form [id='{name}']")
            if field.count() == 0:
                continue
            tag = field.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
            if tag.startswith("select"):
                if not field.input_value():
                    if value.isdigit():
                        field.select_option(index=int(value))
                    else:
                        field.select_option(value)
            elif tag == "input:checkbox":
                field.check()
            elif not field.input_value():
                field.fill(value)

    def save(self, pid: int, button: str = "Spara") -> None:
        """Send the form; it goes back to the promise, or the walk stops with what it said."""
        self.tab.get_by_role("button", name=button).click()
        self.tab.wait_for_load_state()
        if not re.search(rf"/loften/{pid}(?:[?#].*)?$", self.tab.url):
            summary = self.tab.locator(".govuk-error-summary")
            said = summary.inner_text() if summary.count() else self.tab.content()[:2000]
            raise AssertionError(f"{self.tab.url} refused: {said}")

    def do_what_is_left(self, pid: int) -> list[tuple[str, str | None]]:
        """Follow each "Kvar att göra" link the coordinator can act on, one at a time, until
        only what others must do (sign, approve) is left; each save removes its item."""
        for _ in range(40):
            items = self.items(pid)
            todo = [(t, h) for t, h in items if h and "/ny/approval" not in h and "#" not in h]
            if not todo:
                return items
            text, href = todo[0]
            assert href is not None
            self.tab.goto(href)
            kind = re.search(r"/(?:ny|andra)/([a-z_]+)|/(uppfoljning)/", href)
            assert kind is not None, href
            name = kind.group(1) or kind.group(2)
            self.axe(name)
            if name == "uppfoljning":
                self.report_round(pid)
            else:
                self.fill(name)
                self.save(pid)
            left = [t for t, _ in self.items(pid)]
            assert text not in left, f"{text!r} still there after its form was saved"
        raise AssertionError("Kvar att göra never emptied")

    def report_round(self, pid: int) -> None:
        """A follow-up round as the coordinator reports it: each activity going on, each
        indicator's value, what residents are told."""
        tab = self.tab
        for status in tab.locator("main select[id^='status-']").all():
            status.select_option("ongoing")
        for value in tab.locator("main input[id^='value-']").all():
            value.fill("19")
        for measured in tab.locator("main input[id^='measured-']").all():
            if not measured.input_value():
                measured.fill(tab.evaluate("() => document.body.dataset.today || ''") or "")
        feedback = tab.locator("#feedback_to_residents")
        if feedback.count():
            feedback.fill("Vandringarna har kommit igång varje helg; rånen har börjat minska.")
        self.save(pid, button="Lämna in uppföljningen")

    def advance(self, pid: int, to: str) -> None:
        """"Gå vidare": the stage moves on (the page names the new stage)."""
        self.tab.goto(f"/loften/{pid}")
        self.tab.get_by_role("button", name="Gå vidare till nästa steg").click()
        self.tab.wait_for_load_state()
        summary = self.tab.locator(".govuk-error-summary")
        assert summary.count() == 0, summary.inner_text()
        assert to in self.tab.locator("main").inner_text()

    def sign_for(self, pid: int, who: str, organisation: str, signer: str) -> None:
        """A steering group's member signs in their own session, from "who signs"."""
        sign_in(self.tab, who)
        self.tab.goto(f"/loften/{pid}#underskrifter")
        self.tab.get_by_role("link", name=f"Skriv under för {organisation}").click()
        self.axe("signoff")
        self.tab.fill("#signed_by", signer)
        if not self.tab.locator("#signed_on").input_value():
            self.tab.fill("#signed_on", "2026-12-15")
        self.save(pid)


def test_a_new_coordinator_takes_a_promise_to_an_approved_compilation_in_the_browser(
    page: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    walk = Walk(page, monkeypatch)
    account(COORDINATOR, "Sollentuna")
    account(MUNICIPAL_BOARD, "Sollentuna", role="steering_group")
    account(POLICE_CHIEF, "LPO Sollentuna", "steering_group", "local_police_area")

    # September: the coordinator creates next year's promise.
    walk.day(date(2026, 9, 15))
    sign_in(page, COORDINATOR)
    page.get_by_role("link", name="Skapa ett nytt medborgarlöfte").click()
    walk.axe("new")
    page.locator("#other").select_option(label="LPO Sollentuna")
    page.locator("#start").fill("2027-01-01")
    page.get_by_role("button", name="Skapa medborgarlöftet").click()
    page.wait_for_url("**/loften/*")
    pid = int(page.url.rsplit("/", 1)[1].split("?")[0])

    # Autumn: dialogue, analyses, goals and the plan, each from "Kvar att göra".
    stages = [
        (date(2026, 9, 20), "Gemensam analys"),
        (date(2026, 10, 5), "Orsaksanalys"),
        (date(2026, 10, 20), "Mål"),
        (date(2026, 11, 5), "Åtgärdsplan"),
    ]
    for when, next_stage in stages:
        walk.day(when)
        walk.do_what_is_left(pid)
        walk.advance(pid, next_stage)
    walk.day(date(2026, 12, 1))
    left = walk.do_what_is_left(pid)
    # What is left is the signatures: the page says who signs, and each signs in their session.
    assert left and all("undertecknat" in t or "skrivit under" in t for t, _ in left), left
    walk.day(date(2026, 12, 15))
    walk.sign_for(pid, MUNICIPAL_BOARD, "Sollentuna", "Karin Ek")
    walk.sign_for(pid, POLICE_CHIEF, "LPO Sollentuna", "Johan Berg")
    sign_in(page, COORDINATOR)
    assert walk.items(pid) == []
    walk.advance(pid, "Kontinuerlig utvärdering")

    # 2027: the tertial follow-ups when each is due, then the year-end compilation.
    for when in (date(2027, 5, 20), date(2027, 9, 20)):
        walk.day(when)
        walk.do_what_is_left(pid)
    walk.day(date(2027, 12, 10))
    walk.do_what_is_left(pid)
    walk.advance(pid, "Årssammanställning")
    walk.day(date(2028, 1, 20))
    left = walk.do_what_is_left(pid)
    assert left and all(h and "/ny/approval" in h for _, h in left), left

    # The steering group approves it in its own session, from the link the page gives it.
    sign_in(page, MUNICIPAL_BOARD)
    [(_, approve)] = [(t, h) for t, h in walk.items(pid) if h and "/ny/approval" in h]
    page.goto(approve)
    walk.axe("approval")
    assert "Kvällsvandringarna blev av varje helg" in page.locator("main").inner_text()
    walk.fill("approval")
    walk.save(pid)
    assert "Avslutat" in page.locator("main").inner_text() or walk.items(pid) == []
    assert walk.errors == []
