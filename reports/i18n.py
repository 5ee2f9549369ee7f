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
    # The signed promise document.
    "promise_for": ("Medborgarlöfte för", "Citizen promise for"),
    "promise_from": ("Ett löfte från {a} och {b}", "A promise from {a} and {b}"),
    "valid": ("Gäller {start} – {end}.", "Valid {start} – {end}."),
    "our_promises": ("Våra löften", "Our promises"),
    "police_lead": ("Polisen lovar att", "The police promise to"),
    "joint_lead": ("Tillsammans lovar vi att", "Together we promise to"),
    "builds_on": ("Vad löftet bygger på", "What the promise builds on"),
    "builds_dialogue": (
        "Medborgardialog ({method}) {on}, {n} deltagare",
        "Resident dialogue ({method}) {on}, {n} participants",
    ),
    "focus_area": ("Fokusområde", "Focus area"),
    "agreement": ("Samverkansöverenskommelse", "Collaboration agreement"),
    "follow_it": ("Så kan du följa löftet", "How you can follow the promise"),
    "follow_rounds": (
        "Vi följer upp löftet under året ({rounds}) och berättar efter varje uppföljning vad "
        "som gjorts, vad som inte gjorts och varför.",
        "We follow the promise up during the year ({rounds}) and after each follow-up tell "
        "what was done, what was not, and why.",
    ),
    "follow_yearly": (
        "Vi följer upp löftet under året och berättar vad som gjorts, vad som inte gjorts och varför.",
        "We follow the promise up during the year and tell what was done, what was not, and why.",
    ),
    "follow_channels": ("Det får du veta genom {channels}.", "You hear of it through {channels}."),
    "follow_online": (
        "Löftet och uppföljningarna finns på {url}, där du också kan bevaka löftet med e-post.",
        "The promise and its follow-ups are at {url}, where you can also follow it by e-mail.",
    ),
    "contact": ("Kontakt", "Contact"),
    "contact_parties": (
        "Kontakta {a} eller {b} (polisen nås på 114 14).",
        "Contact {a} or {b} (the police on 114 14).",
    ),
    "signatures": ("Underskrifter", "Signatures"),
    "party": ("Part", "Party"),
    "name": ("Namn", "Name"),
    "function": ("Funktion", "Function"),
    "signed_on": ("Datum", "Date"),
    # The year-end compilation as a committee paper (tjänsteutlåtande).
    "committee_title": (
        "Årssammanställning {year} av medborgarlöftet för {area}",
        "Year-end compilation {year} of the citizen promise for {area}",
    ),
    "official": ("Handläggare", "Responsible official"),
    "to": ("Till", "To"),
    "date": ("Datum", "Date"),
    "proposal_heading": ("Förslag till beslut", "Proposed decision"),
    "proposal": (
        "{body} godkänner årssammanställningen {year} av medborgarlöftet för {area} och planen "
        "för kommande år.",
        "{body} approves the year-end compilation {year} of the citizen promise for {area} and "
        "the plan for the coming year.",
    ),
    "figures": ("Året i siffror", "The year in figures"),
    "background": ("Bakgrund", "Background"),
    "background_text": (
        "{a} och {b} gav medborgarlöftet för {area} för perioden {start} – {end}. Löftet är "
        "den offentliga delen av parternas samverkan: vad de gör under året åt de problem "
        "invånarna och lägesbilden pekat ut.",
        "{a} and {b} made the citizen promise for {area} for {start} – {end}. The promise is "
        "the public part of the parties' collaboration: what they do during the year about "
        "the problems residents and the situation picture pointed out.",
    ),
    "agreement_line": (
        "Löftet svarar mot {title} ({start} – {end}), beslutad av {by} {on}",
        "The promise answers to {title} ({start} – {end}), decided by {by} {on}",
    ),
    "agreement_focus": ("Överenskommelsens inriktning", "The agreement's focus areas"),
    "agreement_goals": ("Överenskommelsens mål", "The agreement's goals"),
    "situation_heading": ("Lägesbild", "Situation picture"),
    "picture_of": ("{party}s lägesbild", "The {party}'s situation picture"),
    "assessment_heading": ("Bedömning per prioriterat område", "Assessment by priority area"),
    "worked": ("Det som fungerade", "What worked"),
    "not_worked": ("Det som inte fungerade, och varför", "What did not work, and why"),
    "changes": ("Det som ändras", "What changes"),
    "nothing_recorded": ("Inget registrerat.", "Nothing recorded."),
    "goal_met_line": (
        "Målet ”{goal}” nåddes: {indicator} {last} mot målvärdet {target}.",
        "The goal “{goal}” was met: {indicator} {last} against the target {target}.",
    ),
    "goal_not_met_line": (
        "Målet ”{goal}” nåddes inte: {indicator} {last} mot målvärdet {target}.",
        "The goal “{goal}” was not met: {indicator} {last} against the target {target}.",
    ),
    "goal_unknown_line": (
        "Målet ”{goal}” kan inte bedömas: inget värde är registrerat.",
        "The goal “{goal}” cannot be judged: no value is recorded.",
    ),
    "activity_done_line": (
        "Aktiviteten ”{title}” genomfördes.",
        "The activity “{title}” was done.",
    ),
    "activity_not_done_line": (
        "Aktiviteten ”{title}” genomfördes inte: {reason}",
        "The activity “{title}” was not done: {reason}",
    ),
    "change_goal": (
        "Arbetet mot målet ”{goal}” fortsätter med ändrade aktiviteter (se planen för kommande år).",
        "Work towards the goal “{goal}” goes on with changed activities (see the plan for the coming year).",
    ),
    "change_activity": (
        "Aktiviteten ”{title}” görs om eller ersätts.",
        "The activity “{title}” is redone or replaced.",
    ),
    "no_area": ("Utan prioriterat område", "Without a priority area"),
    "goals_heading": (
        "Mål, värden och utveckling mot måldatum",
        "Goals, values and progress to the target date",
    ),
    "target_date": ("Måldatum", "Target date"),
    "progress_col": ("Utveckling", "Progress"),
    "progress": ("{p} % av vägen till målvärdet", "{p} % of the way to the target"),
    "days_left": ("{n} dagar kvar", "{n} days left"),
    "date_passed": ("måldatum passerat", "target date passed"),
    "resources_heading": (
        "Aktiviteter per part och preventionsnivå, med resurser",
        "Activities by party and prevention level, with resources",
    ),
    "level": ("Preventionsnivå", "Prevention level"),
    "count": ("Antal", "Number"),
    "hours": ("Timmar", "Hours"),
    "kronor": ("Kronor", "Kronor"),
    "funding": ("Finansiering", "Funding"),
    "total": ("Summa", "Total"),
    "all_activities": ("Alla aktiviteter", "All activities"),
    "participation": ("Invånarnas delaktighet", "Residents' participation"),
    "told_how": ("Så fick invånarna veta vad som hände", "How residents were told what happened"),
    "method": ("Sätt", "Method"),
    "target_group": ("Målgrupp", "Target group"),
    "said": ("Vad invånarna sa", "What residents said"),
    "channel": ("Kanal", "Channel"),
    "attachments": ("Bilagor", "Attachments"),
    "signed_word": ("undertecknat", "signed"),
    "action_plan_doc": ("Åtgärdsplan {year}: {area}", "Action plan {year}: {area}"),
    "no_plan": (
        "Planen för kommande år är inte skriven än; den krävs innan beslutet.",
        "The plan for the coming year is not written yet; the decision needs it.",
    ),
    "decision_record": ("Beslutet", "The decision"),
    "paragraph": ("Paragraf", "Paragraph"),
    "decided_by": ("Beslutande organ", "Decided by"),
    "joint_and": ("gemensamt", "jointly"),
    "page": ("Sida", "Page"),
    "of": ("av", "of"),
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
