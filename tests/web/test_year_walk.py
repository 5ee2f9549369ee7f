"""Issue 25, what it must show: a new coordinator creates a promise and takes it to an approved
year-end compilation using only the pages. Each thing to do is found in "Kvar att göra" and
its link followed as a person would (the form opens filled in where the item says what); the
steering groups sign and approve in their own sessions, found through the page's "who signs";
the days pass (``LOFTE_NOW``) as the year does. No answer is a server error, and each kind of
page passes axe."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from typing import Any

import pytest

from config.settings import reset_settings
from tests.web.conftest import account, axe_violations, screenshot, sign_in

# The kinds of page docs/web.md shows (WRITE_SCREENSHOTS=1 keeps them as year-<kind>.png).
DOCUMENTED = {"refusal", "signoff", "approval"}

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
        self.who: str | None = None
        tab.on(
            "response",
            lambda r: self.errors.append(f"{r.status} {r.url}") if r.status >= 500 else None,
        )

    def day(self, when: date) -> None:
        """The service's clock moves on (as the months of a year pass)."""
        self.monkeypatch.setenv("LOFTE_NOW", f"{when.isoformat()}T10:00:00+01:00")
        reset_settings()
        if self.who:  # a session does not last for days: the person signs in again
            self.sign_in(self.who)

    def sign_in(self, who: str) -> None:
        """``who`` signs in, in a session of their own."""
        self.who = who
        sign_in(self.tab, who)

    def axe(self, shape: str) -> None:
        """Each kind of page once: no WCAG 2.1 A/AA violations."""
        if shape not in self.checked:
            self.checked.add(shape)
            found = axe_violations(self.tab)
            assert found == [], f"{self.tab.url}: {found}"
            if shape in DOCUMENTED:
                screenshot(self.tab, f"year-{shape}")

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

    def follow(self, pid: int, href: str) -> None:
        """Open an item's link and do what its form asks."""
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

    def move_on(self, pid: int, to: str) -> None:
        """ "Gå vidare" until the stage moves on: each refusal lists what is missing, and the
        coordinator follows the first item's link and does it, as a person would."""
        followed: Counter[str] = Counter()
        for _ in range(40):
            refusal = self.advance(pid)
            if refusal is None:
                shown = self.tab.locator("main").inner_text()
                assert f"Det är nu i steget {to}." in shown, shown[:500]
                return
            self.axe("refusal")
            text, href = refusal[0]
            followed[text] += 1
            assert followed[text] <= 2, f"{text!r} stays after its form was saved"
            self.follow(pid, href)
        raise AssertionError("the stage never moved on")

    def advance(self, pid: int) -> list[tuple[str, str]] | None:
        """Press "Gå vidare": None when the stage moved on, else the refusal's items (every
        one with its link)."""
        self.tab.goto(f"/loften/{pid}")
        button = self.tab.get_by_role("button", name="Gå vidare till nästa steg")
        assert button.count() == 1, self.tab.locator("main").inner_text()
        button.click()
        self.tab.wait_for_load_state()
        summary = self.tab.locator(".govuk-error-summary")
        if summary.count() == 0:
            return None
        items = [
            (a.inner_text().strip(), a.get_attribute("href") or "")
            for a in summary.locator("a").all()
        ]
        assert items and all(h for _, h in items), summary.inner_text()
        return items

    def report_round(self, pid: int) -> None:
        """A follow-up round as the coordinator reports it: each activity going on, each
        indicator's value (measured today: the day left out), what residents are told."""
        tab = self.tab
        for status in tab.locator("main select[id^='status-']").all():
            status.select_option("ongoing")
        for value in tab.locator("main input[id^='value-']").all():
            value.fill("19")
        feedback = tab.locator("#feedback_to_residents")
        if feedback.count():
            feedback.fill("Vandringarna har kommit igång varje helg; rånen har börjat minska.")
        self.save(pid, button="Lämna in uppföljningen")

    def sign_for(self, pid: int, who: str, organisation: str, signer: str) -> None:
        """A steering group's member signs in their own session, from "who signs"."""
        self.sign_in(who)
        self.tab.goto(f"/loften/{pid}#underskrifter")
        self.tab.get_by_role("link", name=f"Skriv under för {organisation}").click()
        # what is signed is the medborgarlöfte, not the action plan (issue 25)
        assert self.tab.locator("main h1").inner_text() == "Underteckna medborgarlöftet"
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
    walk.sign_in(COORDINATOR)
    page.get_by_role("link", name="Skapa ett nytt medborgarlöfte").click()
    walk.axe("new")
    page.locator("#other").select_option(label="LPO Sollentuna")
    page.locator("#start").fill("2027-01-01")
    page.get_by_role("button", name="Skapa medborgarlöftet").click()
    page.wait_for_url("**/loften/*")
    pid = int(page.url.rsplit("/", 1)[1].split("?")[0])

    # Autumn: dialogue, analyses, goals and the plan, each from "Kvar att göra".
    stages = [
        (date(2026, 9, 20), "Gemensam lägesbild"),
        (date(2026, 10, 5), "Orsaksanalys"),
        (date(2026, 10, 20), "Mål"),
        (date(2026, 11, 5), "Åtgärdsplan"),
    ]
    for when, next_stage in stages:
        walk.day(when)
        walk.move_on(pid, next_stage)
    walk.day(date(2026, 12, 1))
    # The plan is done when only the signatures are missing: the refusal links to who signs.
    refusal = walk.advance(pid)
    assert refusal, "moved on unsigned"
    while any("#underskrifter" not in h for _, h in refusal):
        walk.follow(pid, next(h for _, h in refusal if "#underskrifter" not in h))
        refusal = walk.advance(pid)
        assert refusal, "moved on unsigned"
    assert all("undertecknat" in t for t, _ in refusal), refusal
    walk.day(date(2026, 12, 15))
    walk.sign_for(pid, MUNICIPAL_BOARD, "Sollentuna", "Karin Ek")
    walk.sign_for(pid, POLICE_CHIEF, "LPO Sollentuna", "Johan Berg")
    walk.sign_in(COORDINATOR)
    walk.day(date(2027, 1, 4))
    walk.move_on(pid, "Löpande uppföljning")

    # 2027: the tertial follow-ups when each is due, then the year-end compilation; the
    # steering group approves it in its own session, from the link the page gives it.
    for when in (date(2027, 5, 20), date(2027, 9, 20)):
        walk.day(when)
        for _text, href in walk.items(pid):
            if href and "/uppfoljning/" in href:
                walk.follow(pid, href)
    walk.day(date(2027, 12, 10))
    walk.move_on(pid, "Årssammanställning")
    walk.day(date(2028, 1, 20))
    refusal = walk.advance(pid)
    assert refusal
    while any("/ny/approval" not in h for _, h in refusal):
        walk.follow(pid, next(h for _, h in refusal if "/ny/approval" not in h))
        refusal = walk.advance(pid)
        assert refusal
    walk.sign_in(MUNICIPAL_BOARD)
    [approve] = [h for _, h in walk.items(pid) if h and "/ny/approval" in h]
    page.goto(approve)
    walk.axe("approval")
    assert "Kvällsvandringarna blev av varje helg" in page.locator("main").inner_text()
    walk.fill("approval")
    walk.save(pid)
    # approved; the promise runs two years (the form's default), so it is back in the plan for
    # its second year, and the page says so and what comes next
    walk.items(pid)
    shown = page.locator("main").inner_text()
    assert "Årssammanställningen för år 1 är godkänd." in shown, shown[:800]
    assert "tillbaka i åtgärdsplanen för år 2 av 2" in shown
    assert walk.errors == []
