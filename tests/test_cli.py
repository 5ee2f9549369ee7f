"""The ``lofte`` command line: JSON contracts, exit codes, bad input that writes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import select
from typer.testing import CliRunner

from cli.main import app
from lifecycle.permissions import system_principal
from models import AuditEvent, Dialogue, Goal, Promise
from models.db import session_scope

runner = CliRunner()


@pytest.fixture(autouse=True)
def _signed_in(db, monkeypatch: pytest.MonkeyPatch) -> None:
    """The commands run as Järfälla's coordinator, named on the server's shell."""
    from tests.helpers import register

    register("samordnare@jarfalla.se", organisation="Järfälla")
    register("kommunpolis@polisen.se", organisation="LPO Järfälla", kind="local_police_area")
    monkeypatch.setenv("LOFTE_ACTOR", "samordnare@jarfalla.se")


def lofte(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, f"exit {result.exit_code}: {result.output}"
    return result.output


def count(model) -> int:
    with session_scope() as s:
        return s.exec(select(func.count()).select_from(model)).one()


CREATE = [
    "promise",
    "create",
    "--region",
    "stockholm",
    "--municipality",
    "Järfälla",
    "--police-area",
    "LPO Järfälla",
    "--start",
    "2026-01-01",
    "--years",
    "2",
    # Created after the fact: its first deadlines lie before today.
    "--late-reason",
    "Registreras i efterhand",
]


def test_init_is_safe_to_run_twice(db) -> None:
    first = json.loads(lofte("init", "--json"))
    second = json.loads(lofte("init", "--json"))
    assert first["after"] == second["after"] == second["before"]
    assert second["regions"] == 7 and second["priority_areas"] == 13


def test_create_list_show_json_contract(db) -> None:
    created = json.loads(lofte(*CREATE, "--json"))
    assert created["stage"] == "resident_dialogue" and isinstance(created["id"], int)
    listed = json.loads(
        lofte("promise", "list", "--region", "stockholm", "--stage", "resident_dialogue", "--json")
    )
    assert [p["id"] for p in listed] == [created["id"]]
    assert json.loads(lofte("promise", "list", "--stage", "goals", "--json")) == []
    shown = json.loads(lofte("promise", "show", str(created["id"]), "--json"))
    assert {"id", "stage", "version", "term_start", "term_end", "unmet", "history"} <= shown.keys()
    assert shown["term_end"] == "2027-12-31" and shown["version"] == 1
    assert shown["unmet"] == [{**shown["unmet"][0], "code": "dialogue.missing"}]
    assert shown["unmet"][0]["message"].startswith("Ingen medborgardialog")
    assert "Järfälla" in lofte("promise", "show", str(created["id"]))


def test_add_from_flags_and_from_yaml_file(db, tmp_path: Path) -> None:
    pid = json.loads(lofte(*CREATE, "--json"))["id"]
    lofte(
        "add",
        str(pid),
        "dialogue",
        "--set",
        "method=survey",
        "--set",
        "held_from=2025-10-01",
        "--set",
        "participants=412",
        "--set",
        "themes=[belysning, cyklister]",
        "--set",
        "results=Otryggt vid Jakobsbergs station",
    )
    file = tmp_path / "dialogue.yaml"
    file.write_text(
        "method: safety_walk\nheld_from: 2025-09-20\nunsafe_places:\n  - place: Kallhälls centrum\n    when: kvällar\n"
    )
    out = json.loads(lofte("add", str(pid), "dialogue", "--file", str(file), "--json"))
    assert out["ok"] and out["unsafe_places"] == [{"place": "Kallhälls centrum", "when": "kvällar"}]
    with session_scope() as s:
        rows = s.exec(select(Dialogue).where(Dialogue.promise_id == pid)).all()
        assert rows[0].themes == ["belysning", "cyklister"] and rows[0].participants == 412


def test_change_and_remove_from_the_command_line(db) -> None:
    pid = json.loads(lofte(*CREATE, "--json"))["id"]
    added = json.loads(
        lofte(
            "add",
            str(pid),
            "dialogue",
            "--set",
            "method=survey",
            "--set",
            "held_from=2025-10-01",
            "--set",
            "participants=40",
            "--json",
        )
    )
    out = json.loads(
        lofte(
            "change", str(pid), "dialogue", str(added["id"]), "--set", "participants=41", "--json"
        )
    )
    assert out["changed"] == ["participants"]
    assert "participants" in lofte(
        "change", str(pid), "dialogue", str(added["id"]), "--set", "participants=-3", code=2
    )
    assert "removed" in lofte("remove", str(pid), "dialogue", str(added["id"]))
    assert count(Dialogue) == 0
    assert "does not exist" in lofte("remove", str(pid), "dialogue", str(added["id"]), code=2)


def test_schema_prints_json_schema(db) -> None:
    assert "goal" in lofte("schema", "--list").split()
    goal = json.loads(lofte("schema", "goal"))
    assert set(goal["required"]) >= {"problem_id", "kind", "indicator", "target_date"}
    assert "unknown kind" in lofte("schema", "nonsense", code=2)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--years", "5"], "years: Input should be less than or equal to 4"),
        (["--start", "2026-02-30"], "start:"),
        (["--region", "narnia"], "unknown region 'narnia'"),
    ],
)
def test_bad_create_input_exits_2_and_writes_nothing(db, args: list[str], message: str) -> None:
    cmd = list(CREATE)
    for flag, value in zip(args[::2], args[1::2], strict=True):
        cmd[cmd.index(flag) + 1] = value
    result = runner.invoke(app, cmd)
    assert result.exit_code == 2
    assert message in result.output
    assert count(Promise) == 0 and count(AuditEvent) == 0


def test_bad_artefact_input_exits_2_with_reason_and_writes_nothing(db, tmp_path: Path) -> None:
    pid = json.loads(lofte(*CREATE, "--json"))["id"]
    before = count(AuditEvent)
    out = lofte(
        "add",
        str(pid),
        "dialogue",
        "--set",
        "method=telepathy",
        "--set",
        "held_from=2025-10-01",
        code=2,
    )
    assert "method: Input should be" in out and "telepathy" in out
    broken = tmp_path / "broken.yaml"
    broken.write_text("method: [unclosed\n")
    assert "not valid YAML" in lofte("add", str(pid), "dialogue", "--file", str(broken), code=2)
    assert "cannot read" in lofte(
        "add", str(pid), "dialogue", "--file", str(tmp_path / "missing.yaml"), code=2
    )
    assert "no promise with id 999" in lofte(
        "add", "999", "dialogue", "--set", "method=survey", code=2
    )
    # A goal's problem must belong to this promise; the stage must have been reached.
    out = lofte(
        "add",
        str(pid),
        "goal",
        "--set",
        "problem_id=1",
        "--set",
        "kind=outcome",
        "--set",
        "description=Färre rån",
        "--set",
        "indicator=rån",
        "--set",
        "target_date=2026-06-01",
        code=1,
    )
    assert "artefact.wrong_stage" in out
    assert count(Goal) == 0 and count(Dialogue) == 0 and count(AuditEvent) == before


def test_goal_with_target_date_before_the_term_is_refused_with_that_sentence(db) -> None:
    from application.transitions import advance_promise
    from lifecycle.stages import Stage
    from tests.helpers import complete_stage

    pid = json.loads(lofte(*CREATE, "--json"))["id"]
    for stage in (Stage.RESIDENT_DIALOGUE, Stage.JOINT_ANALYSIS, Stage.ROOT_CAUSE_ANALYSIS):
        complete_stage(pid, stage)
        advance_promise(pid, system_principal("a@b.se"))
    out = lofte(
        "add",
        str(pid),
        "goal",
        "--set",
        "problem_id=1",
        "--set",
        "kind=outcome",
        "--set",
        "description=Färre rån",
        "--set",
        "indicator=rån",
        "--set",
        "target_date=2025-06-01",
        code=2,
    )
    assert "target_date 2025-06-01 is before the term starts (2026-01-01)" in out
    assert count(Goal) == 0


def test_advance_refused_lists_every_unmet_criterion_exit_1(db, prefect_harness) -> None:
    pid = json.loads(lofte(*CREATE, "--json"))["id"]
    lofte(
        "add",
        str(pid),
        "dialogue",
        "--set",
        "method=survey",
        "--set",
        "held_from=2025-10-01",
        "--set",
        "results=Otryggt",
    )
    moved = json.loads(lofte("advance", str(pid), "--json"))
    assert moved["ok"] and moved["to_stage"] == "joint_analysis" and moved["via"] == "in-process"
    refused = json.loads(lofte("advance", str(pid), "--json", code=1))
    assert [u["code"] for u in refused["unmet"]] == [
        "analysis.police_picture_missing",
        "analysis.municipality_picture_missing",
        "analysis.no_focus_area",
    ]
    text = lofte("advance", str(pid), code=1)
    assert text.count("[analysis.") == 3
    assert "e-mail" in lofte("advance", str(pid), "--actor", "nobody", code=2)
    assert "unknown stage" in lofte("advance", str(pid), "--to", "nowhere", code=2)
    history = lofte("history", str(pid))
    assert "resident_dialogue -> joint_analysis" in history and "samordnare@jarfalla.se" in history
    shown = json.loads(lofte("promise", "show", str(pid), "--json"))
    assert [(h["from_stage"], h["to_stage"], h["actor"]) for h in shown["history"]] == [
        ("resident_dialogue", "joint_analysis", "samordnare@jarfalla.se")
    ]


def test_promise_belongs_to_an_agreement_of_its_parties_covering_its_term(db) -> None:
    agreement = json.loads(
        lofte(
            "agreement",
            "create",
            "--region",
            "stockholm",
            "--municipality",
            "Järfälla",
            "--police-area",
            "LPO Järfälla",
            "--start",
            "2026-01-01",
            "--years",
            "3",
            "--json",
        )
    )
    assert agreement["term_end"] == "2028-12-31"
    created = json.loads(lofte(*CREATE, "--agreement", str(agreement["id"]), "--json"))
    with session_scope() as s:
        assert s.get(Promise, created["id"]).agreement_id == agreement["id"]
    too_long = list(CREATE)
    too_long[too_long.index("--start") + 1] = "2028-01-01"
    out = lofte(*too_long, "--agreement", str(agreement["id"]), code=2)
    assert "is not within agreement" in out
    other = lofte(
        "promise",
        "create",
        "--region",
        "stockholm",
        "--municipality",
        "Solna",
        "--police-area",
        "LPO Solna",
        "--start",
        "2026-01-01",
        "--years",
        "1",
        "--agreement",
        str(agreement["id"]),
        code=3,
    )
    assert "inte part i löftet" in other  # Järfälla's coordinator cannot create Solna's
    assert "years: Input should be greater than or equal to 2" in lofte(
        "agreement",
        "create",
        "--region",
        "stockholm",
        "--municipality",
        "Järfälla",
        "--police-area",
        "LPO Järfälla",
        "--start",
        "2026-01-01",
        "--years",
        "1",
        code=2,
    )
    assert count(Promise) == 1
