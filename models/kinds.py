"""Every kind of artefact, each one object that carries everything that varies by kind: its
input model, the stages it may be recorded in, the table it is counted from, whether a person
can change or remove it, whether changing it revokes the signatures of a plan being signed,
whether residents see it and it can be held back from them, the right it needs beyond
recording, and its title and noun (in Swedish; the English is in the catalogue).

The one thing that lives higher up is the code that records a kind: ``application/artefacts.py``
binds one handler to each kind with ``@handles(KIND)`` and checks at import that every kind
has exactly one. ``KINDS`` is the registry everyone reads: the CLI's ``lofte schema``, the
views, the application and the web forms (docs/architecture.md, "Adding an artefact kind").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from sqlmodel import SQLModel

from lifecycle.permissions import Action
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


Handler = Callable[..., SQLModel]


@dataclass(frozen=True, eq=False)
class ArtefactKind:
    """One kind of artefact: what it takes, when it may be recorded, how it is counted, what
    a person may do with it afterwards, and what it is called."""

    name: str
    input: type[BaseModel]
    first_stage: Stage
    last_stage: Stage
    # In Swedish; the English is in the one catalogue (lifecycle/translations/en.po).
    title: str  # the heading of its form: "Lägg till ett mål"
    noun: str  # as a sentence names it: "Ändra mål 4", "La till underskrift 2"
    counted_as: str | None = None
    table: type[SQLModel] | None = None
    # A person can change or remove it after it was recorded (a sign-off is revoked by sending
    # the plan back, a submitted round or an approval stays; a promise text is rewritten by
    # adding it again).
    changeable: bool = False
    # Changing or removing it while the plan is being signed changes what was signed: the
    # signatures given so far are revoked (once the plan is in force, changes are recorded).
    revokes_signoffs: bool = False
    # Residents see it in the public plan, and it can be held back ("publiceras inte").
    withholdable: bool = False
    # The right recording it needs beyond recording artefacts (checked for the party named in
    # its input, when it names one), and the audit action it is recorded as.
    right: Action | None = None
    audited_as: str = "artefact_added"
    _handler: list[Handler] = field(default_factory=list, repr=False)

    @property
    def handler(self) -> Handler:
        """The application's function that checks and builds a row of this kind."""
        if not self._handler:
            raise LookupError(f"no handler bound to the artefact kind {self.name!r}")
        return self._handler[0]

    @property
    def bound(self) -> bool:
        """Whether the application has bound the kind's handler."""
        return bool(self._handler)

    def bind(self, handler: Handler) -> None:
        """Bind the kind's handler (once; ``application/artefacts.py`` does it at import)."""
        if self._handler and self._handler[0] is not handler:
            raise RuntimeError(f"the artefact kind {self.name!r} has a handler already")
        self._handler[:] = [handler]


DIALOGUE = ArtefactKind(
    "dialogue",
    DialogueInput,
    RD,
    YEC,
    "Registrera en medborgardialog",
    "medborgardialog",
    "dialogues",
    Dialogue,
    changeable=True,
)
SITUATION_PICTURE = ArtefactKind(
    "situation_picture",
    SituationPictureInput,
    RD,
    YEC,
    "Lägg till en lägesbild",
    "lägesbild",
    "situation_pictures",
    SituationPicture,
    changeable=True,
)
PROBLEM = ArtefactKind(
    "problem",
    ProblemInput,
    RD,
    YEC,
    "Lägg till ett problem",
    "problem",
    "problems",
    Problem,
    changeable=True,
    revokes_signoffs=True,
    withholdable=True,
)
FOCUS_AREA = ArtefactKind(
    "focus_area",
    FocusAreaInput,
    JA,
    AP,
    "Välj ett fokusområde",
    "fokusområde",
    audited_as="focus_area",
)
CAUSE_ANALYSIS = ArtefactKind(
    "cause_analysis",
    CauseAnalysisInput,
    JA,
    YEC,
    "Skriv en orsaksanalys",
    "orsaksanalys",
    "cause_analyses",
    CauseAnalysis,
    changeable=True,
    revokes_signoffs=True,
)
GOAL = ArtefactKind(
    "goal",
    GoalInput,
    RCA,
    YEC,
    "Lägg till ett mål",
    "mål",
    "goals",
    Goal,
    changeable=True,
    revokes_signoffs=True,
    withholdable=True,
)
ACTIVITY = ArtefactKind(
    "activity",
    ActivityInput,
    GO,
    YEC,
    "Lägg till en aktivitet",
    "aktivitet",
    "activities",
    Activity,
    changeable=True,
    revokes_signoffs=True,
    withholdable=True,
)
PROMISE_TEXT = ArtefactKind(
    "promise_text",
    PromiseTextInput,
    GO,
    AP,
    "Skriv löftestexten",
    "löftestext",
)
# A later year's update of the analysis, before its plan: in the action plan of that year, or
# ahead during the year before's follow-up (for_next_year).
ANALYSIS_UPDATE = ArtefactKind(
    "analysis_update",
    AnalysisUpdateInput,
    AP,
    AP,
    "Uppdatera analysen inför året",
    "uppdaterad analys",
    "analysis_updates",
    AnalysisUpdate,
)
SIGNOFF = ArtefactKind(
    "signoff",
    SignOffInput,
    AP,
    AP,
    "Underteckna medborgarlöftet",
    "underskrift",
    "signoffs",
    SignOff,
    right=Action.SIGN_OFF,
)
EVALUATION = ArtefactKind(
    "evaluation",
    EvaluationInput,
    CE,
    YEC,
    "Lämna in uppföljningen",
    "uppföljning",
    "evaluation_rounds",
    EvaluationRound,
    right=Action.SUBMIT_ROUND,
)
COMPILATION = ArtefactKind(
    "compilation",
    CompilationInput,
    CE,
    YEC,
    "Skriv årssammanställningen",
    "årssammanställning",
)
APPROVAL = ArtefactKind(
    "approval",
    ApprovalInput,
    YEC,
    YEC,
    "Godkänn årssammanställningen",
    "godkännande",
    right=Action.APPROVE_COMPILATION,
    audited_as="approval",
)

# The registry: every kind, in the order of the cycle (forms are offered in this order).
KINDS: dict[str, ArtefactKind] = {
    kind.name: kind
    for kind in (
        DIALOGUE,
        SITUATION_PICTURE,
        PROBLEM,
        FOCUS_AREA,
        CAUSE_ANALYSIS,
        GOAL,
        ACTIVITY,
        PROMISE_TEXT,
        ANALYSIS_UPDATE,
        SIGNOFF,
        EVALUATION,
        COMPILATION,
        APPROVAL,
    )
}


def kind_of(name: str) -> ArtefactKind | None:
    """The kind called ``name`` (None: no such kind)."""
    return KINDS.get(name)


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
