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
    "on_the_way": ("På väg", "On the way"),
    "agreement_focus_area": ("Överenskommelsens fokusområde", "The agreement's focus area"),
    "local_problem": ("Lokalt problem", "Local problem"),
    "agreement": ("Samverkansöverenskommelsen", "The collaboration agreement"),
    "situation_picture": ("Lägesbilden", "The situation picture"),
    "picture_police": ("Polisens lägesbild", "The police's situation picture"),
    "picture_municipality": ("Kommunens lägesbild", "The municipality's situation picture"),
    "picture_joint": ("Gemensam lägesbild", "Joint situation picture"),
    "sources": ("Källor", "Sources"),
    "round_analysis": ("Uppföljningarnas analys", "The rounds' analysis"),
    "survey_series": ("Trygghetsmätningen år för år", "The safety survey year by year"),
    "question": ("Fråga", "Question"),
    "change": ("Förändring", "Change"),
    "previous_measurement": ("Mätningen före", "The measurement before"),
    "latest_measurement": ("Senaste mätningen", "The latest measurement"),
    "area": ("Område", "Area"),
    "deviations": ("Avvikelser", "Deviations"),
    "round_decisions": ("Beslut", "Decisions"),
    "not_relevant_here": ("ej aktuellt här", "not relevant here"),
    "steering_group": ("Styrgrupp", "Steering group"),
    "preparation_group": ("Beredningsgrupp", "Preparation group"),
    "meeting_rhythm": ("Mötesrytm", "Meeting rhythm"),
    "decisions": ("Beslut", "Decisions"),
    "of_the_way": ("av vägen", "of the way"),
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
    "promise_text": ("Löftet", "The promise"),
    "joint_promise": ("Polisen och kommunen lovar", "The police and the municipality promise"),
    "police_promise": ("Polisen lovar", "The police promise"),
    "municipality_promise": ("Kommunen lovar", "The municipality promises"),
    "coverage": ("Prioriterade områden", "Priority areas"),
    "mandatory": ("obligatoriskt", "mandatory"),
    "chosen": ("valt", "chosen"),
    "covered": ("med aktivitet", "with an activity"),
    "not_covered": ("saknar aktivitet", "no activity"),
    "catalogue_goals": ("Stadens mätbara mål", "The city's measurable goals"),
    "addressed": ("Arbetar mot målet", "Worked towards"),
    "through": ("genom", "through"),
    "series": ("Värden under året", "Values during the year"),
    "by_party": ("Aktiviteter per part", "Activities by party"),
    "by_level": ("Aktiviteter per preventionsnivå", "Activities by prevention level"),
    "other": ("Annan aktör", "Another actor"),
    "universal": ("universell", "universal"),
    "selective": ("selektiv", "selective"),
    "indicated": ("indikerad", "indicated"),
    "safety_survey": ("Trygghetsmätningen", "The safety survey"),
    "this_year": ("I år", "This year"),
    "previous_year": ("Föregående år", "Previous year"),
    "not_recorded": ("inte registrerad", "not recorded"),
    "decision": ("Beslut", "Decision"),
    "diarienummer": ("Diarienummer", "File number"),
    "yes": ("ja", "yes"),
    "no": ("nej", "no"),
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
