"""The web pages of ``lofte serve``, in Swedish (docs/web.md): one router of every page.

Every page calls the use cases it needs by importing them (the same functions the API and the
CLI run, wired in ``wiring/usecases.py``), as the person the session cookie belongs to; every
form carries a CSRF token.
"""

from __future__ import annotations

from fastapi import APIRouter

from web.pages import (
    admin,
    agreements,
    artefact_forms,
    documents,
    mailbox,
    new_promise,
    promise,
    public,
    region,
    rounds,
    session,
)

router = APIRouter()
# new_promise before promise: /loften/nytt is not /loften/{promise_id}.
for part in (
    session,
    new_promise,
    promise,
    artefact_forms,
    rounds,
    documents,
    agreements,
    region,
    admin,
    mailbox,
    public,
):
    router.include_router(part.router)
