"""Exit criteria of every stage (shared/domain.md). ``unmet_criteria`` lists all that fail.

Every unmet criterion has a stable ``code`` (for programs and tests) and a sentence naming the
exact thing that is missing: a ``Phrase``, written in Swedish with its values named, its English
in the catalogue (``lifecycle/translations/en.po``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lifecycle.calendar import LongDay
from lifecycle.i18n import Phrase, Sayable
from lifecycle.snapshot import AnalysisUpdateFacts, PromiseSnapshot
from lifecycle.stages import Stage
from lifecycle.statements import backed_by
from lifecycle.vocabulary import Party


@dataclass(frozen=True)
class Unmet:
    """One exit criterion that does not hold, said as one sentence, with what it refers to.

    ``sentence`` is a ``Phrase`` (or, for a criterion the server said already, a ``Given``
    with its two languages: ``cli/transport.py``).
    """

    code: str
    sentence: Sayable
    ref: str | None = None

    def message(self, language: str = "sv") -> str:
        """The message in the requested language."""
        return self.sentence.said(language)

    def as_dict(self, language: str = "sv") -> dict[str, str | None]:
        """JSON-friendly form: code, message (in ``language``), both messages and the ref."""
        return {
            "code": self.code,
            "message": self.message(language),
            "message_sv": self.message("sv"),
            "message_en": self.message("en"),
            "ref": self.ref,
        }


def _resident_dialogue(s: PromiseSnapshot) -> list[Unmet]:
    with_residents = [d for d in s.dialogues if d.with_residents]
    if not with_residents:
        return [
            Unmet(
                "dialogue.missing",
                Phrase(
                    "Ingen medborgardialog är registrerad. Registrera minst en dialog med invånare."
                ),
            )
        ]
    if not any(d.has_results for d in with_residents):
        return [
            Unmet(
                "dialogue.results_missing",
                Phrase(
                    "Medborgardialogen saknar resultat. Registrera vad invånarna sa (teman, "
                    "platser, tider)."
                ),
                # the dialogue whose results to write down (the first one with residents)
                ref=f"dialogue:{with_residents[0].id}",
            )
        ]
    return []


def _party(s: PromiseSnapshot, party: Party) -> Sayable:
    """How the party is named: Stockholm's districts and Gotland are not "Kommunen"."""
    if party is Party.POLICE:
        return Phrase("Polisen")
    return s.municipality_word


@dataclass(frozen=True)
class _InSentence:
    """A party's name inside a sentence ("som kommunen genomför", "that the municipality
    carry out"): in lower case, in either language, but a name ("Region Gotland") as written."""

    party: Sayable

    def said(self, language: str) -> str:
        """The party's name in ``language``, as it reads inside a sentence."""
        name = self.party.said(language)
        return name if name.startswith("Region ") else name.lower()


def _joint_analysis(s: PromiseSnapshot) -> list[Unmet]:
    unmet = [
        Unmet(
            f"analysis.{party.value}_picture_missing",
            Phrase("{party} har inte bidragit med sin lägesbild.", {"party": _party(s, party)}),
            ref=f"party:{party.value}",
        )
        for party in Party
        if party not in s.situation_pictures_by
    ]
    return unmet + _frame(s) + _focus_areas(s)


def _frame(s: PromiseSnapshot) -> list[Unmet]:
    """Each area of the city's frame is spoken to, or recorded as not relevant with a reason."""
    return [
        Unmet(
            "analysis.frame_area_missing",
            Phrase(
                'Lägesbilden säger inget om "{area}". Skriv vad den visar om området, eller '
                '"ej aktuellt här" med ett skäl.',
                {"area": s.area_names.get(a, a)},
            ),
            ref=f"priority_area:{a}",
        )
        for a in s.frame_area_ids
        if a not in s.frame_areas_addressed
    ]


def _focus_areas(s: PromiseSnapshot) -> list[Unmet]:
    unmet: list[Unmet] = []
    selected = s.selected_problems
    if not selected:
        unmet.append(
            Unmet(
                "analysis.no_focus_area",
                Phrase("Inget problem är valt som fokusområde."),
            )
        )
    for p in selected:
        if not p.has_frame:
            unmet.append(
                Unmet(
                    "analysis.focus_area_without_priority_area",
                    Phrase(
                        'Fokusområdet "{title}" är inte kopplat till något prioriterat område, '
                        "något av överenskommelsens fokusområden eller ett lokalt problem med "
                        "skäl.",
                        {"title": p.title},
                    ),
                    ref=f"problem:{p.id}",
                )
            )
    return unmet


def _root_cause_analysis(s: PromiseSnapshot) -> list[Unmet]:
    return [
        Unmet(
            "cause.missing",
            Phrase('Problemet "{title}" saknar orsaksanalys.', {"title": p.title}),
            ref=f"problem:{p.id}",
        )
        for p in s.selected_problems
        if not p.has_cause_analysis
    ]


