"""The documents officials sign, decide on and archive: the signed medborgarlöfte (PDF/A and
.docx) and the action plan (.xlsx and .docx). The year-end compilation's documents are in
``application.compilation``.

The signed promise is public once published: anyone may download the published year's
document (``public_promise_document``, the public page's link). Before that only the parties
and their region may (``promise.document``, the staff page's link), and only once both
parties have signed; before that there is no document, and the refusal says so.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

from application.access import may, require
from application.promises import PromiseId
from application.usecase import FileResult
from config.clock import local_today
from lifecycle.errors import InputError, NotFound
from lifecycle.permissions import Action, Principal
from models.db import read_scope
from reports import action_plan, parties, promise_document
from reports.office import DOCX_MEDIA_TYPE, XLSX_MEDIA_TYPE
from reports.pdf import PDF_MEDIA_TYPE
from views.lookup import get_promise


class PromiseDocumentRequest(BaseModel):
    """The signed medborgarlöfte as PDF/A or .docx, in Swedish or English."""

    promise_id: PromiseId
    format: Literal["pdf", "docx", "html"] = "pdf"
    language: Literal["sv", "en"] = "sv"


def _promise_file(data: dict[str, Any], fmt: str, promise_id: int) -> FileResult:
    name = f"medborgarlofte-{promise_id}-{data['year']}"
    if fmt == "docx":
        return FileResult(promise_document.render_docx(data), DOCX_MEDIA_TYPE, f"{name}.docx")
    if fmt == "html":
        html = promise_document.render_html(data).encode("utf-8")
        return FileResult(html, "text/html; charset=utf-8", f"{name}.html")
    return FileResult(promise_document.render_pdf(data), PDF_MEDIA_TYPE, f"{name}.pdf")


def signed_promise_document(
    principal: Principal | None, request: PromiseDocumentRequest
) -> FileResult:
    """The promise's signed medborgarlöfte (the parties and their region; public once published)."""
    with read_scope() as session:
        promise = get_promise(session, request.promise_id)
        published_only = principal is None or not may(principal, Action.EXPORT_PROMISE, promise)
        if published_only and parties.signed_year(session, promise, True) is None:
            require(principal, Action.EXPORT_PROMISE, promise)  # says who may, and why not
        data = promise_document.document_data(session, promise, request.language, published_only)
        if data is None:
            raise InputError.said(
                "löfte {id} har inget undertecknat medborgarlöfte än: båda parterna skriver "
                "under åtgärdsplanen först (lofte add ... signoff), sedan finns dokumentet",
                id=request.promise_id,
            )
    return _promise_file(data, request.format, request.promise_id)


def public_promise_document(promise_id: int, fmt: str, language: str = "sv") -> FileResult:
    """The published medborgarlöfte for anyone (the public page's link); NotFound otherwise."""
    if fmt not in ("pdf", "docx"):
        raise NotFound.said("inget dokumentformat {fmt!r}", fmt=fmt)
    with read_scope() as session:
        promise = get_promise(session, promise_id)
        data = promise_document.document_data(session, promise, language, published_only=True)
    if data is None:
        raise NotFound.said("inget publicerat medborgarlöfte {id}", id=promise_id)
    return _promise_file(data, fmt, promise_id)


class ActionPlanRequest(BaseModel):
    """The action plan (goals, activities, owners, dates, status, resources) as a file."""

    promise_id: PromiseId
    format: Literal["xlsx", "docx"] = "xlsx"
    language: Literal["sv", "en"] = "sv"


def action_plan_document(principal: Principal | None, request: ActionPlanRequest) -> FileResult:
    """The promise's action plan for the city's planning system (the parties and their region)."""
    with read_scope() as session:
        promise = get_promise(session, request.promise_id)
        require(principal, Action.EXPORT_PROMISE, promise)
        data = action_plan.plan_data(session, promise, local_today(), request.language)
    name = f"atgardsplan-{request.promise_id}-{data['year']}"
    if request.format == "docx":
        return FileResult(action_plan.to_docx(data), DOCX_MEDIA_TYPE, f"{name}.docx")
    return FileResult(action_plan.to_xlsx(data), XLSX_MEDIA_TYPE, f"{name}.xlsx")
