"""The year-end compilation of one promise: the chain from dialogue to result, as plain data.

``compile_year`` reads the year's records; ``render`` turns the data into Markdown, HTML or
JSON in Swedish or English. The same data is stored on the ``YearEndCompilation`` row.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from sqlmodel import Session, col, select

from lifecycle.goals import NOT_REACHED, REACHED, judge_goal
from lifecycle.safe_text import autoescape_for, clean, escape_markdown_value
from lifecycle.term import cycle_year_bounds
from lifecycle.words import counted, number
from models import (
    Activity,
    ActivityGoal,
    CauseAnalysis,
    Dialogue,
    EvaluationRound,
    Goal,
    IndicatorValue,
    PriorityArea,
    Problem,
    ProblemPriorityArea,
    Promise,
    PromiseText,
    YearEndCompilation,
)
from reports.charts import indicator_chart
from reports.committee import committee_view, owner, without_lead
from reports.i18n import words
from reports.office import language_tag
from reports.pdf import css_string
from reports.styles import DOCUMENT_STYLES
from views.agreement import promise_agreement
from views.promise import situation_pictures
from views.snapshot import priority_scope
from views.surveys import survey_series

TEMPLATES = Path(__file__).parent / "templates"


def compile_year(
    session: Session, promise: Promise, today: date, language: str = "sv"
) -> dict[str, Any]:
    """Gather the current cycle year of ``promise`` into the compilation's data."""
    from views.lookup import organisation_names

    pid, year = promise.id, promise.cycle_year
    first, last = cycle_year_bounds(promise.term_start, year)
    municipality, police = organisation_names(session, promise)
    areas = {a.id: a for a in session.exec(select(PriorityArea)).all()}
    problems = session.exec(
        select(Problem)
        .where(Problem.promise_id == pid, col(Problem.selected))
        .order_by(col(Problem.id))
    ).all()
    causes = session.exec(select(CauseAnalysis).where(CauseAnalysis.promise_id == pid)).all()
    goals = session.exec(select(Goal).where(Goal.promise_id == pid).order_by(col(Goal.id))).all()
    activities = session.exec(
        select(Activity).where(Activity.promise_id == pid).order_by(col(Activity.id))
    ).all()
    rounds = session.exec(
        select(EvaluationRound)
        .where(EvaluationRound.promise_id == pid, EvaluationRound.cycle_year == year)
        .order_by(col(EvaluationRound.number))
    ).all()
    round_ids = [r.id for r in rounds]
    values = (
        session.exec(
            select(IndicatorValue)
            .where(col(IndicatorValue.round_id).in_(round_ids))
            .order_by(col(IndicatorValue.measured_on))
        ).all()
        if round_ids
        else []
    )
    dialogues = session.exec(
        select(Dialogue).where(Dialogue.promise_id == pid).order_by(col(Dialogue.held_from))
    ).all()
    stored = session.exec(
        select(YearEndCompilation).where(
            YearEndCompilation.promise_id == pid, YearEndCompilation.cycle_year == year
        )
    ).first()

    t = words(language)

    def area_name(area_id: str | None) -> str | None:
        area = areas.get(area_id or "")
        return None if area is None else (area.name_sv if language == "sv" else area.name_en)

    goal_rows: list[dict[str, Any]] = []
    for g in goals:
        series = [(v.measured_on, v.value) for v in values if v.goal_id == g.id]
        last_value = series[-1][1] if series else None
        # Judged by its target date: a two-year goal is on its way after year one, not missed.
        result, share = judge_goal(g.baseline, g.target, last_value, g.target_date, today)
        goal_rows.append(
            {
                "id": g.id,
                "problem_id": g.problem_id,
                "kind": g.kind.value,
                "description": g.description,
                "indicator": g.indicator,
                "unit": g.unit,
                "baseline": g.baseline,
                "target": g.target,
                "target_date": g.target_date.isoformat(),
                "indicator_source": g.indicator_source,
                "baseline_date": g.baseline_date.isoformat() if g.baseline_date else None,
                "frequency": g.frequency,
                "last_value": last_value,
                "last_measured_on": series[-1][0].isoformat() if series else None,
                "values": [{"on": d.isoformat(), "value": v} for d, v in series],
                "met": True if result == REACHED else (False if result == NOT_REACHED else None),
                "result": result,
                "share": share,
                "progress": progress(g.baseline, g.target, last_value),
                "days_left": (g.target_date - today).days,
                "chart_svg": indicator_chart(
                    series, g.baseline, g.target, g.indicator, words=(t.baseline, t.target)
                ),
            }
        )
    links = session.exec(
        select(ActivityGoal).where(col(ActivityGoal.activity_id).in_([a.id for a in activities]))
    ).all()
    activity_rows: list[dict[str, Any]] = [
        {
            "id": a.id,
            "goal_id": a.goal_id,
            "also_goals": sorted(link.goal_id for link in links if link.activity_id == a.id),
            "title": a.title,
            "owner_party": a.owner_party.value,
            "owner_other": a.owner_other,
            "responsible": a.responsible,
            "status": a.status.value,
            "reason": a.status_reason,
            "prevention_level": a.prevention_level.value,
            "approach": a.approach.value,
            "start": a.start.isoformat(),
            "end": a.end.isoformat(),
            "hours": a.hours,
            "kronor": a.kronor,
            "funding_source": a.funding_source,
        }
        for a in activities
    ]
    chain: list[dict[str, Any]] = []
    for p in problems:
        p_goals = [g for g in goal_rows if g["problem_id"] == p.id]
        goal_ids = {g["id"] for g in p_goals}
        chain.append(
            {
                "problem": {
                    "id": p.id,
                    "title": p.title,
                    "priority_area": area_name(p.priority_area_id),
                    "agreement_focus_area": p.agreement_focus_area,
                    "local_reason": p.local_reason,
                    "places": [pl.get("name") for pl in p.places],
                },
                "causes": [c.event_chain for c in causes if c.problem_id == p.id],
                "goals": p_goals,
                # an activity serving goals of several problems is listed under each
                "activities": [
                    a
                    for a in activity_rows
                    if a["goal_id"] in goal_ids or goal_ids & set(a["also_goals"])
                ],
            }
        )
    round_rows: list[dict[str, Any]] = []
    for r in rounds:
        status = "submitted" if r.submitted_at else ("missed" if r.due < today else "upcoming")
        round_rows.append(
            {
                "number": r.number,
                "due": r.due.isoformat(),
                "status": status,
                "submitted_at": r.submitted_at.date().isoformat() if r.submitted_at else None,
                "feedback": r.feedback_to_residents,
                "feedback_channel": r.feedback_channel,
                "deviations": r.deviations,
                "decisions": r.decisions,
            }
        )
    met = Counter(g["result"] for g in goal_rows)
    status_count = Counter(a["status"] for a in activity_rows)
    suggestions: list[dict[str, Any]] = []
    for link in chain:
        unmet_goals = [g for g in link["goals"] if g["result"] == NOT_REACHED]
        if unmet_goals:
            suggestions.append(
                {
                    "kind": "problem_open",
                    "problem_id": link["problem"]["id"],
                    "text": link["problem"]["title"],
                    "goals": [g["description"] for g in unmet_goals],
                }
            )
    for a in activity_rows:
        if a["status"] == "not_done":
            suggestions.append(
                {
                    "kind": "activity_not_done",
                    "activity_id": a["id"],
                    "text": a["title"],
                    "reason": a["reason"],
                }
            )
    scope = priority_scope(session, promise)
    covered: set[str] = set()
    chosen: set[str] = set()
    goal_problem = {g.id: g.problem_id for g in goals}
    extra = _extra_areas(session, [p.id for p in problems if p.id is not None])
    problem_areas = {
        p.id: ({p.priority_area_id} if p.priority_area_id else set()) | extra.get(p.id or 0, set())
        for p in problems
    }
    for areas_of in problem_areas.values():
        chosen |= areas_of
    for act in activity_rows:
        for goal_id in (act["goal_id"], *act["also_goals"]):
            covered |= problem_areas.get(goal_problem.get(goal_id, -1), set())
    catalogue_goals = _catalogue_goals(promise.region_id, scope.goal_ids, language)
    chosen_goals = {g.catalogue_goal_id for g in goals if g.catalogue_goal_id}
    text = session.exec(
        select(PromiseText).where(PromiseText.promise_id == pid, PromiseText.cycle_year == year)
    ).first()
    committee = committee_facts(session, promise, year, stored, language)
    return {
        **committee,
        "language": language,
        "generated_on": today.isoformat(),
        "promise_text": {
            "police": text.police_promises if text else "",
            "municipality": text.municipality_promises if text else "",
            "joint": text.joint_promises if text else "",
        },
        "coverage": [
            {
                "id": area_id,
                "name": area_name(area_id),
                "mandatory": area_id in scope.mandatory,
                "chosen": area_id in chosen,
                "covered": area_id in covered,
            }
            for area_id in scope.area_ids
            if area_id in scope.mandatory or area_id in chosen
        ],
        # Which of the city's measurable goals the promise contributes to, through which goal.
        "catalogue_goals": [
            {
                **g,
                "chosen": g["id"] in chosen_goals,
                "through": [x.description for x in goals if x.catalogue_goal_id == g["id"]],
            }
            for g in catalogue_goals
        ],
        "activities_by_party": dict(
            sorted(Counter(a["owner_party"] for a in activity_rows).items())
        ),
        "activities_by_level": dict(
            sorted(Counter(a["prevention_level"] for a in activity_rows).items())
        ),
        "safety_survey": {
            # Several dialogues often quote the same survey: each result once.
            "this_year": list(dict.fromkeys(d.safety_survey for d in dialogues if d.safety_survey)),
            "previous_year": list(dict.fromkeys(_previous_survey(session, promise))),
        },
        # The survey as a series: each question's latest year against the one before, by year.
        "survey_series": survey_series(
            session, promise.region_id, sorted({promise.area_name, municipality}), last.year
        ),
        "diarienummer": stored.diarienummer if stored else None,
        # The agreement above the promise: its term, each party's decision, its organisation.
        "agreement": promise_agreement(session, promise, today),
        # Each party's situation picture and the joint one, with the city's frame.
        "situation_pictures": situation_pictures(session, promise.id or 0, year, language),
        "promise": {
            "id": pid,
            "area": promise.area_name,
            "region": promise.region_id,
            "municipality": municipality,
            "police_area": police,
            "term_start": promise.term_start.isoformat(),
            "term_end": promise.term_end.isoformat(),
            "cycle_year": year,
            "year_start": first.isoformat(),
            "year_end": last.isoformat(),
            "stage": promise.stage.value,
        },
        "dialogues": [
            {
                "method": d.method.value,
                "held_from": d.held_from.isoformat(),
                "participants": d.participants,
                "target_group": d.target_group,
                "themes": d.themes,
                "results": d.results,
            }
            for d in dialogues
        ],
        "chain": chain,
        "goals_summary": {
            "met": met[REACHED],
            "on_the_way": met["on_the_way"],
            "not_met": met[NOT_REACHED],
            "unknown": met["unknown"],
            "total": len(goal_rows),
        },
        "activities_summary": {
            s: status_count.get(s, 0) for s in ("done", "ongoing", "not_started", "not_done")
        },
        "activities_not_done": [a for a in activity_rows if a["status"] == "not_done"],
        "rounds": round_rows,
        "rounds_summary": dict(Counter(r["status"] for r in round_rows)),
        "feedback": [
            {"round": r["number"], "text": r["feedback"], "channel": r["feedback_channel"]}
            for r in round_rows
            if r["feedback"]
        ],
        "suggestions": suggestions,
        "summary": stored.summary if stored else "",
        "next_year_plan": stored.next_year_plan if stored else "",
        "approved_by": stored.approved_by if stored else None,
        "approved_at": stored.approved_at.isoformat() if stored and stored.approved_at else None,
    }


