"""The places of a police region's promises as GeoJSON, for the municipalities' GIS.

"Lägesbilderna ska även innehålla en geografisk analys där avgränsade platser med hög
brottslighet och otrygghet som kräver gemensamma åtgärder identifieras." (seed 001)
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, Field
from sqlmodel import col, select

from application.access import may, party_filter
from application.usecase import FileResult
from lifecycle.errors import SIGN_IN_FIRST, UNKNOWN_POLICE_REGION, InputError, NotAuthenticated
from lifecycle.permissions import Action, Principal
from models import Dialogue, Problem, Region
from models.db import read_scope
from views.lookup import list_promises, organisation_names


class PlacesRequest(BaseModel):
    """The places of one police region's promises (those the person may read)."""

    region: str = Field(max_length=40)


def _geometry(place: dict[str, Any]) -> dict[str, Any] | None:
    """A GeoJSON point (longitude first) when the place has coordinates, else none."""
    lat, lon = place.get("lat"), place.get("lon")
    if lat is None or lon is None:
        return None
    return {"type": "Point", "coordinates": [float(lon), float(lat)]}


def region_places(principal: Principal | None, request: PlacesRequest) -> FileResult:
    """Every named place of the problems and dialogues of the region's promises the person
    may read, as a GeoJSON FeatureCollection (a place without coordinates has no geometry)."""
    if principal is None:
        raise NotAuthenticated.said(SIGN_IN_FIRST)
    features: list[dict[str, Any]] = []
    with read_scope() as session:
        if session.get(Region, request.region) is None:
            known = ", ".join(sorted(r.id for r in session.exec(select(Region)).all()))
            raise InputError.said(UNKNOWN_POLICE_REGION, region=request.region, known=known)
        promises = [
            p
            for p in list_promises(session, request.region, party=party_filter(principal))
            if may(principal, Action.READ_PROMISE, p)
        ]
        by_id = {p.id: p for p in promises}
        names = {p.id: organisation_names(session, p) for p in promises}

        def common(promise_id: int) -> dict[str, Any]:
            p = by_id[promise_id]
            municipality, police = names[promise_id]
            return {
                "promise_id": promise_id,
                "area": p.area_name,
                "municipality": municipality,
                "police_area": police,
                "term_start": p.term_start.isoformat(),
                "term_end": p.term_end.isoformat(),
            }

        for problem in session.exec(
            select(Problem)
            .where(col(Problem.promise_id).in_(list(by_id)))
            .order_by(col(Problem.id))
        ).all():
            for place in problem.places:
                features.append(
                    {
                        "type": "Feature",
                        "geometry": _geometry(place),
                        "properties": {
                            "name": place.get("name"),
                            "kind": "problem",
                            "problem": problem.title,
                            "focus_area": problem.selected,
                            "when": problem.when,
                            **common(problem.promise_id),
                        },
                    }
                )
        for dialogue in session.exec(
            select(Dialogue)
            .where(col(Dialogue.promise_id).in_(list(by_id)))
            .order_by(col(Dialogue.id))
        ).all():
            for place in dialogue.unsafe_places:
                features.append(
                    {
                        "type": "Feature",
                        "geometry": None,
                        "properties": {
                            "name": place.get("place"),
                            "kind": "unsafe_place",
                            "when": place.get("when", ""),
                            "dialogue_held": dialogue.held_from.isoformat(),
                            **common(dialogue.promise_id),
                        },
                    }
                )
    collection = {"type": "FeatureCollection", "features": features}
    return FileResult(
        content=json.dumps(collection, ensure_ascii=False, indent=1).encode("utf-8"),
        media_type="application/geo+json",
        filename=f"platser-{request.region}.geojson",
    )
