"""Changing and removing an artefact after it was recorded, by those who may record it.

A change is checked exactly as a new artefact of its kind would be (the same input model, the
same rules, the same stage window): the fields given are laid over the artefact's current
values, so a change of one field keeps the others (places and unsafe places given in a file
too). A removal is refused while something else rests on the artefact (a goal on its problem,
an activity on its goal, a reported status on its activity). A change or removal in the plan
while it is being signed revokes the signatures given, as sending the plan back does; the
audit trail records each change with the fields that changed.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel, Field
from sqlmodel import Session, SQLModel, select

from application.access import require
from application.artefacts import (
    activity_goals,
    check_agreement_focus_area,
    check_priority_areas,
    check_window,
    own_artefact,
    parse_input,
    set_activity_goals,
    set_extra_areas,
)
from application.promises import PromiseId
from config.clock import now_utc
from effects.audit import audit
from effects.hooks import revoke_signoffs
from lifecycle.errors import Conflict, InputError
from lifecycle.i18n import AND, Phrase, joined
from lifecycle.permissions import Action, Principal
from lifecycle.stages import Stage
from models import (
    Activity,
    ActivityGoal,
    ActivityStatusReport,
    CauseAnalysis,
    Goal,
    IndicatorValue,
    Problem,
    ProblemPriorityArea,
    Promise,
)
from models.db import read_scope, session_scope
from models.kinds import KINDS
from views.lookup import get_promise


def _revokes(promise: Promise, kind: str) -> bool:
    """Whether changing ``kind`` now changes a plan being signed (its signatures go)."""
    return KINDS[kind].revokes_signoffs and promise.stage is Stage.ACTION_PLAN


# Columns a change never touches.
FIXED = frozenset({"id", "promise_id", "cycle_year", "created_at", "origin_problem_id"})


def changeable_kinds() -> list[str]:
    """The kinds a person can change or remove after recording them (``models/kinds.py``)."""
    return [k.name for k in KINDS.values() if k.changeable]


def _kind(kind: str) -> type[SQLModel]:
    spec = KINDS.get(kind)
    if spec is None or not spec.changeable or spec.table is None:
        raise InputError.said(
            "{kind} kan inte ändras eller tas bort; det kan: {kinds}",
            kind=repr(kind),
            kinds=", ".join(changeable_kinds()),
        )
    return spec.table


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def _extra_areas(session: Session, problem_id: int) -> list[str]:
    return [
        link.priority_area_id
        for link in session.exec(
            select(ProblemPriorityArea).where(ProblemPriorityArea.problem_id == problem_id)
        ).all()
    ]


def as_input(session: Session, kind: str, row: SQLModel) -> dict[str, Any]:
    """The artefact as the fields of its input model (what a form or a file would give)."""
    values = row.model_dump()
    values["priority_area"] = values.pop("priority_area_id", None)
    values["catalogue_goal"] = values.pop("catalogue_goal_id", None)
    if kind == "problem":
        values["also_priority_areas"] = _extra_areas(session, values["id"])
    if kind == "activity":
        values["also_goals"] = activity_goals(session, values["id"])
    model = KINDS[kind].input
    return {k: _plain(v) for k, v in values.items() if k in model.model_fields}


class ArtefactRef(BaseModel):
    """One artefact of a promise: its kind and id."""

    promise_id: PromiseId
    kind: str = Field(max_length=40)
    artefact_id: int = Field(ge=1, le=2**31 - 1)


class ArtefactShown(BaseModel):
    """One artefact: its kind, its id and the fields of its kind's input model."""

    kind: str
    id: int
    # Each kind has fields of its own (models/kinds.py): they are the input model's, as a
    # form or a file gives them, so this part stays a mapping.
    fields: dict[str, Any]


def show_artefact(principal: Principal | None, request: ArtefactRef) -> ArtefactShown:
    """One artefact as the fields of its input model (to fill in a form for changing it)."""
    model = _kind(request.kind)
    with read_scope() as session:
        promise = get_promise(session, request.promise_id)
        require(principal, Action.READ_PROMISE, promise)
        row = own_artefact(session, model, request.artefact_id, promise, request.kind)
        return ArtefactShown(
            kind=request.kind,
            id=row.id,
            fields=as_input(session, request.kind, row),
        )


class ArtefactChange(ArtefactRef):
    """New values for some fields of an artefact (the others keep theirs)."""

    fields: dict[str, Any] = Field(default_factory=dict)


def _apply(
    session: Session, promise: Promise, kind: str, row: SQLModel, data: Any, now: datetime
) -> list[str]:
    """Write the checked input onto the row; the names of the columns that changed."""
    if kind == "problem":
        check_priority_areas(session, promise, data.priority_area, *data.also_priority_areas)
        data.agreement_focus_area = check_agreement_focus_area(
            session, promise, data.agreement_focus_area
        )
        fresh = data.model_dump(exclude={"places", "priority_area", "also_priority_areas"})
        fresh["places"] = [p.model_dump(exclude_none=True) for p in data.places]
        fresh["priority_area_id"] = data.priority_area
    else:
        # The kind's own handler checks and builds the row as if it were new; it is never
        # added (no flush happens meanwhile), only its values are taken over.
        with session.no_autoflush:
            built = KINDS[kind].handler(session, promise, data, now)
            session.expunge(built)
        fresh = {k: getattr(built, k) for k in type(built).model_fields}
    changed = []
    for name, value in fresh.items():
        if name in FIXED or name not in type(row).model_fields:
            continue
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed.append(name)
    session.add(row)
    if kind == "activity":
        before_goals = activity_goals(session, row.id)  # type: ignore[attr-defined]
        set_activity_goals(session, row, data.also_goals)  # type: ignore[arg-type]
        if before_goals != sorted(set(data.also_goals) - {data.goal_id}):
            changed.append("also_goals")
    if kind == "problem":
        before = set(_extra_areas(session, row.id))  # type: ignore[attr-defined]
        set_extra_areas(session, row, data.also_priority_areas)  # type: ignore[arg-type]
        if before != set(data.also_priority_areas) - {data.priority_area}:
            changed.append("also_priority_areas")
    return changed


