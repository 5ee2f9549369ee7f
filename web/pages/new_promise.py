"""A coordinator creates their medborgarlöfte from the pages (issue 25): their own organisation
is one party, they choose the other from the organisations registered in their police region,
the area, the first day and the term, and (where there is one) the collaboration agreement.

The page checks what a person can get wrong field by field, in Swedish, before the use case
runs; the use case (``promise.create``) still checks everything, the right first."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from application.agreements import list_agreements
from application.organisations import list_organisations
from application.promises import create_promise_as
from config.clock import local_today
from lifecycle.errors import Forbidden, InputError
from lifecycle.permissions import Principal
from web.pages.common import guarded, run
from web.pages.i18n import N_
from web.pages.promise import done
from web.pages.render import check_csrf, page

router = APIRouter()

MUNICIPAL_KINDS = ("municipality", "city_district")
YEARS = (1, 2, 3, 4)


async def _choices(principal: Principal) -> dict[str, Any]:
    """The person's own organisation and the parties and agreements they can choose from."""
    organisations = await run(list_organisations, principal, region=principal.region_id)
    own = next((o for o in organisations if o.id == principal.organisation_id), None)
    if own is None or own.kind not in (*MUNICIPAL_KINDS, "local_police_area"):
        raise Forbidden.said(
            "Bara samordnare för en kommun, en stadsdelsnämnd eller ett lokalpolisområde kan "
            "skapa ett medborgarlöfte.",
        )
    police_side = own.kind == "local_police_area"
    others = [
        o
        for o in organisations
        if (o.kind in MUNICIPAL_KINDS if police_side else o.kind == "local_police_area")
    ]
    # Every agreement of the region the person may see (the form lists them as the API
    # answers them, dates as ISO text); a promise outside an agreement's term is refused by
    # the use case.
    agreements = [
        a.model_dump(mode="json")
        for a in await run(list_agreements, principal, region=principal.region_id)
    ]
    # A district can lie in two police areas: any other LPO of the region can be the second.
    police_areas = [o for o in organisations if o.kind == "local_police_area" and o.id != own.id]
    return {
        "own": own,
        "police_side": police_side,
        "others": others,
        "police_areas": police_areas,
        "agreements": agreements,
    }


def _default_start(today: date) -> date:
    """Promises run by calendar year: the first of January after today."""
    return date(today.year + 1, 1, 1)


def _errors(values: dict[str, str], choices: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if values["other"] not in {str(o.id) for o in choices["others"]}:
        errors["other"] = (
            N_("Välj kommunen eller stadsdelsnämnden")
            if choices["police_side"]
            else N_("Välj lokalpolisområdet")
        )
    also = values["also_police"]
    if also and (
        also not in {str(o.id) for o in choices["police_areas"]}
        or (not choices["police_side"] and also == values["other"])
    ):
        errors["also_police"] = N_("Välj ett annat lokalpolisområde än löftets första, eller inget")
    if len(values["area"].strip()) > 120:
        errors["area"] = N_("Området kan ha högst 120 tecken")
    try:
        date.fromisoformat(values["start"])
    except ValueError:
        errors["start"] = N_("Skriv startdagen som år-månad-dag, till exempel 2027-01-01")
    if values["years"] not in {str(y) for y in YEARS}:
        errors["years"] = N_("Välj hur många år löftet gäller")
    agreement = values["agreement"]
    if agreement and agreement not in {str(a["id"]) for a in choices["agreements"]}:
        errors["agreement"] = N_("Välj en av överenskommelserna, eller ingen")
    if len(values["late_reason"]) > 500:
        errors["late_reason"] = N_("Skälet kan ha högst 500 tecken")
    return errors


def _request(
    values: dict[str, str], choices: dict[str, Any], principal: Principal
) -> dict[str, Any]:
    own = choices["own"]
    other = next(o for o in choices["others"] if str(o.id) == values["other"])
    municipal, police = (other, own) if choices["police_side"] else (own, other)
    return {
        "region": principal.region_id,
        "municipality": municipal.name,
        "municipality_is_city_district": municipal.kind == "city_district",
        "police_area": police.name,
        "also_police_areas": [
            o.name for o in choices["police_areas"] if str(o.id) == values["also_police"]
        ],
        "area_name": values["area"].strip() or None,
        "start": values["start"],
        "years": int(values["years"]),
        "agreement_id": int(values["agreement"]) if values["agreement"] else None,
        "late_start_reason": values["late_reason"].strip() or None,
    }


def _form(
    request: Request, principal: Principal, choices: dict[str, Any], **context: Any
) -> Response:
    return page(
        request,
        "new_promise.html",
        context.pop("status", 200),
        principal=principal,
        years=YEARS,
        **choices,
        **context,
    )


@router.get("/loften/nytt")
async def new_promise_form(request: Request) -> Response:
    """The form: the other party, the area, the first day, the term and the agreement."""

    async def body(principal: Principal) -> Response:
        choices = await _choices(principal)
        values = {
            "other": "",
            "also_police": "",
            "area": "",
            "start": _default_start(local_today()).isoformat(),
            "years": "2",
            "agreement": "",
            "late_reason": "",
        }
        return _form(request, principal, choices, values=values, errors={}, general="")

    return await guarded(request, body)


@router.post("/loften/nytt")
async def create(request: Request) -> Response:
    """Create the promise and open its page, or show the form again with what is wrong."""

    async def body(principal: Principal) -> Response:
        await check_csrf(request)
        form = await request.form()
        values = {
            key: str(form.get(key, ""))[:600]
            for key in (
                "other",
                "also_police",
                "area",
                "start",
                "years",
                "agreement",
                "late_reason",
            )
        }
        choices = await _choices(principal)
        errors = _errors(values, choices)
        general = ""
        if not errors:
            try:
                created = await run(
                    create_promise_as, principal, **_request(values, choices, principal)
                )
                return done(created.id, "skapat")
            except InputError as exc:
                if "late_start_reason" in str(exc):
                    errors["late_reason"] = N_(
                        "Stegens första tidsfrister har redan passerat för den startdagen. "
                        "Välj en senare startdag, eller skriv varför löftet börjar sent"
                    )
                else:
                    general = str(exc)
        return _form(
            request,
            principal,
            choices,
            values=values,
            errors=errors,
            general=general,
            status=400,
        )

    return await guarded(request, body)
