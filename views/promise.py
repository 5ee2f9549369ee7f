"""Read models: a promise as the CLI, the API and the pages show it."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from config.clock import local_today
from lifecycle.goals import judge_goal
from lifecycle.vocabulary import label
from models.kinds import KINDS
from views.agreement import promise_agreement
from views.lookup import (
    get_promise,
    history,
    organisation_names,
    party_organisations,
    party_titles,
    signatories,
    successor,
)
from views.snapshot import current_unmet

# What a promise's view counts: every kind that has rows of its own.
COUNTED = {k.counted_as: k.table for k in KINDS.values() if k.counted_as and k.table}


# The field that names an artefact in a list, in order of preference.
LABEL_FIELDS = ("title", "indicator", "event_chain", "summary", "signed_by")


def _label(row: dict[str, Any]) -> str:
    """A one-line name for an artefact: its title, indicator, first words ... (at most 80)."""
    if "method" in row:  # a dialogue: how and when, in Swedish
        return (
            f"{label(row['method'])} {row.get('held_from')}, {row.get('participants', 0)} deltagare"
        )
    for name in LABEL_FIELDS:
        value = row.get(name)
        if value:
            text = " ".join(str(value).split())
            return text if len(text) <= 80 else text[:79] + "…"
    if "number" in row:
        return f"{row['number']} ({row.get('due')})"
    return ""


def artefacts_of(session: Session, promise_id: int) -> dict[str, list[dict[str, Any]]]:
    """Every artefact of the promise by kind, oldest first, each with its id, a label and its
    ordinal: its number among the promise's artefacts of that kind ("Dialog 1", not the
    database's id 57, which counts every promise's dialogues)."""
    found: dict[str, list[dict[str, Any]]] = {}
    for name, model in COUNTED.items():
        rows = session.exec(
            select(model).where(model.promise_id == promise_id).order_by(model.id)  # type: ignore[attr-defined]
        ).all()
        found[name] = [
            {**dumped, "label": _label(dumped), "ordinal": n}
            for n, dumped in enumerate((r.model_dump(mode="json") for r in rows), start=1)
        ]
    return found


def ordinals_of(artefacts: dict[str, list[dict[str, Any]]]) -> dict[str, dict[int, int]]:
    """Each kind's artefacts' numbers within the promise, by id (the one home of the numbers
    the pages, forms, "Kvar att göra" and documents show)."""
    return {kind: {row["id"]: row["ordinal"] for row in rows} for kind, rows in artefacts.items()}


def compilations_of(session: Session, promise_id: int) -> list[dict[str, Any]]:
    """The written year-end compilations of the promise, one per cycle year, oldest first:
    what was written and, once approved, who approved it and the decision."""
    from models import YearEndCompilation

    rows = session.exec(
        select(YearEndCompilation)
        .where(YearEndCompilation.promise_id == promise_id)
        .order_by(col(YearEndCompilation.cycle_year))
    ).all()
    return [
        {
            "cycle_year": r.cycle_year,
            "summary": r.summary,
            "next_year_plan": r.next_year_plan,
            "official": r.official,
            "approved_by": r.approved_by,
            "approved_at": r.approved_at.isoformat() if r.approved_at else None,
            "diarienummer": r.diarienummer,
            "paragraph": r.decision_paragraph,
            "decided_on": r.decided_on.isoformat() if r.decided_on else None,
        }
        for r in rows
    ]


def goal_standing(session: Session, promise_id: int, today: date) -> dict[int, dict[str, Any]]:
    """Each goal's last indicator value and how it stands today, judged by its target date."""
    from models import EvaluationRound, Goal, IndicatorValue

    last: dict[int, float] = {}
    for goal_id, value in session.exec(
        select(IndicatorValue.goal_id, IndicatorValue.value)
        .join(EvaluationRound, col(EvaluationRound.id) == IndicatorValue.round_id)
        .where(EvaluationRound.promise_id == promise_id)
        .order_by(col(IndicatorValue.measured_on), col(IndicatorValue.id))
    ).all():
        last[goal_id] = value  # ordered by day: the last one wins
    standing = {}
    for g in session.exec(select(Goal).where(Goal.promise_id == promise_id)).all():
        result, share = judge_goal(g.baseline, g.target, last.get(g.id or 0), g.target_date, today)
        standing[g.id or 0] = {"last_value": last.get(g.id or 0), "result": result, "share": share}
    return standing


