"""The stored status of each promise equals the status computed from the tables, after every
committed transaction of every use case: the demo region (promises created, every stage
walked, rounds submitted, compilations approved, next cycles opened), one promise walked
through the flows, artefacts changed and removed, and a bulk change named by hand."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, select

from effects.promise_status import compute, refresh_missing, stored
from lifecycle.errors import LofteError
from lifecycle.stages import CYCLE, Stage
from models import Activity, Promise
from models.db import get_engine, session_scope
from tests.helpers import ACTOR, complete_stage, new_promise


def _mismatches() -> list[tuple[int, dict[str, Any], dict[str, Any]]]:
    with Session(get_engine()) as session:
        ids = list(session.exec(select(Promise.id)).all())
        fresh = compute(session, [i for i in ids if i is not None])
        kept = stored(session, fresh)
    return [(pid, fresh[pid], kept.get(pid, {})) for pid in fresh if fresh[pid] != kept.get(pid)]


@pytest.fixture
def checked_commits(db) -> Iterator[list[int]]:
    """After every commit on the test's database, the stored status is compared with the
    computed one; the fixture yields the number of commits checked (to see it ran)."""
    url = str(db.engine.url)
    commits = [0]
    failures: list[Any] = []

    def check(session: OrmSession) -> None:
        bind = session.bind
        if bind is None or str(getattr(bind, "url", "")) != url:  # Prefect's own database
            return
        commits[0] += 1
        found = _mismatches()
        if found:
            failures.append(found)

    event.listen(OrmSession, "after_commit", check)
    try:
        yield commits
    finally:
        event.remove(OrmSession, "after_commit", check)
    assert not failures, failures[0]


def test_status_in_step_through_the_demo_region(checked_commits) -> None:
    from application.demo import load_demo

    load_demo(date(2026, 11, 22))
    assert checked_commits[0] > 20
    assert not _mismatches()
    with Session(get_engine()) as s:
        statuses = stored(s, [p.id for p in s.exec(select(Promise)).all() if p.id])
    assert any(st["closed"] for st in statuses.values())
    assert any(st["published"] for st in statuses.values())
    assert any(st["not_done"] for st in statuses.values())
    assert any(st["public_reports"] for st in statuses.values())


def test_region_pages_page_and_filter_what_they_show(db) -> None:
    """One page of the overview is that slice of the whole, worst first, with the same
    summary; the public region page shows the running promises, an earlier year on request."""
    from application.public import published_promises
    from reports.overview import build_overview
    from tests.demo_copy import demo_region

    day = date(2026, 11, 22)
    demo_region(day)
    with Session(get_engine()) as s:
        whole = build_overview(s, "stockholm", day)
        page = build_overview(s, "stockholm", day, offset=1, limit=2)
        late = build_overview(s, "stockholm", day, late=True)
        closed = {p.id for p in s.exec(select(Promise).where(Promise.stage == Stage.CLOSED))}
    assert len(whole["rows"]) > 3
    assert page["rows"] == whole["rows"][1:3]
    assert page["summary"] == whole["summary"]
    assert page["page"]["total"] == len(whole["rows"])
    assert late["rows"] and all(r["worst_working_days_late"] > 0 for r in late["rows"])
    assert late["page"]["total"] == sum(1 for r in whole["rows"] if r["worst_working_days_late"])

    everything = published_promises("stockholm")
    running = published_promises("stockholm", current=True)
    shown_closed = {r["id"] for r in everything["promises"]} & closed
    assert shown_closed, "the demo has a published, closed promise"
    assert not {r["id"] for r in running["promises"]} & closed
    assert running["total"] == len(running["promises"]) == everything["total"] - len(shown_closed)
    first = published_promises("stockholm", current=True, limit=1)
    assert first["promises"] == running["promises"][:1] and first["total"] == running["total"]
    with Session(get_engine()) as s:
        year = stored(s, shown_closed)[min(shown_closed)]["current_year"]
    earlier = published_promises("stockholm", year=year)
    assert min(shown_closed) in {r["id"] for r in earlier["promises"]}


@pytest.mark.usefixtures("prefect_harness")
def test_status_in_step_through_every_stage_and_artefact_changes(
    checked_commits, monkeypatch
) -> None:
    from application.artefact_changes import (
        ArtefactChange,
        ArtefactRef,
        change_artefact,
        remove_artefact,
    )
    from application.transitions import AdvanceRequest
    from config.settings import reset_settings
    from flows.transition import advance_promise_flow

    monkeypatch.setenv("LOFTE_NOW", "2026-12-02T09:00:00+01:00")
    reset_settings()
    pid = new_promise(start=date(2026, 1, 1), years=1)
    for stage in CYCLE:
        complete_stage(pid, stage)
        assert advance_promise_flow(ACTOR, AdvanceRequest(promise_id=pid)).ok
    with Session(get_engine()) as s:
        st = stored(s, [pid])[pid]
    assert st["stage"] == Stage.CLOSED.value and st["closed"] and st["published"]
    assert checked_commits[0] > len(CYCLE)

    other = new_promise(start=date(2027, 1, 1), years=2, municipality="Järfälla")
    for stage in CYCLE[:5]:  # through the action plan, with its activities
        complete_stage(other, stage)
        assert advance_promise_flow(ACTOR, AdvanceRequest(promise_id=other)).ok
    with Session(get_engine()) as s:
        activity = s.exec(select(Activity.id).where(Activity.promise_id == other)).first()
    assert activity is not None
    ref = {"promise_id": other, "kind": "activity", "artefact_id": activity}
    change_artefact(ACTOR, ArtefactChange(**ref, fields={"title": "Nattvandring"}))
    with Session(get_engine()) as s:
        assert s.get(Activity, activity).title == "Nattvandring"  # type: ignore[union-attr]
    # Something may rest on it (a refusal commits nothing); the status is checked either way.
    with contextlib.suppress(LofteError):
        remove_artefact(ACTOR, ArtefactRef(**ref))
    assert not _mismatches()


def test_a_bulk_change_named_by_hand_and_promises_without_a_row(db) -> None:
    from sqlalchemy import delete, update

    from effects.promise_status import mark
    from models import PromiseStatus

    pid = new_promise()
    with session_scope() as s:
        s.execute(update(Promise).where(Promise.id == pid).values(cycle_year=2))  # type: ignore[arg-type]
        mark(s, pid)
    assert not _mismatches()
    with session_scope() as s:
        s.execute(delete(PromiseStatus))
    assert _mismatches()
    with session_scope() as s:
        assert refresh_missing(s) == 1
    assert not _mismatches()


def test_an_operator_recomputes_every_stored_status_after_a_release(db) -> None:
    """``status.recompute`` (``lofte status recompute``): rows the rules would now write
    differently (here: changed behind the use cases' back, as a release's new rules would
    make them) are rewritten and counted; a second run finds none; audited; admins and the
    operator only."""
    from sqlalchemy import update

    from application.maintenance import recompute_statuses
    from application.usecase import NoInput
    from lifecycle.errors import Forbidden
    from lifecycle.permissions import Principal
    from lifecycle.vocabulary import Role
    from models import AuditEvent, PromiseStatus

    first, second, third = new_promise(), new_promise(), new_promise()
    with session_scope() as s:
        s.execute(
            update(PromiseStatus)
            .where(PromiseStatus.promise_id.in_([first, third]))  # type: ignore[attr-defined]
            .values(open_dues="", first_open_due=None)
        )
    assert {pid for pid, _, _ in _mismatches()} == {first, third}

    result = recompute_statuses(ACTOR, NoInput())
    assert (result.checked, result.differed, result.promise_ids) == (3, 2, [first, third])
    assert not _mismatches()
    assert recompute_statuses(ACTOR, NoInput()).differed == 0
    with Session(get_engine()) as s:
        events = s.exec(select(AuditEvent).where(AuditEvent.action == "status.recompute")).all()
    assert [e.details["differed"] for e in events] == [2, 0]
    assert events[0].details["promise_ids"] == [first, third] and events[0].promise_id is None

    coordinator = Principal(1, "k@x.se", "K", Role.COORDINATOR, 1, "stockholm", "token")
    with pytest.raises(Forbidden):
        recompute_statuses(coordinator, NoInput())
    assert second not in result.promise_ids  # in step: checked, not rewritten


def test_lofte_status_recompute_for_an_admin_not_a_coordinator(db) -> None:
    from sqlalchemy import update
    from typer.testing import CliRunner

    from cli.main import app
    from models import PromiseStatus
    from tests.helpers import register

    register("ada.admin@example.se", role="admin", organisation=None)
    register("samordnare@example.se")
    pid = new_promise()
    with session_scope() as s:
        s.execute(update(PromiseStatus).values(open_dues=""))
    as_admin = CliRunner(env={"LOFTE_ACTOR": "ada.admin@example.se"})
    refused = CliRunner(env={"LOFTE_ACTOR": "samordnare@example.se"}).invoke(
        app, ["status", "recompute"]
    )
    assert refused.exit_code == 3, refused.output  # for admins and the operator
    done = as_admin.invoke(app, ["status", "recompute"])
    assert done.exit_code == 0, done.output
    assert "1 hade fel lagrad status" in done.output and f"Löften / promises: {pid}" in done.output
    again = as_admin.invoke(app, ["status", "recompute", "--json"])
    assert '"differed": 0' in again.output