def _goals(s: PromiseSnapshot) -> list[Unmet]:
    unmet: list[Unmet] = []
    selected_ids = {p.id for p in s.selected_problems}
    for p in s.selected_problems:
        if not any(g.problem_id == p.id for g in s.goals):
            unmet.append(
                Unmet(
                    "goal.missing",
                    Phrase('Problemet "{title}" saknar mål.', {"title": p.title}),
                    ref=f"problem:{p.id}",
                )
            )
    for g in s.goals:
        if g.problem_id not in selected_ids:
            continue
        if not g.has_baseline:
            unmet.append(
                Unmet(
                    "goal.baseline_missing",
                    Phrase(
                        'Målet med indikatorn "{indicator}" saknar utgångsvärde.',
                        {"indicator": g.indicator},
                    ),
                    ref=f"goal:{g.id}",
                )
            )
        if not g.has_target:
            unmet.append(
                Unmet(
                    "goal.target_missing",
                    Phrase(
                        'Målet med indikatorn "{indicator}" saknar målvärde.',
                        {"indicator": g.indicator},
                    ),
                    ref=f"goal:{g.id}",
                )
            )
    return unmet


def _plan_backing(s: PromiseSnapshot) -> list[Unmet]:
    """The promise text tied to the plan: every activity names the cause it addresses, and
    each statement of the text is backed by at least one activity of the party that makes it
    (or a joint one); what both promise together needs a joint activity, or one of each
    party's. Every unbacked statement is listed, quoted."""
    unmet = [
        Unmet(
            "activity.cause_missing",
            Phrase(
                'Aktiviteten "{title}" är inte kopplad till någon orsak (orsaksanalys).',
                {"title": a.title},
            ),
            ref=f"activity:{a.id}",
        )
        for a in s.activities
        if not a.has_cause
    ]
    owner_of = {a.id: a.owner for a in s.activities}
    police, municipality = _party(s, Party.POLICE), _party(s, Party.MUNICIPALITY)
    words: dict[str, tuple[Sayable, Sayable]] = {
        # (who promises; who must carry it)
        "police": (police, _InSentence(police)),
        "municipality": (municipality, _InSentence(municipality)),
        "joint": (
            Phrase("Parterna tillsammans"),
            Phrase("parterna gemensamt (eller var och en av dem)"),
        ),
    }
    for st in s.statements:
        owners = {owner_of[a] for a in st.activity_ids if a in owner_of}
        if backed_by(st.party, owners):
            continue
        who, doer = words[st.party]
        quoted = st.text if len(st.text) <= 120 else st.text[:119] + "…"
        unmet.append(
            Unmet(
                "promise_text.statement_unbacked",
                Phrase(
                    '{who} lovar "{quoted}" (mening {number}), men ingen aktivitet som {doer} '
                    "genomför är angiven som den som bär löftet. Ange vilka aktiviteter som bär "
                    "meningen.",
                    {"who": who, "quoted": quoted, "number": st.number, "doer": doer},
                ),
                ref=f"statement:{st.party}:{st.number}",
            )
        )
    return unmet


# The three parts of a later year's analysis update, as the refusal names them.
_UPDATE_PARTS = (
    (
        "survey_results",
        Phrase("de nya resultaten från trygghetsmätningen (och annan statistik) mot förra året"),
    ),
    ("situation_picture", Phrase("vad som har ändrats i den gemensamma lägesbilden")),
    ("priorities", Phrase("om fokusområdena behålls, tas bort eller läggs till, och varför")),
)


def unmet_analysis_update(cycle_year: int, update: AnalysisUpdateFacts | None) -> list[Unmet]:
    """What is missing of year ``cycle_year``'s analysis update (nothing in year 1, whose
    analysis is the joint analysis stage). Seed 004: "Resultaten följs upp och erfarenheterna
    ligger till grund när analysen och prioriteringarna uppdateras"."""
    if cycle_year < 2:
        return []
    facts = update or AnalysisUpdateFacts()
    return [
        Unmet(
            f"analysis_update.{part}_missing",
            Phrase(
                "Analysen är inte uppdaterad inför år {year}: skriv {what}.",
                {"year": cycle_year, "what": what},
            ),
            ref=f"cycle_year:{cycle_year}",
        )
        for part, what in _UPDATE_PARTS
        if not getattr(facts, part)
    ]


def _action_plan(s: PromiseSnapshot) -> list[Unmet]:
    unmet = unmet_analysis_update(s.cycle_year, s.analysis_update) + _activities(s)
    unmet += _plan_backing(s)
    if not s.has_promise_text:
        unmet.append(
            Unmet(
                "promise_text.missing",
                Phrase('Löftestexten ("polisen lovar / kommunen lovar") är inte skriven.'),
            )
        )
    for party in Party:
        if party in s.signed_by:
            continue
        for name in s.unsigned_organisations.get(party, ()):
            unmet.append(
                Unmet(
                    f"signoff.{party.value}_missing",
                    Phrase(
                        "{name} har inte undertecknat medborgarlöftet; var och en av partens "
                        "organisationer skriver under.",
                        {"name": name},
                    ),
                    ref=f"organisation:{name}",
                )
            )
        if party not in s.unsigned_organisations:
            unmet.append(
                Unmet(
                    f"signoff.{party.value}_missing",
                    Phrase(
                        "{party} har inte undertecknat medborgarlöftet.",
                        {"party": _party(s, party)},
                    ),
                    ref=f"party:{party.value}",
                )
            )
    return unmet


