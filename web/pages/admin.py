"""The admin's pages: people and their roles, access tokens (revoke), and the outbox's dead
letters (send again). Each is a use case an admin may run; anyone else gets the 403 page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from lifecycle.errors import Conflict, NotFound
from lifecycle.permissions import Principal
from web.pages.common import guarded, run
from web.pages.render import check_csrf, page

router = APIRouter()


@router.get("/admin")
async def admin(request: Request, notice: str = "") -> Response:
    """People, tokens and dead letters on one page."""

    async def body(principal: Principal) -> Response:
        people = await run("person.list", principal, {})
        tokens = await run("token.list", principal, {})
        dead = await run("outbox.list", principal, {"failed": True, "limit": 200})
        return page(
            request,
            "admin.html",
            principal=principal,
            people=people,
            tokens=tokens,
            dead=dead,
            notice=notice[:200],
        )

    return await guarded(request, body)


@router.post("/admin/utkorg/{message_id}/skicka-igen")
async def retry(request: Request, message_id: int) -> Response:
    """Queue one dead letter again (the dispatcher sends it with the same idempotency key)."""

    async def body(principal: Principal) -> Response:
        await check_csrf(request)
        try:
            await run("outbox.retry", principal, {"ids": [message_id]})
        except (Conflict, NotFound):
            return RedirectResponse("/admin?notice=inte-dott", status_code=303)
        return RedirectResponse("/admin?notice=koad", status_code=303)

    return await guarded(request, body)


@router.post("/admin/nycklar/{token_id}/aterkalla")
async def revoke(request: Request, token_id: int) -> Response:
    """Revoke an access token: it stops working at once."""

    async def body(principal: Principal) -> Response:
        await check_csrf(request)
        await run("token.revoke", principal, {"token_id": token_id})
        return RedirectResponse("/admin?notice=aterkallad", status_code=303)

    return await guarded(request, body)
