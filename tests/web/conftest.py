"""A real browser for the web pages: Debian's Chromium driven by Playwright, axe-core for
WCAG 2.1 A/AA, and a real uvicorn server on 127.0.0.1 per test."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One Chromium for the session (never `playwright install`: Debian's package)."""
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("CI needs Debian's chromium at /usr/bin/chromium (.ci/run installs it)")
        pytest.skip(
            "no Chromium at /usr/bin/chromium: apt-get install chromium to run browser tests"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def server(db, prefect_harness) -> Iterator[str]:
    """``lofte serve``'s application on a free 127.0.0.1 port, on the test's database."""
    import uvicorn

    from web.api import create_app

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    srv = uvicorn.Server(
        uvicorn.Config(create_app(warm=False), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Any]:
    """A fresh browser context (no cookies) for each test."""
    context = browser.new_context(base_url=server, locale="sv-SE")
    tab = context.new_page()
    yield tab
    context.close()


SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def screenshot(tab: Any, name: str) -> None:
    """With WRITE_SCREENSHOTS=1, keep the page as docs/screenshots/NAME.png for the docs."""
    if os.environ.get("WRITE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def axe_violations(tab: Any) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now (id: first target)."""
    from axe_playwright_python.sync_playwright import Axe

    # Only the violations with every node: without it axe also lists each rule's passes and
    # inapplicable nodes, which no test reads, and sends all of it back through Playwright.
    options = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]}
    results = Axe().run(tab, options=options)
    return [
        f"{v['id']}: {v['nodes'][0]['target'] if v['nodes'] else ''}"
        for v in results.response["violations"]
    ]


PASSWORD = "rätt-häst-batteri-klammer"


def account(
    email: str, organisation: str | None, role: str = "coordinator", kind: str = "municipality"
) -> None:
    """A registered person with the test password (their organisation created if needed)."""
    from sqlmodel import select

    from application.identity import set_password
    from models import Person
    from models.db import session_scope
    from tests.helpers import register

    register(email, role=role, organisation=organisation, kind=kind)
    with session_scope() as s:
        set_password(s, s.exec(select(Person).where(Person.email == email)).one(), PASSWORD)


def sign_in(tab: Any, email: str) -> None:
    """Sign in through the page, as a person would, from a browser without cookies."""
    tab.context.clear_cookies()
    tab.goto("/logga-in")
    tab.fill("#email", email)
    tab.fill("#password", PASSWORD)
    tab.get_by_role("button", name="Logga in").click()
    tab.wait_for_url("**/")