def _activities(s: PromiseSnapshot) -> list[Unmet]:
    unmet: list[Unmet] = []
    selected_ids = {p.id for p in s.selected_problems}
    for g in s.goals:
        if g.problem_id in selected_ids and not any(a.serves(g.id) for a in s.activities):
            unmet.append(
                Unmet(
                    "activity.missing",
                    Phrase(
                        'Målet med indikatorn "{indicator}" har ingen aktivitet.',
                        {"indicator": g.indicator},
                    ),
                    ref=f"goal:{g.id}",
                )
            )
    goal_problem = {g.id: g.problem_id for g in s.goals}
    problem_areas = {p.id: p.area_ids for p in s.problems}
    covered: set[str] = set()
    for a in s.activities:
        for goal_id in (a.goal_id, *a.also_goal_ids):
            covered |= problem_areas.get(goal_problem.get(goal_id, -1), frozenset())
    for area_id in sorted(s.mandatory_area_ids - covered):
        name = s.area_names.get(area_id, area_id)
        unmet.append(
            Unmet(
                "priority_area.not_covered",
                Phrase(
                    'Polisregionens obligatoriska område "{name}" saknar aktivitet.', {"name": name}
                ),
                ref=f"priority_area:{area_id}",
            )
        )
    return unmet


def _continuous_evaluation(s: PromiseSnapshot) -> list[Unmet]:
    if s.today > s.current_year_end:
        return []  # the year has ended: missed rounds are reported in the compilation
    if not s.rounds:
        return [
            Unmet(
                "evaluation.none_planned",
                Phrase("Inga uppföljningstillfällen är planerade för året."),
            )
        ]
    return [
        Unmet(
            "evaluation.round_not_submitted",
            Phrase(
                "Uppföljning {number} (senast {due}) är inte inlämnad.",
                {"number": r.number, "due": LongDay(r.due)},
            ),
            ref=f"round:{r.id}",
        )
        for r in s.rounds
        if not r.submitted
    ]


def _year_end_compilation(s: PromiseSnapshot) -> list[Unmet]:
    if s.compilation_approved:
        return []
    return [
        Unmet(
            "compilation.not_approved",
            Phrase("Årssammanställningen är inte godkänd."),
        )
    ]


EXIT_CRITERIA: dict[Stage, Callable[[PromiseSnapshot], list[Unmet]]] = {
    Stage.RESIDENT_DIALOGUE: _resident_dialogue,
    Stage.JOINT_ANALYSIS: _joint_analysis,
    Stage.ROOT_CAUSE_ANALYSIS: _root_cause_analysis,
    Stage.GOALS: _goals,
    Stage.ACTION_PLAN: _action_plan,
    Stage.CONTINUOUS_EVALUATION: _continuous_evaluation,
    Stage.YEAR_END_COMPILATION: _year_end_compilation,
}


# The links of the chain dialogue → problem → cause → goal → activity that later work depends
# on, with the stage that first requires each. They are checked again at every later gate and
# at sign-off, so a focus area chosen (or a goal added) after its stage cannot slip through
# without its cause, goal or activity (issue 10: "Orsaker: –" in a compilation).
CHAIN: tuple[tuple[Stage, Callable[[PromiseSnapshot], list[Unmet]]], ...] = (
    (Stage.JOINT_ANALYSIS, _focus_areas),
    (Stage.ROOT_CAUSE_ANALYSIS, _root_cause_analysis),
    (Stage.GOALS, _goals),
    (Stage.ACTION_PLAN, _activities),
)


def chain_unmet(snapshot: PromiseSnapshot, before: Stage) -> list[Unmet]:
    """Every broken link of the chain that a stage earlier than ``before`` requires."""
    return [
        unmet
        for stage, check in CHAIN
        if stage.position < before.position
        for unmet in check(snapshot)
    ]


def unmet_for_signoff(snapshot: PromiseSnapshot) -> list[Unmet]:
    """What must hold before a party may sign the action plan: the whole chain, activities too,
    and the promise text backed by the plan (each activity tied to its cause); in a later
    year of the term, the analysis updated first."""
    return (
        unmet_analysis_update(snapshot.cycle_year, snapshot.analysis_update)
        + chain_unmet(snapshot, Stage.CONTINUOUS_EVALUATION)
        + _plan_backing(snapshot)
    )


def unmet_criteria(snapshot: PromiseSnapshot) -> list[Unmet]:
    """Every criterion that does not hold at the current stage's gate (empty: done).

    The stage's own exit criteria, and every link of the chain an earlier stage required.
    """
    check = EXIT_CRITERIA.get(snapshot.stage)
    if check is None:
        return []
    own = check(snapshot)
    seen = {(u.code, u.ref) for u in own}
    earlier = [u for u in chain_unmet(snapshot, snapshot.stage) if (u.code, u.ref) not in seen]
    return earlier + own
