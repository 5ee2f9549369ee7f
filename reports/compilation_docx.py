"""The year-end compilation as a Word document (.docx): the committee paper a nämnd decides on.

The same view as the HTML and PDF (``reports.committee``), on A4 in the document's language
with its properties, header and footer (``reports.office``); charts of each indicator's
values as pictures. python-docx writes text as text: nothing a person typed is interpreted.
"""

from __future__ import annotations

import io
from datetime import date, datetime, time
from typing import Any

from docx.shared import Mm

from lifecycle.safe_text import clean
from lifecycle.words import counted, number
from reports.chart_png import indicator_png
from reports.committee import committee_view, owner
from reports.i18n import long_date, words
from reports.office import (
    DOCX_MEDIA_TYPE,
    DocumentInfo,
    docx_bytes,
    docx_table,
    new_docx,
)

__all__ = ["DOCX_MEDIA_TYPE", "render_docx"]


def _bullets(doc: Any, items: list[str], empty: str) -> None:
    for item in items:
        doc.add_paragraph(item, style="List Bullet")
    if not items:
        doc.add_paragraph(empty)


def _result(goal: dict[str, Any], t: Any) -> str:
    """Reached, on the way (with the share covered), not reached, or unknown."""
    result = goal.get("result", "unknown")
    if result == "on_the_way" and goal.get("share") is not None:
        return f"{t.on_the_way} ({round(goal['share'] * 100)} % {t.of_the_way})"
    judged = {"reached": t.met, "not_reached": t.not_met, "on_the_way": t.on_the_way}
    return str(judged.get(result, t.unknown))


