"""Exit criteria of every stage (shared/domain.md). ``unmet_criteria`` lists all that fail.

Every unmet criterion has a stable ``code`` (for programs and tests) and a message in Swedish
and English naming the exact thing that is missing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lifecycle.calendar import long_day
from lifecycle.snapshot import AnalysisUpdateFacts, PromiseSnapshot
from lifecycle.stages import Stage
from lifecycle.statements import backed_by
from lifecycle.vocabulary import Party


@dataclass(frozen=True)
class Unmet:
    """One exit criterion that does not hold, with what it refers to."""

    code: str
    message_sv: str
    message_en: str
    ref: str | None = None

    def message(self, language: str = "sv") -> str:
        """The message in the requested language."""
        return self.message_sv if language == "sv" else self.message_en

    def as_dict(self, language: str = "sv") -> dict[str, str | None]:
        """JSON-friendly form: code, message (in ``language``), both messages and the ref."""
        return {
            "code": self.code,
            "message": self.message(language),
            "message_sv": self.message_sv,
            "message_en": self.message_en,
            "ref": self.ref,
        }


def _resident_dialogue(s: PromiseSnapshot) -> list[Unmet]:
    with_residents = [d for d in s.dialogues if d.with_residents]
    if not with_residents:
        return [
            Unmet(
                "dialogue.missing",
                "Ingen medborgardialog är registrerad. Registrera minst en dialog med invånare.",
                "No resident dialogue is recorded. Record at least one dialogue with residents.",
            )
        ]
    if not any(d.has_results for d in with_residents):
        return [
            Unmet(
                "dialogue.results_missing",
                "Medborgardialogen saknar resultat. Registrera vad invånarna sa (teman, platser, tider).",
                "The resident dialogue has no results. Record what residents said (themes, places, times).",
                # the dialogue whose results to write down (the first one with residents)
                ref=f"dialogue:{with_residents[0].id}",
            )
        ]
    return []


def _party(s: PromiseSnapshot, party: Party) -> tuple[str, str]:
    """How the party is named (sv, en): Stockholm's districts and Gotland are not "Kommunen"."""
    if party is Party.POLICE:
        return "Polisen", "The police"
    return s.municipality_word


def _joint_analysis(s: PromiseSnapshot) -> list[Unmet]:
    unmet = [
        Unmet(
            f"analysis.{party.value}_picture_missing",
            f"{_party(s, party)[0]} har inte bidragit med sin lägesbild.",
            f"{_party(s, party)[1]} has not contributed its situation picture.",
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
            f'Lägesbilden säger inget om "{s.area_names.get(a, a)}". Skriv vad den visar om '
            'området, eller "ej aktuellt här" med ett skäl.',
            f'The situation picture says nothing about "{s.area_names.get(a, a)}". Say what it '
            'shows about the area, or record "not relevant here" with a reason.',
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
                "Inget problem är valt som fokusområde.",
                "No problem is selected as a focus area.",
            )
        )
    for p in selected:
        if not p.has_frame:
            unmet.append(
                Unmet(
                    "analysis.focus_area_without_priority_area",
                    f'Fokusområdet "{p.title}" är inte kopplat till något prioriterat område, '
                    "något av överenskommelsens fokusområden eller ett lokalt problem med skäl.",
                    f'The focus area "{p.title}" is tied to no priority area, none of the '
                    "agreement's focus areas, and is not a local problem with its reason.",
                    ref=f"problem:{p.id}",
                )
            )
    return unmet


