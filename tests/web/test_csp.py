"""GOV.UK Frontend still works under the strict Content Security Policy (issue 20): in real
Chromium its scripts start from static files, nothing on a page is blocked, and the compilation
document's own stylesheet applies (allowed by its hash)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.conftest import account, sign_in

pytestmark = pytest.mark.timeout(300)


def _watch(tab: Any) -> list[str]:
    """Everything the browser refuses or fails on: CSP reports, console errors, page errors."""
    seen: list[str] = []
    tab.on("console", lambda m: seen.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: seen.append(str(e)))
    return seen


def _csp_violations(tab: Any) -> list[str]:
    return tab.evaluate("window.__csp || []")  # type: ignore[no-any-return]


LISTEN = """document.addEventListener('securitypolicyviolation',
  e => (window.__csp = window.__csp || []).push(e.violatedDirective + ' ' + e.blockedURI))"""


def test_govuk_frontend_runs_and_nothing_is_blocked(page) -> None:
    from tests.web.test_public import _published_with_markers

    pid = _published_with_markers()
    account("samordnare@sollentuna.se", "Sollentuna")
    page.add_init_script(LISTEN)
    seen = _watch(page)
    for path in ("/logga-in", f"/offentligt/loften/{pid}", "/offentligt/stockholm"):
        page.goto(path)
        classes = page.evaluate("document.body.className")
        assert "js-enabled" in classes and "govuk-frontend-supported" in classes, (path, classes)
        assert page.locator("[data-govuk-skip-link-init]").count() == 1, path
        assert _csp_violations(page) == [], (path, _csp_violations(page))
    # The chart is drawn, at most its own size.
    assert page.goto(f"/offentligt/loften/{pid}") and page.locator("svg.lofte-chart").count() >= 1
    box = page.locator("svg.lofte-chart").first.bounding_box()
    assert box and 0 < box["width"] <= 320

    sign_in(page, "samordnare@sollentuna.se")
    page.goto(f"/loften/{pid}")
    assert page.locator("[data-govuk-button-init]").count() >= 1  # GOV.UK's buttons started
    assert _csp_violations(page) == []
    page.goto(f"/loften/{pid}/sammanstallning")
    # The document's inline stylesheet applies (its hash is in the policy): 60rem wide at most.
    assert page.evaluate("getComputedStyle(document.body).maxWidth") == "960px"
    assert _csp_violations(page) == []
    assert [s for s in seen if "Content Security Policy" in s] == [], seen
