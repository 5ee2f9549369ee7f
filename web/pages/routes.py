"""The web pages of ``lofte serve``, in Swedish: sign-in, Mina uppgifter, a promise with its
stages as a task list, the resident-dialogue form, and the accessibility statement.

Every page calls the application layer only (the registered use cases, as the API and the
CLI do), with the person the session cookie belongs to; every form carries a CSRF token.
Nothing a person can type gives a 500: refusals and bad input are pages that say what to do.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from fastapi_csrf_protect.exceptions import CsrfProtectError

from flows.operations import all_operations
from lifecycle.errors import Forbidden, InputError, LofteError, NotAuthenticated, NotFound, Refused
from lifecycle.permissions import Principal
from lifecycle.stages import CYCLE, Stage
from web.auth import SESSION_COOKIE, set_session_cookie
from web.pages.render import check_csrf, page

router = APIRouter()


def _principal(request: Request) -> Principal:
    from application import identity

    session_id = request.cookies.get(SESSION_COOKIE)
    if not session_id:
        raise NotAuthenticated("not signed in")
    return identity.authenticate_session(session_id)


async def _run(name: str, principal: Principal, params: dict[str, Any]) -> Any:
    """A use case, as the person (in a worker thread: it may run a Prefect flow)."""
    return await run_in_threadpool(all_operations()[name].run, principal, params)


def _local(target: str | None) -> str:
    """Only a path on this site may be a redirect target (no //other.host)."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


async def _guarded(request: Request, body: Callable[[Principal], Awaitable[Response]]) -> Response:
    """Run a page for the signed-in person; refusals become pages, never a 500."""
    try:
        principal = await run_in_threadpool(_principal, request)
    except NotAuthenticated:
        target = quote(request.url.path)
        return RedirectResponse(f"/logga-in?next={target}", status_code=303)
    try:
        return await body(principal)
    except Forbidden as exc:
        return page(
            request,
            "error.html",
            403,
            title="Du har inte behörighet",
            message=exc.message_sv,
            principal=principal,
        )
    except NotFound:
        return page(
            request,
            "error.html",
            404,
            title="Sidan finns inte",
            message="Det finns inget löfte med det numret, eller så har det tagits bort.",
            principal=principal,
        )
    except CsrfProtectError:
        return page(
            request,
            "error.html",
            400,
            title="Formuläret har gått ut",
            message="Ladda om sidan och skicka formuläret igen.",
            principal=principal,
        )


@router.get("/logga-in")
async def sign_in_page(request: Request, next: str = "/") -> Response:
    """The sign-in form: e-mail address and password."""
    return page(request, "login.html", next=_local(next), errors={}, email="")


@router.post("/logga-in")
async def sign_in(request: Request) -> Response:
    """Check the password, open a session and go where the person was going."""
    from application import identity

    try:
        await check_csrf(request)
    except CsrfProtectError:
        return page(
            request,
            "error.html",
            400,
            title="Formuläret har gått ut",
            message="Ladda om sidan och logga in igen.",
        )
    form = await request.form()
    email = str(form.get("email", ""))[:254].strip()
    password = str(form.get("password", ""))[:1000]
    target = _local(str(form.get("next", "/")))
    errors: dict[str, str] = {}
    if not email:
        errors["email"] = "Fyll i din e-postadress."
    if not password:
        errors["password"] = "Fyll i ditt lösenord."
    if not errors:
        try:
            client = request.client.host if request.client else "unknown"
            session_id, _ = await run_in_threadpool(
                identity.sign_in_with_password,
                email,
                password,
                client,
                request.cookies.get(SESSION_COOKIE),
            )
        except LofteError:
            errors["email"] = "E-postadressen eller lösenordet stämmer inte."
        else:
            response = RedirectResponse(target, status_code=303)
            set_session_cookie(response, session_id)
            return response
    return page(
        request,
        "login.html",
        401 if "email" in errors and email else 422,
        next=target,
        errors=errors,
        email=email,
    )


@router.post("/logga-ut")
async def sign_out(request: Request) -> Response:
    """End the session on the server and forget the cookie."""
    from application import identity

    try:
        await check_csrf(request)
    except CsrfProtectError:
        return RedirectResponse("/", status_code=303)
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        await run_in_threadpool(identity.sign_out, session_id)
    response = RedirectResponse("/logga-in", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/")
async def my_tasks(request: Request) -> Response:
    """Mina uppgifter: every open deadline of the person's promises, next first; the promises."""

    async def body(principal: Principal) -> Response:
        promises = await _run("promise.list", principal, {})
        tasks = []
        for p in promises:
            if p["stage"] == Stage.CLOSED.value:
                continue
            for d in await _run("deadlines.show", principal, {"promise_id": p["id"]}):
                if not d["done"]:
                    tasks.append({**d, "area": p["area"], "promise_id": p["id"]})
        tasks.sort(key=lambda d: d["due"])
        return page(request, "home.html", principal=principal, promises=promises, tasks=tasks)

    return await _guarded(request, body)


def _task_list(view: dict[str, Any]) -> list[dict[str, Any]]:
    """The seven stages as the task-list pattern: done, in progress or not started."""
    current = Stage(view["stage"])
    rows = []
    for stage in CYCLE:
        if current is Stage.CLOSED or stage.position < current.position:
            status = "done"
        elif stage is current:
            status = "current"
        else:
            status = "todo"
        rows.append({"stage": stage.value, "name": stage.name_in("sv"), "status": status})
    return rows


@router.get("/loften/{promise_id}")
async def promise_page(request: Request, promise_id: int) -> Response:
    """The promise: its stages as a task list, what is missing, its chain and history."""

    async def body(principal: Principal) -> Response:
        return await _promise_page(request, principal, promise_id)

    return await _guarded(request, body)


async def _promise_page(
    request: Request, principal: Principal, promise_id: int, refusal: list[str] | None = None
) -> Response:
    """The promise page; with ``refusal``, every unmet criterion in an error summary (409)."""
    from application.forms import form_for, forms_for_stage

    view = await _run("promise.show", principal, {"promise_id": promise_id})
    return page(
        request,
        "promise.html",
        409 if refusal else 200,
        principal=principal,
        p=view,
        stages=_task_list(view),
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
            await _run("promise.advance", principal, {"promise_id": promise_id})
        except Refused as exc:
            return await _promise_page(
                request, principal, promise_id, [u.message_sv for u in exc.unmet]
            )
        return RedirectResponse(f"/loften/{promise_id}", status_code=303)

    return await _guarded(request, body)


@router.get("/loften/{promise_id}/dialog")
async def dialogue_form(promise_id: int) -> Response:
    """The resident-dialogue form's short address."""
    return RedirectResponse(f"/loften/{promise_id}/ny/dialogue", status_code=303)


async def _choices(principal: Principal, view: dict[str, Any]) -> dict[str, Any]:
    """What the form's choices come from: the promise's artefacts and the region's catalogue."""
    catalogue = await _run("catalogue.show", principal, {"region": view["region"]})
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
) -> Response:
    """An artefact kind's form, empty or as sent with its errors (422)."""
    from application.forms import TITLES, form_fields

    try:
        fields = form_fields(kind)
    except KeyError:
        raise NotFound(f"no form for {kind}") from None
    view = await _run("promise.show", principal, {"promise_id": promise_id})
    return page(
        request,
        "form.html",
        422 if errors or general else 200,
        principal=principal,
        p=view,
        kind=kind,
        heading=TITLES.get(kind, kind),
        fields=fields,
        choices=await _choices(principal, view),
        values=values or {},
        errors=errors or {},
        general=general,
    )


@router.get("/loften/{promise_id}/ny/{kind}")
async def artefact_form(request: Request, promise_id: int, kind: str) -> Response:
    """The form for one kind of artefact, drawn from the same input model as the CLI's."""

    async def body(principal: Principal) -> Response:
        return await _form_page(request, principal, promise_id, kind)

    return await _guarded(request, body)


@router.post("/loften/{promise_id}/ny/{kind}")
async def add_artefact(request: Request, promise_id: int, kind: str) -> Response:
    """Record the artefact, or show the form again with every error at its field."""
    from application.artefacts import field_errors
    from application.forms import field_labels, fields_from_form, form_fields

    async def body(principal: Principal) -> Response:
        await check_csrf(request)
        try:
            form_fields(kind)
        except KeyError:
            raise NotFound(f"no form for {kind}") from None
        form = await request.form()
        sent: dict[str, Any] = {
            k: (form.getlist(k) if len(form.getlist(k)) > 1 else str(v)[:10_000])
            for k, v in form.items()
            if k != "csrf_token"
        }
        fields = fields_from_form(kind, sent)
        errors = field_errors(kind, fields, field_labels(kind))
        general = None
        if not errors:
            try:
                if kind == "approval":  # approving runs the flow: the promise then moves on
                    await _run(
                        "compilation.approve", principal, {"promise_id": promise_id, **fields}
                    )
                else:
                    await _run(
                        "artefact.add",
                        principal,
                        {"promise_id": promise_id, "kind": kind, "fields": fields},
                    )
            except Refused as exc:
                general = "; ".join(u.message_sv for u in exc.unmet) or exc.headline
            except InputError as exc:
                general = str(exc)
            else:
                return RedirectResponse(f"/loften/{promise_id}", status_code=303)
        return await _form_page(request, principal, promise_id, kind, sent, errors, general)

    return await _guarded(request, body)


@router.get("/tillganglighet")
async def accessibility(request: Request) -> Response:
    """The accessibility statement (lag 2018:1937), open to everyone."""
    principal = None
    try:
        principal = await run_in_threadpool(_principal, request)
    except LofteError:
        principal = None
    return page(request, "accessibility.html", principal=principal)


def _filtered(rows: list[dict[str, Any]], municipality: str, stage: str, late: bool) -> list[Any]:
    """The overview's rows the filters keep (same rows, same worst-first order)."""
    return [
        r
        for r in rows
        if (not municipality or r["municipality"] == municipality)
        and (not stage or r["stage"] == stage)
        and (not late or (r["worst_working_days_late"] or 0) > 0)
    ]


@router.get("/oversikt/{region}")
async def overview(
    request: Request, region: str, kommun: str = "", steg: str = "", sena: str = ""
) -> Response:
    """The police region's overview: worst first, filters, downloads, the stored trend."""

    async def body(principal: Principal) -> Response:
        data = await _run("overview.show", principal, {"region": region})
        try:
            history = await _run("status.history", principal, {"region": region})
        except LofteError:
            history = []
        rows = _filtered(data["rows"], kommun[:200], steg[:40], bool(sena))
        municipalities = sorted({r["municipality"] for r in data["rows"]})
        stages = [{"value": s.value, "name": s.name_in("sv")} for s in CYCLE]
        return page(
            request,
            "overview.html",
            principal=principal,
            d=data,
            rows=rows,
            history=history[:12],
            municipalities=municipalities,
            stages=stages,
            chosen={"kommun": kommun, "steg": steg, "sena": bool(sena)},
        )

    return await _guarded(request, body)


@router.get("/oversikt/{region}/oversikt.{fmt}")
async def overview_download(request: Request, region: str, fmt: str) -> Response:
    """The same overview as CSV or XLSX, for Excel."""

    async def body(principal: Principal) -> Response:
        if fmt not in ("csv", "xlsx"):
            raise NotFound(f"no download as {fmt}")
        result = await _run("overview.show", principal, {"region": region, "format": fmt})
        return Response(
            result.content,
            media_type=result.media_type,
            headers={"Content-Disposition": f'attachment; filename="{result.filename}"'},
        )

    return await _guarded(request, body)


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
    from application.forms import STATUSES

    view = await _run("promise.show", principal, {"promise_id": promise_id})
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

    return await _guarded(request, body)


@router.post("/loften/{promise_id}/uppfoljning/{number}")
async def submit_round(request: Request, promise_id: int, number: int) -> Response:
    """Submit the round (the same check as `lofte add ID evaluation`), or say what is wrong."""
    from application.forms import evaluation_from_form

    async def body(principal: Principal) -> Response:
        await check_csrf(request)
        sent = {k: str(v)[:10_000] for k, v in (await request.form()).items() if k != "csrf_token"}
        fields = evaluation_from_form(number, sent)
        try:
            await _run(
                "artefact.add",
                principal,
                {"promise_id": promise_id, "kind": "evaluation", "fields": fields},
            )
        except Refused as exc:
            return await _round_page(request, principal, promise_id, number, sent, exc.headline)
        except InputError as exc:
            return await _round_page(request, principal, promise_id, number, sent, str(exc))
        return RedirectResponse(f"/loften/{promise_id}", status_code=303)

    return await _guarded(request, body)
