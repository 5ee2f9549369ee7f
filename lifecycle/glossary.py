"""The method's terms with a short help text each, in plain Swedish (Klarspråk) and English:
the one home the forms read them from. ``docs/glossary.md`` says the same (a test holds the
two together), from the method as BRÅ, the Police and SKR describe it (shared/domain.md).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """One term of the method: its name and a short help text, in Swedish and English."""

    key: str
    name_sv: str
    name_en: str
    help_sv: str
    help_en: str

    def name(self, language: str = "sv") -> str:
        """The term in ``language``."""
        return self.name_sv if language == "sv" else self.name_en

    def help(self, language: str = "sv") -> str:
        """The help text in ``language``."""
        return self.help_sv if language == "sv" else self.help_en


GLOSSARY: tuple[Term, ...] = (
    Term(
        "medborgarlofte",
        "medborgarlöfte",
        "citizen promise",
        "Ett offentligt löfte från polisen och kommunen (i Stockholm stadsdelsnämnden) till "
        "invånarna i ett område: det här gör vi i år mot de problem som ni har berättat om.",
        "A public promise from the police and the municipality (in Stockholm the district "
        "committee) to the residents of an area: this is what we will do this year about the "
        "problems you told us about.",
    ),
    Term(
        "samverkansoverenskommelse",
        "samverkansöverenskommelse",
        "collaboration agreement",
        "Avtalet mellan polisen och kommunen om hur de arbetar tillsammans mot brott och "
        "otrygghet. Medborgarlöftet är den del av avtalet som vänder sig till invånarna.",
        "The agreement between the police and the municipality on how they work together "
        "against crime and insecurity. The citizen promise is the part of it that speaks to "
        "the residents.",
    ),
    Term(
        "medborgardialog",
        "medborgardialog",
        "resident dialogue",
        "När polisen och kommunen frågar invånarna om trygghet och brott, till exempel med en "
        "enkät, en trygghetsvandring eller en fokusgrupp. Det som invånarna säger är underlag "
        "för lägesbilden.",
        "When the police and the municipality ask residents about safety and crime, for "
        "example with a survey, a safety walk or a focus group. What residents say feeds the "
        "situation picture.",
    ),
    Term(
        "trygghetsmatning",
        "trygghetsmätning",
        "safety survey",
        "En enkät som görs med jämna mellanrum, där invånarna svarar på hur trygga de känner "
        "sig och vad de har varit med om. Resultaten ger utgångsvärden och visar om målen nås.",
        "A survey repeated at intervals in which residents say how safe they feel and what "
        "they have experienced. Its results give baselines and show whether goals are reached.",
    ),
    Term(
        "trygghetsvandring",
        "trygghetsvandring",
        "safety walk",
        "En promenad i området med invånare, polis och kommun för att hitta platser där man "
        "känner sig otrygg, till exempel på grund av dålig belysning.",
        "A walk through the area with residents, police and municipality to find places where "
        "people feel unsafe, for example because of poor lighting.",
    ),
    Term(
        "lagesbild",
        "lägesbild",
        "situation picture",
        "En beskrivning av brott och otrygghet i området: vilka problem som finns, var, när, "
        "hur stora de är och om de ökar eller minskar. Polisen och kommunen gör var sin och "
        "för sedan samman dem till en gemensam lägesbild.",
        "A description of crime and insecurity in the area: which problems there are, where, "
        "when, how large, and whether they grow or shrink. The police and the municipality "
        "each make one and then merge them into a joint situation picture.",
    ),
    Term(
        "stadens_ram",
        "stadens prioriterade områden",
        "the city's priority areas",
        "I Stockholm ska lägesbilden säga något om vart och ett av stadens prioriterade "
        "områden. Om ett område inte är aktuellt i stadsdelen skriver ni ”ej aktuellt här” och "
        "varför.",
        "In Stockholm the situation picture says something about each of the city's priority "
        "areas. Where an area does not apply in the district, write “not relevant here” and "
        "why.",
    ),
    Term(
        "prioriterat_omrade",
        "prioriterat område (insatsområde)",
        "priority area",
        "Ett område som polisregionen eller staden har bestämt att alla ska arbeta med, till "
        "exempel våld i nära relationer. Varje fokusområde kopplas till ett sådant område, "
        "till ett av överenskommelsens fokusområden eller till ett lokalt problem med skäl.",
        "An area the police region or the city has decided everyone works on, for example "
        "domestic violence. Each focus area is tied to one, to one of the agreement's focus "
        "areas, or to a local problem with its reason.",
    ),
    Term(
        "fokusomrade",
        "fokusområde",
        "focus area",
        "Ett problem ur lägesbilden som polisen och kommunen väljer att arbeta med under året. "
        "Varje fokusområde behöver en orsaksanalys, mål och aktiviteter.",
        "A problem from the situation picture that the police and the municipality choose to "
        "work on this year. Each focus area needs a root-cause analysis, goals and activities.",
    ),
    Term(
        "orsaksanalys",
        "orsaksanalys",
        "root-cause analysis",
        "En förklaring till varför problemet uppstår just på den platsen och vid den tiden. "
        "Den beskriver händelsekedjan och problemets tre sidor: brottsoffret, gärningspersonen "
        "och platsen.",
        "An explanation of why the problem happens at that place and time. It describes the "
        "event chain and the problem's three sides: the victim, the offender and the place.",
    ),
    Term(
        "handelsekedja",
        "händelsekedja",
        "event chain",
        "Stegen som leder fram till ett brott eller en otrygg situation, i den ordning de "
        "händer. Den visar var det går att bryta kedjan.",
        "The steps that lead up to a crime or an unsafe situation, in the order they happen. "
        "It shows where the chain can be broken.",
    ),
    Term(
        "problemtriangeln",
        "problemtriangeln",
        "problem triangle",
        "Det som behövs för att ett brott ska hända: ett brottsoffer (eller något att ta), en "
        "gärningsperson och en plats. Det kan räcka att påverka en av de tre sidorna.",
        "What a crime needs to happen: a victim (or something to take), an offender and a "
        "place. Changing one of the three sides can be enough.",
    ),
    Term(
        "smart_mal",
        "mätbart mål (SMART)",
        "measurable goal (SMART)",
        "Ett mål som är specifikt, mätbart, accepterat, realistiskt och tidsbestämt. Det har "
        "en indikator, ett utgångsvärde, ett målvärde och ett datum.",
        "A goal that is specific, measurable, agreed, realistic and time-bound. It has an "
        "indicator, a baseline, a target and a date.",
    ),
    Term(
        "indikator",
        "indikator",
        "indicator",
        "Det som mäts för att se om målet nås, till exempel andelen som känner sig trygga i "
        "centrum på kvällen. Utgångsvärdet är läget nu, målvärdet är det ni vill nå.",
        "What is measured to see whether the goal is reached, for example the share who feel "
        "safe in the centre in the evening. The baseline is where things stand now, the target "
        "where you want to get.",
    ),
    Term(
        "atgardsplan",
        "åtgärdsplan",
        "action plan",
        "Planen med årets aktiviteter: vad som görs, mot vilken orsak, vem som ansvarar och "
        "när. Styrgruppen skriver under den tillsammans med löftestexten.",
        "The plan of the year's activities: what is done, against which cause, who is "
        "responsible and when. The steering group signs it together with the promise text.",
    ),
    Term(
        "preventionsniva",
        "preventionsnivå",
        "prevention level",
        "Vilka en aktivitet riktar sig till. Universell: alla i området. Selektiv: grupper "
        "med högre risk. Indikerad: personer som redan har begått brott eller utsatts för brott.",
        "Whom an activity is for. Universal: everyone in the area. Selective: groups at higher "
        "risk. Indicated: people who have already offended or been victims.",
    ),
    Term(
        "styrgrupp",
        "styrgrupp",
        "steering group",
        "Chefer från polisen och kommunen som bestämmer prioriteringarna, skriver under "
        "medborgarlöftet och godkänner årssammanställningen.",
        "Managers of the police and the municipality who set the priorities, sign the citizen "
        "promise and approve the year-end compilation.",
    ),
    Term(
        "uppfoljning",
        "uppföljning",
        "evaluation round",
        "Ett tillfälle under året, ofta varje tertial eller kvartal, då ni går igenom varje "
        "aktivitet och de senaste mätvärdena och berättar för invånarna vad som har hänt.",
        "A point in the year, often every four months or every quarter, when you go through "
        "each activity and the latest figures and tell residents what has happened.",
    ),
    Term(
        "aterkoppling",
        "återkoppling",
        "feedback to residents",
        "Det ni berättar för invånarna om vad som har gjorts och inte gjorts, och varför.",
        "What you tell residents about what was done and what was not, and why.",
    ),
    Term(
        "arssammanstallning",
        "årssammanställning",
        "year-end compilation",
        "Årets resultat mot målen, vilka aktiviteter som blev gjorda och inte, vilka "
        "uppföljningar som gjordes och planen för nästa år. Styrgruppen godkänner den.",
        "The year's results against the goals, which activities were carried out and which "
        "not, the evaluation rounds held, and the plan for next year. The steering group "
        "approves it.",
    ),
)

TERMS: dict[str, Term] = {t.key: t for t in GLOSSARY}


def term(key: str) -> Term:
    """The term called ``key`` (KeyError: not in the glossary)."""
    return TERMS[key]
