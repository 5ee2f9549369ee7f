"""The public pages: what residents may read without signing in (docs/public.md), cacheable.

Each answer carries an ETag of its content and ``Cache-Control: public``; a browser or proxy
that sends the ETag back gets 304 and no body.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from functools import partial
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from markupsafe import Markup

from lifecycle.errors import InputError, NotFound, TooManyRequests
from web.pages.i18n import N_, language_of, remember, translator
from web.pages.render import environment, language_context

router = APIRouter()

CACHE = "public, max-age=300"
CSV_COLUMNS = (
    "id",
    "area",
    "municipality",
    "police_area",
    "term_start",
    "term_end",
    "status",
    "status_en",
    "late",
    "starts_on",
    "next_due",
)
# One row per report a promise owes residents (each round, each year-end result).
REPORT_COLUMNS = ("promise_id", "kind", "year", "round", "due", "reported_on", "late")


def _matches(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110 13.1.2: ``*``, or any tag of the list equal by weak comparison."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    opaque = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == opaque for tag in if_none_match.split(","))


def _open(response: Response) -> Response:
    """Open data may be read from any web page (CORS): it is public and needs no cookie."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _cached(request: Request, body: bytes, media_type: str, status: int = 200) -> Response:
    """The answer with its ETag, or 304 when the client already has it. The ETag is weak
    (RFC 9110 8.8.1): the same content compressed or not is the same for a cache. Pages
    depend on the language cookie too (``Vary``), so a cache keeps each language apart."""
    etag = 'W/"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": CACHE, "Vary": "Cookie"}
    if status == 200 and _matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    return Response(body, status_code=status, media_type=media_type, headers=headers)


def _render(request: Request, template: str, **context: object) -> str:
    """A public page in the visitor's language (no one is signed in)."""
    return (
        environment()
        .get_template(template)
        .render(request=request, principal=None, **language_context(request), **context)
    )


def _html(request: Request, template: str, status: int = 200, **context: object) -> Response:
    html = _render(request, template, **context)
    response = _cached(request, html.encode("utf-8"), "text/html; charset=utf-8", status)
    if remember(request, response):
        response.headers["Cache-Control"] = "private, no-cache"  # it carries a Set-Cookie
    return response


def _not_found(request: Request) -> Response:
    return _html(
        request,
        "error.html",
        404,
        title=N_("Sidan finns inte"),
        message=N_(
            "Det finns inget publicerat medborgarlöfte här. Löften visas när de är undertecknade."
        ),
    )


# Published promises on one page of a region: a national installation holds thousands.
PUBLIC_PAGE_SIZE = 100


