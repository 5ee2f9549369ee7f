"""One promise walked through every stage to closed and into its next cycle, through the
Prefect flows, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from application.transitions import AdvanceRequest
from flows.transition import Refusal, advance_promise_flow
from lifecycle.stages import CYCLE, Stage
from models import AuditEvent, EvaluationRound, Problem, Promise, PromiseText, SignOff
from models.db import session_scope
from tests.helpers import ACTOR, complete_stage, new_promise, promise

pytestmark = pytest.mark.usefixtures("prefect_harness")


def test_walk_from_dialogue_to_closed_and_next_cycle(db, monkeypatch) -> None:
    from config.settings import reset_settings

    # Walked on a day of its term: once the year is over, continuous evaluation no longer
    # waits for missed rounds (the compilation reports them), and the walk means the opposite.
    monkeypatch.setenv("LOFTE_NOW", "2026-12-02T09:00:00+01:00")
    reset_settings()
    pid = new_promise(start=date(2026, 1, 1), years=1)
    for stage in CYCLE:
        assert promise(pid).stage is stage
        refused = advance_promise_flow(ACTOR, AdvanceRequest(promise_id=pid))
        assert isinstance(refused, Refusal) and refused.error.unmet, (
            f"{stage} advanced before its work was done"
        )
        complete_stage(pid, stage)
        result = advance_promise_flow(ACTOR, AdvanceRequest(promise_id=pid))
        assert not isinstance(result, Refusal), result
        assert result.from_stage == stage.value
        assert result.flow_run_id

    closed = promise(pid)
    assert closed.stage is Stage.CLOSED and closed.closed_at is not None
    assert closed.version == len(CYCLE) + 1
    next_id = result.next_promise_id
    assert next_id
    nxt = promise(next_id)
    assert nxt.stage is Stage.RESIDENT_DIALOGUE
    assert nxt.previous_promise_id == pid
    assert nxt.term_start == date(2027, 1, 1) and nxt.term_end == date(2027, 12, 31)

    with session_scope() as s:
        seeded = s.exec(select(Problem).where(Problem.promise_id == next_id)).all()
        assert len(seeded) == 4 and all(not p.selected and p.origin_problem_id for p in seeded)
        transitions = s.exec(
            select(AuditEvent)
            .where(AuditEvent.promise_id == pid, AuditEvent.action == "transition")
            .order_by(AuditEvent.id)
        ).all()
        assert [(t.from_stage, t.to_stage) for t in transitions] == [
            (a.value, b.value) for a, b in zip(CYCLE, [*CYCLE[1:], Stage.CLOSED], strict=True)
        ]
        assert all(t.actor == ACTOR.email and t.flow_run_id for t in transitions)
        text = s.exec(select(PromiseText).where(PromiseText.promise_id == pid)).one()
        assert text.published_at is not None  # published when the plan was signed and enacted
        assert (
            len(s.exec(select(EvaluationRound).where(EvaluationRound.promise_id == pid)).all()) == 2
        )  # Stockholm's two tertial rounds; the third tertial is reported in the compilation


def test_multi_year_term_returns_to_action_plan_and_needs_new_signatures(db) -> None:
    pid = new_promise(start=date(2026, 1, 1), years=2)
    for stage in CYCLE:
        complete_stage(pid, stage)
        assert advance_promise_flow(ACTOR, AdvanceRequest(promise_id=pid)).ok
    p = promise(pid)
    assert (p.stage, p.cycle_year) == (Stage.ACTION_PLAN, 2)
    refused = advance_promise_flow(ACTOR, AdvanceRequest(promise_id=pid))
    assert isinstance(refused, Refusal)
    assert {u.code for u in refused.error.unmet} == {
        "signoff.police_missing",
        "signoff.municipality_missing",
        "promise_text.missing",
        # seed 004: "erfarenheterna ligger till grund när analysen och prioriteringarna uppdateras"
        "analysis_update.survey_results_missing",
        "analysis_update.situation_picture_missing",
        "analysis_update.priorities_missing",
    }
    complete_stage(pid, Stage.ACTION_PLAN)
    assert advance_promise_flow(ACTOR, AdvanceRequest(promise_id=pid)).ok
    with session_scope() as s:
        rounds = s.exec(
            select(EvaluationRound).where(
                EvaluationRound.promise_id == pid, EvaluationRound.cycle_year == 2
            )
        ).all()
        # Stockholm's tertials: ten working days after 30 April (Ascension Day 6 May is a
        # holiday) and 31 August; the last tertial is in the year-end compilation.
        assert [r.due for r in rounds] == [date(2027, 5, 17), date(2027, 9, 14)]


def test_going_back_is_audited_with_its_reason_and_revokes_signatures(db) -> None:
    pid = new_promise()
    for stage in CYCLE[:5]:
        complete_stage(pid, stage)
        if stage is not Stage.ACTION_PLAN:
            assert advance_promise_flow(ACTOR, AdvanceRequest(promise_id=pid)).ok
    assert promise(pid).stage is Stage.ACTION_PLAN
    no_reason = advance_promise_flow(ACTOR, AdvanceRequest(promise_id=pid, to="goals"))
    assert isinstance(no_reason, Refusal)
    assert [u.code for u in no_reason.error.unmet] == ["transition.reason_required"]
    back = advance_promise_flow(
        ACTOR, AdvanceRequest(promise_id=pid, to="goals", reason="Polisen vill lägga till ett mål")
    )
    assert not isinstance(back, Refusal)
    assert back.kind == "back" and back.effects["signoffs_revoked"] == 2
    with session_scope() as s:
        assert all(
            x.revoked_at for x in s.exec(select(SignOff).where(SignOff.promise_id == pid)).all()
        )
        event = s.exec(
            select(AuditEvent)
            .where(AuditEvent.promise_id == pid, AuditEvent.to_stage == "goals")
            .order_by(AuditEvent.id.desc())
        ).first()  # type: ignore[union-attr]
        assert event and event.reason == "Polisen vill lägga till ett mål"
        assert s.get(Promise, pid).stage is Stage.GOALS  # type: ignore[union-attr]


def test_a_flow_run_for_a_named_person_is_checked_like_the_api(db, prefect_harness) -> None:
    from flows.transition import advance_promise_as
    from tests.helpers import register

    pid = new_promise()
    complete_stage(pid, Stage.RESIDENT_DIALOGUE)
    register("samordnare@sollentuna.se")
    register("samordnare@jarfalla.se", organisation="Järfälla")
    refused = advance_promise_as("samordnare@jarfalla.se", pid)
    assert not refused["ok"] and refused["error_kind"] == "Forbidden"
    unknown = advance_promise_as("nobody@example.se", pid)
    assert not unknown["ok"] and unknown["error_kind"] == "NotAuthenticated"
    moved = advance_promise_as("samordnare@sollentuna.se", pid)
    assert moved["ok"] and moved["to_stage"] == "joint_analysis"
    with session_scope() as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "transition")).one()
    assert event.actor == "samordnare@sollentuna.se" and event.auth_method == "deployment"
    assert event.auth_proof and event.auth_proof.startswith("flow-run:")
