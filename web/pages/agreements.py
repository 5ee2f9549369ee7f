"""The collaboration agreements: the list a person may see, and one agreement with each
party's decision, its organisation and every promise it covers (seeds 001-003)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from application import agreements
from lifecycle.permissions import Principal
from web.pages.common import guarded, run
from web.pages.render import page

router = APIRouter()


@router.get("/overenskommelser")
async def agreements_page(request: Request) -> Response:
    """Samverkansöverenskommelser: term, parties, status and what needs doing, each linked."""

    async def body(principal: Principal) -> Response:
        rows = await run(agreements.list_agreements, principal)
        # The templates read each agreement as the API answers it (dates as ISO text).
        shown = [row.model_dump(mode="json") for row in rows]
        return page(request, "agreements.html", principal=principal, agreements=shown)

    return await guarded(request, body)


@router.get("/overenskommelser/{agreement_id}")
async def agreement_page(request: Request, agreement_id: int) -> Response:
    """One agreement: what the parties agreed, their decisions, organisation and promises."""

    async def body(principal: Principal) -> Response:
        view = await run(agreements.show_agreement, principal, agreement_id=agreement_id)
        shown = view.model_dump(mode="json")
        return page(request, "agreement.html", principal=principal, a=shown)

    return await guarded(request, body)