@router.get("/offentligt/{region}")
async def region_page(
    request: Request, region: str, sok: str = "", ordning: str = "", ar: str = "", sida: str = "1"
) -> Response:
    """The region's running promises by municipality or district, with a search box, a page at
    a time; ``?ordning=forsenade`` lists the late ones first, ``?ar=2019`` the promises of an
    earlier year (closed ones too)."""
    from application.public import published_promises

    late_first = ordning == "forsenade"
    year = int(ar) if ar.isdigit() and len(ar) == 4 else None
    page_number = int(sida) if sida.isdigit() and 0 < int(sida) < 100_000 else 1
    try:
        data = await run_in_threadpool(
            lambda: published_promises(
                region[:40],
                sok[:100],
                year=year,
                current=year is None,
                late_first=late_first,
                offset=(page_number - 1) * PUBLIC_PAGE_SIZE,
                limit=PUBLIC_PAGE_SIZE,
            )
        )
    except InputError:
        return _not_found(request)
    pages = max(1, -(-data["total"] // PUBLIC_PAGE_SIZE))
    kept = {"sok": sok[:100], "ordning": "forsenade" if late_first else "", "ar": year or ""}
    return _html(
        request,
        "public_region.html",
        d=data,
        query=sok[:100],
        late_first=late_first,
        year=year,
        paging={
            "page": min(page_number, pages),
            "pages": pages,
            "query": "&".join(f"{k}={quote(str(v))}" for k, v in kept.items() if v),
        },
    )


@router.get("/offentligt/loften/{promise_id}")
async def promise_page(request: Request, promise_id: int) -> Response:
    """One published promise: what is promised, what residents said and what came of it."""
    from application.public import published_promise

    try:
        view = await run_in_threadpool(published_promise, promise_id)
    except NotFound:
        return _not_found(request)
    _ = translator(language_of(request))
    words = (_("utgångsläge"), _("mål"))
    return _html(request, "public_promise.html", p=view, charts=_goal_charts(view, words))


def _goal_charts(view: dict[str, Any], words: tuple[str, str]) -> dict[int, Markup]:
    """Each goal's indicator over time as an SVG line (the table beside it has the figures)."""
    from datetime import date

    from reports.charts import indicator_chart

    charts = {}
    for work in view["what_we_do"]:
        for goal in work["goals"]:
            # A count too small to publish ("färre än 5") is left out of the line too.
            points = sorted(
                (date.fromisoformat(v["on"]), float(v["value"]))
                for v in goal["values"]
                if v["value"] is not None
            )
            svg = indicator_chart(
                points,
                goal["baseline"],
                goal["target"],
                goal["indicator"],
                words=words,
            )
            if svg:
                # Built from numbers and the escaped indicator name.
                charts[goal["id"]] = Markup(svg)
    return charts


@router.get("/offentligt/{region}/data.json")
async def data_json(request: Request, region: str) -> Response:
    """Open data: the region's published promises in full (schema lofte-public/1, CC0)."""
    from application.public import open_data

    try:
        data = await run_in_threadpool(open_data, region[:40])
    except InputError:
        return _not_found(request)
    body = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    return _open(_cached(request, body, "application/json; charset=utf-8"))


@router.get("/offentligt/{region}/data.csv")
async def data_csv(request: Request, region: str) -> Response:
    """Open data: one row per published promise (RFC 4180: the header is the first line;
    the schema and the licence are in the data package, ``datapackage.json``)."""
    from application.public import published_promises

    try:
        data = await run_in_threadpool(published_promises, region[:40])
    except InputError:
        return _not_found(request)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in data["promises"]:
        writer.writerow([_cell(row[c]) for c in CSV_COLUMNS])
    return _open(_cached(request, out.getvalue().encode("utf-8"), "text/csv; charset=utf-8"))


def _cell(value: object) -> str:
    """A CSV cell: empty for nothing, true/false for a yes or no, formulas neutralised."""
    from lifecycle.safe_text import neutralise_formula

    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(neutralise_formula(str(value)))  # text in, text out


@router.get("/offentligt/{region}/uppfoljningar.csv")
async def reports_csv(request: Request, region: str) -> Response:
    """Open data: every report published promises owe residents, with its due date and the
    day it was reported (empty: not yet), so anyone can compute lateness."""
    from application.public import open_data

    try:
        data = await run_in_threadpool(open_data, region[:40])
    except InputError:
        return _not_found(request)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(REPORT_COLUMNS)
    for promise in data["promises"]:
        for report in promise["reports"]:
            row = {**report, "promise_id": promise["id"]}
            writer.writerow([_cell(row[c]) for c in REPORT_COLUMNS])
    return _open(_cached(request, out.getvalue().encode("utf-8"), "text/csv; charset=utf-8"))


@router.get("/offentligt/schema/lofte-public-1.json")
async def data_schema(request: Request) -> Response:
    """The JSON Schema of data.json (lofte-public/1), at a stable address."""
    from application.public_schema import json_schema
    from config.public_address import public_base

    body = json.dumps(json_schema(public_base()), ensure_ascii=False, indent=2).encode("utf-8")
    return _open(_cached(request, body, "application/schema+json"))


@router.get("/offentligt/{region}/datapackage.json")
async def data_package(request: Request, region: str) -> Response:
    """The region's open data as a Frictionless Data Package: Table Schemas for the CSV
    files, the licence (CC0)."""
    from application.public import published_promises
    from application.public_schema import datapackage
    from config.public_address import public_base

    try:
        data = await run_in_threadpool(published_promises, region[:40])
    except InputError:
        return _not_found(request)
    package = datapackage(data["region"], data["region_name"], public_base())
    body = json.dumps(package, ensure_ascii=False, indent=2).encode("utf-8")
    return _open(_cached(request, body, "application/json; charset=utf-8"))


def _atom(
    request: Request, title: str, self_path: str, entries: list[dict[str, object]]
) -> Response:
    """An Atom 1.0 feed (RFC 4287): every text escaped; links and ids from the configured
    public address, never the request's Host header (a forged one would poison a shared
    cache); entry ids are tag URIs on the public host (RFC 4151), stable across runs."""
    from xml.sax.saxutils import escape

    from config.public_address import public_base, tag_uri

    base = public_base()
    updated = entries[0]["at"].isoformat() if entries else "2000-01-01T00:00:00+00:00"  # type: ignore[attr-defined]
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="sv">',
        f"<title>{escape(title)}</title>",
        f"<id>{escape(tag_uri(self_path.strip('/')))}</id>",
        f'<link rel="self" href="{escape(base + self_path)}"/>',
        f"<updated>{updated}</updated>",
        "<author><name>Löfte</name></author>",
    ]
    for e in entries:
        link = f"{base}/offentligt/loften/{e['promise_id']}"
        parts += [
            "<entry>",
            f"<title>{escape(str(e['title']))}</title>",
            f"<id>{escape(tag_uri(str(e['key'])))}</id>",
            f'<link href="{escape(link)}"/>',
            f"<updated>{e['at'].isoformat()}</updated>",  # type: ignore[attr-defined]
            f"<summary>{escape(str(e['summary']))}</summary>",
            "</entry>",
        ]
    parts.append("</feed>")
    body = "\n".join(parts).encode("utf-8")
    return _open(_cached(request, body, "application/atom+xml; charset=utf-8"))


@router.get("/offentligt/{region}/flode.atom")
async def region_feed(request: Request, region: str) -> Response:
    """Updates of every published promise of the police region, as an Atom feed."""
    from application.public import updates

    try:
        entries = await run_in_threadpool(updates, region[:40])
    except InputError:
        return _not_found(request)
    return _atom(request, f"Medborgarlöften: {region}", f"/offentligt/{region}/flode.atom", entries)


@router.get("/offentligt/loften/{promise_id}/flode.atom")
async def promise_feed(request: Request, promise_id: int) -> Response:
    """Updates of one published promise, as an Atom feed."""
    from application.public import updates

    try:
        entries = await run_in_threadpool(updates, None, promise_id)
    except NotFound:
        return _not_found(request)
    return _atom(
        request,
        f"Medborgarlöfte {promise_id}",
        f"/offentligt/loften/{promise_id}/flode.atom",
        entries,
    )


@router.get("/personuppgifter")
async def personal_data(request: Request) -> Response:
    """How residents' personal data is handled: who is responsible, what, why, how long."""
    from config.settings import get_settings

    settings = get_settings()
    return _html(
        request,
        "personal_data.html",
        operator=settings.operator_name,
        contact=settings.operator_contact,
    )


# --- for robots, feed readers and browsers ------------------------------------------------------

ROBOTS = """User-agent: *
Disallow: /loften/
Disallow: /oversikt/
Disallow: /admin
Disallow: /logga-in
Disallow: /api/
Disallow: /offentligt/bekrafta/
Disallow: /offentligt/avsluta/
Disallow: /offentligt/loften/*/bevaka
Allow: /offentligt/
Allow: /tillganglighet
Allow: /personuppgifter
"""


@router.get("/robots.txt")
async def robots(request: Request) -> Response:
    """What crawlers may read: the public pages, never the staff's or the personal links."""
    from config.public_address import public_base

    body = f"{ROBOTS}Sitemap: {public_base()}/sitemap.xml\n"
    return _cached(request, body.encode("utf-8"), "text/plain; charset=utf-8")


@router.get("/sitemap.xml")
async def sitemap(request: Request) -> Response:
    """Every public page (sitemaps.org 0.9), at the configured public address."""
    from xml.sax.saxutils import escape

    from application.public import public_pages
    from config.public_address import public_base

    base = public_base()
    paths = ["/tillganglighet", "/personuppgifter", *await run_in_threadpool(public_pages)]
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
        *(f"<url><loc>{escape(base + path)}</loc></url>" for path in paths),
        "</urlset>",
    ]
    return _cached(request, "\n".join(parts).encode("utf-8"), "application/xml; charset=utf-8")


