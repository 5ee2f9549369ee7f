"""Every kind of artefact, defined once: its input model, the stages it may be recorded in,
and the table a promise's count of it comes from.

The application binds one handler to each kind (``application/artefacts.py`` checks at import
that every kind has exactly one); the CLI's ``lofte schema`` and the views read this table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlmodel import SQLModel

from lifecycle.stages import Stage
from models.artefacts import (
    Activity,
    AnalysisUpdate,
    CauseAnalysis,
    Dialogue,
    EvaluationRound,
    Goal,
    Problem,
    SignOff,
    SituationPicture,
)
from models.inputs import (
    ActivityInput,
    AgreementCreate,
    AnalysisUpdateInput,
    ApprovalInput,
    CauseAnalysisInput,
    CompilationInput,
    DialogueInput,
    EvaluationInput,
    FocusAreaInput,
    GoalInput,
    PersonInput,
    ProblemInput,
    PromiseCreate,
    PromiseTextInput,
    SignOffInput,
    SituationPictureInput,
)

RD, JA, RCA, GO, AP, CE, YEC = (
    Stage.RESIDENT_DIALOGUE,
    Stage.JOINT_ANALYSIS,
    Stage.ROOT_CAUSE_ANALYSIS,
    Stage.GOALS,
    Stage.ACTION_PLAN,
    Stage.CONTINUOUS_EVALUATION,
    Stage.YEAR_END_COMPILATION,
)


@dataclass(frozen=True)
class ArtefactKind:
    """One kind of artefact: what it takes, when it may be recorded, how it is counted."""

    name: str
    input: type[BaseModel]
    first_stage: Stage
    last_stage: Stage
    counted_as: str | None = None
    table: type[SQLModel] | None = None


KINDS: dict[str, ArtefactKind] = {
    kind.name: kind
    for kind in (
        ArtefactKind("dialogue", DialogueInput, RD, YEC, "dialogues", Dialogue),
        ArtefactKind(
            "situation_picture",
            SituationPictureInput,
            RD,
            YEC,
            "situation_pictures",
            SituationPicture,
        ),
        ArtefactKind("problem", ProblemInput, RD, YEC, "problems", Problem),
        ArtefactKind("focus_area", FocusAreaInput, JA, AP),
        ArtefactKind(
            "cause_analysis", CauseAnalysisInput, JA, YEC, "cause_analyses", CauseAnalysis
        ),
        ArtefactKind("goal", GoalInput, RCA, YEC, "goals", Goal),
        ArtefactKind("activity", ActivityInput, GO, YEC, "activities", Activity),
        ArtefactKind("promise_text", PromiseTextInput, GO, AP),
        # A later year's update of the analysis, before its plan: in the action plan of that
        # year, or ahead during the year before's follow-up (for_next_year).
        ArtefactKind(
            "analysis_update", AnalysisUpdateInput, AP, AP, "analysis_updates", AnalysisUpdate
        ),
        ArtefactKind("signoff", SignOffInput, AP, AP, "signoffs", SignOff),
        ArtefactKind("evaluation", EvaluationInput, CE, YEC, "evaluation_rounds", EvaluationRound),
        ArtefactKind("compilation", CompilationInput, CE, YEC),
        ArtefactKind("approval", ApprovalInput, YEC, YEC),
    )
}

# Other shapes ``lofte schema`` describes.
OTHER_SCHEMAS: dict[str, type[BaseModel]] = {
    "promise": PromiseCreate,
    "person": PersonInput,
    "agreement": AgreementCreate,
}


def artefact_kinds() -> list[str]:
    """Every kind of artefact that can be added to a promise."""
    return list(KINDS)


def json_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of one artefact kind (or of ``promise`` / ``person`` / ``agreement``)."""
    model = KINDS[kind].input if kind in KINDS else OTHER_SCHEMAS.get(kind)
    if model is None:
        known = ", ".join([*KINDS, *OTHER_SCHEMAS])
        raise KeyError(f"unknown kind {kind!r}; known kinds: {known}")
    return model.model_json_schema()
