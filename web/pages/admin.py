"""The admin's pages: people and their roles (add, set a password), access tokens (revoke),
and the outbox's dead letters (send again). Each is a use case an admin may run; anyone else
gets the 403 page."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from application import identity, outbox, promises
from application import organisations as organisations_
from application.access import require_action
from application.identity import MIN_PASSWORD
from application.local_mailbox import mail_delivery
from application.organisations import OrganisationRow
from lifecycle.errors import Conflict, InputError, NotFound
from lifecycle.permissions import Action, Principal
from lifecycle.vocabulary import Role
from web.pages.common import guarded, run
from web.pages.i18n import N_, language_of, translator
from web.pages.render import check_csrf, page

router = APIRouter()

# What the page says after an action (``/admin?notice=...``).
NOTICES = {
    "koad": N_("Meddelandet ligger i utkorgen igen och skickas strax."),
    "inte-dott": N_("Meddelandet var inte längre olevererat; inget ändrades."),
    "aterkallad": N_("Nyckeln är återkallad och fungerar inte längre."),
    "person": N_("Personen är sparad."),
    "losenord": N_(
        "Det tillfälliga lösenordet är sparat. Personen måste byta det vid första "
        "inloggningen och har fått ett meddelande om det; alla hens inloggningar och nycklar "
        "har avslutats."
    ),
}


@router.get("/admin")
async def admin(request: Request, notice: str = "") -> Response:
    """People, tokens and dead letters on one page."""

    async def body(principal: Principal) -> Response:
        people = await run(promises.list_people, principal)
        tokens = await run(identity.list_tokens, principal)
        dead = await run(outbox.list_outbox, principal, failed=True, limit=200)
        local_mail = await run_in_threadpool(mail_delivery) == "local"
        return page(
            request,
            "admin.html",
            principal=principal,
            people=people,
            tokens=tokens,
            dead=dead,
            local_mail=local_mail,
            notice=notice[:200],
            notices=NOTICES,
        )

    return await guarded(request, body)


@router.post("/admin/utkorg/{message_id}/skicka-igen")
async def retry(request: Request, message_id: int) -> Response:
    """Queue one dead letter again (the dispatcher sends it with the same idempotency key)."""

    async def body(principal: Principal) -> Response:
        await check_csrf(request)
        try:
            await run(outbox.retry_outbox, principal, ids=[message_id])
        except (Conflict, NotFound):
            return RedirectResponse("/admin?notice=inte-dott", status_code=303)
        return RedirectResponse("/admin?notice=koad", status_code=303)

    return await guarded(request, body)


@router.post("/admin/nycklar/{token_id}/aterkalla")
async def revoke(request: Request, token_id: int) -> Response:
    """Revoke an access token: it stops working at once."""

    async def body(principal: Principal) -> Response:
        await check_csrf(request)
        await run(identity.revoke_token, principal, token_id=token_id)
        return RedirectResponse("/admin?notice=aterkallad", status_code=303)

    return await guarded(request, body)


def _person_form(
    request: Request,
    principal: Principal,
    organisations: list[OrganisationRow],
    values: dict[str, str],
    errors: dict[str, str],
    general: str = "",
    status: int = 200,
) -> Response:
    return page(
        request,
        "admin_person.html",
        status,
        principal=principal,
        organisations=organisations,
        values=values,
        errors=errors,
        general=general,
        roles=[r.value for r in Role],
    )


@router.get("/admin/personer/ny")
async def new_person(request: Request) -> Response:
    """The form that adds a person (or updates one with the same address)."""

    async def body(principal: Principal) -> Response:
        require_action(principal, Action.MANAGE_PEOPLE)
        organisations = await run(organisations_.list_organisations, principal)
        return _person_form(request, principal, organisations, {}, {})

    return await guarded(request, body)


def _person_errors(values: dict[str, str]) -> dict[str, str]:
    """The form's mistakes in Swedish, per field (the use case checks the same again)."""
    errors = {}
    if len(values["name"].strip()) < 2:
        errors["name"] = N_("Fyll i personens namn")
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", values["email"].strip()):
        errors["email"] = N_("Skriv e-postadressen som namn@exempel.se")
    if values["role"] not in {r.value for r in Role}:
        errors["role"] = N_("Välj personens roll")
    elif values["role"] in (Role.COORDINATOR, Role.STEERING_GROUP) and not values["organisation"]:
        errors["organisation"] = N_("Välj organisationen: samordnare och styrgrupper hör till en")
    return errors


@router.post("/admin/personer/ny")
async def add_person(request: Request) -> Response:
    """Add the person; mistakes come back on the form, nothing written."""

    async def body(principal: Principal) -> Response:
        await check_csrf(request)
        require_action(principal, Action.MANAGE_PEOPLE)
        form = await request.form()
        values = {
            k: str(form.get(k, ""))[:300]
            for k in ("name", "email", "role", "organisation", "language")
        }
        organisations = await run(organisations_.list_organisations, principal)
        errors = _person_errors(values)
        if errors:
            return _person_form(request, principal, organisations, values, errors, status=400)
        params: dict[str, Any] = {
            "name": values["name"].strip(),
            "email": values["email"].strip().lower(),
            "role": values["role"],
            "language": values["language"] if values["language"] in ("sv", "en") else "sv",
        }
        if values["organisation"]:
            region, kind, name = ([*values["organisation"].split("|", 2), "", ""])[:3]
            params.update(region=region, organisation_kind=kind, organisation=name)
        try:
            await run(promises.add_person_as, principal, **params)
        except (InputError, NotFound) as exc:
            return _person_form(
                request,
                principal,
                organisations,
                values,
                {},
                general=exc.message(language_of(request)),
                status=400,
            )
        return RedirectResponse("/admin?notice=person", status_code=303)

    return await guarded(request, body)


@router.get("/admin/personer/{email}/losenord")
async def password_form(request: Request, email: str) -> Response:
    """The form that gives a person a one-time password (changed at their first sign-in)."""

    async def body(principal: Principal) -> Response:
        require_action(principal, Action.MANAGE_PEOPLE)
        return page(
            request,
            "admin_password.html",
            principal=principal,
            email=email[:254],
            errors={},
            min_length=MIN_PASSWORD,
        )

    return await guarded(request, body)


@router.post("/admin/personer/{email}/losenord")
async def set_password(request: Request, email: str) -> Response:
    """Set the one-time password; a refused one comes back on the form in Swedish."""

    async def body(principal: Principal) -> Response:
        await check_csrf(request)
        require_action(principal, Action.MANAGE_PEOPLE)
        password = str((await request.form()).get("password", ""))[:1001]
        error = ""
        if len(password) < MIN_PASSWORD:
            error = translator(language_of(request))(
                "Lösenordet måste ha minst {n} tecken", n=MIN_PASSWORD
            )
        elif len(password) > 1000:
            error = N_("Lösenordet får ha högst 1000 tecken")
        elif password.strip().lower() in (email.lower(), email.split("@")[0].lower()):
            error = N_("Lösenordet får inte vara e-postadressen")
        if not error:
            await run(identity.change_password, principal, email=email[:254], password=password)
            return RedirectResponse("/admin?notice=losenord", status_code=303)
        return page(
            request,
            "admin_password.html",
            400,
            principal=principal,
            email=email[:254],
            errors={"password": error},
            min_length=MIN_PASSWORD,
        )

    return await guarded(request, body)
