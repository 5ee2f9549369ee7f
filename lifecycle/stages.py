"""The seven stages of the yearly cycle, plus ``closed``, and their names for people.

A stage's name is written here in Swedish; its English is in the catalogue
(``lifecycle/translations/en.po``, ``msgctxt "stage"``: a stage's "Mål" is "Goals", where a
form's "Mål" is "Goal").
"""

from __future__ import annotations

from enum import StrEnum

from lifecycle.i18n import InvalidValue, in_context

# The catalogue's context of the stages' names.
STAGE = "stage"


class Stage(StrEnum):
    """A promise's stage. Order of declaration is the order of the cycle."""

    RESIDENT_DIALOGUE = "resident_dialogue"
    JOINT_ANALYSIS = "joint_analysis"
    ROOT_CAUSE_ANALYSIS = "root_cause_analysis"
    GOALS = "goals"
    ACTION_PLAN = "action_plan"
    CONTINUOUS_EVALUATION = "continuous_evaluation"
    YEAR_END_COMPILATION = "year_end_compilation"
    CLOSED = "closed"

    @property
    def position(self) -> int:
        """Position in the cycle (0 for resident_dialogue, 7 for closed)."""
        return list(Stage).index(self)

    def name_in(self, language: str = "sv") -> str:
        """The stage's name for people, in Swedish (default) or English."""
        return in_context(STAGE, STAGE_NAMES[self], language)

    def said(self, language: str) -> str:
        """The stage's name in ``language``, as a value in a sentence (lifecycle/i18n.py)."""
        return self.name_in(language)


# The stages' names in Swedish (their English: en.po, msgctxt "stage").
STAGE_NAMES: dict[Stage, str] = {
    Stage.RESIDENT_DIALOGUE: "Medborgardialog",
    Stage.JOINT_ANALYSIS: "Gemensam lägesbild",
    Stage.ROOT_CAUSE_ANALYSIS: "Orsaksanalys",
    Stage.GOALS: "Mål",
    Stage.ACTION_PLAN: "Åtgärdsplan",
    Stage.CONTINUOUS_EVALUATION: "Löpande uppföljning",
    Stage.YEAR_END_COMPILATION: "Årssammanställning",
    Stage.CLOSED: "Avslutad",
}

CYCLE: tuple[Stage, ...] = tuple(s for s in Stage if s is not Stage.CLOSED)


def next_stage(stage: Stage) -> Stage:
    """The stage after ``stage`` in the cycle (year-end compilation is followed by closed)."""
    if stage is Stage.CLOSED:
        raise InvalidValue("ett avslutat löfte har inget nästa steg")
    return list(Stage)[stage.position + 1]


def parse_stage(value: str) -> Stage:
    """Parse a stage id, with an error that lists the valid ids."""
    try:
        return Stage(value)
    except ValueError:
        valid = ", ".join(s.value for s in Stage)
        raise InvalidValue(
            "okänt steg {value!r}; giltiga steg: {valid}", value=value, valid=valid
        ) from None