def progress(baseline: float | None, target: float | None, last: float | None) -> int | None:
    """How far the last value has come from the baseline towards the target, in per cent
    (0 at the baseline, 100 at the target; below 0 when it went the wrong way)."""
    if baseline is None or target is None or last is None or baseline == target:
        return None
    return round((last - baseline) / (target - baseline) * 100)


def committee_facts(
    session: Session,
    promise: Promise,
    year: int,
    stored: YearEndCompilation | None,
    language: str,
) -> dict[str, Any]:
    """What the committee paper adds to the figures: the parties' full names, the responsible
    official, the agreement, the year's situation pictures and the decision record."""
    from models import Agreement, Organisation, Region, SituationPicture
    from reports.parties import full_name, signed_year

    region = session.get(Region, promise.region_id)
    municipality = session.get(Organisation, promise.municipality_id)
    police = session.get(Organisation, promise.police_area_id)
    agreement = session.get(Agreement, promise.agreement_id) if promise.agreement_id else None
    pictures = session.exec(
        select(SituationPicture)
        .where(SituationPicture.promise_id == promise.id, SituationPicture.cycle_year == year)
        .order_by(col(SituationPicture.id))
    ).all()
    problems = session.exec(
        select(Problem)
        .where(Problem.promise_id == promise.id, col(Problem.selected))
        .order_by(col(Problem.id))
    ).all()
    return {
        "organisation": full_name(municipality, region, language),
        "police_full": full_name(police, region, language),
        "official": stored.official if stored else "",
        "signed": signed_year(session, promise) is not None,
        "agreement": None
        if agreement is None
        else {
            "title": agreement.title,
            "term_start": agreement.term_start.isoformat(),
            "term_end": agreement.term_end.isoformat(),
            "focus_areas": agreement.focus_areas,
            "goals": agreement.goals,
            "follow_up": agreement.follow_up,
            "decided_by": agreement.decided_by,
            "decided_on": agreement.decided_on.isoformat() if agreement.decided_on else None,
            "diarienummer": agreement.diarienummer,
        },
        "situation": {
            "pictures": [{"party": p.party.value, "summary": p.summary} for p in pictures],
            "problems": [
                {
                    "title": p.title,
                    "places": [pl.get("name") for pl in p.places],
                    "when": p.when,
                    "scale": p.scale,
                    "trend": p.trend.value,
                }
                for p in problems
            ],
        },
        "decision": {
            "body": stored.approved_by if stored else None,
            "decided_on": stored.decided_on.isoformat() if stored and stored.decided_on else None,
            "paragraph": stored.decision_paragraph if stored else None,
            "diarienummer": stored.diarienummer if stored else None,
        },
    }


