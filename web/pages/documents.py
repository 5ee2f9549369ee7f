"""The documents as downloads: the signed medborgarlöfte (public once published), the year-end
compilation as a committee paper and the action plan (for the parties and their region).

Every download goes through a use case of the application layer, as the page's person (or,
for the public promise, as nobody: it is public once published).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from application.compilation import show_compilation
from application.documents import action_plan_document, signed_promise_document
from application.usecase import FileResult
from lifecycle.errors import InputError, NotFound
from lifecycle.permissions import Principal
from web.pages.common import guarded, run
from web.pages.i18n import N_, language_of
from web.pages.render import page

router = APIRouter()

# The staff downloads: address name → (use case, format).
STAFF: dict[str, tuple[Callable[[Principal | None, Any], Any], str]] = {
    "medborgarlofte.pdf": (signed_promise_document, "pdf"),
    "medborgarlofte.docx": (signed_promise_document, "docx"),
    "sammanstallning.pdf": (show_compilation, "pdf"),
    "sammanstallning.docx": (show_compilation, "docx"),
    "atgardsplan.xlsx": (action_plan_document, "xlsx"),
    "atgardsplan.docx": (action_plan_document, "docx"),
}


def download(document: FileResult, cache: str = "private, no-store") -> Response:
    """A document as an attachment with its file name."""
    return Response(
        document.content,
        media_type=document.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{document.filename}"',
            "Cache-Control": cache,
        },
    )


@router.get("/loften/{promise_id}/dokument/{name}")
async def staff_document(request: Request, promise_id: int, name: str) -> Response:
    """One of the promise's documents, for the parties and their region."""

    async def body(principal: Principal) -> Response:
        if name not in STAFF:
            raise NotFound.said("inget dokument {name!r}", name=name)
        use_case, fmt = STAFF[name]
        params = {"promise_id": promise_id, "format": fmt, "language": language_of(request)}
        try:
            return download(await run(use_case, principal, **params))
        except InputError as exc:
            return page(
                request,
                "error.html",
                409,
                title=N_("Dokumentet finns inte än"),
                message=exc.message(language_of(request)),
                principal=principal,
            )

    return await guarded(request, body)


@router.get("/offentligt/loften/{promise_id}/medborgarlofte.{fmt}")
async def public_document(request: Request, promise_id: int, fmt: str) -> Response:
    """The published medborgarlöfte as PDF/A or .docx, for anyone."""
    from application.documents import public_promise_document

    try:
        document = await run_in_threadpool(
            public_promise_document, promise_id, fmt[:5], language_of(request)
        )
    except NotFound:
        return Response(
            "Det finns inget publicerat medborgarlöfte här.",
            status_code=404,
            media_type="text/plain; charset=utf-8",
        )
    return download(document, "public, max-age=300")
