"""The year-end compilation as a committee paper (tjänsteutlåtande), as the Hässelby-Vällingby
seed shows one: header (organisation, diarienummer, date, responsible official), proposed
decision, summary, background with the agreement, situation picture, an assessment per
priority area, goals with their series and progress to the target date, activities by party
and prevention level with their resources, residents' participation and how they were told,
the plan for the coming year, attachments and the decision record.

``committee_view`` derives all of it from the compiled data (``reports.compilation``), which
is frozen when the compilation is approved: the paper of an approved year never changes. The
HTML, PDF and DOCX renderings show the same view.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from lifecycle.words import number
from reports.i18n import Words, long_date, words


def owner(a: dict[str, Any], t: Words) -> str:
    """Who carries an activity, in words (the other actor by name)."""
    if a["owner_party"] == "other":
        return str(a.get("owner_other") or t.other)
    return t.get(a["owner_party"], a["owner_party"])


def without_lead(text: str, lead: str) -> str:
    """``text`` without a leading ``lead`` it already repeats ("Uppföljning 2: Uppföljning 2:")."""
    stripped = text.strip()
    if lead and stripped.lower().startswith(lead.lower()):
        return stripped[len(lead) :].lstrip(" :–-")
    return stripped


def _progress(g: dict[str, Any], t: Words, today: date) -> str:
    parts = []
    if g.get("progress") is not None:
        parts.append(t.progress.format(p=g["progress"]))
    target_day = date.fromisoformat(g["target_date"])
    left = (target_day - today).days
    parts.append(t.days_left.format(n=left) if left >= 0 else t.date_passed)
    return "; ".join(parts)


def _result(met: bool | None, t: Words) -> str:
    return t.unknown if met is None else (t.met if met else t.not_met)


def _assessments(d: dict[str, Any], t: Words, language: str) -> list[dict[str, Any]]:
    """Per priority area: what worked, what did not and why, what changes."""
    by_area: dict[str, dict[str, list[str]]] = defaultdict(
        lambda: {"worked": [], "not_worked": [], "changes": []}
    )
    for link in d["chain"]:
        area = link["problem"].get("priority_area") or t.no_area
        found = by_area[area]
        for g in link["goals"]:
            values = {
                "goal": g["description"],
                "indicator": g["indicator"],
                "last": number(g["last_value"], language),
                "target": number(g["target"], language),
            }
            if g["met"] is True:
                found["worked"].append(t.goal_met_line.format(**values))
            elif g["met"] is False:
                found["not_worked"].append(t.goal_not_met_line.format(**values))
                found["changes"].append(t.change_goal.format(goal=g["description"]))
            else:
                found["not_worked"].append(t.goal_unknown_line.format(goal=g["description"]))
        for a in link["activities"]:
            if a["status"] == "done":
                found["worked"].append(t.activity_done_line.format(title=a["title"]))
            elif a["status"] == "not_done":
                reason = a.get("reason") or t.not_recorded
                found["not_worked"].append(
                    t.activity_not_done_line.format(title=a["title"], reason=reason)
                )
                found["changes"].append(t.change_activity.format(title=a["title"]))
    return [
        {"area": area, **{k: list(dict.fromkeys(v)) for k, v in parts.items()}}
        for area, parts in by_area.items()
    ]


def _resources(
    activities: list[dict[str, Any]], t: Words, language: str
) -> tuple[list[list[str]], list[str]]:
    """Rows per party and prevention level: number of activities, hours, kronor, funding."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for a in activities:
        groups[(owner(a, t), t.get(a["prevention_level"], a["prevention_level"]))].append(a)

    def summed(items: list[dict[str, Any]], key: str) -> str:
        values: list[float] = [a[key] for a in items if a.get(key) is not None]
        return number(sum(values), language) if values else "–"

    rows = [
        [
            party,
            level,
            str(len(items)),
            summed(items, "hours"),
            summed(items, "kronor"),
            ", ".join(dict.fromkeys(a["funding_source"] for a in items if a.get("funding_source")))
            or "–",
        ]
        for (party, level), items in sorted(groups.items())
    ]
    total = [
        t.total,
        "",
        str(len(activities)),
        summed(activities, "hours"),
        summed(activities, "kronor"),
        "",
    ]
    return rows, total


def committee_view(d: dict[str, Any]) -> dict[str, Any]:
    """Everything the committee paper shows, in the data's language, from the compiled data."""
    language = d.get("language", "sv")
    t = words(language)
    p = d["promise"]
    year, area = p["year_start"][:4], p["area"]
    organisation = d.get("organisation") or p["municipality"]
    police = d.get("police_full") or p["police_area"]
    decision = d.get("decision") or {
        "body": d.get("approved_by"),
        "decided_on": None,
        "paragraph": None,
        "diarienummer": d.get("diarienummer"),
    }
    today = date.fromisoformat(d["generated_on"])
    body = decision.get("body") or organisation
    agreement = d.get("agreement")
    agreement_text = ""
    if agreement:
        agreement_text = t.agreement_line.format(
            title=agreement["title"] or t.agreement.lower(),
            start=long_date(agreement["term_start"], language),
            end=long_date(agreement["term_end"], language),
            by=agreement["decided_by"] or "–",
            on=long_date(agreement["decided_on"], language),
        ).strip()
        if agreement.get("diarienummer"):
            agreement_text += f" ({t.diarienummer.lower()} {agreement['diarienummer']})"
        agreement_text += "."
    goals = []
    for link in d["chain"]:
        for g in link["goals"]:
            goals.append(
                {
                    **g,
                    "area": link["problem"].get("priority_area") or t.no_area,
                    "problem": link["problem"]["title"],
                    "progress_text": _progress(g, t, today),
                    "result_text": _result(g["met"], t),
                }
            )
    activities = [a for link in d["chain"] for a in link["activities"]]
    resources, total = _resources(activities, t, language)
    told = [
        {
            "round": f"{t.round} {f['round']}",
            "text": without_lead(f["text"], f"{t.round} {f['round']}"),
            "channel": f.get("channel") or "",
        }
        for f in d["feedback"]
    ]
    attachments = []
    if d.get("signed"):
        attachments.append(f"{t.promise_for} {area} {year} ({t.signed_word})")
    attachments.append(t.action_plan_doc.format(year=year, area=area))
    if agreement:
        name = agreement["title"] or t.agreement
        number_part = f" ({agreement['diarienummer']})" if agreement.get("diarienummer") else ""
        attachments.append(name + number_part)
    return {
        "title": t.committee_title.format(year=year, area=area),
        "year": year,
        "organisation": organisation,
        "police": police,
        "to": body,
        "official": d.get("official") or "",
        "diarienummer": decision.get("diarienummer") or d.get("diarienummer") or "",
        "date": d["generated_on"],
        "proposal": t.proposal.format(body=body, year=year, area=area),
        "background": t.background_text.format(
            a=organisation,
            b=police,
            area=area,
            start=long_date(p["year_start"], language),
            end=long_date(p["year_end"], language),
        ),
        "agreement": agreement_text,
        "agreement_focus": (agreement or {}).get("focus_areas") or [],
        "agreement_goals": (agreement or {}).get("goals") or "",
        "situation": d.get("situation") or {"pictures": [], "problems": []},
        "assessments": _assessments(d, t, language),
        "goals": goals,
        "resources": resources,
        "resources_total": total,
        "activities": activities,
        "told": told,
        "attachments": attachments,
        "decision": decision,
        "approved": bool(d.get("approved_by")),
    }
