"""Status reports reach the region's endpoint (a real receiver on 127.0.0.1), signed, once a
day; snapshots are stored for trends; transitions send a small status event."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlmodel import Session, select

from config.settings import ConfigError
from effects.status_event import enqueue_transition_status_event
from jobs.status_report import run_status_reports, status_history
from lifecycle.permissions import system_principal
from lifecycle.stages import Stage
from lifecycle.transitions import TransitionKind, TransitionPlan
from models.db import session_scope
from models.operations import OutboxMessage, StatusSnapshot
from models.promise import Promise
from notifications.dispatcher import dispatch_pending
from notifications.signing import verify
from notifications.status_routes import load_routes, route_for
from tests.regional.conftest import HOOK_SECRET

pytestmark = pytest.mark.timeout(120)

PATH = "/status/stockholm"


def _late_promise(world: Any) -> int:
    """A promise in continuous evaluation since January 2026 with no round submitted."""
    pid = world.promise(
        term_start=date(2026, 1, 1), area="Hässelby-Vällingby", today=date(2025, 10, 1)
    )
    world.move(pid, Stage.CONTINUOUS_EVALUATION)
    return pid


def _snapshots(engine: Any) -> list[StatusSnapshot]:
    with Session(engine) as s:
        return list(s.exec(select(StatusSnapshot).order_by(StatusSnapshot.taken_on)))  # type: ignore[arg-type]


def test_snapshot_reaches_the_receiver_signed_and_a_second_run_sends_nothing(
    db, world, receiver, status_setup
) -> None:
    pid = _late_promise(world)

    first = run_status_reports(db.engine, "2026-09-21T08:00", setup=status_setup, routes={})
    assert [(r.region, r.snapshot_created, r.queued, r.channel) for r in first.regions] == [
        ("stockholm", True, True, "region-stockholm")
    ]
    assert first.dispatch and first.dispatch["sent"] == 1
    [request] = receiver.on(PATH)
    # Signed (Standard Webhooks): the signature verifies with the region's secret.
    assert verify(HOOK_SECRET, request.headers, request.body) == "status:stockholm:2026-09-21"
    body = request.json()
    assert body["kind"] == "status_report" and body["language"] == "sv"
    assert "Lägesrapport för Polisregion Stockholm, måndag 21 september 2026" in body["text"]
    data = body["data"]
    assert data["totals"] == {"promises": 1, "on_track": 0, "late": 1}
    assert data["summary"]["late_evaluations"] == 1 and data["summary"]["overdue_rounds"] == 2
    [row] = data["rows"]
    assert row["promise_id"] == pid
    # Stockholm's tertials: round 1 due 18 May, round 2 due 14 September (ten working days
    # after 30 April and 31 August): 89 and 5 working days late on Monday 21 September.
    assert [(o["round"], o["working_days_late"]) for o in row["overdue"]] == [(1, 89), (2, 5)]
    assert [(x["what"], x["days_overdue"]) for x in data["late"]] == [
        ("Uppföljning 1", 89),
        ("Uppföljning 2", 5),
    ]
    assert data["trend"]["previous"] is None

    # Same day, later: nothing new stored, queued or sent.
    again = run_status_reports(db.engine, "2026-09-21T15:30", setup=status_setup, routes={})
    assert [(r.snapshot_created, r.queued) for r in again.regions] == [(False, False)]
    assert again.dispatch is None
    assert len(receiver.on(PATH)) == 1
    assert len(_snapshots(db.engine)) == 1
    with Session(db.engine) as s:
        assert (
            len(s.exec(select(OutboxMessage).where(OutboxMessage.kind == "status_report")).all())
            == 1
        )

    # A week later: a new snapshot, compared with the last one (trend).
    run_status_reports(db.engine, "2026-09-28T08:00", setup=status_setup, routes={})
    assert len(receiver.on(PATH)) == 2
    later = receiver.on(PATH)[1].json()["data"]
    assert later["trend"]["previous"]["taken_on"] == "2026-09-21"
    assert later["trend"]["previous"]["change"]["late"] == 0
    assert later["trend"]["previous"]["change"]["worst_working_days_late"] == 5
    assert "Förra rapporten (måndag 21 september 2026)" in receiver.on(PATH)[1].json()["text"]
    with Session(db.engine) as s:
        history = status_history(s, "stockholm")
    assert [(h["taken_on"], h["late"], h["worst_working_days_late"]) for h in history] == [
        ("2026-09-28", 1, 94),
        ("2026-09-21", 1, 89),
    ]


def test_region_without_a_status_channel_still_gets_its_snapshot(db, world) -> None:
    _late_promise(world)
    report = run_status_reports(db.engine, "2026-09-21", setup=None, routes={})
    assert report.unrouted == ["stockholm"] and report.queued == 0
    assert [s.taken_on for s in _snapshots(db.engine)] == [date(2026, 9, 21)]


def test_transition_sends_a_status_event_once(
    db, world, receiver, status_setup, channels_file, tmp_path, monkeypatch
) -> None:
    routes = tmp_path / "status_reports.yaml"
    routes.write_text(
        yaml.safe_dump(
            {"regions": {"stockholm": {"channel": "region-stockholm", "language": "en"}}}
        )
    )
    monkeypatch.setenv("LOFTE_STATUS_REPORTS_FILE", str(routes))
    pid = world.promise(term_start=date(2027, 1, 1), area="Bromma")
    plan = TransitionPlan(Stage.RESIDENT_DIALOGUE, Stage.JOINT_ANALYSIS, TransitionKind.FORWARD, 1)
    with session_scope(db.engine) as s:
        promise = s.get(Promise, pid)
        assert promise is not None
        promise.stage, promise.version = Stage.JOINT_ANALYSIS, 2
        s.add(promise)
        s.flush()
        anna = system_principal("anna@stockholm.example")
        assert enqueue_transition_status_event(s, promise, plan, anna) == 1
        assert enqueue_transition_status_event(s, promise, plan, anna) == 0
    dispatch_pending(db.engine, setup=status_setup)
    [request] = receiver.on(PATH)
    assert verify(HOOK_SECRET, request.headers, request.body) == f"status-event:{pid}:v2"
    body = request.json()
    assert body["kind"] == "status_event" and body["recipient"] == "region:stockholm"
    assert (
        body["data"]["from_stage"] == "resident_dialogue"
        and body["data"]["to_stage"] == "joint_analysis"
    )
    assert (
        "Bromma" in body["text"] and "Joint analysis" in body["text"]
    )  # the region asked for English

    # A region with no route, or a broken routes file, never stops a transition.
    routes.write_text("regions: {stockholm: {chanel: oops}}")
    with session_scope(db.engine) as s:
        promise = s.get(Promise, pid)
        assert promise is not None
        promise.version = 3
        assert enqueue_transition_status_event(s, promise, plan, "anna@stockholm.example") == 0


def test_routes_file_errors_name_the_file_and_key(tmp_path: Path, status_setup) -> None:
    bad = tmp_path / "status.yaml"
    bad.write_text("regions: {stockholm: {channel: region-stockholm, language: fi}}")
    with pytest.raises(ConfigError, match=r"status.yaml: regions.stockholm.language"):
        load_routes(bad)
    good = tmp_path / "ok.yaml"
    good.write_text("regions: {stockholm: {channel: region-sthlm}}")
    with pytest.raises(
        ConfigError,
        match=r"regions.stockholm.channel: channel 'region-sthlm' is not in the channels file",
    ):
        route_for("stockholm", load_routes(good), status_setup)
    with pytest.raises(ConfigError, match="does not exist"):
        load_routes(tmp_path / "missing.yaml")
    assert route_for("stockholm", {}, status_setup) is not None  # convention: region-stockholm
    assert route_for("syd", {}, status_setup) is None


def test_status_cli_report_history_and_bad_input(
    db, world, receiver, channels_file, cli, monkeypatch
) -> None:
    from config.settings import reset_settings

    _late_promise(world)
    monkeypatch.setenv("LOFTE_NOW", "2026-09-21T07:00:00+02:00")  # the server's clock, frozen
    reset_settings()
    result = cli("status", "report", "--region", "stockholm", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["queued"] == 1 and report["dispatch"]["sent"] == 1
    assert len(receiver.on(PATH)) == 1
    result = cli("status", "report", "--region", "stockholm")
    assert result.exit_code == 0 and "fanns redan / already stored" in result.stdout
    assert len(receiver.on(PATH)) == 1

    history = json.loads(cli("status", "history", "--region", "stockholm", "--json").stdout)
    assert [h["taken_on"] for h in history] == ["2026-09-21"]
    assert "2026-09-21" in cli("status", "history", "--region", "stockholm").stdout

    for args in (
        ["status", "history", "--region", "atlantis"],
        ["status", "report", "--region", "atlantis"],
        ["overview", "--region", "atlantis"],
        ["overview", "--format", "pdf"],
        ["overview", "--format", "xlsx"],
        ["overview", "--language", "fi"],
        ["overview", "--now", "2026-13-01"],
    ):
        bad = cli(*args)
        assert bad.exit_code == 2, (args, bad.output)
        assert "Fel / error" in bad.output
    assert len(_snapshots(db.engine)) == 1  # nothing written by the refused commands


def test_status_report_flow_runs_in_prefect(
    db, world, receiver, channels_file, prefect_harness
) -> None:
    from flows.status_report import status_report_flow

    _late_promise(world)
    result = status_report_flow(now="2026-09-21T08:00")
    assert result["queued"] == 1 and result["regions"][0]["region"] == "stockholm"
    [request] = receiver.on(PATH)
    assert verify(HOOK_SECRET, request.headers, request.body) == "status:stockholm:2026-09-21"


def test_an_advance_queues_the_status_event_in_its_own_transaction(
    db, world, channels_file, tmp_path, monkeypatch
) -> None:
    from sqlmodel import select

    from application.transitions import advance_promise
    from models import OutboxMessage
    from tests.helpers import complete_stage

    routes = tmp_path / "status_reports.yaml"
    routes.write_text(yaml.safe_dump({"regions": {"stockholm": {"channel": "region-stockholm"}}}))
    monkeypatch.setenv("LOFTE_STATUS_REPORTS_FILE", str(routes))
    pid = world.promise(term_start=date(2027, 1, 1), area="Bromma")
    complete_stage(pid, Stage.RESIDENT_DIALOGUE)
    result = advance_promise(pid, system_principal("anna@stockholm.example"))
    assert result.effects["status_events"] == 1
    with session_scope(db.engine) as s:
        [event] = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "status_event")).all()
    assert event.idempotency_key == f"status-event:{pid}:v2" and event.channel == "region-stockholm"
