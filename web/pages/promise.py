"""A coordinator's pages: Mina uppgifter, a promise with its stages as a task list, its
history, moving it on (or back) and the year-end compilation to read.

The forms that record, change and remove artefacts are in ``artefact_forms.py``, the
evaluation rounds in ``rounds.py``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from application.compilation import show_compilation
from application.deadlines import DeadlineRow, my_deadlines, show_deadlines
from application.kinds import kind_of
from application.promise_results import AuditEntry, PromiseView
from application.promises import list_visible_promises, promise_history, show_promise
from application.signatures import request_signature
from flows import transition
from lifecycle.criteria import Unmet
from lifecycle.errors import InputError, Refused
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
        promises = await run(list_visible_promises, principal, open=True)
        tasks = await run(my_deadlines, principal)
        # The template reads each promise as the API answers it (the year cut from ISO text).
        shown = [p.model_dump(mode="json") for p in promises]
        return page(request, "home.html", principal=principal, promises=shown, tasks=tasks)

    return await guarded(request, body)


def _task_list(view: PromiseView, deadlines: list[DeadlineRow]) -> list[dict[str, Any]]:
    """The seven stages as the task-list pattern: done, in progress, late or not started
    (late: the current stage, or a round of it, is past its deadline this cycle year)."""
    current = Stage(view.stage)
    overdue = {
        d.stage for d in deadlines if d.status == "overdue" and d.cycle_year == view.cycle_year
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


def kind_noun(kind: str) -> str:
    """The artefact kind as a sentence names it, in Swedish ("Ändra mål 4"; models/kinds.py)."""
    spec = kind_of(kind)
    return spec.noun if spec else kind


def is_changeable(kind: str) -> bool:
    """Whether a recorded artefact of the kind can be changed or removed (models/kinds.py)."""
    spec = kind_of(kind)
    return spec is not None and spec.changeable


def _in_words(
    event: AuditEntry, lang: str, ordinals: dict[str, dict[int, int]] | None = None
) -> dict[str, Any]:
    """One audit event as a line of the history: when, who (and how proven), what (an
    artefact by its number in the promise while it exists)."""
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
    action = event.action
    details = event.details
    if action == "transition" and event.from_stage and event.to_stage:
        what = _(
            "{a} till {b}",
            a=Stage(event.from_stage).name_in(lang),
            b=Stage(event.to_stage).name_in(lang),
        )
    elif action in ("artefact_added", "artefact_changed", "artefact_removed"):
        kind = str(details.get("kind", ""))
        n = details.get("id") or ""
        spec = kind_of(kind)
        if spec is not None and spec.counted_as and isinstance(n, int):
            n = (ordinals or {}).get(spec.counted_as, {}).get(n, n)
        verb = {
            "artefact_added": N_("La till {what} {n}"),
            "artefact_changed": N_("Ändrade {what} {n}"),
            "artefact_removed": N_("Tog bort {what} {n}"),
        }[action]
        what = _(verb, what=_(kind_noun(kind)), n=n)
    else:
        what = actions.get(action, action)
    return {
        "at": event.at,
        "who": event.actor_name or event.actor,
        "what": what.strip(),
        "reason": event.reason,
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


# What the promise page confirms after a change (a short-lived cookie set by the redirect, so
# the address stays the promise's and a reload does not confirm again): a fixed set of sentences,
# never text from the address (issue 25: nothing confirmed a save or a stage change).
CONFIRMATIONS = {
    "sparat": N_("Det är sparat."),
    "andrat": N_("Ändringen är sparad."),
    "borttaget": N_("Det är borttaget."),
    "vidare": N_("Löftet har gått vidare. Det är nu i steget {stage}."),
    "tillbaka": N_("Löftet är skickat tillbaka till steget {stage}."),
    "skapat": N_("Medborgarlöftet är skapat. Det börjar i steget {stage}."),
    "uppfoljning": N_("Uppföljningen är inlämnad."),
    "godkant": N_("Årssammanställningen är godkänd."),
    "ombedda": N_("Vi har bett styrgruppen skriva under. De får ett meddelande med en länk hit."),
}


CONFIRM_COOKIE = "lofte_klart"


def done(promise_id: int, what: str) -> RedirectResponse:
    """Back to the promise page, which confirms ``what`` (a key of CONFIRMATIONS) once."""
    from config.settings import get_settings

    response = RedirectResponse(f"/loften/{promise_id}", status_code=303)
    response.set_cookie(
        CONFIRM_COOKIE,
        what,
        max_age=60,
        path=f"/loften/{promise_id}",
        httponly=True,
        samesite="lax",
        secure=get_settings().secure_cookies,
    )
    return response


@router.get("/loften/{promise_id}")
async def promise_page(request: Request, promise_id: int) -> Response:
    """The promise: its stages as a task list, what is missing, its chain and history."""
    confirm = request.cookies.get(CONFIRM_COOKIE, "")[:20]

    async def body(principal: Principal) -> Response:
        response = await _promise_page(request, principal, promise_id, confirm=confirm)
        if confirm:  # shown once
            response.delete_cookie(CONFIRM_COOKIE, path=f"/loften/{promise_id}")
        return response

    return await guarded(request, body)


async def _promise_page(
    request: Request,
    principal: Principal,
    promise_id: int,
    refusal: list[str] | None = None,
    confirm: str = "",
    refused: list[Unmet] | None = None,
) -> Response:
    """The promise page; with ``refusal`` (sentences) or ``refused`` (unmet criteria, each
    linked to the form that fixes it), an error summary (409)."""
    from web.fixes import fix_link
    from web.forms import forms_for_stage

    view = await run(show_promise, principal, promise_id=promise_id)
    lang = language_of(request)
    summary: list[tuple[str, str | None]] = [(line, None) for line in refusal or []]
    summary += [(u.message(lang), fix_link(u, view, principal)) for u in refused or []]
    deadlines = await run(show_deadlines, principal, promise_id=promise_id)
    trail = await run(promise_history, principal, promise_id=promise_id)
    return page(
        request,
        "promise.html",
        409 if summary else 200,
        principal=principal,
        # The template reads the promise as the API answers it (dates as ISO text).
        p=view.model_dump(mode="json"),
        stages=_task_list(view, deadlines),
        chain=_chain(view.artefacts),
        # Regional coordinators and admins read promises; only the parties' people write.
        can_write=principal.role in (Role.COORDINATOR, Role.STEERING_GROUP),
        deadlines=[d for d in deadlines if d.cycle_year == view.cycle_year],
        trail=[_in_words(e, lang, view.ordinals) for e in reversed(trail)],
        refusal=summary,
        fixes=[fix_link(u, view, principal) for u in view.unmet],
        forms=forms_for_stage(view.stage, view.cycle_year),
        confirmation=CONFIRMATIONS.get(confirm) if not summary else None,
    )


@router.post("/loften/{promise_id}/vidare")
async def advance(request: Request, promise_id: int) -> Response:
    """Gå vidare till nästa steg: the transition flow moves it on or lists what is missing."""

    async def body(principal: Principal) -> Response:
        await check_csrf(request)
        try:
            await run(transition.advance, principal, promise_id=promise_id)
        except Refused as exc:
            return await _promise_page(request, principal, promise_id, refused=list(exc.unmet))
        return done(promise_id, "vidare")

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
                await run(
                    transition.advance, principal, promise_id=promise_id, to=to, reason=reason
                )
            except Refused as exc:
                problems = [u.message(lang) for u in exc.unmet] or [exc.message(lang)]
            except InputError as exc:
                problems = [exc.message(lang)]
            else:
                return done(promise_id, "tillbaka")
        return await _promise_page(request, principal, promise_id, problems)

    return await guarded(request, body)


@router.post("/loften/{promise_id}/be-om-underskrift")
async def ask_to_sign(request: Request, promise_id: int) -> Response:
    """Be dem skriva under: a notice to the steering group of one organisation of the parties."""

    async def body(principal: Principal) -> Response:
        await check_csrf(request)
        form = await request.form()
        organisation = str(form.get("organisation", ""))[:12]
        lang = language_of(request)
        if not organisation.isdigit():
            problems = [translator(lang)("Välj vems underskrift ni vill be om.")]
        else:
            try:
                await run(
                    request_signature,
                    principal,
                    promise_id=promise_id,
                    organisation_id=int(organisation),
                )
            except InputError as exc:
                problems = [exc.message(lang)]
            else:
                return done(promise_id, "ombedda")
        return await _promise_page(request, principal, promise_id, problems)

    return await guarded(request, body)


@router.get("/loften/{promise_id}/sammanstallning")
async def compilation(request: Request, promise_id: int) -> Response:
    """The year-end compilation as a document to read, print or save as PDF for a committee."""

    async def body(principal: Principal) -> Response:
        params = {"promise_id": promise_id, "format": "html", "language": language_of(request)}
        document = await run(show_compilation, principal, **params)
        return Response(document.content, media_type=document.media_type)

    return await guarded(request, body)
