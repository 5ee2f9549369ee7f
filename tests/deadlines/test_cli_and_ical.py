"""The commands (through Typer, as a person types them) and the iCalendar feeds."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import time_machine
import typer
from sqlmodel import Session
from typer.testing import CliRunner

from cli.deadlines import calendar_app, deadlines_app, ical_app, reminders_app, scheduler_command
from views.ical import fold, promise_feed, region_feed

from .conftest import ADMIN, MUNICIPAL, REGIONAL, World

app = typer.Typer()
app.add_typer(deadlines_app)
app.add_typer(calendar_app, name="calendar")
app.add_typer(reminders_app, name="reminders")
app.add_typer(ical_app, name="ical")
app.command("scheduler")(scheduler_command)
runner = CliRunner(env={"LOFTE_ACTOR": MUNICIPAL})  # the district's coordinator, on the server
as_admin = CliRunner(env={"LOFTE_ACTOR": ADMIN})
as_region = CliRunner(env={"LOFTE_ACTOR": REGIONAL})


def _invoke(*args: str, runner: CliRunner = runner) -> object:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result


def test_deadlines_json(world: World) -> None:
    promise_id = world.promise()
    result = runner.invoke(app, ["deadlines", str(promise_id), "--json", "--now", "2025-12-01"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    # five stages, Stockholm's two tertial rounds (the third is in the compilation), compilation
    assert len(rows) == 8
    first = rows[0]
    assert {"kind", "stage", "due", "done"} <= set(first)
    assert (first["kind"], first["stage"], first["due"], first["done"]) == (
        "stage",
        "resident_dialogue",
        "2025-10-23",
        False,
    )
    assert first["status"] == "overdue"
    action_plan = next(r for r in rows if r["stage"] == "action_plan")
    assert (action_plan["due"], action_plan["nominal_due"]) == ("2025-12-30", "2025-12-31")
    text = runner.invoke(app, ["deadlines", str(promise_id), "--now", "2025-12-01"])
    assert "Åtgärdsplan" in text.output and "försenad" in text.output
    missing = runner.invoke(app, ["deadlines", "999", "--json"])
    assert missing.exit_code == 2 and "999" in missing.output


def test_reminders_run_json_and_dry_run(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from config.settings import reset_settings

    world.promise()
    dry = as_admin.invoke(
        app, ["reminders", "run", "--now", "2025-10-03T07:00", "--dry-run", "--json"]
    )
    assert dry.exit_code == 0, dry.output
    would = json.loads(dry.output)["would_queue"]
    assert {d["recipient"] for d in would} == {
        "anna.samordnare@stockholm.example",
        "kim.kommunpolis@polisen.example",
    }
    assert world.messages() == []  # a dry run writes nothing
    # A real run works at the server's time (frozen here with LOFTE_NOW); no client sets it.
    refused = as_admin.invoke(app, ["reminders", "run", "--now", "2025-10-03T07:00"])
    assert refused.exit_code == 2 and "--dry-run" in refused.output
    monkeypatch.setenv("LOFTE_NOW", "2025-10-03T07:00:00+02:00")
    reset_settings()
    first = json.loads(as_admin.invoke(app, ["reminders", "run", "--json"]).output)
    assert (first["queued"], first["skipped"]) == (2, 0)
    monkeypatch.setenv("LOFTE_NOW", "2025-10-03T08:00:00+02:00")
    reset_settings()
    second = json.loads(as_admin.invoke(app, ["reminders", "run", "--json"]).output)
    assert (second["queued"], second["skipped"], second["day"]) == (0, 2, "2025-10-03")
    coordinator = runner.invoke(app, ["reminders", "run", "--json"])
    assert coordinator.exit_code == 3  # running reminders is for admins
    monkeypatch.setenv("LOFTE_NOW", "2026-06-19T07:00:00+02:00")
    reset_settings()
    holiday = as_admin.invoke(app, ["reminders", "run"])
    assert "ingen arbetsdag" in holiday.output
    bad = as_admin.invoke(app, ["reminders", "run", "--now", "midsommar", "--dry-run", "--json"])
    assert bad.exit_code == 2 and "midsommar" in bad.output


def test_calendar_commands(world: World, tmp_path: Path) -> None:
    promise_id = world.promise()
    override = tmp_path / "kalender.yaml"
    override.write_text("evaluation:\n  rhythm: quarterly\n", encoding="utf-8")
    result = runner.invoke(app, ["calendar", "set", str(promise_id), str(override), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["inserted"] == 2  # four rounds instead of Stockholm's two
    shown = json.loads(_invoke("calendar", "show", str(promise_id), "--json").output)  # type: ignore[attr-defined]
    assert shown["calendar"]["evaluation"]["rhythm"] == "quarterly"
    override.write_text("evaluation:\n  rhythm: fortnightly\n", encoding="utf-8")
    broken = runner.invoke(app, ["calendar", "set", str(promise_id), str(override)])
    assert broken.exit_code == 2 and "evaluation.rhythm" in broken.output
    _invoke("calendar", "clear", str(promise_id))
    assert len([d for d in world.deadlines(promise_id) if d.kind == "evaluation_round"]) == 2
    resync = json.loads(_invoke("calendar", "resync", "--json", runner=as_admin).output)  # type: ignore[attr-defined]
    assert resync == {"resynced": 0}


def test_promise_feed_is_valid_icalendar(world: World, monkeypatch) -> None:
    from config.settings import reset_settings

    # UIDs are on the installation's public host, so two installations never share one.
    monkeypatch.setenv("LOFTE_PUBLIC_URL", "https://trygghet.example.se")
    reset_settings()
    with time_machine.travel(datetime(2025, 9, 1, 8, tzinfo=UTC), tick=False):
        promise_id = world.promise(area="Hässelby, Vällingby; Västerort")
    with Session(world.engine) as session:
        feed = promise_feed(session, promise_id, now=datetime(2025, 9, 1, 8, tzinfo=UTC))
    assert feed.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:")
    assert feed.endswith("END:VCALENDAR\r\n")
    assert "\n" not in feed.replace("\r\n", "")  # CRLF only
    lines = feed.split("\r\n")
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    unfolded = feed.replace("\r\n ", "")
    assert unfolded.count("BEGIN:VEVENT") == 8 == unfolded.count("END:VEVENT")
    assert "DTSTART;VALUE=DATE:20251230" in unfolded and "DTEND;VALUE=DATE:20251231" in unfolded
    assert f"UID:promise-{promise_id}-stage-action_plan-y1@trygghet.example.se" in unfolded
    assert "SUMMARY:Åtgärdsplan: Hässelby\\, Vällingby\\; Västerort" in unfolded
    assert "Flyttad från 2025-12-31" in unfolded
    assert "DTSTAMP:20250901T080000Z" in unfolded
    # The feed is the same when nothing changed (calendar programs see no churn).
    with Session(world.engine) as session:
        assert promise_feed(session, promise_id, now=datetime(2025, 9, 1, 8, tzinfo=UTC)) == feed


def test_region_feed_and_commands(world: World, tmp_path: Path) -> None:
    world.promise(area="A")
    closed = world.promise(area="B")
    from lifecycle.stages import Stage

    world.move(closed, Stage.CLOSED)
    with Session(world.engine) as session:
        feed = region_feed(session, "stockholm")
        everything = region_feed(session, "stockholm", include_closed=True)
    assert feed.count("BEGIN:VEVENT") == 8 and everything.count("BEGIN:VEVENT") == 16
    out = tmp_path / "stockholm.ics"
    _invoke("ical", "region", "stockholm", "-o", str(out), runner=as_region)
    assert out.read_bytes().decode("utf-8").count("BEGIN:VEVENT") == 8
    assert as_region.invoke(app, ["ical", "region", "atlantis"]).exit_code == 2
    assert runner.invoke(app, ["ical", "region", "stockholm"]).exit_code == 3
    single = runner.invoke(app, ["ical", "promise", str(closed)])
    assert single.exit_code == 0 and "(klar)" in single.output


def test_fold_never_splits_a_character() -> None:
    line = "SUMMARY:" + "å" * 100
    folded = fold(line)
    parts = folded.split("\r\n ")
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert "".join(parts) == line


def test_scheduler_list(world: World) -> None:
    result = runner.invoke(app, ["scheduler", "--list", "--json"])
    assert result.exit_code == 0, result.output
    jobs = {j["id"]: j for j in json.loads(result.output)}
    assert set(jobs) == {"reminders", "renewal", "dispatch-outbox", "status-report"}
    assert jobs["reminders"]["next_run_time"].endswith("+01:00") or jobs["reminders"][
        "next_run_time"
    ].endswith("+02:00")
    assert "T07:00:00" in jobs["reminders"]["next_run_time"]
    assert date.fromisoformat(jobs["reminders"]["next_run_time"][:10]).weekday() < 5
