"""What every page needs: who is signed in, running a use case as them, and turning refusals
into pages (never a 500 for anything a person can type)."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from functools import cache
from typing import Any, TypeVar, get_type_hints
from urllib.parse import quote

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from fastapi_csrf_protect.exceptions import CsrfProtectError
from pydantic import BaseModel

from application.usecase import explain_database_error, parse_request
from lifecycle.errors import Busy, Forbidden, LofteError, NotAuthenticated, NotFound
from lifecycle.permissions import Principal
from web.auth import SESSION_COOKIE
from web.pages.i18n import N_, language_of
from web.pages.render import page


def principal_of(request: Request) -> Principal:
    """The person the session cookie belongs to (NotAuthenticated if none or expired)."""
    from application import identity

    session_id = request.cookies.get(SESSION_COOKIE)
    if not session_id:
        raise NotAuthenticated.said("inte inloggad")
    return identity.authenticate_session(session_id)


Req = TypeVar("Req", bound=BaseModel)
Res = TypeVar("Res")


@cache
def _request_model(use_case: Callable[..., Any]) -> type[BaseModel]:
    """The request model a use case takes: the annotation of its second parameter."""
    second = list(inspect.signature(use_case).parameters)[1]
    model: type[BaseModel] = get_type_hints(use_case)[second]
    return model


def _call(
    use_case: Callable[[Principal | None, Req], Res], principal: Principal, request: Req
) -> Res:
    try:
        return use_case(principal, request)
    except Exception as exc:
        explained = explain_database_error(exc)
        if explained is None:
            raise
        raise explained from None


async def run(
    use_case: Callable[[Principal | None, Req], Res], principal: Principal, **params: Any
) -> Res:
    """Run ``use_case`` as the person with ``params`` read into its request model (a bad value
    is an InputError naming the field, never a 500), in a worker thread: it may run a Prefect
    flow. The page names the function itself, so "go to definition" leads to it."""
    model = _request_model(use_case)
    request = parse_request(model, params, use_case.__name__.replace("_", " "))
    return await run_in_threadpool(_call, use_case, principal, request)  # type: ignore[arg-type]


def local(target: str | None) -> str:
    """Only a path on this site may be a redirect target (no //other.host)."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


def busy_page(request: Request, exc: Busy, principal: Principal | None = None) -> Response:
    """The page for a write another writer's lock kept waiting too long: 503, Retry-After,
    nothing was saved, try again (the form's contents are still in the browser's history)."""
    response = page(
        request,
        "error.html",
        503,
        title=N_("Systemet är upptaget just nu"),
        message=N_(
            "Någon annan sparar något i samma stund. Ingenting har ändrats: "
            "vänta en liten stund och försök igen."
        ),
        principal=principal,
    )
    response.headers["Retry-After"] = str(exc.retry_after_seconds)
    return response


async def guarded(request: Request, body: Callable[[Principal], Awaitable[Response]]) -> Response:
    """Run a page for the signed-in person; refusals become pages, never a 500."""
    try:
        principal = await run_in_threadpool(principal_of, request)
    except NotAuthenticated:
        target = quote(request.url.path)
        return RedirectResponse(f"/logga-in?next={target}", status_code=303)
    except Busy as exc:
        return busy_page(request, exc)
    if principal.must_change_password:  # signed in with an admin's one-time password
        return RedirectResponse(f"/byt-losenord?next={quote(request.url.path)}", status_code=303)
    try:
        response = await body(principal)
        # A signed-in person's page (or file) is theirs alone: no cache keeps it.
        response.headers["Cache-Control"] = "no-store"
        return response
    except Busy as exc:
        return busy_page(request, exc, principal)
    except Forbidden as exc:
        return page(
            request,
            "error.html",
            403,
            title=N_("Du har inte behörighet"),
            message=exc.message(language_of(request)),
            principal=principal,
        )
    except NotFound:
        return page(
            request,
            "error.html",
            404,
            title=N_("Sidan finns inte"),
            message=N_("Det finns inget löfte med det numret, eller så har det tagits bort."),
            principal=principal,
        )
    except CsrfProtectError:
        return page(
            request,
            "error.html",
            400,
            title=N_("Formuläret har gått ut"),
            message=N_("Ladda om sidan och skicka formuläret igen."),
            principal=principal,
        )
    except LofteError as exc:
        # Anything else a use case refuses (an unknown police region in the address, a
        # conflict): a page that says so with the error's own status, never a 500.
        return page(
            request,
            "error.html",
            exc.http_status,
            title=N_("Det gick inte"),
            message=exc.message(language_of(request)),
            principal=principal,
        )
