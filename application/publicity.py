"""Holding an item back from the public ("publiceras inte") at any stage, or publishing it again.

Marking a problem, a goal or an activity as not public changes nothing that was signed: it
only keeps the item from residents, so it is allowed in every stage, also after the signing
and after the promise closed (its public page stays). Whoever may record the promise's
artefacts may do it; the audit trail keeps who did it and why.
"""

from __future__ import annotations

from pydantic import BaseModel, Field, JsonValue, field_validator

from application.access import require
from application.artefacts import own_artefact
from effects.audit import audit
from lifecycle.permissions import Action, Principal
from models.db import session_scope
from models.kinds import KINDS
from views.lookup import get_promise

# The kinds residents see and that can be held back from them (models/kinds.py).
WITHHOLDABLE: list[str] = [k.name for k in KINDS.values() if k.withholdable and k.table is not None]


class PublicityInput(BaseModel):
    """Hold an item back from residents (a reason), or publish it again (an empty reason)."""

    promise_id: int
    kind: str = Field(json_schema_extra={"enum": list[JsonValue](WITHHOLDABLE)})
    artefact_id: int
    reason: str = Field(
        default="",
        max_length=300,
        description="Why residents must not see it; empty: it is public again",
    )

    @field_validator("kind")
    @classmethod
    def _withholdable(cls, value: str) -> str:
        if value not in WITHHOLDABLE:
            raise ValueError(f"only {', '.join(WITHHOLDABLE)} can be held back from the public")
        return value


class Publicity(BaseModel):
    """Whether the item is held back from the public, and why (empty: it is published)."""

    ok: bool = True
    kind: str
    artefact_id: int
    not_public_reason: str


def set_publicity(principal: Principal | None, request: PublicityInput) -> Publicity:
    """Mark the item "publiceras inte" with the reason, or clear the mark."""
    with session_scope() as session:
        promise = get_promise(session, request.promise_id)
        require(principal, Action.RECORD_ARTEFACT, promise)
        table = KINDS[request.kind].table
        assert table is not None  # every withholdable kind has one
        row = own_artefact(session, table, request.artefact_id, promise, request.kind)
        reason = request.reason.strip()
        before = row.not_public_reason
        row.not_public_reason = reason
        session.add(row)
        if before != reason:
            audit(
                session,
                promise_id=promise.id,
                actor=principal,  # type: ignore[arg-type]
                action="artefact.publicity",
                reason=reason or None,
                details={
                    "kind": request.kind,
                    "artefact_id": request.artefact_id,
                    "not_public": bool(reason),
                },
            )
        return Publicity(
            kind=request.kind, artefact_id=request.artefact_id, not_public_reason=reason
        )
