"""Words of the reports: each in Swedish here, its English in the one catalogue
(``lifecycle/translations/en.po``, msgctxt ``report.<key>``: a report may say a word otherwise
than a page does)."""

from __future__ import annotations

from typing import Any

from lifecycle.calendar import long_day
from lifecycle.i18n import in_context


def long_date(value: str | None, language: str = "sv") -> str:
    """An ISO date (or the start of a moment) as a sentence says it: "15 september 2026" /
    "15 September 2026"; empty for none. A date in a table cell may stay 2026-09-15."""
    from datetime import date

    if not value:
        return ""
    try:
        return long_day(date.fromisoformat(str(value)[:10]), language)
    except ValueError:
        return str(value)


WORDS: dict[str, str] = {
    "compilation": "Årssammanställning",
    "citizen_promise": "Medborgarlöfte",
    "parties": "Parter",
    "term": "Period",
    "year": "År",
    "summary": "Sammanfattning",
    "dialogues": "Medborgardialoger",
    "participants": "deltagare",
    "chain": "Från problem till resultat",
    "problem": "Problem",
    "priority_area": "Prioriterat område",
    "causes": "Orsaker",
    "goal": "Mål",
    "indicator": "Indikator",
    "baseline": "Utgångsvärde",
    "target": "Målvärde",
    "last_value": "Senaste värde",
    "result": "Resultat",
    "met": "Uppnått",
    "not_met": "Ej uppnått",
    "unknown": "Okänt",
    "on_the_way": "På väg",
    "agreement_focus_area": "Överenskommelsens fokusområde",
    "local_problem": "Lokalt problem",
    "situation_picture": "Lägesbilden",
    "picture_police": "Polisens lägesbild",
    "picture_municipality": "Kommunens lägesbild",
    "picture_joint": "Gemensam lägesbild",
    "sources": "Källor",
    "round_analysis": "Uppföljningarnas analys",
    "survey_series": "Trygghetsmätningen år för år",
    "question": "Fråga",
    "change": "Förändring",
    "previous_measurement": "Mätningen före",
    "latest_measurement": "Senaste mätningen",
    "area": "Område",
    "deviations": "Avvikelser",
    "round_decisions": "Beslut",
    "not_relevant_here": "ej aktuellt här",
    "steering_group": "Styrgrupp",
    "preparation_group": "Beredningsgrupp",
    "meeting_rhythm": "Mötesrytm",
    "decisions": "Beslut",
    "of_the_way": "av vägen",
    "activities": "Aktiviteter",
    "activity": "Aktivitet",
    "owner": "Ansvarig",
    "status": "Status",
    "reason": "Orsak",
    "goals_met": "Mål uppnådda",
    "activities_done": "Aktiviteter genomförda",
    "not_done_heading": "Aktiviteter som inte genomfördes",
    "rounds": "Uppföljningar",
    "round": "Uppföljning",
    "due": "Senast",
    "submitted": "Inlämnad",
    "missed": "Missad",
    "upcoming": "Kommande",
    "feedback": "Återkoppling till invånarna",
    "suggestions": "Förslag inför nästa år",
    "next_year_plan": "Plan för kommande år",
    "approved_by": "Godkänd av",
    "not_approved": "Ännu inte godkänd",
    "none": "Inga",
    "police": "Polisen",
    "municipality": "Kommunen",
    "joint": "Polisen och kommunen gemensamt",
    "done": "Genomförd",
    "ongoing": "Pågår",
    "not_started": "Ej påbörjad",
    "not_done": "Ej genomförd",
    "roll_up": "Regional sammanställning",
    "promises": "Löften",
    "rounds_missed": "Missade uppföljningar",
    "generated": "Skapad",
    "promise_text": "Löftet",
    "joint_promise": "Polisen och kommunen lovar",
    "police_promise": "Polisen lovar",
    "municipality_promise": "Kommunen lovar",
    "coverage": "Prioriterade områden",
    "mandatory": "obligatoriskt",
    "chosen": "valt",
    "covered": "med aktivitet",
    "not_covered": "saknar aktivitet",
    "catalogue_goals": "Stadens mätbara mål",
    "addressed": "Arbetar mot målet",
    "through": "genom",
    "series": "Värden under året",
    "by_party": "Aktiviteter per part",
    "by_level": "Aktiviteter per preventionsnivå",
    "other": "Annan aktör",
    "universal": "universell",
    "selective": "selektiv",
    "indicated": "indikerad",
    "safety_survey": "Trygghetsmätningen",
    "this_year": "I år",
    "previous_year": "Föregående år",
    "not_recorded": "inte registrerad",
    "decision": "Beslut",
    "diarienummer": "Diarienummer",
    "yes": "ja",
    "no": "nej",
    "survey": "enkät",
    "safety_walk": "trygghetsvandring",
    "focus_group": "fokusgrupp",
    "digital_dialogue": "digital dialog",
    "meeting": "möte",
    "staff_dialogue": "medarbetardialog",
    # The signed promise document.
    "promise_for": "Medborgarlöfte för",
    "promise_from": "Ett löfte från {a} och {b}",
    "valid": "Gäller {start} – {end}.",
    "our_promises": "Våra löften",
    "police_lead": "Polisen lovar att",
    "joint_lead": "Tillsammans lovar vi att",
    "builds_on": "Vad löftet bygger på",
    "builds_dialogue": "Medborgardialog ({method}) {on}, {n} deltagare",
    "focus_area": "Fokusområde",
    "agreement": "Samverkansöverenskommelse",
    "follow_it": "Så kan du följa löftet",
    "follow_rounds": "Vi följer upp löftet under året ({rounds}) och berättar efter varje uppföljning vad "
    "som gjorts, vad som inte gjorts och varför.",
    "follow_yearly": "Vi följer upp löftet under året och berättar vad som gjorts, vad som inte gjorts och varför.",
    "follow_channels": "Det får du veta genom {channels}.",
    "follow_online": "Löftet och uppföljningarna finns på {url}, där du också kan bevaka löftet med e-post.",
    "contact": "Kontakt",
    "contact_parties": "Kontakta {a} eller {b} (polisen nås på 114 14).",
    "signatures": "Underskrifter",
    "party": "Part",
    "name": "Namn",
    "function": "Funktion",
    "signed_on": "Datum",
    # The year-end compilation as a committee paper (tjänsteutlåtande).
    "committee_title": "Årssammanställning {year} av medborgarlöftet för {area}",
    "official": "Handläggare",
    "to": "Till",
    "date": "Datum",
    "proposal_heading": "Förslag till beslut",
    "proposal": "{body} godkänner årssammanställningen {year} av medborgarlöftet för {area} och planen "
    "för kommande år.",
    "figures": "Året i siffror",
    "background": "Bakgrund",
    "background_text": "{a} och {b} gav medborgarlöftet för {area} för perioden {start} – {end}. Löftet är "
    "den offentliga delen av parternas samverkan: vad de gör under året åt de problem "
    "invånarna och lägesbilden pekat ut.",
    "agreement_line": "Löftet svarar mot {title} ({start} – {end}), beslutad av {by} {on}",
    "agreement_focus": "Överenskommelsens inriktning",
    "agreement_goals": "Överenskommelsens mål",
    "situation_heading": "Lägesbild",
    "picture_of": "{party}s lägesbild",
    "assessment_heading": "Bedömning per prioriterat område",
    "worked": "Det som fungerade",
    "not_worked": "Det som inte fungerade, och varför",
    "changes": "Det som ändras",
    "nothing_recorded": "Inget registrerat.",
    "goal_met_line": "Målet ”{goal}” nåddes: {indicator} {last} mot målvärdet {target}.",
    "goal_not_met_line": "Målet ”{goal}” nåddes inte: {indicator} {last} mot målvärdet {target}.",
    "goal_unknown_line": "Målet ”{goal}” kan inte bedömas: inget värde är registrerat.",
    "activity_done_line": "Aktiviteten ”{title}” genomfördes.",
    "activity_not_done_line": "Aktiviteten ”{title}” genomfördes inte: {reason}",
    "change_goal": "Arbetet mot målet ”{goal}” fortsätter med ändrade aktiviteter (se planen för kommande år).",
    "change_activity": "Aktiviteten ”{title}” görs om eller ersätts.",
    "no_area": "Utan prioriterat område",
    "goals_heading": "Mål, värden och utveckling mot måldatum",
    "target_date": "Måldatum",
    "progress_col": "Utveckling",
    "progress": "{p} % av vägen till målvärdet",
    "days_left": "{n} dagar kvar",
    "date_passed": "måldatum passerat",
    "resources_heading": "Aktiviteter per part och preventionsnivå, med resurser",
    "level": "Preventionsnivå",
    "count": "Antal",
    "hours": "Timmar",
    "kronor": "Kronor",
    "funding": "Finansiering",
    "total": "Summa",
    "all_activities": "Alla aktiviteter",
    "participation": "Invånarnas delaktighet",
    "told_how": "Så fick invånarna veta vad som hände",
    "method": "Sätt",
    "target_group": "Målgrupp",
    "said": "Vad invånarna sa",
    "channel": "Kanal",
    "attachments": "Bilagor",
    "signed_word": "undertecknat",
    "action_plan_doc": "Åtgärdsplan {year}: {area}",
    "no_plan": "Planen för kommande år är inte skriven än; den krävs innan beslutet.",
    "decision_record": "Beslutet",
    "paragraph": "Paragraf",
    "decided_by": "Beslutande organ",
    "joint_and": "gemensamt",
    "page": "Sida",
    "of": "av",
}


def in_language(pair: tuple[str, str], language: str) -> str:
    """The Swedish or English half of a (sv, en) pair of data that comes in both languages (a
    region's or a priority area's name from the catalogues); the reports' own words are in
    the catalogue instead (``words``)."""
    return pair[1] if language == "en" else pair[0]


class Words(dict[str, str]):
    """The words in one language, readable as attributes in templates (``t.goal``)."""

    def __getattr__(self, key: str) -> str:
        return self[key]


def words(language: str) -> Words:
    """All report words in ``language`` (sv or en)."""
    return Words({key: in_context(f"report.{key}", sv, language) for key, sv in WORDS.items()})


def word(key: str, language: str) -> Any:
    """One word."""
    return words(language)[key]