def _extra_areas(session: Session, problem_ids: list[int]) -> dict[int, set[str]]:
    """The further priority areas of each problem (beyond its main one)."""
    links = session.exec(
        select(ProblemPriorityArea).where(col(ProblemPriorityArea.problem_id).in_(problem_ids))
    ).all()
    found: dict[int, set[str]] = {}
    for link in links:
        found.setdefault(link.problem_id, set()).add(link.priority_area_id)
    return found


def _catalogue_goals(
    region_id: str, goal_ids: tuple[str, ...], language: str
) -> list[dict[str, Any]]:
    """The catalogue's measurable goals that apply to the promise (the city's fourteen)."""
    from config.catalogue import get_catalogue

    try:
        region = get_catalogue().region(region_id)
    except KeyError:
        return []
    texts = {
        g.id: (g.text_sv if language == "sv" else g.text_en)
        for _, area in region.all_areas()
        for g in area.goals
    }
    return [{"id": gid, "text": texts[gid]} for gid in goal_ids if gid in texts]


def _previous_survey(session: Session, promise: Promise) -> list[str]:
    """The safety survey results recorded in the previous cycle, to compare with."""
    if promise.previous_promise_id is None:
        return []
    earlier = session.exec(
        select(Dialogue.safety_survey).where(Dialogue.promise_id == promise.previous_promise_id)
    ).all()
    return [s for s in earlier if s]


