"""English, the second language: every Swedish text the pages use has its English in
lifecycle/translations/en.po, and the language is chosen, remembered and announced (lang)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
IN_TEMPLATE = re.compile(r'\b_\("((?:[^"\\]|\\.)*)"')


def msgids() -> set[str]:
    """Every literal text marked for translation: ``_("...")`` in templates, ``_(...)`` and
    ``N_(...)`` in the pages' code, and the form labels and titles the templates translate."""
    from application.kinds import KINDS
    from application.subscriptions import check_form
    from web.forms import LABELS

    found = set()
    for template in (ROOT / "web" / "templates").glob("*.html"):
        found |= set(IN_TEMPLATE.findall(template.read_text(encoding="utf-8")))
    for module in (ROOT / "web" / "pages").glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("_", "N_")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add(node.args[0].value)
    found |= set(LABELS.values()) | {k.title for k in KINDS.values()}
    found |= {k.noun for k in KINDS.values()}
    found |= set(check_form("", False).values()) | set(check_form("x", True).values())
    return found


def test_every_text_of_the_pages_has_its_english() -> None:
    from web.pages.i18n import english

    table = english()
    missing = sorted(m for m in msgids() if m not in table)
    assert missing == [], "add to lifecycle/translations/en.po:\n" + "\n".join(missing)
    # the same {values} on both sides, so a sentence never loses its number
    for msgid in msgids():
        assert set(re.findall(r"{\w+}", msgid)) == set(re.findall(r"{\w+}", table[msgid])), msgid


def test_a_coordinator_and_a_resident_use_the_pages_in_english(page) -> None:
    from datetime import date

    from lifecycle.stages import Stage
    from tests.helpers import complete_stage, new_promise
    from tests.test_method import walk_to
    from tests.web.conftest import PASSWORD, account, axe_violations, screenshot

    pid = new_promise(start=date(2026, 1, 1))
    walk_to(pid, Stage.CONTINUOUS_EVALUATION)
    complete_stage(pid, Stage.CONTINUOUS_EVALUATION)
    account("samordnare@sollentuna.se", "Sollentuna")
    page.goto("/logga-in")
    assert page.locator("html").get_attribute("lang") == "sv"
    page.get_by_role("link", name="In English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("button", name="Sign in").click()  # empty: the errors in English too
    assert page.title().startswith("Error:")
    assert "Enter your e-mail address." in page.locator(".govuk-error-summary").inner_text()
    assert axe_violations(page) == []
    page.fill("#email", "samordnare@sollentuna.se")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    assert page.get_by_role("heading", name="My tasks").is_visible()  # remembered: no ?lang
    page.goto(f"/loften/{pid}")
    assert page.get_by_role("heading", name="The stages").is_visible()
    assert "Follow-up 1: submitted" in page.content()
    assert "Continuous evaluation" in page.content() and "Medborgardialog" not in page.content()
    assert axe_violations(page) == []
    screenshot(page, "promise-english")
    page.goto(f"/loften/{pid}/sammanstallning")  # the year-end compilation in English too
    assert page.locator("html").get_attribute("lang") == "en-GB"
    page.goto(f"/offentligt/loften/{pid}")
    assert page.get_by_role("heading", name="This is what you said").is_visible()
    # Stockholm reports by tertial: two rounds, the last tertial in the compilation (issue 22).
    assert "Followed up 2 of 2 times" in page.content()
    assert axe_violations(page) == []
    page.get_by_role("link", name="På svenska").click()
    assert page.get_by_role("heading", name="Det här sa ni").is_visible()
    assert page.locator("html").get_attribute("lang") == "sv"
