"""Issue 11: an artefact can be changed or removed after it was recorded, by those allowed,
checked as a new one would be; a changed plan loses its signatures; everything audited."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from application.artefact_changes import (
    ArtefactChange,
    ArtefactRef,
    change_artefact,
    remove_artefact,
    show_artefact,
)
from lifecycle.errors import Conflict, Forbidden, InputError, Refused
from lifecycle.stages import Stage
from models import Activity, AuditEvent, Dialogue, Goal, Problem, SignOff
from models.db import session_scope
from tests.helpers import ACTOR, complete_stage, ids, new_promise, register
from tests.test_method import walk_to


def _signed_plan() -> int:
    pid = new_promise(start=date(2026, 1, 1))
    walk_to(pid, Stage.ACTION_PLAN)
    complete_stage(pid, Stage.ACTION_PLAN)  # activities, promise text and both signatures
    return pid


def _live_signoffs(pid: int) -> int:
    with session_scope() as s:
        rows = s.exec(select(SignOff).where(SignOff.promise_id == pid)).all()
        return sum(1 for r in rows if r.revoked_at is None)


def test_a_change_keeps_the_other_fields_revokes_signatures_and_is_audited(db) -> None:
    pid = _signed_plan()
    assert _live_signoffs(pid) == 2
    problem = ids(pid, Problem)[0]
    before = show_artefact(ACTOR, ArtefactRef(promise_id=pid, kind="problem", artefact_id=problem))
    assert before.fields["places"]  # given in a file: not in the form, kept by a change
    done = change_artefact(
        ACTOR,
        ArtefactChange(
            promise_id=pid, kind="problem", artefact_id=problem, fields={"title": "Ny rubrik"}
        ),
    )
    assert done.model_dump() == {"ok": True, "changed": ["title"], "signoffs_revoked": 2}
    after = show_artefact(ACTOR, ArtefactRef(promise_id=pid, kind="problem", artefact_id=problem))
    assert after.fields == {**before.fields, "title": "Ny rubrik"}
    assert _live_signoffs(pid) == 0
    with session_scope() as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "artefact_changed")).one()
        assert event.details["fields"] == ["title"] and event.actor == ACTOR.email
    # the same values again: nothing changed, nothing audited
    change_artefact(
        ACTOR,
        ArtefactChange(
            promise_id=pid, kind="problem", artefact_id=problem, fields={"title": "Ny rubrik"}
        ),
    )
    with session_scope() as s:
        assert (
            len(s.exec(select(AuditEvent).where(AuditEvent.action == "artefact_changed")).all())
            == 1
        )


def test_a_bad_change_writes_nothing_and_the_stage_window_applies(db) -> None:
    pid = _signed_plan()
    goal = ids(pid, Goal)[0]
    with pytest.raises(InputError):
        change_artefact(
            ACTOR,
            ArtefactChange(
                promise_id=pid, kind="goal", artefact_id=goal, fields={"target_date": "2030-01-01"}
            ),
        )
    with pytest.raises(InputError):
        change_artefact(
            ACTOR,
            ArtefactChange(promise_id=pid, kind="signoff", artefact_id=1, fields={"x": 1}),
        )
    assert _live_signoffs(pid) == 2
    closed = new_promise(start=date(2025, 1, 1), municipality="Järfälla")
    walk_to(closed, Stage.CLOSED)
    dialogue = ids(closed, Dialogue)[0]
    with pytest.raises(Refused):  # a closed promise is the record: nothing changes
        change_artefact(
            ACTOR,
            ArtefactChange(
                promise_id=closed, kind="dialogue", artefact_id=dialogue, fields={"participants": 3}
            ),
        )


def test_removal_is_refused_while_something_rests_on_it(db) -> None:
    pid = _signed_plan()
    problem, goal = ids(pid, Problem)[0], ids(pid, Goal)[0]
    with pytest.raises(Conflict, match="goals"):
        remove_artefact(ACTOR, ArtefactRef(promise_id=pid, kind="problem", artefact_id=problem))
    with pytest.raises(Conflict, match="activities"):
        remove_artefact(ACTOR, ArtefactRef(promise_id=pid, kind="goal", artefact_id=goal))
    for activity in ids(pid, Activity):
        with session_scope() as s:
            if s.get(Activity, activity).goal_id != goal:  # type: ignore[union-attr]
                continue
        remove_artefact(ACTOR, ArtefactRef(promise_id=pid, kind="activity", artefact_id=activity))
    remove_artefact(ACTOR, ArtefactRef(promise_id=pid, kind="goal", artefact_id=goal))
    with session_scope() as s:
        assert s.get(Goal, goal) is None
        removed = s.exec(select(AuditEvent).where(AuditEvent.action == "artefact_removed")).all()
        assert removed[-1].details["was"]["description"]  # the trail keeps what it was


def test_another_municipality_may_not_change_or_remove(db) -> None:
    pid = _signed_plan()
    other = register("samordnare@jarfalla.se", organisation="Järfälla")
    goal = ids(pid, Goal)[0]
    with pytest.raises(Forbidden):
        change_artefact(
            other,
            ArtefactChange(promise_id=pid, kind="goal", artefact_id=goal, fields={"target": 1}),
        )
    with pytest.raises(Forbidden):
        remove_artefact(other, ArtefactRef(promise_id=pid, kind="goal", artefact_id=goal))
    assert _live_signoffs(pid) == 2
