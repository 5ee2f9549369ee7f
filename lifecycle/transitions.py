"""Which transitions are allowed, and the term arithmetic they need.

- forward one stage when the current stage's exit criteria hold;
- back to any earlier stage of the cycle, with a reason;
- after the year-end compilation: ``closed`` (the next cycle then opens as a new promise), or
  back to ``action_plan`` for the next year of a multi-year term.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from lifecycle.criteria import Unmet, unmet_criteria
from lifecycle.i18n import Phrase
from lifecycle.snapshot import PromiseSnapshot
from lifecycle.stages import Stage, next_stage


class TransitionKind(StrEnum):
    """What a transition does to the promise."""

    FORWARD = "forward"
    BACK = "back"
    NEXT_YEAR = "next_year"
    CLOSE = "close"


@dataclass(frozen=True)
class TransitionPlan:
    """An allowed transition: where to, what kind, and the cycle year afterwards."""

    from_stage: Stage
    to_stage: Stage
    kind: TransitionKind
    cycle_year: int


class TransitionRefused(Exception):
    """The transition is not allowed; ``unmet`` lists every reason (all of them, not the first)."""

    def __init__(self, unmet: list[Unmet]):
        self.unmet = unmet
        super().__init__("; ".join(u.message("en") for u in unmet))


def _refusal(code: str, sentence: Phrase) -> TransitionRefused:
    return TransitionRefused([Unmet(code, sentence)])


def plan_transition(
    snapshot: PromiseSnapshot, to: Stage | None = None, reason: str | None = None
) -> TransitionPlan:
    """Decide the transition asked for, or raise TransitionRefused with every unmet criterion.

    ``to=None`` means "the natural next step": forward one stage, and after the year-end
    compilation the next year of a multi-year term if one remains, else closed.
    """
    current = snapshot.stage
    if current is Stage.CLOSED:
        raise _refusal(
            "promise.closed",
            Phrase("Löftet är avslutat och kan inte flyttas. Nästa cykel är ett nytt löfte."),
        )
    has_next_year = snapshot.cycle_year < snapshot.term_years
    if to is None:
        if current is Stage.YEAR_END_COMPILATION:
            to = Stage.ACTION_PLAN if has_next_year else Stage.CLOSED
        else:
            to = next_stage(current)

    if to is current:
        raise _refusal(
            "transition.same_stage",
            Phrase("Löftet är redan i steget {stage}.", {"stage": current}),
        )

    after_compilation = current is Stage.YEAR_END_COMPILATION and to in (
        Stage.CLOSED,
        Stage.ACTION_PLAN,
    )
    is_forward = to is not Stage.CLOSED and to.position == current.position + 1
    if is_forward or after_compilation:
        unmet = unmet_criteria(snapshot)
        if to is Stage.ACTION_PLAN and after_compilation and not has_next_year:
            unmet.append(
                Unmet(
                    "term.no_next_year",
                    Phrase(
                        "Löftets period ({years} år) är slut; avsluta löftet i stället.",
                        {"years": snapshot.term_years},
                    ),
                )
            )
        if unmet:
            raise TransitionRefused(unmet)
        if to is Stage.CLOSED:
            return TransitionPlan(current, to, TransitionKind.CLOSE, snapshot.cycle_year)
        if after_compilation:
            return TransitionPlan(current, to, TransitionKind.NEXT_YEAR, snapshot.cycle_year + 1)
        return TransitionPlan(current, to, TransitionKind.FORWARD, snapshot.cycle_year)

    if to is not Stage.CLOSED and to.position < current.position:
        if not reason or not reason.strip():
            raise _refusal(
                "transition.reason_required",
                Phrase("Att gå tillbaka till ett tidigare steg kräver en motivering (--reason)."),
            )
        return TransitionPlan(current, to, TransitionKind.BACK, snapshot.cycle_year)

    raise _refusal(
        "transition.not_allowed",
        Phrase(
            "Från {current} kan löftet inte gå direkt till {to}.", {"current": current, "to": to}
        ),
    )
