"""The README's first command as a person runs it: `make run` on a fresh data folder, with the
embedded scheduler and every other default, then the README's CLI lines and a coordinator's
first minutes in Chromium (issue 18).

Every other test starts the service its own way; this one starts it exactly as `make run`
does, because that is what broke (the service stopped its own Prefect server, so every
"Gå vidare" was a 500 while 493 tests passed). If `make run` changes, this test runs the new
one. No setting is given, except another port when something else already listens on the
default port outside CI: with no mail channel, mail goes to the local mailbox (issue 25), where
the admin reads the transition notice and a resident's confirmation link, which confirms.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from config.defaults import API_PORT

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.smoke, pytest.mark.timeout(900)]


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(condition: Any, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return False


def _processes_with(marker: str) -> list[int]:
    """Ids of live processes whose environment holds ``marker`` (every one `make run` began)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[-1].split()[0]
        except OSError:
            continue
        if state != "Z" and marker.encode() in environ.split(b"\0"):
            found.append(int(entry.name))
    return found


@dataclass
class Service:
    """`make run`, running."""

    process: subprocess.Popen[bytes]
    url: str
    env: dict[str, str]
    home: Path  # $XDG_DATA_HOME
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture
def make_run(tmp_path: Path) -> Iterator[Service]:
    """`make run` from the repository, as a terminal starts it (its own process group)."""
    home = tmp_path / "xdg-data"
    home.mkdir()
    # A person's shell: none of the test suite's LOFTE_ or PREFECT_ settings, so the data
    # folder is the default one, $XDG_DATA_HOME/lofte (~/.local/share/lofte where unset).
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LOFTE_", "PREFECT_", "XDG_"))}
    env.update(XDG_DATA_HOME=str(home))
    port = API_PORT
    if not _port_free(API_PORT):
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run `make run` on its default port {API_PORT}, which is taken")
        port = _free_port()  # a developer's own `make run` is on the default port
        env["LOFTE_API_PORT"] = str(port)
    log = tmp_path / "make-run.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["make", "run"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    service = Service(process, url, env, home, log)

    def healthy() -> bool:
        assert process.poll() is None, f"make run ended:\n{service.output()[-4000:]}"
        try:
            return httpx.get(f"{url}/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        assert _wait(healthy, 300), f"make run never answered:\n{service.output()[-4000:]}"
        yield service
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)  # Ctrl-C in the terminal
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)


def _readme_block(marker: str) -> list[str]:
    """The commands of the README's shell block that contains ``marker``, one per entry."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for block in re.findall(r"```sh\n(.*?)```", readme, flags=re.S):
        if marker in block:
            joined = block.replace("\\\n", " ")
            return [line for line in joined.splitlines() if line.strip()]
    raise AssertionError(f"no shell block with {marker!r} in README.md")


def _expected_exit(line: str) -> int:
    """The exit code a README line's comment promises ('exit 3'); 0 when it names none."""
    comment = line.partition("  #")[2]
    found = re.search(r"exit (\d)", comment)
    return int(found.group(1)) if found else 0


def _run_readme_lines(service: Service, lines: list[str], password: str) -> None:
    script = ["set -u", f"export PATH={ROOT / '.venv' / 'bin'}:$PATH"]
    for number, line in enumerate(lines):
        command = line.split("  #")[0].strip()
        feed = f"printf '%s\\n' '{password}' | " if command.startswith("lofte login") else ""
        script.append(f"{feed}{command}")
        script.append(f"echo __exit:{number}:$?")
    done = subprocess.run(
        ["bash", "-c", "\n".join(script)],
        cwd=service.home.parent,
        env=service.env,  # LOFTE_USE_SERVICE's default: the commands go through the service
        capture_output=True,
        text=True,
        timeout=300,
    )
    codes = {int(n): int(c) for n, c in re.findall(r"__exit:(\d+):(\d+)", done.stdout)}
    assert len(codes) == len(lines), done.stdout + done.stderr
    for number, line in enumerate(lines):
        assert codes[number] == _expected_exit(line), (
            f"README line {line!r} exited {codes[number]}:\n{done.stdout}\n{done.stderr}"
        )
    assert "Traceback" not in done.stderr and "internal error" not in done.stdout + done.stderr