def _root_cause_analysis(s: PromiseSnapshot) -> list[Unmet]:
    return [
        Unmet(
            "cause.missing",
            f'Problemet "{p.title}" saknar orsaksanalys.',
            f'The problem "{p.title}" has no root-cause analysis.',
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
                    f'Problemet "{p.title}" saknar mål.',
                    f'The problem "{p.title}" has no goal.',
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
                    f'Målet med indikatorn "{g.indicator}" saknar utgångsvärde.',
                    f'The goal with indicator "{g.indicator}" has no baseline.',
                    ref=f"goal:{g.id}",
                )
            )
        if not g.has_target:
            unmet.append(
                Unmet(
                    "goal.target_missing",
                    f'Målet med indikatorn "{g.indicator}" saknar målvärde.',
                    f'The goal with indicator "{g.indicator}" has no target.',
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
            f'Aktiviteten "{a.title}" är inte kopplad till någon orsak (orsaksanalys).',
            f'The activity "{a.title}" is not linked to a cause (root-cause analysis).',
            ref=f"activity:{a.id}",
        )
        for a in s.activities
        if not a.has_cause
    ]
    owner_of = {a.id: a.owner for a in s.activities}
    municipality_sv, municipality_en = s.municipality_word
    words = {
        # (who promises, sv; who must carry it, sv; the same in English)
        "police": ("Polisen", "polisen", "The police", "the police"),
        "municipality": (  # "Kommunen" → "kommunen"; "Region Gotland" is a name
            municipality_sv,
            municipality_sv if municipality_sv.startswith("Region ") else municipality_sv.lower(),
            municipality_en,
            municipality_en if municipality_en.startswith("Region ") else municipality_en.lower(),
        ),
        "joint": (
            "Parterna tillsammans",
            "parterna gemensamt (eller var och en av dem)",
            "The parties together",
            "the parties jointly (or each of them)",
        ),
    }
    for st in s.statements:
        owners = {owner_of[a] for a in st.activity_ids if a in owner_of}
        if backed_by(st.party, owners):
            continue
        who_sv, doer_sv, who_en, doer_en = words[st.party]
        quoted = st.text if len(st.text) <= 120 else st.text[:119] + "…"
        unmet.append(
            Unmet(
                "promise_text.statement_unbacked",
                f'{who_sv} lovar "{quoted}" (mening {st.number}), men ingen aktivitet som '
                f"{doer_sv} genomför är angiven som den som bär löftet. Ange vilka aktiviteter "
                "som bär meningen.",
                f'{who_en} promise "{quoted}" (statement {st.number}), but no activity that '
                f"{doer_en} carry out is named as backing it. Name the activities that back "
                "the statement.",
                ref=f"statement:{st.party}:{st.number}",
            )
        )
    return unmet


# The three parts of a later year's analysis update, as the refusal names them.
_UPDATE_PARTS = (
    (
        "survey_results",
        "de nya resultaten från trygghetsmätningen (och annan statistik) mot förra året",
        "the new safety survey results (and other figures) against last year",
    ),
    (
        "situation_picture",
        "vad som har ändrats i den gemensamma lägesbilden",
        "what has changed in the joint situation picture",
    ),
    (
        "priorities",
        "om fokusområdena behålls, tas bort eller läggs till, och varför",
        "whether the focus areas are kept, dropped or added, and why",
    ),
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
            f"Analysen är inte uppdaterad inför år {cycle_year}: skriv {sv}.",
            f"The analysis is not updated for year {cycle_year}: write {en}.",
            ref=f"cycle_year:{cycle_year}",
        )
        for part, sv, en in _UPDATE_PARTS
        if not getattr(facts, part)
    ]


def _action_plan(s: PromiseSnapshot) -> list[Unmet]:
    unmet = unmet_analysis_update(s.cycle_year, s.analysis_update) + _activities(s)
    unmet += _plan_backing(s)
    if not s.has_promise_text:
        unmet.append(
            Unmet(
                "promise_text.missing",
                'Löftestexten ("polisen lovar / kommunen lovar") är inte skriven.',
                'The promise text ("the police promise / the municipality promises") is not written.',
            )
        )
    for party in Party:
        if party in s.signed_by:
            continue
        for name in s.unsigned_organisations.get(party, ()):
            unmet.append(
                Unmet(
                    f"signoff.{party.value}_missing",
                    f"{name} har inte undertecknat medborgarlöftet; var och en av partens "
                    "organisationer skriver under.",
                    f"{name} has not signed the citizen promise; each organisation of the party "
                    "signs.",
                    ref=f"organisation:{name}",
                )
            )
        if party not in s.unsigned_organisations:
            unmet.append(
                Unmet(
                    f"signoff.{party.value}_missing",
                    f"{_party(s, party)[0]} har inte undertecknat medborgarlöftet.",
                    f"{_party(s, party)[1]} has not signed the citizen promise.",
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
                    f'Målet med indikatorn "{g.indicator}" har ingen aktivitet.',
                    f'The goal with indicator "{g.indicator}" has no activity.',
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
                f'Polisregionens obligatoriska område "{name}" saknar aktivitet.',
                f'The region\'s mandatory priority area "{name}" has no activity.',
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
                "Inga uppföljningstillfällen är planerade för året.",
                "No evaluation rounds are planned for the year.",
            )
        ]
    return [
        Unmet(
            "evaluation.round_not_submitted",
            f"Uppföljning {r.number} (senast {long_day(r.due)}) är inte inlämnad.",
            f"Evaluation round {r.number} (due {long_day(r.due, 'en')}) is not submitted.",
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
            "Årssammanställningen är inte godkänd.",
            "The year-end compilation is not approved.",
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