def situation_pictures(
    session: Session, promise_id: int, cycle_year: int | None = None, language: str = "sv"
) -> list[dict[str, Any]]:
    """Each party's situation picture and the joint one (of ``cycle_year``, or all), with
    what each says about the areas of the city's frame, by the areas' names."""
    from models import PriorityArea, SituationPicture

    query = select(SituationPicture).where(SituationPicture.promise_id == promise_id)
    if cycle_year is not None:
        query = query.where(SituationPicture.cycle_year == cycle_year)
    names = {
        a.id: (a.name_sv if language == "sv" else a.name_en)
        for a in session.exec(select(PriorityArea)).all()
    }
    order = {"police": 0, "municipality": 1, "joint": 2}
    rows = sorted(session.exec(query).all(), key=lambda r: (order[r.party.value], r.id or 0))
    return [
        {
            "id": r.id,
            "by": r.party.value,
            "cycle_year": r.cycle_year,
            "summary": r.summary,
            "sources": r.sources,
            "frame": [
                {
                    "area": n.get("area"),
                    "name": names.get(str(n.get("area")), n.get("area")),
                    "note": n.get("note", ""),
                    "not_relevant": bool(n.get("not_relevant")),
                    "reason": n.get("reason", ""),
                }
                for n in r.frame_areas
            ],
        }
        for r in rows
    ]


def frame_areas_of(session: Session, promise: Any, language: str = "sv") -> list[dict[str, str]]:
    """The areas of the city's frame the promise's situation pictures speak to (a Stockholm
    city district: each area said something about, or "ej aktuellt här" with a reason), by
    name, in the catalogue's order; empty for any other party."""
    from models import PriorityArea
    from views.snapshot import priority_scope

    frame = priority_scope(session, promise).frame
    if not frame:
        return []
    rows = session.exec(select(PriorityArea).where(col(PriorityArea.id).in_(frame))).all()
    names = {a.id: (a.name_sv if language == "sv" else a.name_en) for a in rows}
    return [{"id": area, "name": names.get(area, area)} for area in frame]


def promise_text_of(session: Session, promise_id: int, cycle_year: int) -> dict[str, Any] | None:
    """The promise text of ``cycle_year`` as written (its form is filled in with it, since
    writing it again replaces it), or None when not written yet."""
    from models import PromiseText

    row = session.exec(
        select(PromiseText).where(
            PromiseText.promise_id == promise_id, PromiseText.cycle_year == cycle_year
        )
    ).first()
    if row is None:
        return None
    return {
        "cycle_year": row.cycle_year,
        "police_promises": row.police_promises,
        "municipality_promises": row.municipality_promises,
        "joint_promises": row.joint_promises,
        "backing": row.backing,
    }


def promise_view(session: Session, promise_id: int, language: str = "sv") -> dict[str, Any]:
    """The promise with its unmet exit criteria, its transitions and artefact counts."""
    promise = get_promise(session, promise_id)
    municipality, police = organisation_names(session, promise)
    unmet = current_unmet(session, promise, local_today())
    transitions = [
        {
            "from_stage": e.from_stage,
            "to_stage": e.to_stage,
            "actor": e.actor,
            "at": e.at.isoformat(),
            "reason": e.reason,
            "flow_run_id": e.flow_run_id,
        }
        for e in history(session, promise_id)
        if e.action == "transition"
    ]
    artefacts = artefacts_of(session, promise_id)
    counts = {name: len(rows) for name, rows in artefacts.items()}
    nxt = successor(session, promise_id)
    return {
        "id": promise.id,
        "region": promise.region_id,
        "area": promise.area_name,
        "municipality": municipality,
        "police_area": police,
        # Both parties by their full names ("Sollentuna kommun och lokalpolisområde
        # Sollentuna"), every organisation of a split district's police party included.
        "parties": party_titles(party_organisations(session, promise), language),
        "stage": promise.stage.value,
        "stage_name": promise.stage.name_in(language),
        "version": promise.version,
        "cycle_year": promise.cycle_year,
        "term_start": promise.term_start.isoformat(),
        "term_end": promise.term_end.isoformat(),
        "term_years": promise.term_years,
        "previous_promise_id": promise.previous_promise_id,
        "previous_compilation_id": promise.previous_compilation_id,
        # Said by whoever created it with deadlines already past: shown as late from the start.
        "late_start_reason": promise.late_start_reason,
        "next_promise_id": nxt.id if nxt else None,
        "unmet": [u.as_dict(language) for u in unmet],
        "history": transitions,
        "counts": counts,
        "artefacts": artefacts,
        "ordinals": ordinals_of(artefacts),
        "compilations": compilations_of(session, promise_id),
        "promise_text": promise_text_of(session, promise_id, promise.cycle_year),
        "goal_standing": goal_standing(session, promise_id, local_today()),
        "situation_pictures": situation_pictures(session, promise_id, language=language),
        "frame_areas": frame_areas_of(session, promise, language),
        # Who signs for each organisation of each party, and whether this year's is made.
        "signatories": signatories(session, promise, promise.cycle_year),
        # The agreement it belongs to (its decisions and organisation), with any warning.
        "agreement": promise_agreement(session, promise, local_today()),
    }
