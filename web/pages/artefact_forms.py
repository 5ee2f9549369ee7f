"""The forms of the artefacts: recording one of any kind, changing and removing one.

Each form is drawn from the kind's input model (``web/forms.py``), checked field by field
before it is sent, and sent to the same use case as the CLI's ``lofte add``.
"""

from __future__ import annotations

from collections.abc import Mapping
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
from web.terms import field_term, part_term

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


def written_now(kind: str, view: PromiseView) -> dict[str, Any]:
    """What the form of a kind that is written again to change it (the promise text, the
    year-end compilation, the analysis update) says now, so nobody writes it from scratch."""
    from web.forms import form_values, with_numbers

    written: dict[str, Any] | None = None
    if kind == "promise_text" and view.promise_text is not None:
        written = view.promise_text.model_dump()
    elif kind == "compilation":
        now = next((c for c in view.compilations if c.cycle_year == view.cycle_year), None)
        written = now.model_dump() if now else None
    elif kind == "analysis_update":
        rows = view.artefacts.get("analysis_updates", [])
        written = next((r for r in rows if r.get("cycle_year") == view.cycle_year), None)
    if written is None:
        return {}
    shown = form_values(kind, with_numbers(written, view.ordinals))
    return {k: v for k, v in shown.items() if v}


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
    prefilled: Mapping[str, str] | None = None,
) -> Response:
    """An artefact kind's form, empty or as sent with its errors (422); with ``artefact_id``
    the form that changes (or removes) that artefact; ``prefilled``: the query of a link that
    chose what the form is about (``web/fixes.py``)."""
    from web.forms import form_fields

    try:
        fields = form_fields(kind)
    except KeyError:
        raise NotFound.said(NO_FORM, kind=kind) from None
    view = await run(show_promise, principal, promise_id=promise_id)
    _ = translator(language_of(request))
    choices = await _choices(principal, view)
    if values is None and artefact_id is None:
        from config.clock import local_today
        from web.forms import form_defaults

        values = {**form_defaults(kind, local_today()), **written_now(kind, view)}
    if prefilled is not None:  # a "Kvar att göra" link: the item it is about, chosen
        from web.fixes import prefill

        values = {**(values or {}), **prefill(fields, prefilled, view, choices)}
    spec = kind_of(kind)
    number = artefact_id
    if artefact_id is None:
        heading = _(spec.title if spec else kind)
        action = f"/loften/{promise_id}/ny/{kind}"
    else:
        if spec is not None and spec.counted_as:
            number = view.ordinals.get(spec.counted_as, {}).get(artefact_id, artefact_id)
        heading = _("Ändra {what} {n}", what=_(kind_noun(kind)), n=number)
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
        number=number,
        kind_name=_(kind_noun(kind)),
        fields=fields,
        terms={f["name"]: field_term(kind, f["name"]) for f in fields},
        frame_term=part_term("frame"),
        choices=choices,
        compilation=next((c for c in view.compilations if c.cycle_year == view.cycle_year), None),
        values=values or {},
        errors=errors or {},
        general=general,
    )


async def _by_ids(
    principal: Principal, promise_id: int, fields: dict[str, Any], language: str
) -> tuple[dict[str, Any], dict[str, str]]:
    """The fields with the goals and activities a person named by their numbers in the
    promise as their ids, and an error at each field naming a number the promise lacks."""
    from web.forms import NUMBERED, with_ids

    if not any(fields.get(name) for name in NUMBERED):
        return fields, {}
    view = await run(show_promise, principal, promise_id=promise_id)
    return with_ids(fields, view.ordinals, language)


async def _frame_checked(
    principal: Principal, promise_id: int, fields: dict[str, Any], language: str
) -> dict[str, str]:
    """A situation picture's frame notes as sent, each wrong one at its area's field, the
    area by its name."""
    from web.forms import frame_errors

    notes = fields.get("frame_areas")
    if not notes:
        return {}
    view = await run(show_promise, principal, promise_id=promise_id)
    return frame_errors(notes, {a.id: a.name for a in view.frame_areas}, language)


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
        return await _form_page(
            request, principal, promise_id, kind, prefilled=request.query_params
        )

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
        lang = language_of(request)
        fields, unknown = await _by_ids(principal, promise_id, fields_from_form(kind, sent), lang)
        _ = translator(lang)
        labels = {name: _(text) for name, text in field_labels(kind).items()}
        errors = field_errors(kind, fields, labels, lang) | unknown
        errors.update(await _frame_checked(principal, promise_id, fields, lang))
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
    from web.forms import form_values, with_numbers

    async def body(principal: Principal) -> Response:
        if not is_changeable(kind):
            raise NotFound.said("{kind} kan inte ändras", kind=kind)
        ref = {"promise_id": promise_id, "kind": kind, "artefact_id": artefact_id}
        current = await run(show_artefact, principal, **ref)
        view = await run(show_promise, principal, promise_id=promise_id)
        values = form_values(kind, with_numbers(current.fields, view.ordinals))
        return await _form_page(
            request,
            principal,
            promise_id,
            kind,
            values,
            artefact_id=artefact_id,
            prefilled=request.query_params,
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
        lang = language_of(request)
        fields, unknown = await _by_ids(principal, promise_id, change_from_form(kind, sent), lang)
        _ = translator(lang)
        shown = {spec["name"] for spec in form_fields(kind)}
        kept = {k: v for k, v in current.fields.items() if k not in shown}
        labels = {name: _(text) for name, text in field_labels(kind).items()}
        errors = field_errors(kind, {**kept, **fields}, labels, lang) | unknown
        errors.update(await _frame_checked(principal, promise_id, fields, lang))
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
