"""The HTTP API of ``lofte serve``. Transitions run as Prefect flows in this warm process."""

from __future__ import annotations

from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from fastapi import FastAPI, HTTPException, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from application.transitions import error_result
from lifecycle.errors import LofteError


class AdvanceRequest(BaseModel):
    """Body of POST /api/promises/{id}/advance."""

    actor: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    to: str | None = None
    reason: str | None = None
    expected_version: int | None = None
    now: datetime | None = None


class NextCycleRequest(BaseModel):
    """Body of POST /api/promises/{id}/next-cycle."""

    actor: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    now: datetime | None = None


@asynccontextmanager
async def _lifespan(_app: FastAPI) -> Any:
    from flows.runtime import warm_up

    # Prefect's temporary server starts on the first flow call and that start is not
    # thread-safe: do it once, here, before any request can run a flow.
    await run_in_threadpool(warm_up)
    yield


def create_app(warm: bool = True) -> FastAPI:
    """The FastAPI application (``warm=False`` skips the Prefect warm-up, for tests)."""
    app = FastAPI(title="Löfte", lifespan=_lifespan if warm else None)

    @app.get("/health")
    def health() -> dict[str, Any]:
        return {"service": "lofte", "ok": True}

    @app.post("/api/promises/{promise_id}/advance")
    def advance(promise_id: int, body: AdvanceRequest) -> dict[str, Any]:
        from flows.transition import advance_promise_flow

        return advance_promise_flow(
            promise_id, body.actor.lower(), body.to, body.reason, body.expected_version, body.now
        )

    @app.post("/api/promises/{promise_id}/next-cycle")
    def next_cycle(promise_id: int, body: NextCycleRequest) -> dict[str, Any]:
        from flows.transition import open_next_cycle_flow

        try:
            return open_next_cycle_flow(promise_id, body.actor.lower(), now=body.now)
        except LofteError as exc:
            return error_result(promise_id, exc).as_dict()

    @app.get("/api/promises/{promise_id}")
    def show(promise_id: int, language: str = "sv") -> dict[str, Any]:
        from models.db import session_scope
        from views.promise import promise_view

        try:
            with session_scope() as session:
                return promise_view(session, promise_id, language)
        except LofteError as exc:
            raise HTTPException(exc.http_status, str(exc)) from exc

    @app.get("/ical/promise/{promise_id}.ics")
    def promise_calendar(promise_id: int) -> Response:
        from models.db import session_scope
        from views.ical import promise_feed

        try:
            with session_scope() as session:
                feed = promise_feed(session, promise_id)
        except LookupError as exc:
            raise HTTPException(404, str(exc)) from exc
        return Response(feed, media_type="text/calendar; charset=utf-8")

    @app.get("/ical/region/{region_id}.ics")
    def region_calendar(region_id: str) -> Response:
        from models import Region
        from models.db import session_scope
        from views.ical import region_feed

        with session_scope() as session:
            if session.get(Region, region_id) is None:
                raise HTTPException(404, f"unknown region {region_id!r}")
            feed = region_feed(session, region_id)
        return Response(feed, media_type="text/calendar; charset=utf-8")

    return app
