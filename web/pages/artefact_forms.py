"""The forms of the artefacts: recording one of any kind, changing and removing one.

Each form is drawn from the kind's input model (``web/forms.py``), checked field by field
before it is sent, and sent to the same use case as the CLI's ``lofte add``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from application.artefact_changes import change_artefact, remove_artefact, show_artefact
from application.artefacts import record_artefact
from application.catalogue import show_catalogue
from application.kinds import kind_of
from application.promise_results import PromiseView
from application.promises import show_promise
from flows import compilation as approval
from lifecycle.errors import Conflict, InputError, NotFound, Refused
from lifecycle.permissions import Principal
from web.pages.common import guarded, run
from web.pages.i18n import language_of, translator
from web.pages.promise import done, is_changeable, kind_noun
from web.pages.render import check_csrf, page

router = APIRouter()

# A page asked for a form of a kind that has none (English in the catalogue).
NO_FORM = "inget formulär för {kind}"


@router.get("/loften/{promise_id}/dialog")
async def dialogue_form(promise_id: int) -> Response:
    """The resident-dialogue form's short address."""
    return RedirectResponse(f"/loften/{promise_id}/ny/dialogue", status_code=303)


async def _choices(principal: Principal, view: PromiseView) -> dict[str, Any]:
    """What the form's choices come from: the promise's artefacts and the region's catalogue."""
    catalogue = await run(show_catalogue, principal, region=view.region)
    sets = [s for entry in catalogue for s in entry.sets if s.applies_to != "regional"]
    areas = [(a.id, a.name) for s in sets for a in s.areas]
    goals = [(g.id, g.text) for s in sets for a in s.areas for g in a.goals]
    return {"priority_area": areas, "also_priority_areas": areas, "catalogue_goal": goals}


async def _form_page(
    request: Request,
    principal: Principal,
    promise_id: int,
    kind: str,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    general: str | None = None,
    artefact_id: int | None = None,
    status: int | None = None,
) -> Response:
    """An artefact kind's form, empty or as sent with its errors (422); with ``artefact_id``
    the form that changes (or removes) that artefact."""
    from web.forms import form_fields

    try:
        fields = form_fields(kind)
    except KeyError:
        raise NotFound.said(NO_FORM, kind=kind) from None
    view = await run(show_promise, principal, promise_id=promise_id)
    _ = translator(language_of(request))
    if values is None and artefact_id is None:
        from config.clock import local_today
        from web.forms import form_defaults

        values = form_defaults(kind, local_today())
    if artefact_id is None:
        spec = kind_of(kind)
        heading = _(spec.title if spec else kind)
        action = f"/loften/{promise_id}/ny/{kind}"
    else:
        heading = _("Ändra {what} {n}", what=_(kind_noun(kind)), n=artefact_id)
        action = f"/loften/{promise_id}/andra/{kind}/{artefact_id}"
    return page(
        request,
        "form.html",
        status or (422 if errors or general else 200),
        principal=principal,
        p=view.model_dump(mode="json"),  # as the API answers it, dates as ISO text
        kind=kind,
        heading=heading,
        action=action,
        artefact_id=artefact_id,
        kind_name=_(kind_noun(kind)),
        fields=fields,
        choices=await _choices(principal, view),
        values=values or {},
        errors=errors or {},
        general=general,
    )


async def _sent(request: Request) -> dict[str, Any]:
    """A form as sent: each field's text (bounded), or its values when it has several."""
    form = await request.form()
    return {
        k: (form.getlist(k) if len(form.getlist(k)) > 1 else str(v)[:10_000])
        for k, v in form.items()
        if k != "csrf_token"
    }


@router.get("/loften/{promise_id}/ny/{kind}")
async def artefact_form(request: Request, promise_id: int, kind: str) -> Response:
    """The form for one kind of artefact, drawn from the same input model as the CLI's."""

    async def body(principal: Principal) -> Response:
        return await _form_page(request, principal, promise_id, kind)

    return await guarded(request, body)