def _printed_accounts(output: str) -> dict[str, str]:
    """The demo accounts `make run` prints: role → e-mail address."""
    return {
        role: email for email, role in re.findall(r"^\s+(\S+@\S+)\s+(\w+)\s*$", output, flags=re.M)
    }


def _api(service: Service, actor: str, path: str) -> Any:
    """A read through the API on the server itself (the operator key with an actor)."""
    key = (service.home / "lofte" / "operator.key").read_text().strip()
    answer = httpx.get(
        service.url + path,
        headers={"Authorization": f"Operator {key}", "X-Lofte-Actor": actor},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def _a_promise_only_missing_its_dialogue(service: Service, regional: str) -> tuple[int, str]:
    """A promise in resident dialogue whose only gap is the dialogue, and its coordinator."""
    promises = _api(service, regional, "/api/promises?region=stockholm")
    people = _api(service, "admin@lofte.example.se", "/api/people")
    people = people.get("people", people) if isinstance(people, dict) else people
    for listed in promises:
        if listed["stage"] != "resident_dialogue":
            continue
        shown = _api(service, regional, f"/api/promises/{listed['id']}")
        if [u["code"] for u in shown["unmet"]] != ["dialogue.missing"]:
            continue
        for person in people:
            if person["role"] == "coordinator" and person.get("organisation") == (
                listed.get("municipality")
            ):
                return int(listed["id"]), person["email"]
    raise AssertionError("the demo has no promise waiting only for its dialogue")


def test_make_run_as_a_person_starts_it(make_run: Service, browser) -> None:
    from application.demo import DEMO_PASSWORD
    from tests.web.conftest import axe_violations

    service = make_run
    output = service.output()
    accounts = _printed_accounts(output)
    assert {"coordinator", "steering_group", "regional_coordinator", "admin"} <= set(accounts)
    assert DEMO_PASSWORD in output

    # The README's first CLI lines, against the running service.
    _run_readme_lines(service, _readme_block("lofte login"), DEMO_PASSWORD)

    promise_id, coordinator = _a_promise_only_missing_its_dialogue(
        service, accounts["regional_coordinator"]
    )
    context = browser.new_context(base_url=service.url, locale="sv-SE")
    tab = context.new_page()
    statuses: list[int] = []
    tab.on("response", lambda response: statuses.append(response.status))
    try:
        tab.goto("/logga-in")
        tab.fill("#email", coordinator)
        tab.fill("#password", DEMO_PASSWORD)
        tab.get_by_role("button", name="Logga in").click()
        tab.wait_for_url("**/")

        # A promise that cannot move: the page lists what is missing.
        tab.goto(f"/loften/{promise_id}")
        with tab.expect_response(lambda r: r.url.endswith("/vidare")) as refused:
            tab.get_by_role("button", name="Gå vidare till nästa steg").click()
        assert refused.value.status == 409, tab.content()[:2000]
        summary = tab.locator(".govuk-error-summary").inner_text()
        assert "medborgardialog" in summary.lower()
        assert axe_violations(tab) == []

        # One artefact through its form ...
        tab.goto(f"/loften/{promise_id}/ny/dialogue")
        tab.locator("#method").select_option("safety_walk")
        tab.fill("#held_from", "2026-10-01")
        tab.fill("#participants", "25")
        tab.fill("#results", "Otryggt vid tunnelbanan kvällstid.")
        tab.get_by_role("button", name="Spara").click()
        tab.wait_for_url(f"**/loften/{promise_id}")

        # ... and now it moves on.
        with tab.expect_response(lambda r: r.url.endswith("/vidare")) as moved:
            tab.get_by_role("button", name="Gå vidare till nästa steg").click()
        assert moved.value.status == 303, tab.content()[:2000]
        tab.wait_for_load_state()
        assert "Steg\tGemensam lägesbild" in tab.locator("main").inner_text()
    finally:
        context.close()
    assert 500 not in statuses
    assert _api(service, accounts["regional_coordinator"], f"/api/promises/{promise_id}")[
        "stage"
    ] == ("joint_analysis")

    # With no mail channel, the embedded dispatcher delivers to the local mailbox: a resident
    # subscribes, the admin finds the transition notice and the resident's confirmation link
    # there, and the link confirms.
    _resident_subscribes_and_confirms(service, browser, accounts["admin"], coordinator, statuses)
    assert 500 not in statuses

    # Ctrl-C leaves nothing behind: no service, scheduler, dispatcher or Prefect server.
    marker = f"XDG_DATA_HOME={service.home}"
    assert _processes_with(marker), "cannot see make run's processes"
    os.killpg(service.process.pid, signal.SIGINT)
    service.process.wait(60)
    assert _wait(lambda: not _processes_with(marker), 30), (
        f"left running after Ctrl-C: {_processes_with(marker)}"
    )
    log = service.output()
    assert "Traceback" not in log and " 500 " not in log, log[-4000:]


RESIDENT = "invanare@example.se"


def _resident_subscribes_and_confirms(
    service: Service, browser: Any, admin: str, coordinator: str, statuses: list[int]
) -> None:
    from application.demo import DEMO_PASSWORD
    from tests.web.conftest import axe_violations

    resident = browser.new_context(base_url=service.url, locale="sv-SE").new_page()
    resident.on("response", lambda response: statuses.append(response.status))
    resident.goto("/offentligt/stockholm")
    first = resident.locator("a[href^='/offentligt/loften/']").first.get_attribute("href")
    promise_path = re.match(r"/offentligt/loften/\d+", first or "")
    assert promise_path, first
    resident.goto(promise_path.group(0) + "/bevaka")
    resident.fill("#epost", RESIDENT)
    resident.check("#samtycke")
    resident.get_by_role("button", name="Bevaka löftet").click()
    told = resident.locator("main").inner_text()
    # The page tells the truth about this installation's mail, not "look in your spam".
    assert "lokala brevlåda" in told and "skräpposten" not in told, told

    admin_tab = browser.new_context(base_url=service.url, locale="sv-SE").new_page()
    admin_tab.on("response", lambda response: statuses.append(response.status))
    admin_tab.goto("/logga-in")
    admin_tab.fill("#email", admin)
    admin_tab.fill("#password", DEMO_PASSWORD)
    admin_tab.get_by_role("button", name="Logga in").click()
    admin_tab.wait_for_url("**/")
    admin_tab.goto("/admin")
    admin_tab.get_by_role("link", name="Öppna den lokala brevlådan").click()

    def both_arrived() -> bool:
        admin_tab.reload()
        rows = (
            admin_tab.locator("main table").inner_text()
            if admin_tab.locator("main table").count()
            else ""
        )
        return RESIDENT in rows and coordinator in rows and "nu i steget" in rows

    # The dispatcher runs every other minute.
    assert _wait(both_arrived, 200), (
        f"the mail never reached the local mailbox:\n{service.output()[-4000:]}"
    )
    assert axe_violations(admin_tab) == []
    admin_tab.locator("tr", has_text=RESIDENT).get_by_role("link").first.click()
    link = admin_tab.locator("main a[href*='/offentligt/bekrafta/']").first.get_attribute("href")
    assert link and link.startswith(service.url), link
    assert axe_violations(admin_tab) == []

    resident.goto(link)
    resident.get_by_role("button", name="Bekräfta").click()
    assert "Nu bevakar du löftet" in resident.locator("main").inner_text()