@router.get("/favicon.ico")
async def favicon() -> Response:
    """Browsers ask for /favicon.ico whatever the page says: the icon, under its lasting name."""
    from fastapi.responses import RedirectResponse

    from web.http import static_url

    return RedirectResponse(
        static_url("favicon.svg"), status_code=301, headers={"Cache-Control": CACHE}
    )


# --- following a promise by e-mail (application/subscriptions.py) -----------------------------
# These answers are personal, never cached. The forms carry no CSRF token: they act on no
# session (a forged subscribe only sends a confirmation link the owner ignores, and is
# rate-limited), and the token in a link is itself the proof for confirm and unsubscribe.


def _personal(request: Request, template: str, status: int = 200, **context: object) -> Response:
    response = Response(
        _render(request, template, **context),
        status_code=status,
        media_type="text/html; charset=utf-8",
        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )
    remember(request, response)
    return response


def _message(request: Request, status: int = 200, **context: object) -> Response:
    return _personal(request, "public_message.html", status, **context)


@router.get("/offentligt/loften/{promise_id}/bevaka")
async def subscribe_form(request: Request, promise_id: int) -> Response:
    """The subscribe form on its own (where its errors are shown)."""
    from application.public import published_promise

    try:
        view = await run_in_threadpool(published_promise, promise_id)
    except NotFound:
        return _not_found(request)
    return _personal(request, "public_subscribe.html", p=view, errors={}, address="")


