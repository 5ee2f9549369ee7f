"""Which form field uses which term of the method: the field shows the term's short help text
from the glossary (``lifecycle/glossary.py``, ``docs/glossary.md``) under its label."""

from __future__ import annotations

from lifecycle.glossary import TERMS, Term

# (artefact kind, field) → the glossary's key. Only fields whose label is, or leans on, a term
# of the method; a plain field ("datum", "rubrik") needs no help text.
FIELD_TERMS: dict[tuple[str, str], str] = {
    ("dialogue", "method"): "medborgardialog",
    ("dialogue", "safety_survey"): "trygghetsmatning",
    ("situation_picture", "summary"): "lagesbild",
    ("problem", "selected"): "fokusomrade",
    ("problem", "priority_area"): "prioriterat_omrade",
    ("problem", "agreement_focus_area"): "samverkansoverenskommelse",
    ("focus_area", "selected"): "fokusomrade",
    ("focus_area", "priority_area"): "prioriterat_omrade",
    ("focus_area", "agreement_focus_area"): "samverkansoverenskommelse",
    ("cause_analysis", "problem_id"): "orsaksanalys",
    ("cause_analysis", "event_chain"): "handelsekedja",
    ("cause_analysis", "victim"): "problemtriangeln",
    ("goal", "kind"): "smart_mal",
    ("goal", "indicator"): "indikator",
    ("goal", "indicator_source"): "trygghetsmatning",
    ("activity", "cause_analysis_id"): "orsaksanalys",
    ("activity", "title"): "atgardsplan",
    ("activity", "prevention_level"): "preventionsniva",
    ("promise_text", "police_promises"): "medborgarlofte",
    ("analysis_update", "survey_results"): "trygghetsmatning",
    ("analysis_update", "situation_picture"): "lagesbild",
    ("analysis_update", "priorities"): "fokusomrade",
    ("signoff", "signed_by"): "styrgrupp",
    ("compilation", "summary"): "arssammanstallning",
    ("approval", "approved_by"): "styrgrupp",
}
# The part of a form that is not one field: a situation picture's frame, an evaluation round.
PART_TERMS: dict[str, str] = {
    "frame": "stadens_ram",
    "evaluation": "uppfoljning",
    "feedback_to_residents": "aterkoppling",
}


def field_term(kind: str, field: str) -> Term | None:
    """The term whose help text ``kind``'s field ``field`` shows (None: a plain field)."""
    key = FIELD_TERMS.get((kind, field))
    return TERMS[key] if key else None


def part_term(part: str) -> Term:
    """The term of a part of a form (``frame``, ``evaluation``, ``feedback_to_residents``)."""
    return TERMS[PART_TERMS[part]]
