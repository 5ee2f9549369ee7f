"""The year-end compilation as a Word document (.docx), for the committee that decides on it.

The same data and words as the Markdown and HTML renderings (``reports.compilation``); built
with python-docx, which writes text as text (nothing a person typed is interpreted as markup).
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.document import Document as DocumentType

from lifecycle.safe_text import clean
from lifecycle.words import counted, number
from reports.i18n import Words, words

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _table(doc: DocumentType, header: list[str], rows: list[list[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text


def _result(goal: dict[str, Any], t: Words) -> str:
    """Reached, on the way (with the share covered), not reached, or unknown."""
    result = goal.get("result", "unknown")
    if result == "on_the_way" and goal.get("share") is not None:
        return f"{t.on_the_way} ({round(goal['share'] * 100)} % {t.of_the_way})"
    return {"reached": t.met, "not_reached": t.not_met, "on_the_way": t.on_the_way}.get(
        result, t.unknown
    )


def render_docx(data: dict[str, Any]) -> bytes:
    """The compilation as .docx bytes, in the data's language."""
    d = clean(data)
    language = d.get("language", "sv")
    t = words(language)
    p = d["promise"]
    doc = Document()
    doc.core_properties.title = f"{t.compilation} {p['year_start'][:4]}: {p['area']}"
    doc.add_heading(f"{t.compilation} {p['year_start'][:4]}: {p['area']}", level=0)
    doc.add_paragraph(f"{t.parties}: {p['municipality']} / {p['police_area']}")
    doc.add_paragraph(
        f"{t.term}: {p['term_start']} – {p['term_end']}, {t.year.lower()} {p['cycle_year']}"
    )

    doc.add_heading(t.promise_text, level=1)
    for key, label in (
        ("joint", t.joint_promise),
        ("police", t.police_promise),
        ("municipality", t.municipality_promise),
    ):
        if d["promise_text"].get(key):
            doc.add_paragraph(f"{label}: {d['promise_text'][key]}")

    doc.add_heading(t.summary, level=1)
    gs, acts, rs = d["goals_summary"], d["activities_summary"], d["rounds_summary"]
    doc.add_paragraph(
        f"{t.goals_met}: {gs['met']} / {gs['total']}; {t.on_the_way.lower()}: "
        f"{gs.get('on_the_way', 0)}",
        style="List Bullet",
    )
    doc.add_paragraph(
        f"{t.activities_done}: {acts['done']}; {t.ongoing.lower()}: {acts['ongoing']}; "
        f"{t.not_done.lower()}: {acts['not_done']}",
        style="List Bullet",
    )
    doc.add_paragraph(
        f"{t.rounds}: {counted(rs.get('submitted', 0), 'submitted', language)}, "
        f"{counted(rs.get('missed', 0), 'missed', language)}",
        style="List Bullet",
    )
    if d.get("summary"):
        doc.add_paragraph(d["summary"])

    doc.add_heading(t.coverage, level=1)
    _table(
        doc,
        [t.priority_area, t.mandatory, t.chosen, t.covered],
        [
            [
                c["name"] or c["id"],
                t.yes if c["mandatory"] else t.no,
                t.yes if c["chosen"] else t.no,
                t.yes if c["covered"] else t.not_covered,
            ]
            for c in d["coverage"]
        ],
    )
    if d["catalogue_goals"]:
        doc.add_heading(t.catalogue_goals, level=2)
        for g in d["catalogue_goals"]:
            suffix = f": {t.addressed.lower()}" if g["chosen"] else ""
            doc.add_paragraph(f"{g['text']} ({g['id']}){suffix}", style="List Bullet")
    by_party = ", ".join(f"{t.get(k, k)} {v}" for k, v in d["activities_by_party"].items())
    by_level = ", ".join(f"{t.get(k, k)} {v}" for k, v in d["activities_by_level"].items())
    doc.add_paragraph(f"{t.by_party}: {by_party}")
    doc.add_paragraph(f"{t.by_level}: {by_level}")

    doc.add_heading(t.safety_survey, level=1)
    survey = d["safety_survey"]
    doc.add_paragraph(f"{t.this_year}: {'; '.join(survey['this_year']) or t.not_recorded}")
    doc.add_paragraph(f"{t.previous_year}: {'; '.join(survey['previous_year']) or t.not_recorded}")

    doc.add_heading(t.chain, level=1)
    for link in d["chain"]:
        doc.add_heading(f"{t.problem}: {link['problem']['title']}", level=2)
        doc.add_paragraph(f"{t.priority_area}: {link['problem']['priority_area'] or '–'}")
        doc.add_paragraph(f"{t.causes}: {'; '.join(link['causes']) or '–'}")
        _table(
            doc,
            [t.goal, t.indicator, t.baseline, t.target, t.last_value, t.result],
            [
                [
                    g["description"],
                    g["indicator"],
                    number(g["baseline"], language),
                    number(g["target"], language),
                    number(g["last_value"], language),
                    _result(g, t),
                ]
                for g in link["goals"]
            ],
        )
        for g in link["goals"]:
            if g["values"]:
                series = "; ".join(
                    f"{v['on']}: {number(v['value'], language)}" for v in g["values"]
                )
                doc.add_paragraph(f"{t.series} ({g['indicator']}): {series}")
        _table(
            doc,
            [t.activity, t.owner, t.status, t.reason],
            [
                [
                    a["title"],
                    f"{a['owner_other'] if a['owner_party'] == 'other' else t.get(a['owner_party'], a['owner_party'])} ({a['responsible']})",
                    t.get(a["status"], a["status"]),
                    a["reason"] or "",
                ]
                for a in link["activities"]
            ],
        )

    doc.add_heading(t.rounds, level=1)
    _table(
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
    doc.add_heading(t.feedback, level=1)
    for f in d["feedback"] or []:
        doc.add_paragraph(f"{t.round} {f['round']}: {f['text']}", style="List Bullet")
    if d.get("next_year_plan"):
        doc.add_heading(t.next_year_plan, level=1)
        doc.add_paragraph(d["next_year_plan"])

    doc.add_heading(t.decision, level=1)
    if d.get("approved_by"):
        record = f"{t.approved_by}: {d['approved_by']} ({(d.get('approved_at') or '')[:10]})"
        if d.get("diarienummer"):
            record += f", {t.diarienummer.lower()} {d['diarienummer']}"
        doc.add_paragraph(record)
    else:
        doc.add_paragraph(t.not_approved)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
