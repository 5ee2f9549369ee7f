"""Words of the reports in Swedish (default) and English."""

from __future__ import annotations

from typing import Any

WORDS: dict[str, tuple[str, str]] = {
    "compilation": ("Årssammanställning", "Year-end compilation"),
    "citizen_promise": ("Medborgarlöfte", "Citizen promise"),
    "parties": ("Parter", "Parties"),
    "term": ("Period", "Term"),
    "year": ("År", "Year"),
    "summary": ("Sammanfattning", "Summary"),
    "dialogues": ("Medborgardialoger", "Resident dialogues"),
    "participants": ("deltagare", "participants"),
    "chain": ("Från problem till resultat", "From problem to result"),
    "problem": ("Problem", "Problem"),
    "priority_area": ("Prioriterat område", "Priority area"),
    "causes": ("Orsaker", "Causes"),
    "goal": ("Mål", "Goal"),
    "indicator": ("Indikator", "Indicator"),
    "baseline": ("Utgångsvärde", "Baseline"),
    "target": ("Målvärde", "Target"),
    "last_value": ("Senaste värde", "Last value"),
    "result": ("Resultat", "Result"),
    "met": ("Uppnått", "Met"),
    "not_met": ("Ej uppnått", "Not met"),
    "unknown": ("Okänt", "Unknown"),
    "activities": ("Aktiviteter", "Activities"),
    "activity": ("Aktivitet", "Activity"),
    "owner": ("Ansvarig", "Responsible"),
    "status": ("Status", "Status"),
    "reason": ("Orsak", "Reason"),
    "goals_met": ("Mål uppnådda", "Goals met"),
    "activities_done": ("Aktiviteter genomförda", "Activities done"),
    "not_done_heading": ("Aktiviteter som inte genomfördes", "Activities not done"),
    "rounds": ("Uppföljningar", "Evaluation rounds"),
    "round": ("Uppföljning", "Round"),
    "due": ("Senast", "Due"),
    "submitted": ("Inlämnad", "Submitted"),
    "missed": ("Missad", "Missed"),
    "upcoming": ("Kommande", "Upcoming"),
    "feedback": ("Återkoppling till invånarna", "Feedback to residents"),
    "suggestions": ("Förslag inför nästa år", "Suggestions for next year"),
    "next_year_plan": ("Plan för kommande år", "Plan for the coming year"),
    "approved_by": ("Godkänd av", "Approved by"),
    "not_approved": ("Ännu inte godkänd", "Not approved yet"),
    "none": ("Inga", "None"),
    "police": ("Polisen", "The police"),
    "municipality": ("Kommunen", "The municipality"),
    "joint": ("Polisen och kommunen gemensamt", "The police and the municipality jointly"),
    "done": ("Genomförd", "Done"),
    "ongoing": ("Pågår", "Ongoing"),
    "not_started": ("Ej påbörjad", "Not started"),
    "not_done": ("Ej genomförd", "Not done"),
    "roll_up": ("Regional sammanställning", "Regional roll-up"),
    "promises": ("Löften", "Promises"),
    "rounds_missed": ("Missade uppföljningar", "Rounds missed"),
    "generated": ("Skapad", "Generated"),
    "survey": ("enkät", "survey"),
    "safety_walk": ("trygghetsvandring", "safety walk"),
    "focus_group": ("fokusgrupp", "focus group"),
    "digital_dialogue": ("digital dialog", "digital dialogue"),
    "meeting": ("möte", "meeting"),
    "staff_dialogue": ("medarbetardialog", "staff dialogue"),
}


def in_language(pair: tuple[str, str], language: str) -> str:
    """The Swedish or English half of a (sv, en) pair: the one lookup every word table uses."""
    return pair[1] if language == "en" else pair[0]


class Words(dict[str, str]):
    """The words in one language, readable as attributes in templates (``t.goal``)."""

    def __getattr__(self, key: str) -> str:
        return self[key]


def words(language: str) -> Words:
    """All report words in ``language`` (sv or en)."""
    return Words({key: in_language(pair, language) for key, pair in WORDS.items()})


def word(key: str, language: str) -> Any:
    """One word."""
    return words(language)[key]
