"""Signing in and out in the browser, and the accessibility statement."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from fastapi_csrf_protect.exceptions import CsrfProtectError

from application import identity
from application.identity import MIN_PASSWORD
from config.errors import ConfigError
from lifecycle.errors import Busy, Forbidden, LofteError
from lifecycle.permissions import Principal
from web.auth import SESSION_COOKIE, set_session_cookie
from web.pages.common import local, principal_of, run
from web.pages.i18n import N_
from web.pages.render import check_csrf, page

router = APIRouter()


def _providers() -> list[tuple[str, str]]:
    """(name, label) of each configured OIDC provider, for its sign-in button."""
    from application.oidc import providers

    try:
        return [(name, p.label) for name, p in providers().items()]
    except (LofteError, ConfigError):
        return []  # a broken provider file is reported by `lofte serve` at start, not here


@router.get("/logga-in")
async def sign_in_page(request: Request, next: str = "/") -> Response:
    """The sign-in form: e-mail address and password, and each organisation's provider."""
    return page(
        request, "login.html", next=local(next), errors={}, email="", providers=_providers()
    )


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
            title=N_("Formuläret har gått ut"),
            message=N_("Ladda om sidan och logga in igen."),
        )
    form = await request.form()
    email = str(form.get("email", ""))[:254].strip()
    password = str(form.get("password", ""))[:1000]
    target = local(str(form.get("next", "/")))
    errors: dict[str, str] = {}
    if not email:
        errors["email"] = N_("Fyll i din e-postadress.")
    if not password:
        errors["password"] = N_("Fyll i ditt lösenord.")
    if not errors:
        try:
            client = request.client.host if request.client else "unknown"
            session_id, principal = await run_in_threadpool(
                identity.sign_in_with_password,
                email,
                password,
                client,
                request.cookies.get(SESSION_COOKIE),
            )
        except Busy:
            raise  # not a wrong password: the busy page (503), from the app's handler
        except LofteError:
            errors["email"] = N_("E-postadressen eller lösenordet stämmer inte.")
        else:
            if principal.must_change_password:  # an admin's one-time password: choose one now
                target = f"/byt-losenord?next={quote(target, safe='')}"
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
        providers=_providers(),
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


def _password_page(
    request: Request,
    principal: Principal,
    target: str,
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    return page(
        request,
        "change_password.html",
        status,
        principal=principal,
        next=target,
        errors=errors,
        one_time=principal.must_change_password,
        min_length=MIN_PASSWORD,
    )


@router.get("/byt-losenord")
async def change_password_page(request: Request, next: str = "/") -> Response:
    """The form to change one's own password (the only page after a one-time password)."""
    try:
        principal = await run_in_threadpool(principal_of, request)
    except LofteError:
        return RedirectResponse("/logga-in?next=/byt-losenord", status_code=303)
    return _password_page(request, principal, local(next), {})


def _new_password_errors(email: str, current: str, password: str) -> dict[str, str]:
    """The form's mistakes in Swedish (the use case checks the same again)."""
    errors: dict[str, str] = {}
    if not current:
        errors["current"] = N_("Fyll i ditt nuvarande lösenord.")
    if len(password) < MIN_PASSWORD:
        errors["password"] = N_("Lösenordet är för kort.")
    elif len(password) > 1000:
        errors["password"] = N_("Lösenordet får ha högst 1000 tecken")
    elif password.strip().lower() in (email.lower(), email.split("@")[0].lower()):
        errors["password"] = N_("Lösenordet får inte vara e-postadressen")
    elif password == current:
        errors["password"] = N_("Välj ett nytt lösenord, inte det du har.")
    return errors


@router.post("/byt-losenord")
async def change_password(request: Request) -> Response:
    """Change one's own password with the current one; every other session and token ends."""
    try:
        principal = await run_in_threadpool(principal_of, request)
    except LofteError:
        return RedirectResponse("/logga-in?next=/byt-losenord", status_code=303)
    try:
        await check_csrf(request)
    except CsrfProtectError:
        return page(
            request,
            "error.html",
            400,
            title=N_("Formuläret har gått ut"),
            message=N_("Ladda om sidan och skicka formuläret igen."),
            principal=principal,
        )
    form = await request.form()
    current = str(form.get("current", ""))[:1001]
    password = str(form.get("password", ""))[:1001]
    target = local(str(form.get("next", "/")))
    errors = _new_password_errors(principal.email, current, password)
    if not errors:
        params = {"email": principal.email, "password": password, "current_password": current}
        try:
            await run(identity.change_password, principal, **params)
        except Forbidden:
            errors["current"] = N_("Det nuvarande lösenordet stämmer inte.")
        except LofteError:
            errors["password"] = N_("Lösenordet går inte att använda; välj ett annat.")
        else:
            return RedirectResponse(target, status_code=303)
    return _password_page(request, principal, target, errors, 400)


@router.get("/tillganglighet")
async def accessibility(request: Request) -> Response:
    """The accessibility statement (lag 2018:1937), open to everyone."""
    principal = None
    try:
        principal = await run_in_threadpool(principal_of, request)
    except LofteError:
        principal = None
    from config.settings import get_settings

    settings = get_settings()
    return page(
        request,
        "accessibility.html",
        principal=principal,
        operator=settings.operator_name,
        contact=settings.operator_contact,
        reviewed=settings.accessibility_reviewed,
    )