def render_docx(data: dict[str, Any]) -> bytes:
    """The compilation as .docx bytes, in the data's language."""
    d = clean(data)
    language = d.get("language", "sv")
    t = words(language)
    v = committee_view(d)
    created = datetime.combine(date.fromisoformat(d["generated_on"]), time(12, 0))
    doc = new_docx(DocumentInfo(v["title"], v["organisation"], created, language))

    head = [
        (t.parties, f"{v['organisation']}, {v['police']}"),
        (t.diarienummer, v["diarienummer"] or "–"),
        (t.date, v["date"]),
        (t.official, v["official"] or "–"),
        (t.to, v["to"]),
    ]
    for label, value in head:
        paragraph = doc.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(value)
    doc.add_heading(v["title"], level=0)

    doc.add_heading(t.proposal_heading, level=1)
    doc.add_paragraph(v["proposal"])

    doc.add_heading(t.summary, level=1)
    if d.get("summary"):
        doc.add_paragraph(d["summary"])
    gs, acts, rs = d["goals_summary"], d["activities_summary"], d["rounds_summary"]
    _bullets(
        doc,
        [
            f"{t.goals_met}: {gs['met']} / {gs['total']}",
            f"{t.activities_done}: {acts['done']}; {t.ongoing.lower()}: {acts['ongoing']}; "
            f"{t.not_done.lower()}: {acts['not_done']}",
            f"{t.rounds}: {counted(rs.get('submitted', 0), 'submitted', language)}, "
            f"{counted(rs.get('missed', 0), 'missed', language)}",
        ],
        "",
    )

    doc.add_heading(t.background, level=1)
    doc.add_paragraph(v["background"])
    if v["agreement"]:
        doc.add_paragraph(v["agreement"])
        if v["agreement_focus"]:
            doc.add_paragraph(f"{t.agreement_focus}: {'; '.join(v['agreement_focus'])}")
        if v["agreement_goals"]:
            doc.add_paragraph(f"{t.agreement_goals}: {v['agreement_goals']}")
    doc.add_heading(t.promise_text, level=2)
    for key in ("police", "municipality", "joint"):
        if d["promise_text"].get(key):
            doc.add_paragraph(d["promise_text"][key])
    doc.add_heading(t.coverage, level=2)
    docx_table(
        doc,
        [t.priority_area, t.mandatory, t.chosen, t.covered],
        [
            [
                c["name"] or "–",
                t.yes if c["mandatory"] else t.no,
                t.yes if c["chosen"] else t.no,
                t.yes if c["covered"] else t.not_covered,
            ]
            for c in d["coverage"]
        ],
    )
    if d["catalogue_goals"]:
        doc.add_heading(t.catalogue_goals, level=2)
        _bullets(
            doc,
            [
                g["text"] + (f": {t.addressed.lower()}" if g["chosen"] else "")
                for g in d["catalogue_goals"]
            ],
            "",
        )

    doc.add_heading(t.situation_heading, level=1)
    for pic in v["situation"]["pictures"]:
        paragraph = doc.add_paragraph()
        paragraph.add_run(f"{t.get(pic['party'], pic['party'])}: ").bold = True
        paragraph.add_run(pic["summary"])
    _bullets(
        doc,
        [
            pr["title"]
            + (f" ({', '.join(pr['places'])})" if pr["places"] else "")
            + (f", {pr['when']}" if pr["when"] else "")
            + (f", {pr['scale']}" if pr["scale"] else "")
            for pr in v["situation"]["problems"]
        ],
        "",
    )
    survey = d["safety_survey"]
    doc.add_paragraph(
        f"{t.safety_survey}. {t.this_year}: {'; '.join(survey['this_year']) or t.not_recorded}. "
        f"{t.previous_year}: {'; '.join(survey['previous_year']) or t.not_recorded}."
    )

    doc.add_heading(t.assessment_heading, level=1)
    for a in v["assessments"]:
        doc.add_heading(a["area"], level=2)
        for key in ("worked", "not_worked", "changes"):
            doc.add_heading(t[key], level=3)
            _bullets(doc, a[key], t.nothing_recorded)

    doc.add_heading(t.goals_heading, level=1)
    docx_table(
        doc,
        [
            t.goal,
            t.indicator,
            t.baseline,
            t.target,
            t.last_value,
            t.target_date,
            t.progress_col,
            t.result,
        ],
        [
            [
                g["description"],
                g["indicator"],
                number(g["baseline"], language),
                number(g["target"], language),
                number(g["last_value"], language),
                g["target_date"],
                g["progress_text"],
                _result(g, t),
            ]
            for g in v["goals"]
        ],
        font_size=8.5,
    )
    for g in v["goals"]:
        if not g["values"]:
            continue
        points = [(date.fromisoformat(x["on"]), float(x["value"])) for x in g["values"]]
        png = indicator_png(
            points, g["baseline"], g["target"], g["indicator"], words=(t.baseline, t.target)
        )
        if png:
            doc.add_picture(io.BytesIO(png), width=Mm(150))
        series = "; ".join(
            f"{long_date(x['on'], language)}: {number(x['value'], language)}" for x in g["values"]
        )
        doc.add_paragraph(f"{t.series} ({g['indicator']}): {series}")

    doc.add_heading(t.resources_heading, level=1)
    docx_table(
        doc,
        [t.owner, t.level, t.count, t.hours, t.kronor, t.funding],
        [*v["resources"], v["resources_total"]],
    )
    doc.add_heading(t.all_activities, level=2)
    docx_table(
        doc,
        [t.activity, t.owner, t.level, t.status, t.reason, t.hours, t.kronor],
        [
            [
                a["title"],
                f"{owner(a, t)} ({a['responsible']})",
                t.get(a["prevention_level"], a["prevention_level"]),
                t.get(a["status"], a["status"]),
                a.get("reason") or "",
                number(a.get("hours"), language),
                number(a.get("kronor"), language),
            ]
            for a in v["activities"]
        ],
        font_size=8.5,
    )

    doc.add_heading(t.participation, level=1)
    docx_table(
        doc,
        [t.date, t.method, t.participants.capitalize(), t.said],
        [
            [
                dl["held_from"],
                t.get(dl["method"], dl["method"]),
                str(dl["participants"]),
                dl["results"],
            ]
            for dl in d["dialogues"]
        ],
    )
    doc.add_heading(t.told_how, level=2)
    docx_table(
        doc,
        [t.round, t.feedback, t.channel],
        [[f["round"], f["text"], f["channel"] or "–"] for f in v["told"]],
    )
    doc.add_heading(t.rounds, level=2)
    docx_table(
        doc,
        [t.round, t.due, t.status],
        [
            [
                str(r["number"]),
                r["due"],
                f"{t.get(r['status'], r['status'])} {r['submitted_at'] or ''}".strip(),
            ]
            for r in d["rounds"]
        ],
    )

    doc.add_heading(t.next_year_plan, level=1)
    doc.add_paragraph(d.get("next_year_plan") or t.no_plan)

    doc.add_heading(t.attachments, level=1)
    for item in v["attachments"]:
        doc.add_paragraph(item, style="List Number")

    doc.add_heading(t.decision_record, level=1)
    if v["approved"]:
        decision = v["decision"]
        for label, value in (
            (t.decided_by, decision.get("body") or "–"),
            (t.date, decision.get("decided_on") or (d.get("approved_at") or "")[:10]),
            (t.paragraph, decision.get("paragraph") or "–"),
            (t.diarienummer, decision.get("diarienummer") or "–"),
        ):
            paragraph = doc.add_paragraph()
            paragraph.add_run(f"{label}: ").bold = True
            paragraph.add_run(value)
    else:
        doc.add_paragraph(t.not_approved)
    return docx_bytes(doc)