@router.post("/offentligt/loften/{promise_id}/bevaka")
async def subscribe(request: Request, promise_id: int) -> Response:
    """Ask to follow the promise: the same answer for a new and a known address."""
    from application.public import published_promise
    from application.subscriptions import SubscribeErrors
    from application.subscriptions import subscribe as ask

    form = await request.form()
    address = str(form.get("epost", ""))[:300]
    consent = form.get("samtycke") == "ja"
    client = request.client.host if request.client else "unknown"
    try:
        await run_in_threadpool(
            partial(ask, language=language_of(request)), promise_id, address, consent, client
        )
    except NotFound:
        return _not_found(request)
    except SubscribeErrors as exc:
        view = await run_in_threadpool(published_promise, promise_id)
        return _personal(
            request, "public_subscribe.html", 400, p=view, errors=exc.fields, address=address[:254]
        )
    except TooManyRequests:
        return _message(
            request,
            429,
            title=N_("För många försök"),
            lines=[
                N_("Vi har fått många förfrågningar från din uppkoppling. Försök igen om en timme.")
            ],
            promise_id=promise_id,
        )
    return _message(
        request,
        title=N_("Titta i din e-post"),
        panel=True,
        lines=[
            N_(
                "Om adressen inte redan bevakar löftet skickar vi en länk till den. "
                "Klicka på länken inom en vecka för att börja bevaka löftet."
            ),
            await run_in_threadpool(_where_mail_goes),
        ],
        promise_id=promise_id,
    )


def _where_mail_goes() -> str:
    """What a resident is told about the confirmation mail: the truth about this
    installation's mail (a spam folder cannot help when nothing is sent)."""
    from application.local_mailbox import mail_delivery

    mode = mail_delivery()
    if mode == "local":
        return N_(
            "Den här installationen skickar inte ut e-post än: meddelandet hamnar i "
            "installationens lokala brevlåda, som den som driver tjänsten kan läsa."
        )
    if mode == "none":
        return N_(
            "Den här installationen skickar inte ut e-post än: meddelandet väntar tills "
            "den som driver tjänsten har ställt in e-post."
        )
    return N_(
        "Kommer inget meddelande? Titta i skräpposten, eller kontrollera att adressen var rätt."
    )


@router.get("/offentligt/bekrafta/{token}")
async def confirm_page(request: Request, token: str) -> Response:
    """The confirmation link lands here: one button confirms (a link scanner that only
    fetches the page confirms nothing)."""
    return _message(
        request,
        title=N_("Bekräfta att du vill bevaka löftet"),
        lines=[N_("Du får e-post efter varje uppföljning och när årets resultat är klart.")],
        action=f"/offentligt/bekrafta/{token[:100]}",
        button=N_("Bekräfta"),
    )


@router.post("/offentligt/bekrafta/{token}")
async def confirm(request: Request, token: str) -> Response:
    """Confirm the subscription (double opt-in)."""
    from application.subscriptions import confirm as do_confirm

    try:
        done = await run_in_threadpool(do_confirm, token)
    except NotFound:
        return _message(
            request,
            404,
            title=N_("Länken gäller inte"),
            lines=[
                N_(
                    "Länken är redan använd, äldre än en vecka eller inte hel. "
                    "Be om en ny länk på löftets sida."
                )
            ],
        )
    return _message(
        request,
        title=N_("Nu bevakar du löftet"),
        panel=True,
        lines=[
            (
                N_(
                    "Du får e-post om medborgarlöftet för {area}. "
                    "Varje meddelande har en länk för att avsluta."
                ),
                {"area": done["area"]},
            )
        ],
        promise_id=done["promise_id"],
    )


@router.get("/offentligt/avsluta/{token}")
async def unsubscribe_page(request: Request, token: str) -> Response:
    """The unsubscribe link in every message: one button ends it."""
    return _message(
        request,
        title=N_("Avsluta bevakningen"),
        lines=[N_("Du får inga fler meddelanden om löftet, och din e-postadress tas bort.")],
        action=f"/offentligt/avsluta/{token[:100]}",
        button=N_("Avsluta bevakningen"),
        warning=True,
    )


@router.post("/offentligt/avsluta/{token}")
async def unsubscribe(request: Request, token: str) -> Response:
    """End the subscription and delete the address; also what a mail client's one-click
    "Unsubscribe" (RFC 8058, ``List-Unsubscribe=One-Click``) posts to."""
    from application.subscriptions import unsubscribe as do_unsubscribe

    try:
        done = await run_in_threadpool(do_unsubscribe, token)
    except NotFound:
        return _message(
            request,
            title=N_("Bevakningen är redan avslutad"),
            lines=[
                N_("Vi har ingen bevakning för den här länken. Din adress finns inte kvar hos oss.")
            ],
        )
    return _message(
        request,
        title=N_("Bevakningen är avslutad"),
        panel=True,
        lines=[
            (
                N_(
                    "Du får inga fler meddelanden om medborgarlöftet för {area}. "
                    "Din e-postadress är borttagen."
                ),
                {"area": done["area"]},
            )
        ],
        promise_id=done["promise_id"],
    )
