"""The web pages of ``lofte serve``, in Swedish (docs/web.md): one router of every page.

Every page calls the application layer only (the registered use cases, as the API and the CLI
do), as the person the session cookie belongs to; every form carries a CSRF token.
"""

from __future__ import annotations

from fastapi import APIRouter

from web.pages import (
    admin,
    agreements,
    documents,
    mailbox,
    new_promise,
    promise,
    public,
    region,
    session,
)

router = APIRouter()
# new_promise before promise: /loften/nytt is not /loften/{promise_id}.
for part in (session, new_promise, promise, documents, agreements, region, admin, mailbox, public):
    router.include_router(part.router)