def _target(
    session: Session, principal: Principal | None, request: ArtefactRef
) -> tuple[Promise, SQLModel]:
    """The promise and the artefact a change or removal is about, once the person may and
    the stage allows it."""
    model = _kind(request.kind)
    promise = get_promise(session, request.promise_id)
    require(principal, Action.RECORD_ARTEFACT, promise)
    check_window(promise, request.kind)
    return promise, own_artefact(session, model, request.artefact_id, promise, request.kind)


def _audit_change(
    session: Session, principal: Principal, promise: Promise, action: str, details: dict[str, Any]
) -> int:
    """Revoke the signatures if the plan changed while being signed; audit it; how many."""
    revoked = revoke_signoffs(session, promise) if _revokes(promise, details["kind"]) else 0
    audit(
        session,
        promise_id=promise.id,
        actor=principal,
        action=action,
        details={**details, "signoffs_revoked": revoked},
    )
    return revoked


class Changed(BaseModel):
    """The fields an artefact change changed, and the sign-offs it revoked (a changed plan
    must be signed again)."""

    ok: bool = True
    changed: list[str]
    signoffs_revoked: int


def change_artefact(principal: Principal | None, request: ArtefactChange) -> Changed:
    """Change an artefact: checked as a new one of its kind would be; audited."""
    if not request.fields:
        raise InputError.said(
            "inget att ändra: ange de fält i {kind} som ska ändras", kind=request.kind
        )
    with session_scope() as session:
        promise, row = _target(session, principal, request)
        assert principal is not None
        merged = {**as_input(session, request.kind, row), **request.fields}
        data = parse_input(request.kind, merged)
        changed = _apply(session, promise, request.kind, row, data, now_utc())
        revoked = 0
        if changed:
            details = {"kind": request.kind, "id": request.artefact_id, "fields": changed}
            revoked = _audit_change(session, principal, promise, "artefact_changed", details)
        return Changed(changed=changed, signoffs_revoked=revoked)


def _resting_on(session: Session, kind: str, row_id: int) -> list[Phrase]:
    """What rests on the artefact, in words (empty: it can go)."""
    found = []

    def ids(model: type[SQLModel], column: Any) -> list[int]:
        return [r.id for r in session.exec(select(model).where(column == row_id)).all()]  # type: ignore[attr-defined]

    def listed(what: str, taken: list[int]) -> Phrase:
        return Phrase(what, {"ids": ", ".join(map(str, taken))})

    if kind == "problem":
        for what, model, column in (
            ("mål {ids}", Goal, Goal.problem_id),
            ("orsaksanalyser {ids}", CauseAnalysis, CauseAnalysis.problem_id),
            ("nästa års problem {ids}", Problem, Problem.origin_problem_id),
        ):
            if taken := ids(model, column):
                found.append(listed(what, taken))
    elif kind == "cause_analysis":
        if taken := ids(Activity, Activity.cause_analysis_id):
            found.append(listed("aktiviteter {ids}", taken))
    elif kind == "goal":
        serving = ids(Activity, Activity.goal_id) + list(
            session.exec(select(ActivityGoal.activity_id).where(ActivityGoal.goal_id == row_id))
        )
        if serving:
            found.append(listed("aktiviteter {ids}", sorted(set(serving))))
        if ids(IndicatorValue, IndicatorValue.goal_id):
            found.append(Phrase("uppmätta värden för dess indikator"))
    elif kind == "activity" and ids(ActivityStatusReport, ActivityStatusReport.activity_id):
        found.append(Phrase("statusar rapporterade i uppföljningar"))
    return found


class Removed(BaseModel):
    """The removed artefact's id, and the sign-offs its removal revoked."""

    ok: bool = True
    removed: int
    signoffs_revoked: int


def remove_artefact(principal: Principal | None, request: ArtefactRef) -> Removed:
    """Remove an artefact nothing rests on; audited (the record keeps what it was)."""
    with session_scope() as session:
        promise, row = _target(session, principal, request)
        assert principal is not None
        resting = _resting_on(session, request.kind, request.artefact_id)
        if resting:
            raise Conflict.said(
                "{kind} {id} kan inte tas bort medan {resting} vilar på den; ta bort eller "
                "ändra dem först",
                kind=request.kind,
                id=request.artefact_id,
                resting=joined(resting, AND),
            )
        was = as_input(session, request.kind, row)
        if request.kind == "problem":
            set_extra_areas(session, row, [])  # type: ignore[arg-type]
        if request.kind == "activity":
            set_activity_goals(session, row, [])  # type: ignore[arg-type]
        session.delete(row)
        details = {"kind": request.kind, "id": request.artefact_id, "was": was}
        revoked = _audit_change(session, principal, promise, "artefact_removed", details)
        return Removed(removed=request.artefact_id, signoffs_revoked=revoked)
