"""Which page fixes an unmet criterion ("Kvar att göra"), filled in for exactly that item, and
how a form reads what such a link fills in.

``fix_link`` turns an unmet criterion (its code and its ref, ``lifecycle/criteria.py``) into
the address of the form that fixes it: the cause-analysis form with the problem chosen, the
change form of the goal without a baseline, the approval form once the compilation is
written. ``prefill`` reads those query parameters back on the form, keeping only a value the
form could have offered itself (an unknown id or choice is dropped, never a 500).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol
from urllib.parse import quote, urlencode

from application.promise_results import PromiseView
from lifecycle.permissions import Principal
from lifecycle.vocabulary import Role


class UnmetItem(Protocol):
    """An unmet criterion as the lifecycle (``Unmet``) and the use cases (``UnmetCriterion``)
    both carry it."""

    @property
    def code(self) -> str:
        """The criterion's stable code."""
        ...

    @property
    def ref(self) -> str | None:
        """What it is about: ``problem:12``, ``organisation:Polisen LPO Järva`` ..."""
        ...


def _ref(unmet: UnmetItem) -> tuple[str, str]:
    """The ref's kind and value (``("problem", "12")``; empty when there is none)."""
    kind, _, value = (unmet.ref or "").partition(":")
    return kind, value


def _rows(view: PromiseView, kind: str) -> list[dict[str, Any]]:
    return view.artefacts.get(kind, [])


def _find(view: PromiseView, kind: str, value: str | int) -> dict[str, Any] | None:
    """The artefact of ``kind`` whose id is ``value`` (None: not the promise's)."""
    return next((r for r in _rows(view, kind) if str(r["id"]) == str(value)), None)


def _new(view: PromiseView, kind: str, anchor: str = "", **values: Any) -> str:
    """The address of a new artefact's form, its fields filled in with ``values``."""
    given = {k: v for k, v in values.items() if v is not None}
    query = f"?{urlencode(given)}" if given else ""
    return f"/loften/{view.id}/ny/{kind}{query}{'#' + anchor if anchor else ''}"


def _change(view: PromiseView, kind: str, artefact_id: int, anchor: str = "", **values: Any) -> str:
    """The address of the form that changes an artefact, at the field to change."""
    given = {k: v for k, v in values.items() if v is not None}
    query = f"?{urlencode(given)}" if given else ""
    return f"/loften/{view.id}/andra/{kind}/{artefact_id}{query}{'#' + anchor if anchor else ''}"


def _first_cause(view: PromiseView, problem_id: Any) -> Any:
    """The first cause analysis of the problem (an activity is tied to a cause), if any."""
    causes = [c for c in _rows(view, "cause_analyses") if c.get("problem_id") == problem_id]
    return causes[0]["id"] if causes else None


def _cause_for_goal(view: PromiseView, goal_id: Any) -> Any:
    goal = _find(view, "goals", goal_id)
    return _first_cause(view, goal.get("problem_id")) if goal else None


def _situation_picture(view: PromiseView, area: str) -> str:
    """Where a frame area is spoken to: the joint picture of this year (else any of this
    year's), at the area's row; with none yet, a new joint picture."""
    pictures = [sp for sp in view.situation_pictures if sp.cycle_year == view.cycle_year]
    pictures.sort(key=lambda sp: sp.by != "joint")
    anchor = f"frame-{quote(area, safe='')}"
    if pictures:
        return _change(view, "situation_picture", pictures[0].id, anchor)
    return _new(view, "situation_picture", anchor, party="joint")


def _uncovered_area(view: PromiseView, area: str) -> str:
    """A mandatory area without an activity: an activity for a goal of a problem in the area,
    else a goal for such a problem, else a focus-area problem in the area."""
    problems = [
        p
        for p in _rows(view, "problems")
        if p.get("priority_area") == area or area in (p.get("also_priority_areas") or [])
    ]
    problem_ids = {p["id"] for p in problems}
    goals = [g for g in _rows(view, "goals") if g.get("problem_id") in problem_ids]
    if goals:
        goal = goals[0]["id"]
        return _new(view, "activity", goal_id=goal, cause_analysis_id=_cause_for_goal(view, goal))
    if problems:
        return _new(view, "goal", problem_id=problems[0]["id"])
    return _new(view, "problem", priority_area=area, selected="1")


def _signoff(view: PromiseView, unmet: UnmetItem, principal: Principal | None) -> str:
    """The signature form for the organisation's own steering group; anyone else is taken to
    the signatures, where it says who signs and a coordinator can ask them."""
    kind, value = _ref(unmet)
    party = unmet.code.removeprefix("signoff.").removesuffix("_missing")
    for s in view.signatories:
        mine = (kind == "organisation" and s.organisation == value) or (
            kind != "organisation" and s.party == party
        )
        if (
            mine
            and principal is not None
            and principal.role is Role.STEERING_GROUP
            and principal.organisation_id == s.organisation_id
        ):
            return _new(view, "signoff", party=s.party)
    return f"/loften/{view.id}#underskrifter"


