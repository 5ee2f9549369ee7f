"""The police region's overview: who is late, worst first, for its coordinators."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse
from markupsafe import Markup

from application.regional import StatusHistoryRow, show_overview, status_history_of
from lifecycle.errors import LofteError, NotFound
from lifecycle.permissions import Principal
from lifecycle.stages import CYCLE
from web.pages.common import guarded, run
from web.pages.i18n import language_of, translator
from web.pages.render import page

router = APIRouter()


# One page of the overview: a region of thousands of promises is read a page at a time,
# worst first (the summary above it always counts them all).
PAGE_SIZE = 100


def _trend_chart(history: list[StatusHistoryRow], title: str) -> str:
    """The late promises of the stored snapshots as a line, oldest first (SVG; the table
    below it is the same figures for those who cannot see it)."""
    from reports.charts import indicator_chart

    # A snapshot without the figure (none stored so far lacks it) is no point on the line.
    points = [(h.taken_on, float(h.late)) for h in history if h.late is not None]
    return indicator_chart(sorted(points), None, None, title)


@router.get("/oversikt/{region}")
async def overview(
    request: Request,
    region: str,
    kommun: str = "",
    steg: str = "",
    sena: str = "",
    ar: str = "",
    sida: str = "1",
) -> Response:
    """The police region's overview: worst first, filters, pages, downloads, the stored trend."""

    async def body(principal: Principal) -> Response:
        lang = language_of(request)
        page_number = int(sida) if sida.isdigit() and 0 < int(sida) < 100_000 else 1
        year = int(ar) if ar.isdigit() and len(ar) == 4 else None
        params = {
            "region": region,
            "language": lang,
            "municipality": kommun[:200],
            "stage": steg[:40],
            "late": bool(sena),
            "year": year,
            "offset": (page_number - 1) * PAGE_SIZE,
            "limit": PAGE_SIZE,
        }
        data = await run(show_overview, principal, **params)
        history: list[StatusHistoryRow]
        try:
            history = await run(status_history_of, principal, region=region)
        except LofteError:
            history = []
        trend = _trend_chart(history, translator(lang)("Försenade löften per lägesrapport"))
        total = data["page"]["total"]
        pages = max(1, -(-total // PAGE_SIZE))
        chosen = {"kommun": kommun, "steg": steg, "sena": bool(sena), "ar": year or ""}
        query = "&".join(f"{k}={quote(str(v))}" for k, v in chosen.items() if v)
        stages = [{"value": s.value, "name": s.name_in("sv")} for s in CYCLE]
        return page(
            request,
            "overview.html",
            principal=principal,
            d=data,
            rows=data["rows"],
            history=[h.model_dump(mode="json") for h in history[:12]],
            trend=Markup(trend),  # built from numbers and an escaped title
            municipalities=data["municipalities"],
            stages=stages,
            chosen=chosen,
            paging={
                "page": min(page_number, pages),
                "pages": pages,
                "total": total,
                "first": data["page"]["offset"] + 1,
                "last": data["page"]["offset"] + len(data["rows"]),
                "query": query,
            },
        )

    return await guarded(request, body)


@router.get("/oversikt/{region}/oversikt.{fmt}")
async def overview_download(request: Request, region: str, fmt: str) -> Response:
    """The same overview as CSV or XLSX, for Excel."""

    async def body(principal: Principal) -> Response:
        if fmt not in ("csv", "xlsx"):
            raise NotFound.said("ingen nedladdning som {fmt}", fmt=fmt)
        params = {"region": region, "format": fmt, "language": language_of(request)}
        result = await run(show_overview, principal, **params)
        return StreamingResponse(
            result.chunks(),
            media_type=result.media_type,
            headers={"Content-Disposition": f'attachment; filename="{result.filename}"'},
        )

    return await guarded(request, body)
