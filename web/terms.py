"""Which form field uses which term of the method: the field shows the term's short help text
from the glossary (``lifecycle/glossary.py``, ``docs/glossary.md``) under its label."""

from __future__ import annotations

from lifecycle.glossary import TERMS, Term

# (artefact kind, field) → the glossary's term. Only fields whose label is, or leans on, a term
# of the method; a plain field ("datum", "rubrik") needs no help text.
FIELD_TERMS: dict[tuple[str, str], str] = {
    ("dialogue", "method"): "medborgardialog",
    ("dialogue", "safety_survey"): "trygghetsmätning",
    ("situation_picture", "party"): "gemensam lägesbild",
    ("situation_picture", "summary"): "lägesbild",
    ("problem", "selected"): "fokusområde",
    ("problem", "priority_area"): "prioriterat område",
    ("problem", "agreement_focus_area"): "samverkansöverenskommelse",
    ("focus_area", "selected"): "fokusområde",
    ("focus_area", "priority_area"): "prioriterat område",
    ("focus_area", "agreement_focus_area"): "samverkansöverenskommelse",
    ("cause_analysis", "problem_id"): "orsaksanalys",
    ("cause_analysis", "event_chain"): "händelsekedja",
    ("goal", "kind"): "effektmål, processmål, produktionsmål",
    ("goal", "indicator"): "indikator",
    ("goal", "indicator_source"): "trygghetsmätning",
    ("activity", "cause_analysis_id"): "orsaksanalys",
    ("activity", "prevention_level"): "preventionsnivå",
    ("promise_text", "police_promises"): "medborgarlöfte",
    ("analysis_update", "survey_results"): "trygghetsmätning",
    ("analysis_update", "situation_picture"): "lägesbild",
    ("analysis_update", "priorities"): "fokusområde",
    ("signoff", "signed_by"): "styrgrupp",
    ("compilation", "summary"): "årssammanställning",
    ("compilation", "official"): "tjänsteutlåtande",
    ("approval", "approved_by"): "styrgrupp",
    ("approval", "diarienummer"): "diarienummer",
}
# The part of a form that is not one field: a situation picture's notes on the city's frame
# (the city's priority areas), an evaluation round and its feedback to residents.
PART_TERMS: dict[str, str] = {
    "frame": "prioriterat område",
    "evaluation": "uppföljning",
    "feedback_to_residents": "återkoppling",
}


def field_term(kind: str, field: str) -> Term | None:
    """The term whose help text ``kind``'s field ``field`` shows (None: a plain field)."""
    key = FIELD_TERMS.get((kind, field))
    return TERMS[key] if key else None


def part_term(part: str) -> Term:
    """The term of a part of a form (``frame``, ``evaluation``, ``feedback_to_residents``)."""
    return TERMS[PART_TERMS[part]]