@router.post("/loften/{promise_id}/ny/{kind}")
async def add_artefact(request: Request, promise_id: int, kind: str) -> Response:
    """Record the artefact, or show the form again with every error at its field."""
    from web.forms import field_errors, field_labels, fields_from_form, form_fields

    async def body(principal: Principal) -> Response:
        await check_csrf(request)
        try:
            form_fields(kind)
        except KeyError:
            raise NotFound.said(NO_FORM, kind=kind) from None
        sent = await _sent(request)
        fields = fields_from_form(kind, sent)
        lang = language_of(request)
        _ = translator(lang)
        labels = {name: _(text) for name, text in field_labels(kind).items()}
        errors = field_errors(kind, fields, labels, lang)
        general = None
        if not errors:
            try:
                if kind == "approval":  # approving runs the flow: the promise then moves on
                    await run(approval.approve, principal, promise_id=promise_id, **fields)
                else:
                    await run(
                        record_artefact, principal, promise_id=promise_id, kind=kind, fields=fields
                    )
            except Refused as exc:
                general = "; ".join(u.message(lang) for u in exc.unmet) or exc.message(lang)
            except InputError as exc:
                general = exc.message(lang)
            else:
                return done(promise_id, "godkant" if kind == "approval" else "sparat")
        return await _form_page(request, principal, promise_id, kind, sent, errors, general)

    return await guarded(request, body)


@router.get("/loften/{promise_id}/andra/{kind}/{artefact_id}")
async def change_form(request: Request, promise_id: int, kind: str, artefact_id: int) -> Response:
    """The form that changes a recorded artefact, filled in with what it says now."""
    from web.forms import form_values

    async def body(principal: Principal) -> Response:
        if not is_changeable(kind):
            raise NotFound.said("{kind} kan inte ändras", kind=kind)
        ref = {"promise_id": promise_id, "kind": kind, "artefact_id": artefact_id}
        current = await run(show_artefact, principal, **ref)
        values = form_values(kind, current.fields)
        return await _form_page(
            request, principal, promise_id, kind, values, artefact_id=artefact_id
        )

    return await guarded(request, body)


@router.post("/loften/{promise_id}/andra/{kind}/{artefact_id}")
async def change(request: Request, promise_id: int, kind: str, artefact_id: int) -> Response:
    """Change the artefact (checked as a new one would be), or show what is wrong."""
    from web.forms import change_from_form, field_errors, field_labels, form_fields

    async def body(principal: Principal) -> Response:
        await check_csrf(request)
        if not is_changeable(kind):
            raise NotFound.said("{kind} kan inte ändras", kind=kind)
        ref = {"promise_id": promise_id, "kind": kind, "artefact_id": artefact_id}
        current = await run(show_artefact, principal, **ref)
        sent = await _sent(request)
        fields = change_from_form(kind, sent)
        lang = language_of(request)
        _ = translator(lang)
        shown = {spec["name"] for spec in form_fields(kind)}
        kept = {k: v for k, v in current.fields.items() if k not in shown}
        labels = {name: _(text) for name, text in field_labels(kind).items()}
        errors = field_errors(kind, {**kept, **fields}, labels, lang)
        general = None
        if not errors:
            try:
                await run(change_artefact, principal, **ref, fields=fields)
            except Refused as exc:
                general = "; ".join(u.message(lang) for u in exc.unmet) or exc.message(lang)
            except (InputError, Conflict) as exc:
                general = exc.message(lang)
            else:
                return done(promise_id, "andrat")
        return await _form_page(
            request, principal, promise_id, kind, sent, errors, general, artefact_id
        )

    return await guarded(request, body)


@router.post("/loften/{promise_id}/ta-bort/{kind}/{artefact_id}")
async def remove(request: Request, promise_id: int, kind: str, artefact_id: int) -> Response:
    """Remove the artefact, or say what rests on it (409, on its form)."""
    from web.forms import form_values

    async def body(principal: Principal) -> Response:
        await check_csrf(request)
        if not is_changeable(kind):
            raise NotFound.said("{kind} kan inte tas bort", kind=kind)
        ref = {"promise_id": promise_id, "kind": kind, "artefact_id": artefact_id}
        try:
            await run(remove_artefact, principal, **ref)
        except (Conflict, Refused) as exc:
            current = await run(show_artefact, principal, **ref)
            return await _form_page(
                request,
                principal,
                promise_id,
                kind,
                form_values(kind, current.fields),
                general=exc.message(language_of(request)),
                artefact_id=artefact_id,
                status=409,
            )
        return done(promise_id, "borttaget")

    return await guarded(request, body)
