"""The demo region, and the HTTP API of ``lofte serve``."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlmodel import select

from application.demo import load_demo
from lifecycle.stages import Stage
from models import Organisation, Promise
from models.db import session_scope
from tests.demo_copy import demo_region
from tests.helpers import complete_stage, new_promise, register
from web.api import create_app


def test_demo_spreads_promises_over_every_stage_once(db) -> None:
    report = demo_region(date(2026, 11, 22))
    assert report["promises"] >= 14 and report["organisations"] >= 24
    assert all(report["by_stage"][s.value] >= 1 for s in Stage), report["by_stage"]
    again = load_demo(date(2026, 11, 22))
    assert again["already_loaded"] and again["promises"] == report["promises"]
    with session_scope() as s:
        names = {o.name for o in s.exec(select(Organisation)).all()}
        assert {"Hässelby-Vällingby", "Sollentuna", "Rinkeby-Kista"} <= names
        closed = s.exec(select(Promise).where(Promise.stage == Stage.CLOSED)).one()
        assert s.exec(select(Promise).where(Promise.previous_promise_id == closed.id)).one()


def test_api_advances_through_the_flow_and_reports_refusals(db, prefect_harness) -> None:
    from config.operator_key import ensure_operator_key

    client = TestClient(create_app(warm=False))
    assert client.get("/health").json() == {"service": "lofte", "ok": True}
    pid = new_promise(years=2)  # in the first year of two: no next cycle to open yet
    register("samordnare@sollentuna.se")
    as_coordinator = {
        "Authorization": f"Operator {ensure_operator_key()}",
        "X-Lofte-Actor": "samordnare@sollentuna.se",
    }
    advance = f"/api/promises/{pid}/advance"
    assert client.post(advance).status_code == 401
    refused = client.post(advance, headers=as_coordinator)
    assert refused.status_code == 409
    assert refused.json()["ok"] is False
    assert refused.json()["unmet"][0]["code"] == "dialogue.missing"
    complete_stage(pid, Stage.RESIDENT_DIALOGUE)
    moved = client.post(advance, headers=as_coordinator).json()
    assert moved["ok"] and moved["to_stage"] == "joint_analysis" and moved["flow_run_id"]
    stale = client.post(advance, json={"expected_version": 1}, headers=as_coordinator)
    assert stale.status_code == 409 and stale.json()["error_kind"] == "Conflict"
    shown = client.get(f"/api/promises/{pid}", headers=as_coordinator).json()
    assert shown["stage"] == "joint_analysis"
    assert client.get("/api/promises/9999", headers=as_coordinator).status_code == 404
    bad = client.post(advance, json={"to": "nowhere"}, headers=as_coordinator)
    assert bad.status_code == 422 and "unknown stage" in bad.json()["error"]
    next_cycle = client.post(f"/api/promises/{pid}/next-cycle", headers=as_coordinator)
    assert next_cycle.status_code == 409 and next_cycle.json()["error_kind"] == "Refused"


def test_cli_uses_a_running_service_when_there_is_one(db, prefect_harness, monkeypatch) -> None:
    import json
    import socket
    import threading
    import time

    import uvicorn
    from typer.testing import CliRunner

    from cli.main import app
    from config.settings import reset_settings

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(warm=False), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(100):
            if server.started:
                break
            time.sleep(0.05)
        monkeypatch.setenv("LOFTE_USE_SERVICE", "true")
        monkeypatch.setenv("LOFTE_API_PORT", str(port))
        reset_settings()
        pid = new_promise()
        register("samordnare@sollentuna.se")
        complete_stage(pid, Stage.RESIDENT_DIALOGUE)
        result = CliRunner().invoke(
            app, ["advance", str(pid), "--actor", "samordnare@sollentuna.se", "--json"]
        )
        assert result.exit_code == 0, result.output
        out = json.loads(result.output)
        assert out["via"] == "service" and out["to_stage"] == "joint_analysis"
        refused = CliRunner().invoke(
            app, ["advance", str(pid), "--actor", "samordnare@sollentuna.se", "--json"]
        )
        assert refused.exit_code == 1 and json.loads(refused.output)["unmet"]

        # The approval runs two flows: through the service too, never Prefect in the CLI.
        from tests.test_method import walk_to

        year = new_promise()
        walk_to(year, Stage.YEAR_END_COMPILATION)
        from tests.helpers import add

        add(year, "compilation", summary="Färre rån vid stationen i år.", next_year_plan="Mer.")
        register("styrgrupp@sollentuna.se", role="steering_group")
        approve = ["compilation", "approve", str(year), "--by", "Styrgruppen i Sollentuna"]
        approved = CliRunner().invoke(
            app,
            [
                *approve,
                "--diarienummer",
                "KS 2027/7",
                "--actor",
                "styrgrupp@sollentuna.se",
                "--json",
            ],
        )
        assert approved.exit_code == 0, approved.output
        assert json.loads(approved.output)["via"] == "service"
    finally:
        server.should_exit = True
        thread.join(10)


def test_calendar_feeds_are_served_for_subscription(db) -> None:
    from config.operator_key import ensure_operator_key

    client = TestClient(create_app(warm=False))
    pid = new_promise()
    register("samordnare@sollentuna.se")
    register("region@polisen.se", "regional_coordinator", "Polisregion Stockholm", "police_region")
    key = ensure_operator_key()
    client.headers.update({"Authorization": f"Operator {key}"})
    client.headers["X-Lofte-Actor"] = "samordnare@sollentuna.se"
    response = client.get(f"/ical/promise/{pid}.ics")
    assert response.status_code == 200 and response.headers["content-type"].startswith(
        "text/calendar"
    )
    assert response.text.startswith("BEGIN:VCALENDAR") and "BEGIN:VEVENT" in response.text
    assert client.get("/ical/region/stockholm.ics").status_code == 403  # the region's, not hers
    client.headers["X-Lofte-Actor"] = "region@polisen.se"
    region = client.get("/ical/region/stockholm.ics")
    assert region.status_code == 200 and region.text.count("BEGIN:VEVENT") >= response.text.count(
        "BEGIN:VEVENT"
    )
    assert client.get("/ical/promise/9999.ics").status_code == 404
    assert client.get("/ical/region/narnia.ics").status_code == 422


def test_demo_has_people_in_every_role_who_can_sign_in(db) -> None:
    from application import identity
    from application.demo import DEMO_PASSWORD, SHOWN

    report = demo_region(date(2026, 11, 22))
    assert any(DEMO_PASSWORD in line for line in report["sign_in"])
    for role, email, what in SHOWN:
        _session, principal = identity.sign_in_with_password(email, DEMO_PASSWORD, "127.0.0.1")
        assert principal.role is not None and principal.role.value == role
        assert any(email in line for line in report["sign_in"])
        assert any(line.strip() == what for line in report["sign_in"])
    # The coordinator shown first can take a promise through the whole cycle from its start,
    # and both parties of it have someone who may sign (issue 25: signing was a dead end).
    from sqlmodel import select

    from models import Organisation, Person, Promise

    with session_scope() as s:
        norrmalm = s.exec(
            select(Promise)
            .join(Organisation, Promise.municipality_id == Organisation.id)
            .where(Organisation.name == "Norrmalm")
        ).first()
        assert norrmalm is not None and norrmalm.stage.value == "resident_dialogue"
        signers = s.exec(
            select(Person).where(
                Person.role == "steering_group",
                Person.organisation_id.in_([norrmalm.municipality_id, norrmalm.police_area_id]),
            )
        ).all()
        assert {p.organisation_id for p in signers} == {
            norrmalm.municipality_id,
            norrmalm.police_area_id,
        }
