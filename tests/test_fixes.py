"""Issue 25: what fixes each unmet criterion (web/fixes.py), how a form reads what a link fills
in, the numbers a promise gives its artefacts, the city's frame on the situation-picture form,
and the glossary with its help texts at the fields."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from application.promise_results import PromiseView
from lifecycle.criteria import Unmet
from lifecycle.i18n import Given
from lifecycle.permissions import Principal
from lifecycle.stages import Stage
from lifecycle.vocabulary import Role
from models import Goal, Problem
from models.db import session_scope
from tests.helpers import ids, new_promise
from tests.test_method import walk_to
from views.promise import promise_view


def _view(pid: int) -> PromiseView:
    with session_scope() as s:
        return PromiseView.model_validate(promise_view(s, pid))


def _unmet(code: str, ref: str | None = None) -> Unmet:
    return Unmet(code, Given(""), ref)


def test_each_unmet_item_links_to_the_form_for_exactly_it(db) -> None:
    from web.fixes import fix_link

    pid = new_promise(start=date(2026, 1, 1))
    walk_to(pid, Stage.ACTION_PLAN)
    view = _view(pid)
    problem, goal = ids(pid, Problem)[0], ids(pid, Goal)[0]
    cause = next(c["id"] for c in view.artefacts["cause_analyses"] if c["problem_id"] == problem)
    base = f"/loften/{pid}"
    expected = {
        ("cause.missing", f"problem:{problem}"): f"{base}/ny/cause_analysis?problem_id={problem}",
        ("goal.missing", f"problem:{problem}"): f"{base}/ny/goal?problem_id={problem}",
        ("goal.baseline_missing", f"goal:{goal}"): f"{base}/andra/goal/{goal}#baseline",
        ("goal.target_missing", f"goal:{goal}"): f"{base}/andra/goal/{goal}#target",
        ("activity.missing", f"goal:{goal}"): (
            f"{base}/ny/activity?goal_id={goal}&cause_analysis_id={cause}"
        ),
        ("analysis.focus_area_without_priority_area", f"problem:{problem}"): (
            f"{base}/ny/focus_area?problem_id={problem}"
        ),
        ("analysis.police_picture_missing", "party:police"): (
            f"{base}/ny/situation_picture?party=police"
        ),
        ("analysis.no_focus_area", None): f"{base}/ny/focus_area",  # problems exist: choose one
        ("promise_text.missing", None): f"{base}/ny/promise_text",
        ("promise_text.statement_unbacked", "statement:police:1"): (
            f"{base}/ny/promise_text#backing"
        ),
        ("analysis_update.priorities_missing", "cycle_year:2"): (
            f"{base}/ny/analysis_update#priorities"
        ),
        ("dialogue.missing", None): f"{base}/ny/dialogue",
        ("compilation.not_approved", None): f"{base}/ny/compilation",
        ("evaluation.none_planned", None): None,  # the system plans rounds: no form
    }
    for (code, ref), link in expected.items():
        assert fix_link(_unmet(code, ref), view) == link, code
    # a problem that is not the promise's: the form opens with nothing chosen
    assert fix_link(_unmet("cause.missing", "problem:999999"), view) == f"{base}/ny/cause_analysis"


def test_a_missing_signature_opens_the_signers_form_only_for_the_signer(db) -> None:
    from web.fixes import fix_link

    pid = new_promise(start=date(2026, 1, 1))
    walk_to(pid, Stage.ACTION_PLAN)
    view = _view(pid)
    police = next(s for s in view.signatories if s.party == "police")
    unmet = _unmet("signoff.police_missing", f"organisation:{police.organisation}")

    def person(role: Role, organisation_id: int | None) -> Principal:
        return Principal(None, "x@polisen.se", "X", role, organisation_id, "stockholm", "password")

    chief = person(Role.STEERING_GROUP, police.organisation_id)
    assert fix_link(unmet, view, chief) == f"/loften/{pid}/ny/signoff?party=police"
    # a coordinator, or another organisation's steering group: where it says who signs
    for other in (
        person(Role.COORDINATOR, police.organisation_id),
        person(Role.STEERING_GROUP, -1),
    ):
        assert fix_link(unmet, view, other) == f"/loften/{pid}#underskrifter"


def test_a_form_keeps_only_what_it_could_have_offered_from_a_link(db) -> None:
    from web.fixes import prefill
    from web.forms import form_fields

    pid = new_promise(start=date(2026, 1, 1))
    walk_to(pid, Stage.GOALS)
    view = _view(pid)
    problem = ids(pid, Problem)[0]
    goal_form = form_fields("goal")
    assert prefill(goal_form, {"problem_id": str(problem), "kind": "outcome"}, view, {}) == {
        "problem_id": str(problem),
        "kind": "outcome",
    }
    # another promise's problem, an unknown choice, a long value, a text field: all dropped
    other = new_promise(start=date(2026, 1, 1))
    walk_to(other, Stage.GOALS)
    foreign = ids(other, Problem)[0]
    sent = {
        "problem_id": str(foreign),
        "kind": "nonsense",
        "description": "<script>",
        "indicator": "x" * 10_000,
    }
    assert prefill(goal_form, sent, view, {}) == {}
    areas = [("fewer-young-at-risk", "Färre unga")]
    problem_form = form_fields("problem")
    assert prefill(problem_form, {"selected": "1", "priority_area": "nope"}, view, {}) == {
        "selected": "1"
    }
    chosen = prefill(
        problem_form, {"priority_area": "fewer-young-at-risk"}, view, {"priority_area": areas}
    )
    assert chosen == {"priority_area": "fewer-young-at-risk"}


def test_a_promise_numbers_its_artefacts_from_one_whatever_the_database_ids(db) -> None:
    first = new_promise(start=date(2026, 1, 1))
    walk_to(first, Stage.GOALS)
    second = new_promise(start=date(2026, 1, 1))
    walk_to(second, Stage.GOALS)
    view = _view(second)
    problems = view.artefacts["problems"]
    assert [p["ordinal"] for p in problems] == list(range(1, len(problems) + 1))
    assert problems[0]["id"] > len(problems)  # the ids count the first promise's too
    assert view.ordinals["problems"] == {p["id"]: p["ordinal"] for p in problems}
    assert view.ordinals["dialogues"] == {view.artefacts["dialogues"][0]["id"]: 1}


def test_the_glossary_in_the_docs_and_in_the_code_say_the_same() -> None:
    from lifecycle.glossary import GLOSSARY
    from lifecycle.i18n import english

    text = (Path(__file__).resolve().parents[1] / "docs" / "glossary.md").read_text("utf-8")
    rows = re.findall(r"^\| (.+?) \| (.+?) \| (.+?) \|$", text, flags=re.MULTILINE)
    rows = [r for r in rows if r[0] != "Svenska" and not r[0].startswith("---")]
    assert rows == [(t.name_sv, t.help_sv, t.name_en) for t in GLOSSARY]
    # every explanation has its English, for the English pages
    table = english()
    assert [t.name_sv for t in GLOSSARY if t.help_sv not in table] == []
    for term in ("händelsekedja", "preventionsnivå", "lägesbild", "orsaksanalys", "styrgrupp"):
        assert term in {t.name_sv for t in GLOSSARY}


def test_every_field_help_names_a_term_of_the_glossary_and_a_field_of_its_form() -> None:
    from lifecycle.glossary import TERMS
    from web.forms import form_fields
    from web.terms import FIELD_TERMS, PART_TERMS, field_term

    for (kind, field), name in FIELD_TERMS.items():
        assert name in TERMS, name
        assert field in {f["name"] for f in form_fields(kind)}, (kind, field)
    assert set(PART_TERMS.values()) <= set(TERMS)
    event_chain = field_term("cause_analysis", "event_chain")
    assert event_chain is not None and event_chain.name_sv == "händelsekedja"
    assert event_chain.help("en").startswith("The steps that lead up to the problem")
    level = field_term("activity", "prevention_level")
    assert level is not None and level.name_sv == "preventionsnivå"
    assert field_term("goal", "target_date") is None


def test_the_situation_picture_form_records_each_area_of_the_citys_frame() -> None:
    from web.forms import fields_from_form, form_values, frame_errors

    sent = {
        "party": "joint",
        "summary": "Gemensam bild",
        "frame-shown": "1",
        "frame-note-violence": "Ökar i Vällingby centrum",
        "frame-not-relevant-welfare": "1",
        "frame-reason-welfare": "Inga kända fall i stadsdelen",
        "frame-note-drugs": "",  # left empty: not spoken to yet
    }
    fields = fields_from_form("situation_picture", sent)
    assert fields["frame_areas"] == [
        {
            "area": "violence",
            "note": "Ökar i Vällingby centrum",
            "not_relevant": False,
            "reason": "",
        },
        {
            "area": "welfare",
            "note": "",
            "not_relevant": True,
            "reason": "Inga kända fall i stadsdelen",
        },
    ]
    values = form_values("situation_picture", fields)
    assert values["frame-note-violence"] == "Ökar i Vällingby centrum"
    assert values["frame-not-relevant-welfare"] == "1"
    # "ej aktuellt här" without a reason, and a reason without either: said at the area
    wrong = [
        {"area": "welfare", "note": "", "not_relevant": True, "reason": ""},
        {"area": "drugs", "note": "", "not_relevant": False, "reason": "Vet inte"},
    ]
    errors = frame_errors(wrong, {"welfare": "Välfärdsbrott", "drugs": "Narkotika"})
    assert errors == {
        "frame-reason-welfare": "Skriv varför Välfärdsbrott inte är aktuellt här.",
        "frame-note-drugs": "Skriv vad lägesbilden visar om Narkotika, eller kryssa i ”Ej "
        "aktuellt här” och skriv varför.",
    }
    # a form without the frame part leaves the recorded frame alone
    assert "frame_areas" not in fields_from_form("situation_picture", {"party": "joint"})


def test_goals_and_activities_are_named_by_their_numbers_in_the_forms() -> None:
    from web.forms import _backing_from_text, form_values, with_ids, with_numbers

    ordinals = {"activities": {57: 1, 58: 2, 61: 3}, "goals": {40: 1, 44: 2}}
    sent = {
        "backing": _backing_from_text("polisen 1: 1, 3\nkommunen 1: 2"),
        "also_goals": ["2"],
    }
    fields, errors = with_ids(sent, ordinals)
    assert errors == {}
    assert fields["also_goals"] == [44]
    assert [line["activities"] for line in fields["backing"]] == [[57, 61], [58]]
    # and back, as the form shows what is written
    shown = form_values("promise_text", with_numbers({"backing": fields["backing"]}, ordinals))
    assert shown["backing"] == "polisen 1: 1, 3\nkommunen 1: 2"
    # a number the promise does not have is said at its field, in Swedish or English
    _, errors = with_ids({"backing": _backing_from_text("polisen 1: 9")}, ordinals)
    assert errors == {"backing": "Det finns ingen aktivitet 9 i löftet."}
    _, errors = with_ids({"also_goals": ["7"]}, ordinals, "en")
    assert errors == {"also_goals": "The promise has no goal 7."}