def _compilation(view: PromiseView) -> str:
    """Not approved: the approval form once the year's compilation (with its plan for next
    year, which the decision needs) is written, else the compilation form at what is missing."""
    written = next((c for c in view.compilations if c.cycle_year == view.cycle_year), None)
    if written is None:
        return _new(view, "compilation")
    if not written.next_year_plan.strip():
        return _new(view, "compilation", "next_year_plan")
    return _new(view, "approval")


def fix_link(unmet: UnmetItem, view: PromiseView, principal: Principal | None = None) -> str | None:
    """The address that fixes exactly ``unmet`` on ``view``'s promise, its form filled in
    (None: nothing on the pages fixes it, e.g. rounds are planned by the system)."""
    code = unmet.code
    kind, value = _ref(unmet)
    if code == "dialogue.results_missing" and _find(view, "dialogues", value):
        return _change(view, "dialogue", int(value), "results")
    if code.startswith("dialogue."):
        return _new(view, "dialogue")
    if code.startswith("analysis.") and code.endswith("_picture_missing"):
        party = value if kind == "party" else code.split(".")[1].removesuffix("_picture_missing")
        return _new(view, "situation_picture", party=party)
    if code == "analysis.frame_area_missing" and kind == "priority_area":
        return _situation_picture(view, value)
    if code == "analysis.no_focus_area":
        if _rows(view, "problems"):
            return _new(view, "focus_area")
        return _new(view, "problem", selected="1")
    problem = _find(view, "problems", value) if kind == "problem" else None
    goal = _find(view, "goals", value) if kind == "goal" else None
    if code == "analysis.focus_area_without_priority_area":
        return _new(view, "focus_area", problem_id=problem["id"] if problem else None)
    if code == "cause.missing":
        return _new(view, "cause_analysis", problem_id=problem["id"] if problem else None)
    if code == "goal.missing":
        return _new(view, "goal", problem_id=problem["id"] if problem else None)
    if code in ("goal.baseline_missing", "goal.target_missing") and goal:
        return _change(view, "goal", goal["id"], code.split(".")[1].removesuffix("_missing"))
    if code == "activity.missing":
        goal_id = goal["id"] if goal else None
        return _new(
            view, "activity", goal_id=goal_id, cause_analysis_id=_cause_for_goal(view, goal_id)
        )
    if code == "activity.cause_missing" and (activity := _find(view, "activities", value)):
        cause = _cause_for_goal(view, activity.get("goal_id"))
        return _change(
            view, "activity", activity["id"], "cause_analysis_id", cause_analysis_id=cause
        )
    if code == "priority_area.not_covered" and kind == "priority_area":
        return _uncovered_area(view, value)
    if code.startswith("promise_text."):
        return _new(view, "promise_text", "backing" if kind == "statement" else "")
    if code.startswith("analysis_update."):
        part = code.removeprefix("analysis_update.").removesuffix("_missing")
        return _new(view, "analysis_update", part)
    if code.startswith("signoff."):
        return _signoff(view, unmet, principal)
    if code == "evaluation.round_not_submitted" and (
        rnd := _find(view, "evaluation_rounds", value)
    ):
        return f"/loften/{view.id}/uppfoljning/{rnd['number']}"
    if code == "compilation.not_approved":
        return _compilation(view)
    return None


# Query parameters are never longer than an id or a choice.
LONGEST_VALUE = 200


def prefill(
    fields: list[dict[str, Any]],
    query: Mapping[str, str],
    view: PromiseView,
    choices: dict[str, list[tuple[str, str]]],
) -> dict[str, str]:
    """What a fix link fills in on a form (``fields`` from ``web.forms.form_fields``): only
    choices, each kept when the form offers it (the promise's own problem, a party, an area of
    the region's catalogue), anything else dropped."""
    values: dict[str, str] = {}
    for spec in fields:
        name = spec["name"]
        raw = query.get(name)
        if raw is None:
            continue
        text = str(raw).strip()[:LONGEST_VALUE]
        widget = spec["widget"]
        if widget == "reference":
            offered = {str(r["id"]) for r in _rows(view, spec["ref"])}
        elif widget == "select":
            offered = {str(v) for v, _ in spec["choices"]}
        elif widget == "catalogue":
            offered = {str(v) for v, _ in choices.get(name, [])}
        elif widget == "checkbox":
            offered = {"1"}
        else:
            continue
        if text in offered:
            values[name] = text
    return values
