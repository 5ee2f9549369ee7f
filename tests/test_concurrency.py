"""Two coordinators advancing the same promise at the same moment: exactly one wins."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func
from sqlmodel import select

import application.transitions as transition
from application.transitions import advance_promise
from lifecycle.errors import Conflict
from lifecycle.permissions import system_principal
from lifecycle.stages import Stage
from models import AuditEvent
from models.db import session_scope
from tests.helpers import complete_stage, new_promise, promise


def _transitions(pid: int) -> int:
    with session_scope() as s:
        return s.exec(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.promise_id == pid, AuditEvent.action == "transition")
        ).one()


@pytest.mark.parametrize(
    "db", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_concurrent_advance_on_two_postgres_connections(
    db, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid = new_promise()
    complete_stage(pid, Stage.RESIDENT_DIALOGUE)
    first_wrote = threading.Event()
    real_after = transition.after_transition

    def slow_after(session, p, plan, today, actor):  # runs inside the first writer's transaction
        effects = real_after(session, p, plan, today, actor)
        if actor.email == "first@x.se":
            first_wrote.set()
            time.sleep(0.5)  # hold the row lock while the second coordinator reads and writes
        return effects

    monkeypatch.setattr(transition, "after_transition", slow_after)
    outcomes: dict[str, object] = {}

    def run(actor: str) -> None:
        try:
            outcomes[actor] = advance_promise(pid, system_principal(actor))
        except Exception as exc:  # the outcome is what we check
            outcomes[actor] = exc

    first = threading.Thread(target=run, args=("first@x.se",))
    first.start()
    assert first_wrote.wait(10)
    second = threading.Thread(target=run, args=("second@x.se",))
    second.start()
    first.join(20)
    second.join(20)
    assert getattr(outcomes["first@x.se"], "ok", False) is True
    assert isinstance(outcomes["second@x.se"], Conflict), outcomes["second@x.se"]
    assert "changed by someone else" in str(outcomes["second@x.se"])
    p = promise(pid)
    assert (p.stage, p.version) == (Stage.JOINT_ANALYSIS, 2)
    assert _transitions(pid) == 1


def test_stale_version_is_a_conflict_and_writes_nothing(db) -> None:
    pid = new_promise()
    complete_stage(pid, Stage.RESIDENT_DIALOGUE)
    results = []
    errors = []

    def run(actor: str) -> None:
        try:
            results.append(advance_promise(pid, system_principal(actor), expected_version=1))
        except Conflict as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(f"c{i}@x.se",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert len(results) == 1 and len(errors) == 1
    assert promise(pid).version == 2 and _transitions(pid) == 1
