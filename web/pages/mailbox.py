"""The local mailbox (notifications/local_mailbox.py): the endpoint the service's own
dispatcher delivers mail to when no mail channel is configured, and the operator's page that
shows what was "sent", so that the whole loop (a resident confirming a subscription, a
coordinator's reminder) can be tried on the embedded default."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from application.local_mailbox import list_local_mail, receive_local_mail, show_local_mail
from lifecycle.errors import InputError, NotAuthenticated
from lifecycle.permissions import Principal
from notifications.local_mailbox import DELIVERY_PATH, MAX_BYTES
from web.pages.common import guarded
from web.pages.render import page

router = APIRouter()


@router.post(DELIVERY_PATH, include_in_schema=False)
async def deliver(request: Request) -> Response:
    """Take one mail from this installation's dispatcher (the generic mail API's JSON)."""
    body = await request.body()
    if len(body) > MAX_BYTES:
        return JSONResponse({"error": "för stort brev / mail too large"}, status_code=413)
    try:
        document = json.loads(body)
        mail = await run_in_threadpool(
            receive_local_mail, request.headers.get("authorization", ""), document
        )
    except NotAuthenticated as exc:
        return JSONResponse({"error": str(exc)}, status_code=401)
    except (InputError, ValueError) as exc:
        return JSONResponse({"error": str(exc)[:200]}, status_code=422)
    return JSONResponse({"id": mail.id}, status_code=202)


@router.get("/admin/lokal-post")
async def mailbox(request: Request) -> Response:
    """The newest mails in the local mailbox."""

    async def body(principal: Principal) -> Response:
        mails = await run_in_threadpool(list_local_mail, principal)
        return page(request, "local_mail.html", principal=principal, mails=mails, mail=None)

    return await guarded(request, body)


@router.get("/admin/lokal-post/{mail_id}")
async def one_mail(request: Request, mail_id: str) -> Response:
    """One mail as it would have been read, its links clickable (plain text, escaped)."""

    async def body(principal: Principal) -> Response:
        mail = await run_in_threadpool(show_local_mail, principal, mail_id[:60])
        return page(request, "local_mail.html", principal=principal, mails=[], mail=mail)

    return await guarded(request, body)
