"""The flows prefect.yaml declares for a named person: the same permissions as the API, and
every deployment's entrypoint is a flow that loads (what a worker imports)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from flows.deployments import approve_compilation_as, open_next_cycle_as
from flows.schedule import ON_DEMAND, SCHEDULE
from lifecycle.stages import CYCLE, Stage
from models import AuditEvent, Promise
from models.db import read_scope
from tests.helpers import complete_stage, new_promise, promise, register

pytestmark = pytest.mark.usefixtures("prefect_harness")


@pytest.mark.parametrize("entry", [*SCHEDULE, *ON_DEMAND], ids=lambda e: e.entrypoint)
def test_every_deployment_entrypoint_is_a_flow(entry) -> None:
    import importlib

    module_path, function = entry.entrypoint.split(":")
    module = importlib.import_module(module_path.removesuffix(".py").replace("/", "."))
    flow = getattr(module, function)
    assert hasattr(flow, "fn") and flow.name, f"{entry.entrypoint} is not a Prefect flow"
    if entry in ON_DEMAND:
        assert "acting_as" in flow.parameters.properties


def _walk_to_compilation() -> int:
    pid = new_promise(start=date(2026, 1, 1), years=1)
    for stage in CYCLE[:-1]:
        complete_stage(pid, stage)
        from application.transitions import AdvanceRequest
        from flows.transition import advance_promise_flow
        from tests.helpers import ACTOR

        assert advance_promise_flow(ACTOR, AdvanceRequest(promise_id=pid), open_next_cycle=False).ok
    assert promise(pid).stage is Stage.YEAR_END_COMPILATION
    return pid


def _audit(pid: int) -> list[tuple[str, str | None]]:
    """(actor, auth_method) of each audit record of the promise."""
    with read_scope() as s:
        rows = s.exec(select(AuditEvent).where(AuditEvent.promise_id == pid)).all()
        return [(e.actor, e.auth_method) for e in rows]


def test_approval_for_a_named_person_is_checked_like_the_api(db) -> None:
    pid = _walk_to_compilation()
    from tests.helpers import add

    add(pid, "compilation", summary="Året gav färre rån vid stationen.", next_year_plan="Mer.")
    register("styrgrupp@sollentuna.se", role="steering_group")
    register("styrgrupp@jarfalla.se", role="steering_group", organisation="Järfälla")
    before = len(_audit(pid))

    unknown = approve_compilation_as("nobody@example.se", pid, "Styrgruppen")
    assert not unknown["ok"] and unknown["error_kind"] == "NotAuthenticated"
    other = approve_compilation_as("styrgrupp@jarfalla.se", pid, "Styrgruppen i Järfälla")
    assert not other["ok"] and other["error_kind"] == "Forbidden"
    assert len(_audit(pid)) == before, "a refused run wrote to the audit trail"

    approved = approve_compilation_as("styrgrupp@sollentuna.se", pid, "Styrgruppen i Sollentuna")
    assert approved["ok"], approved
    assert promise(pid).stage is Stage.CLOSED
    mine = [method for actor, method in _audit(pid) if actor == "styrgrupp@sollentuna.se"]
    assert mine and set(mine) == {"deployment"}


def test_next_cycle_for_a_named_person_is_checked_like_the_api(db) -> None:
    pid = _walk_to_compilation()
    complete_stage(pid, Stage.YEAR_END_COMPILATION)
    from application.transitions import AdvanceRequest
    from flows.transition import advance_promise_flow
    from tests.helpers import ACTOR

    assert advance_promise_flow(ACTOR, AdvanceRequest(promise_id=pid), open_next_cycle=False).ok
    register("samordnare@sollentuna.se")
    register("samordnare@jarfalla.se", organisation="Järfälla")

    other = open_next_cycle_as("samordnare@jarfalla.se", pid)
    assert not other["ok"] and other["error_kind"] == "Forbidden"
    with read_scope() as s:
        assert len(s.exec(select(Promise)).all()) == 1, "a refused run opened a cycle"
    opened = open_next_cycle_as("samordnare@sollentuna.se", pid)
    assert opened["ok"] and promise(opened["next_promise_id"]).stage is Stage.RESIDENT_DIALOGUE
