"""The evaluation rounds: each activity's status and each goal's latest value, as one form."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from application.artefacts import record_artefact
from application.promise_results import PromiseView
from application.promises import show_promise
from lifecycle.errors import InputError, NotFound, Refused
from lifecycle.permissions import Principal
from web.pages.common import guarded, run
from web.pages.i18n import language_of
from web.pages.promise import done
from web.pages.render import check_csrf, page

router = APIRouter()


def _round(view: PromiseView, number: int) -> dict[str, Any]:
    for row in view.artefacts.get("evaluation_rounds", []):
        if row["number"] == number and row["cycle_year"] == view.cycle_year:
            return dict(row)
    raise NotFound.said("ingen uppföljning {n} i år", n=number)


async def _round_page(
    request: Request,
    principal: Principal,
    promise_id: int,
    number: int,
    values: dict[str, Any] | None = None,
    general: str | None = None,
) -> Response:
    """One evaluation round: every activity's status and every goal's latest value."""
    from web.forms import STATUSES
    from web.terms import part_term

    view = await run(show_promise, principal, promise_id=promise_id)
    return page(
        request,
        "round.html",
        422 if general else 200,
        principal=principal,
        p=view.model_dump(mode="json"),  # as the API answers it, dates as ISO text
        r=_round(view, number),
        statuses=STATUSES,
        round_term=part_term("evaluation"),
        feedback_term=part_term("feedback_to_residents"),
        values=values or {"submitted_by": principal.name},
        errors={"feedback_to_residents": general} if general else {},
        general=None,
    )


@router.get("/loften/{promise_id}/uppfoljning/{number}")
async def round_form(request: Request, promise_id: int, number: int) -> Response:
    """The form of one evaluation round."""

    async def body(principal: Principal) -> Response:
        return await _round_page(request, principal, promise_id, number)

    return await guarded(request, body)


@router.post("/loften/{promise_id}/uppfoljning/{number}")
async def submit_round(request: Request, promise_id: int, number: int) -> Response:
    """Submit the round (the same check as `lofte add ID evaluation`), or say what is wrong."""
    from web.forms import evaluation_from_form

    async def body(principal: Principal) -> Response:
        await check_csrf(request)
        sent = {k: str(v)[:10_000] for k, v in (await request.form()).items() if k != "csrf_token"}
        fields = evaluation_from_form(number, sent)
        try:
            await run(
                record_artefact, principal, promise_id=promise_id, kind="evaluation", fields=fields
            )
        except (Refused, InputError) as exc:
            return await _round_page(
                request, principal, promise_id, number, sent, exc.message(language_of(request))
            )
        return done(promise_id, "uppfoljning")

    return await guarded(request, body)
