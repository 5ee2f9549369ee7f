"""The lifecycle rules, as pure code: every exit criterion, every kind of transition."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from lifecycle.criteria import unmet_criteria
from lifecycle.snapshot import (
    ActivityFacts,
    DialogueFacts,
    GoalFacts,
    ProblemFacts,
    PromiseSnapshot,
    RoundFacts,
)
from lifecycle.stages import Stage, next_stage, parse_stage
from lifecycle.term import cycle_year_bounds, term_end
from lifecycle.transitions import TransitionKind, TransitionRefused, plan_transition
from lifecycle.vocabulary import Party

pytestmark = pytest.mark.fast  # pure: no database, Prefect or browser (make test-fast)

BASE = PromiseSnapshot(
    stage=Stage.RESIDENT_DIALOGUE,
    term_start=date(2026, 1, 1),
    term_end=date(2026, 12, 31),
    cycle_year=1,
    term_years=1,
    today=date(2026, 3, 1),
)
PROBLEM = ProblemFacts(1, "Rån vid stationen", True, "fewer-young-at-risk", True)
GOAL = GoalFacts(10, 1, "Anmälda rån", True, True)
ACTIVITY = ActivityFacts(100, 10, "Vandring")
# A snapshot whose whole chain holds: what every gate after the action plan re-checks.
CHAINED = replace(BASE, problems=(PROBLEM,), goals=(GOAL,), activities=(ACTIVITY,))


def codes(s: PromiseSnapshot) -> list[str]:
    return [u.code for u in unmet_criteria(s)]


def refused_codes(
    s: PromiseSnapshot, to: Stage | None = None, reason: str | None = None
) -> list[str]:
    with pytest.raises(TransitionRefused) as info:
        plan_transition(s, to, reason)
    return [u.code for u in info.value.unmet]


def test_resident_dialogue_needs_a_dialogue_with_residents_and_results() -> None:
    s = BASE
    assert refused_codes(s) == ["dialogue.missing"]
    staff_only = replace(s, dialogues=(DialogueFacts(1, with_residents=False, has_results=True),))
    assert codes(staff_only) == ["dialogue.missing"]
    no_results = replace(s, dialogues=(DialogueFacts(1, True, False),))
    assert codes(no_results) == ["dialogue.results_missing"]
    done = replace(s, dialogues=(DialogueFacts(1, True, True),))
    assert plan_transition(done).to_stage is Stage.JOINT_ANALYSIS


def test_joint_analysis_lists_every_unmet_criterion_at_once() -> None:
    s = replace(BASE, stage=Stage.JOINT_ANALYSIS)
    assert refused_codes(s) == [
        "analysis.police_picture_missing",
        "analysis.municipality_picture_missing",
        "analysis.no_focus_area",
    ]
    untied = replace(
        s,
        situation_pictures_by=frozenset(Party),
        problems=(replace(PROBLEM, priority_area_id=None),),
    )
    assert codes(untied) == ["analysis.focus_area_without_priority_area"]
    done = replace(untied, problems=(PROBLEM,))
    assert plan_transition(done).to_stage is Stage.ROOT_CAUSE_ANALYSIS


def test_root_cause_analysis_for_every_selected_problem() -> None:
    unselected = ProblemFacts(2, "Nedskräpning", False, None, False)
    s = replace(
        BASE,
        stage=Stage.ROOT_CAUSE_ANALYSIS,
        problems=(replace(PROBLEM, has_cause_analysis=False), unselected),
    )
    unmet = unmet_criteria(s)
    assert [(u.code, u.ref) for u in unmet] == [("cause.missing", "problem:1")]
    assert "Rån vid stationen" in unmet[0].message("sv") and "Rån vid stationen" in unmet[
        0
    ].message("en")
    assert plan_transition(replace(s, problems=(PROBLEM, unselected))).to_stage is Stage.GOALS


def test_goals_need_indicator_baseline_and_target() -> None:
    s = replace(BASE, stage=Stage.GOALS, problems=(PROBLEM,))
    assert refused_codes(s) == ["goal.missing"]
    half = replace(s, goals=(replace(GOAL, has_baseline=False, has_target=False),))
    assert codes(half) == ["goal.baseline_missing", "goal.target_missing"]
    assert plan_transition(replace(s, goals=(GOAL,))).to_stage is Stage.ACTION_PLAN


def test_action_plan_needs_activities_mandatory_areas_text_and_both_signatures() -> None:
    s = replace(
        BASE,
        stage=Stage.ACTION_PLAN,
        problems=(PROBLEM,),
        goals=(GOAL,),
        mandatory_area_ids=frozenset({"fewer-young-at-risk", "fewer-criminals-exit"}),
        area_names={"fewer-criminals-exit": "Minskat antal kriminella genom avhopparverksamhet"},
    )
    assert refused_codes(s) == [
        "activity.missing",
        "priority_area.not_covered",
        "priority_area.not_covered",
        "promise_text.missing",
        "signoff.police_missing",
        "signoff.municipality_missing",
    ]
    with_activity = replace(
        s, activities=(ACTIVITY,), has_promise_text=True, signed_by=frozenset({Party.POLICE})
    )
    unmet = unmet_criteria(with_activity)
    assert [u.code for u in unmet] == ["priority_area.not_covered", "signoff.municipality_missing"]
    assert "avhopparverksamhet" in unmet[0].message("sv")
    done = replace(
        with_activity,
        mandatory_area_ids=frozenset({"fewer-young-at-risk"}),
        signed_by=frozenset(Party),
    )
    assert plan_transition(done).to_stage is Stage.CONTINUOUS_EVALUATION


def test_continuous_evaluation_needs_every_round_or_the_year_to_end() -> None:
    s = replace(CHAINED, stage=Stage.CONTINUOUS_EVALUATION)
    assert refused_codes(s) == ["evaluation.none_planned"]
    rounds = (RoundFacts(1, 1, date(2026, 4, 30), True), RoundFacts(2, 2, date(2026, 8, 31), False))
    assert codes(replace(s, rounds=rounds)) == ["evaluation.round_not_submitted"]
    year_over = replace(s, rounds=rounds, today=date(2027, 1, 1))
    assert plan_transition(year_over).to_stage is Stage.YEAR_END_COMPILATION


def test_year_end_compilation_must_be_approved_then_closes_or_starts_next_year() -> None:
    s = replace(CHAINED, stage=Stage.YEAR_END_COMPILATION)
    assert refused_codes(s) == ["compilation.not_approved"]
    approved = replace(s, compilation_approved=True)
    plan = plan_transition(approved)
    assert (plan.to_stage, plan.kind) == (Stage.CLOSED, TransitionKind.CLOSE)
    multi = replace(approved, term_years=3, term_end=date(2028, 12, 31))
    plan = plan_transition(multi)
    assert (plan.to_stage, plan.kind, plan.cycle_year) == (
        Stage.ACTION_PLAN,
        TransitionKind.NEXT_YEAR,
        2,
    )
    assert plan_transition(multi, Stage.CLOSED).kind is TransitionKind.CLOSE
    assert refused_codes(approved, Stage.ACTION_PLAN) == ["term.no_next_year"]


def test_going_back_needs_a_reason_and_skipping_ahead_is_refused() -> None:
    s = replace(BASE, stage=Stage.GOALS)
    assert refused_codes(s, Stage.JOINT_ANALYSIS) == ["transition.reason_required"]
    plan = plan_transition(s, Stage.JOINT_ANALYSIS, "Ny lägesbild från polisen")
    assert (plan.kind, plan.to_stage) == (TransitionKind.BACK, Stage.JOINT_ANALYSIS)
    assert refused_codes(s, Stage.CONTINUOUS_EVALUATION) == ["transition.not_allowed"]
    assert refused_codes(s, Stage.CLOSED) == ["transition.not_allowed"]
    assert refused_codes(s, Stage.GOALS) == ["transition.same_stage"]
    assert refused_codes(replace(s, stage=Stage.CLOSED)) == ["promise.closed"]


def test_terms_and_cycle_years() -> None:
    assert term_end(date(2026, 1, 1), 1) == date(2026, 12, 31)
    assert term_end(date(2024, 2, 29), 2) == date(2026, 2, 27)
    assert cycle_year_bounds(date(2026, 7, 1), 2) == (date(2027, 7, 1), date(2028, 6, 30))
    with pytest.raises(ValueError, match="1 to 4 years"):
        term_end(date(2026, 1, 1), 5)


def test_stage_names_and_parsing() -> None:
    assert next_stage(Stage.ACTION_PLAN) is Stage.CONTINUOUS_EVALUATION
    assert Stage.GOALS.name_in("sv") == "Mål" and Stage.GOALS.name_in("en") == "Goals"
    with pytest.raises(ValueError, match="valid stages: resident_dialogue"):
        parse_stage("dialog")


def test_lifecycle_package_imports_no_database_network_or_prefect() -> None:
    import ast
    from pathlib import Path

    forbidden = {
        "sqlalchemy",
        "sqlmodel",
        "prefect",
        "httpx",
        "models",
        "flows",
        "notifications",
        "requests",
    }
    for path in Path("lifecycle").glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in forbidden, f"{path} imports {name}"


@pytest.mark.parametrize(
    "stage",
    [
        Stage.GOALS,
        Stage.ACTION_PLAN,
        Stage.CONTINUOUS_EVALUATION,
        Stage.YEAR_END_COMPILATION,
    ],
)
def test_a_focus_area_chosen_late_needs_its_cause_at_every_later_gate(stage: Stage) -> None:
    """Issue 10, point 4: the chain cannot be bypassed by selecting a problem after its stage."""
    late = ProblemFacts(2, "Mopedåkning på gångvägar", True, "fewer-young-at-risk", False)
    s = replace(CHAINED, stage=stage, problems=(PROBLEM, late), signed_by=frozenset(Party))
    unmet = unmet_criteria(s)
    assert ("cause.missing", "problem:2") in {(u.code, u.ref) for u in unmet}
    if stage.position > Stage.GOALS.position:
        assert ("goal.missing", "problem:2") in {(u.code, u.ref) for u in unmet}
    with pytest.raises(TransitionRefused):
        plan_transition(s)


def test_a_goal_added_late_without_activity_blocks_the_compilation() -> None:
    late_goal = GoalFacts(11, 1, "Otrygghet i centrum", True, True)
    s = replace(
        CHAINED,
        stage=Stage.YEAR_END_COMPILATION,
        goals=(GOAL, late_goal),
        compilation_approved=True,
    )
    assert codes(s) == ["activity.missing"]


def test_signoff_needs_the_whole_chain() -> None:
    from lifecycle.criteria import unmet_for_signoff

    assert unmet_for_signoff(replace(CHAINED, stage=Stage.ACTION_PLAN)) == []
    no_activity = replace(CHAINED, stage=Stage.ACTION_PLAN, activities=())
    assert [u.code for u in unmet_for_signoff(no_activity)] == ["activity.missing"]


def test_parties_are_named_as_residents_and_officials_read_them() -> None:
    """Issue 25, "the wrong party word": full names, "lokalpolisområde" not "LPO", and the
    stadsdelsnämnd (not "Kommunen") makes a city district's promise."""
    from lifecycle.names import joined, municipal_party, organisation_title
    from lifecycle.statements import promise_paragraphs
    from lifecycle.vocabulary import OrganisationKind as Kind

    district = organisation_title("Hässelby-Vällingby", Kind.CITY_DISTRICT, "sv")
    lpo = organisation_title("LPO Vällingby", Kind.LOCAL_POLICE_AREA, "sv", in_sentence=True)
    assert joined([district, lpo], "sv") == (
        "Hässelby-Vällingby stadsdelsnämnd och lokalpolisområde Vällingby"
    )
    assert organisation_title("Nacka", Kind.MUNICIPALITY, "sv") == "Nacka kommun"
    assert organisation_title("Region Gotland", Kind.MUNICIPALITY, "en") == "Region Gotland"
    assert organisation_title("Nacka", Kind.MUNICIPALITY, "en") == "Nacka Municipality"
    assert (
        organisation_title("LPO Nacka", Kind.LOCAL_POLICE_AREA, "sv", region_name="Polisregion X")
        == "Lokalpolisområde Nacka, Polisregion X"
    )
    assert joined(["A", "B", "C"], "en") == "A, B and C"
    assert municipal_party(Kind.CITY_DISTRICT, "Bromma", "sv") == "Stadsdelsnämnden"
    assert municipal_party(Kind.MUNICIPALITY, "Region Gotland", "sv") == "Regionen"
    assert municipal_party(Kind.MUNICIPALITY, "Nacka", "en") == "The municipality"
    # a paragraph that says who promises keeps its own opening: never "Polisen lovar: Polisen …"
    assert promise_paragraphs("Polisen lovar att synas.\n\nVi ordnar möten.") == [
        ("Polisen lovar att", "synas."),
        (None, "Vi ordnar möten."),
    ]