@pass_context
def _num(context: Context, value: Any) -> str:
    """A number in the document's language ("12,5" in Swedish), from the render's context."""
    return number(value, context.get("language") or "sv")


@lru_cache(maxsize=2)
def _environment(markdown: bool = False) -> Environment:
    """The report templates' environment, made once: its templates are compiled once (a
    committee paper's template took a second to compile on every request)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=autoescape_for,
        trim_blocks=True,
        lstrip_blocks=True,
        # Markdown passes raw HTML through to whoever renders it: every value written into a
        # Markdown document has its markup neutralised (the templates' own syntax is kept).
        finalize=escape_markdown_value if markdown else None,
    )
    env.filters["num"] = _num
    env.filters["css"] = css_string
    env.filters["unlead"] = without_lead
    return env


def render(
    data: dict[str, Any], fmt: str, template: str = "compilation", *, paged: bool = False
) -> str:
    """Render compilation data (or a roll-up) as ``md``, ``html`` or ``json``; ``paged`` adds
    the running header and footer of the PDF's pages.

    People's text is stripped of control characters first; HTML escapes it (autoescape).
    """
    data = clean(data)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2, default=str)
    if fmt not in ("md", "html"):
        raise ValueError(f"unknown format {fmt!r}; use md, html or json")
    language = data.get("language", "sv")
    t = words(language)
    env = _environment(markdown=fmt == "md")
    extra: dict[str, Any] = {}
    if template == "compilation":
        # The committee paper's view: header, proposal, assessments, resources, decision.
        extra = {
            "v": committee_view(data),
            "owner": lambda a: owner(a, t),
            "lang_tag": language_tag(language),
        }
    return env.get_template(f"{template}.{fmt}.j2").render(
        d=data,
        t=t,
        # Numbers and counts in the document's language: "12,5" and "1 inlämnad" in Swedish.
        language=language,
        counted=lambda n, what: counted(n, what, language),
        # A constant of ours (reports/styles.py), allowed by the CSP by its hash.
        document_style=Markup(DOCUMENT_STYLES.get(template, "")),
        # The page's running header and footer, for the PDF only (a browser has no use for
        # them, and its CSP allows no inline style but the constant one above).
        paged=paged,
        **extra,
    )


def region_roll_up(
    compilations: list[dict[str, Any]], region: str, language: str = "sv"
) -> dict[str, Any]:
    """All of a region's compilations side by side: goals met, activities done, rounds missed."""
    rows = []
    for c in sorted(compilations, key=lambda c: c["promise"]["area"]):
        rows.append(
            {
                "promise_id": c["promise"]["id"],
                "area": c["promise"]["area"],
                "cycle_year": c["promise"]["cycle_year"],
                "year_end": c["promise"]["year_end"],
                "goals_met": c["goals_summary"]["met"],
                "goals_total": c["goals_summary"]["total"],
                "activities_done": c["activities_summary"]["done"],
                "activities_not_done": c["activities_summary"]["not_done"],
                "rounds_missed": c["rounds_summary"].get("missed", 0),
                "approved": c["approved_at"] is not None,
            }
        )
    totals = {
        k: sum(r[k] for r in rows)
        for k in (
            "goals_met",
            "goals_total",
            "activities_done",
            "activities_not_done",
            "rounds_missed",
        )
    }
    return {"language": language, "region": region, "rows": rows, "totals": totals}
