"""A coordinator's pages: Mina uppgifter, a promise with its stages as a task list, moving it
on, a form for every artefact kind and the evaluation rounds."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from application.kinds import kind_of
from lifecycle.errors import Conflict, InputError, NotFound, Refused
from lifecycle.permissions import Principal
from lifecycle.stages import CYCLE, Stage
from lifecycle.vocabulary import Role
from web.pages.common import guarded, run
from web.pages.i18n import N_, language_of, translator
from web.pages.render import check_csrf, page

router = APIRouter()


@router.get("/")
async def my_tasks(request: Request) -> Response:
    """Mina uppgifter: every open deadline of the person's promises, next first; the promises."""

    async def body(principal: Principal) -> Response:
        promises = await run("promise.list", principal, {})
        tasks = await run("deadlines.mine", principal, {})
        return page(request, "home.html", principal=principal, promises=promises, tasks=tasks)

    return await guarded(request, body)


def _task_list(view: dict[str, Any], deadlines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The seven stages as the task-list pattern: done, in progress, late or not started
    (late: the current stage, or a round of it, is past its deadline this cycle year)."""
    current = Stage(view["stage"])
    overdue = {
        d["stage"]
        for d in deadlines
        if d["status"] == "overdue" and d["cycle_year"] == view["cycle_year"]
    }
    rows = []
    for stage in CYCLE:
        if current is Stage.CLOSED or stage.position < current.position:
            status = "done"
        elif stage is current:
            status = "late" if stage.value in overdue else "current"
        else:
            status = "todo"
        rows.append({"stage": stage.value, "name": stage.name_in("sv"), "status": status})
    return rows


def _noun(kind: str) -> str:
    """The artefact kind as a sentence names it, in Swedish ("Ändra mål 4"; models/kinds.py)."""
    spec = kind_of(kind)
    return spec.noun if spec else kind


def _changeable(kind: str) -> bool:
    spec = kind_of(kind)
    return spec is not None and spec.changeable


def _in_words(event: dict[str, Any], lang: str) -> dict[str, Any]:
    """One audit event as a line of the history: when, who (and how proven), what."""
    _ = translator(lang)
    actions = {
        "created": _("Löftet skapades"),
        "approval": _("Årssammanställningen godkändes"),
        "focus_area": _("Ett fokusområde valdes"),
        "next_cycle_opened": _("Nästa år öppnades"),
        "seeded_from": _("Öppnat från föregående år"),
        "revision_opened": _("Revideringen inför nästa år öppnades"),
        "demo_promise_loaded": _("Demodata laddades"),
    }
    action = event.get("action", "")
    details = event.get("details") or {}
    if action == "transition" and event.get("from_stage") and event.get("to_stage"):
        what = _(
            "{a} till {b}",
            a=Stage(event["from_stage"]).name_in(lang),
            b=Stage(event["to_stage"]).name_in(lang),
        )
    elif action in ("artefact_added", "artefact_changed", "artefact_removed"):
        kind = str(details.get("kind", ""))
        n = details.get("id") or ""
        verb = {
            "artefact_added": N_("La till {what} {n}"),
            "artefact_changed": N_("Ändrade {what} {n}"),
            "artefact_removed": N_("Tog bort {what} {n}"),
        }[action]
        what = _(verb, what=_(_noun(kind)), n=n)
    else:
        what = actions.get(action, action)
    return {
        "at": event.get("at"),
        "who": event.get("actor"),
        "what": what.strip(),
        "reason": event.get("reason"),
    }


def _chain(artefacts: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The chain as a tree: each problem with its cause analyses and goals, each goal with the
    activities that reach it (the dialogues that led to the problems are listed above it)."""
    causes = artefacts.get("cause_analyses", [])
    goals = artefacts.get("goals", [])
    activities = artefacts.get("activities", [])
    tree = []
    for problem in sorted(
        artefacts.get("problems", []), key=lambda p: (not p.get("selected"), p["id"])
    ):
        tree.append(
            {
                "problem": problem,
                "causes": [c for c in causes if c.get("problem_id") == problem["id"]],
                "goals": [
                    {
                        "goal": g,
                        "activities": [a for a in activities if a.get("goal_id") == g["id"]],
                    }
                    for g in goals
                    if g.get("problem_id") == problem["id"]
                ],
            }
        )
    return tree


@router.get("/loften/{promise_id}")
async def promise_page(request: Request, promise_id: int) -> Response:
    """The promise: its stages as a task list, what is missing, its chain and history."""

    async def body(principal: Principal) -> Response:
        return await _promise_page(request, principal, promise_id)

    return await guarded(request, body)


async def _promise_page(
    request: Request, principal: Principal, promise_id: int, refusal: list[str] | None = None
) -> Response:
    """The promise page; with ``refusal``, every unmet criterion in an error summary (409)."""
    from web.forms import form_for, forms_for_stage

    view = await run("promise.show", principal, {"promise_id": promise_id})
    deadlines = await run("deadlines.show", principal, {"promise_id": promise_id})
    trail = await run("promise.history", principal, {"promise_id": promise_id})
    return page(
        request,
        "promise.html",
        409 if refusal else 200,
        principal=principal,
        p=view,
        stages=_task_list(view, deadlines),
        chain=_chain(view["artefacts"]),
        # Regional coordinators and admins read promises; only the parties' people write.
        can_write=principal.role in (Role.COORDINATOR, Role.STEERING_GROUP),
        deadlines=[d for d in deadlines if d["cycle_year"] == view["cycle_year"]],
        trail=[_in_words(e, language_of(request)) for e in reversed(trail)],
        refusal=refusal,
        fixes={u["code"]: form_for(u["code"]) for u in view["unmet"]},
        forms=forms_for_stage(view["stage"]),
    )


@router.post("/loften/{promise_id}/vidare")
async def advance(request: Request, promise_id: int) -> Response:
    """Gå vidare till nästa steg: the transition flow moves it on or lists what is missing."""

    async def body(principal: Principal) -> Response:
        await check_csrf(request)
        try:
            await run("promise.advance", principal, {"promise_id": promise_id})
        except Refused as exc:
            return await _promise_page(
                request, principal, promise_id, [u.message(language_of(request)) for u in exc.unmet]
            )
        return RedirectResponse(f"/loften/{promise_id}", status_code=303)

    return await guarded(request, body)


@router.post("/loften/{promise_id}/tillbaka")
async def send_back(request: Request, promise_id: int) -> Response:
    """Skicka tillbaka: to an earlier stage, with the reason (the flow checks and audits it)."""

    async def body(principal: Principal) -> Response:
        await check_csrf(request)
        form = await request.form()
        to, reason = str(form.get("to", ""))[:40], str(form.get("reason", "")).strip()[:2000]
        lang = language_of(request)
        _ = translator(lang)
        problems = []
        if not to:
            problems.append(_("Välj vilket steg löftet ska tillbaka till."))
        if not reason:
            problems.append(_("Skriv varför löftet skickas tillbaka."))
        if not problems:
            try:
                params = {"promise_id": promise_id, "to": to, "reason": reason}
                await run("promise.advance", principal, params)
            except Refused as exc:
                problems = [u.message(lang) for u in exc.unmet] or [exc.headline]
            except InputError as exc:
                problems = [exc.message(lang)]
            else:
                return RedirectResponse(f"/loften/{promise_id}", status_code=303)
        return await _promise_page(request, principal, promise_id, problems)

    return await guarded(request, body)


@router.get("/loften/{promise_id}/sammanstallning")
async def compilation(request: Request, promise_id: int) -> Response:
    """The year-end compilation as a document to read, print or save as PDF for a committee."""

    async def body(principal: Principal) -> Response:
        params = {"promise_id": promise_id, "format": "html", "language": language_of(request)}
        document = await run("compilation.show", principal, params)
        return Response(document.content, media_type=document.media_type)

    return await guarded(request, body)


@router.get("/loften/{promise_id}/dialog")
async def dialogue_form(promise_id: int) -> Response:
    """The resident-dialogue form's short address."""
    return RedirectResponse(f"/loften/{promise_id}/ny/dialogue", status_code=303)


async def _choices(principal: Principal, view: dict[str, Any]) -> dict[str, Any]:
    """What the form's choices come from: the promise's artefacts and the region's catalogue."""
    catalogue = await run("catalogue.show", principal, {"region": view["region"]})
    sets = [s for entry in catalogue for s in entry["sets"] if s["applies_to"] != "regional"]
    areas = [(a["id"], a["name"]) for s in sets for a in s["areas"]]
    goals = [(g["id"], g["text"]) for s in sets for a in s["areas"] for g in a["goals"]]
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
        raise NotFound(f"no form for {kind}") from None
    view = await run("promise.show", principal, {"promise_id": promise_id})
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
        heading = _("Ändra {what} {n}", what=_(_noun(kind)), n=artefact_id)
        action = f"/loften/{promise_id}/andra/{kind}/{artefact_id}"
    return page(
        request,
        "form.html",
        status or (422 if errors or general else 200),
        principal=principal,
        p=view,
        kind=kind,
        heading=heading,
        action=action,
        artefact_id=artefact_id,
        kind_name=_(_noun(kind)),
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
            raise NotFound(f"no form for {kind}") from None
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
                    await run(
                        "compilation.approve", principal, {"promise_id": promise_id, **fields}
                    )
                else:
                    await run(
                        "artefact.add",
                        principal,
                        {"promise_id": promise_id, "kind": kind, "fields": fields},
                    )
            except Refused as exc:
                general = "; ".join(u.message(lang) for u in exc.unmet) or exc.headline
            except InputError as exc:
                general = exc.message(lang)
            else:
                return RedirectResponse(f"/loften/{promise_id}", status_code=303)
        return await _form_page(request, principal, promise_id, kind, sent, errors, general)

    return await guarded(request, body)


@router.get("/loften/{promise_id}/andra/{kind}/{artefact_id}")
async def change_form(request: Request, promise_id: int, kind: str, artefact_id: int) -> Response:
    """The form that changes a recorded artefact, filled in with what it says now."""
    from web.forms import form_values

    async def body(principal: Principal) -> Response:
        if not _changeable(kind):
            raise NotFound(f"{kind} cannot be changed")
        ref = {"promise_id": promise_id, "kind": kind, "artefact_id": artefact_id}
        current = await run("artefact.show", principal, ref)
        values = form_values(kind, current["fields"])
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
        if not _changeable(kind):
            raise NotFound(f"{kind} cannot be changed")
        ref = {"promise_id": promise_id, "kind": kind, "artefact_id": artefact_id}
        current = await run("artefact.show", principal, ref)
        sent = await _sent(request)
        fields = change_from_form(kind, sent)
        lang = language_of(request)
        _ = translator(lang)
        shown = {spec["name"] for spec in form_fields(kind)}
        kept = {k: v for k, v in current["fields"].items() if k not in shown}
        labels = {name: _(text) for name, text in field_labels(kind).items()}
        errors = field_errors(kind, {**kept, **fields}, labels, lang)
        general = None
        if not errors:
            try:
                await run("artefact.change", principal, {**ref, "fields": fields})
            except Refused as exc:
                general = "; ".join(u.message(lang) for u in exc.unmet) or exc.headline
            except (InputError, Conflict) as exc:
                general = exc.message(lang)
            else:
                return RedirectResponse(f"/loften/{promise_id}", status_code=303)
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
        if not _changeable(kind):
            raise NotFound(f"{kind} cannot be removed")
        ref = {"promise_id": promise_id, "kind": kind, "artefact_id": artefact_id}
        try:
            await run("artefact.remove", principal, ref)
        except (Conflict, Refused) as exc:
            current = await run("artefact.show", principal, ref)
            return await _form_page(
                request,
                principal,
                promise_id,
                kind,
                form_values(kind, current["fields"]),
                general=exc.message(language_of(request)),
                artefact_id=artefact_id,
                status=409,
            )
        return RedirectResponse(f"/loften/{promise_id}", status_code=303)

    return await guarded(request, body)


def _round(view: dict[str, Any], number: int) -> dict[str, Any]:
    for row in view["artefacts"].get("evaluation_rounds", []):
        if row["number"] == number and row["cycle_year"] == view["cycle_year"]:
            return dict(row)
    raise NotFound(f"no evaluation round {number} this year")


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

    view = await run("promise.show", principal, {"promise_id": promise_id})
    return page(
        request,
        "round.html",
        422 if general else 200,
        principal=principal,
        p=view,
        r=_round(view, number),
        statuses=STATUSES,
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
                "artefact.add",
                principal,
                {"promise_id": promise_id, "kind": "evaluation", "fields": fields},
            )
        except Refused as exc:
            return await _round_page(request, principal, promise_id, number, sent, exc.headline)
        except InputError as exc:
            return await _round_page(
                request, principal, promise_id, number, sent, exc.message(language_of(request))
            )
        return RedirectResponse(f"/loften/{promise_id}", status_code=303)

    return await guarded(request, body)
