"""The method's terms with a short explanation each, in plain Swedish (Klarspråk), and the
English term: the one home the forms read their help texts from. ``docs/glossary.md`` has the
same rows (a test holds the two together); the explanations in English are in the catalogue
(``lifecycle/translations/en.po``), as every other text of the pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from lifecycle.i18n import translate


@dataclass(frozen=True)
class Term:
    """One term of the method: the Swedish term, what it means, and the English term."""

    name_sv: str
    help_sv: str
    name_en: str

    def name(self, language: str = "sv") -> str:
        """The term in ``language``."""
        return self.name_sv if language == "sv" else self.name_en

    def help(self, language: str = "sv") -> str:
        """What it means, in ``language``."""
        return translate(self.help_sv, language)


# In the order of docs/glossary.md (the method's order: the promise, the parties, the stages).
GLOSSARY: tuple[Term, ...] = (
    Term(
        "medborgarlöfte",
        "Ett löfte som kommunen (eller stadsdelsnämnden) och lokalpolisområdet ger invånarna tillsammans om vad de ska göra för att öka tryggheten under ett eller flera år. Det är medborgarlöftet som skrivs under, inte åtgärdsplanen.",
        "citizen promise",
    ),
    Term(
        "samverkansöverenskommelse",
        "Den längre överenskommelsen (oftast två till fyra år) mellan kommunen och polisen om hur de arbetar tillsammans mot brott. Medborgarlöftena ges inom den.",
        "collaboration agreement",
    ),
    Term(
        "part",
        "Den som ger löftet: kommunen eller stadsdelsnämnden, och lokalpolisområdet.",
        "party",
    ),
    Term(
        "stadsdelsnämnd",
        'I Stockholms stad ger stadsdelsnämnden löftet i stället för kommunen. Skriv ut hela namnet: "Hässelby-Vällingby stadsdelsnämnd".',
        "district council",
    ),
    Term(
        "lokalpolisområde",
        'Polisens lokala område. Skriv ut ordet i text till invånare: "lokalpolisområde Vällingby", inte "LPO Vällingby".',
        "local police area",
    ),
    Term(
        "polisregion",
        'Polisens region, till exempel polisregion Stockholm. Skriv "polisregionen", inte bara "regionen", när polisen menas.',
        "police region",
    ),
    Term("kommunpolis", "Polisens samordnare för samarbetet med en kommun.", "police coordinator"),
    Term(
        "trygghetssamordnare",
        "Kommunens (eller stadsdelsförvaltningens) samordnare för det brottsförebyggande arbetet.",
        "municipal safety coordinator",
    ),
    Term(
        "styrgrupp",
        "De chefer som beslutar för varje part, till exempel stadsdelsdirektören och lokalpolisområdeschefen. De skriver under medborgarlöftet och godkänner årssammanställningen.",
        "steering group",
    ),
    Term("beredningsgrupp", "De som förbereder styrgruppens beslut.", "preparatory group"),
    Term(
        "medborgardialog",
        "När parterna frågar invånarna vad som gör dem otrygga, till exempel med en enkät, en trygghetsvandring eller samtal på plats.",
        "resident dialogue",
    ),
    Term(
        "medarbetardialog",
        "Samma frågor till dem som arbetar i området, till exempel fältassistenter och poliser.",
        "staff dialogue",
    ),
    Term(
        "trygghetsmätning",
        "En återkommande enkät om hur trygga invånarna känner sig. Resultaten jämförs år för år.",
        "safety survey",
    ),
    Term(
        "trygghetsvandring",
        "En promenad i området med invånare för att se var det känns otryggt.",
        "safety walk",
    ),
    Term(
        "lägesbild",
        "En beskrivning av hur det ser ut i området: brott, otrygghet och vad invånarna har sagt. Varje part gör sin, och sedan görs en gemensam lägesbild.",
        "situation picture",
    ),
    Term(
        "gemensam lägesbild",
        "Parternas gemensamma beskrivning av läget, som problemen väljs ur.",
        "joint situation picture",
    ),
    Term(
        "prioriterat område",
        "Ett område som polisregionen eller staden har bestämt att löftena ska arbeta med.",
        "priority area",
    ),
    Term(
        "fokusområde",
        "Det område ett löfte väljer att arbeta med. Det hör till ett prioriterat område eller är ett lokalt problem med sitt skäl.",
        "focus area",
    ),
    Term("problem", "Ett konkret problem ur lägesbilden som löftet ska göra något åt.", "problem"),
    Term(
        "orsaksanalys",
        "En analys av varför problemet finns, så att åtgärderna riktas mot orsakerna och inte bara mot det som syns.",
        "root-cause analysis",
    ),
    Term(
        "händelsekedja",
        "Stegen som leder fram till problemet, från bakomliggande orsak till det som händer. Används i orsaksanalysen.",
        "chain of events",
    ),
    Term(
        "mål",
        'Vad löftet ska uppnå och till när. Ett mål bedöms först när dess datum har passerat; dessförinnan är det "på väg".',
        "goal",
    ),
    Term(
        "effektmål, processmål, produktionsmål",
        "Mål för förändringen hos invånarna, för hur arbetet går till och för vad som görs.",
        "outcome, process and output goal",
    ),
    Term(
        "indikator",
        "Det som mäts för att se om målet nås, till exempel andelen som känner sig trygga i centrum på kvällen. Utgångsvärdet är läget nu, målvärdet är det ni vill nå.",
        "indicator",
    ),
    Term(
        "åtgärdsplan",
        "Planen med aktiviteterna som ska nå målen. Den följs upp under året.",
        "action plan",
    ),
    Term("aktivitet", "Något en part gör för att nå ett mål, kopplat till en orsak.", "activity"),
    Term(
        "preventionsnivå",
        "Vem en aktivitet riktar sig till: alla (universell), en grupp med högre risk (selektiv) eller enskilda som redan är inblandade (indikerad).",
        "prevention level",
    ),
    Term(
        "uppföljning",
        "Den återkommande kontrollen under året av om aktiviteterna blir gjorda och vad de ger.",
        "evaluation round",
    ),
    Term("återkoppling", "Det invånarna får veta om vad som har hänt.", "feedback (to residents)"),
    Term(
        "årssammanställning",
        "Sammanställningen vid årets slut av vad som gjordes och vad det gav, som styrgruppen godkänner och som blir ett tjänsteutlåtande.",
        "year-end compilation",
    ),
    Term(
        "tjänsteutlåtande",
        "Det dokument som nämnden eller styrgruppen fattar beslut på.",
        "committee paper",
    ),
    Term("diarienummer", "Ärendets nummer i parternas diarium.", "file number"),
)

TERMS: dict[str, Term] = {t.name_sv: t for t in GLOSSARY}


def term(name: str) -> Term:
    """The term called ``name`` in Swedish (KeyError: not in the glossary)."""
    return TERMS[name]
