"""The web forms are drawn from the input models: defaults, the round trip from a recorded
artefact to its form and back, and a change form that clears an optional field."""

from __future__ import annotations

from datetime import date

from models.kinds import KINDS
from web.forms import (
    change_from_form,
    fields_from_form,
    form_defaults,
    form_fields,
    form_values,
)


def test_a_new_form_starts_from_the_models_defaults_and_today() -> None:
    assert form_defaults("problem", date(2026, 12, 2))["trend"] == "unknown"
    assert form_defaults("signoff", date(2026, 12, 2))["signed_on"] == "2026-12-02"
    assert "participants" not in form_defaults("dialogue", date(2026, 12, 2))


def test_an_artefact_goes_to_its_form_and_back_unchanged() -> None:
    goal = {
        "problem_id": 3,
        "kind": "outcome",
        "description": "Färre rån",
        "indicator": "Anmälda rån",
        "unit": "per kvartal",
        "baseline": 12.0,
        "target": 8.5,
        "target_date": "2026-12-31",
        "catalogue_goal": None,
    }
    shown = form_values("goal", goal)
    assert shown["baseline"] == "12" and shown["target"] == "8.5" and shown["catalogue_goal"] == ""
    back = KINDS["goal"].input.model_validate(fields_from_form("goal", shown))
    assert back.model_dump(mode="json") == KINDS["goal"].input.model_validate(goal).model_dump(
        mode="json"
    )
    dialogue = {"method": "survey", "held_from": "2025-10-01", "themes": ["belysning", "buskar"]}
    assert form_values("dialogue", dialogue)["themes"] == "belysning, buskar"


def test_a_change_form_left_empty_clears_an_optional_field_and_misses_a_required_one() -> None:
    names = {f["name"] for f in form_fields("goal")}
    sent = {name: "" for name in names}
    changed = change_from_form("goal", sent)
    assert changed["unit"] == "" and changed["baseline"] is None  # back to their defaults
    assert "description" not in changed  # required: the check will say it is missing


def test_a_choice_left_empty_says_choose_not_fill_in() -> None:
    """Issue 25: each form sent empty asks for a choice (a list, a reference to another
    artefact, radio buttons or boxes) with "Välj ...", never "Fyll i ..."."""
    from web.forms import CHOICE_WIDGETS, NOT_GENERIC, field_errors, field_labels

    asked = []
    for kind in KINDS:
        if kind in NOT_GENERIC:
            continue
        widgets = {spec["name"]: spec["widget"] for spec in form_fields(kind)}
        errors = field_errors(kind, fields_from_form(kind, {}), field_labels(kind))
        for name, message in errors.items():
            if widgets.get(name) in CHOICE_WIDGETS:
                asked.append(name)
                assert message.startswith("Välj "), (kind, name, message)
    # a cause analysis's problem, a goal's kind, an activity's goal ...: choices were asked for
    assert {"problem_id", "kind", "goal_id"} <= set(asked)


def test_a_literal_field_is_a_choice_on_its_form() -> None:
    from typing import Literal

    from lifecycle.errors import is_choice

    assert is_choice(Literal["police", "municipality"]) and is_choice(Literal["a"] | None)
    assert not is_choice(str) and not is_choice(int | None)
