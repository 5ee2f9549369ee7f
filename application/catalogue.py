"""The priority-area catalogue as it applies: which sets, to whom, when, with their ids."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from config.catalogue import AppliesTo, PrioritySet, get_catalogue
from lifecycle.errors import SIGN_IN_FIRST, UNKNOWN_POLICE_REGION, InputError, NotAuthenticated
from lifecycle.i18n import translate
from lifecycle.permissions import Principal

# What a priority set applies to, in Swedish (its English in lifecycle/translations/en.po).
_APPLIES_TO = {
    "region": "alla löften i polisregionen",
    "city_districts": "stadsdelarnas löften",
    "regional": "regional samverkan (inget lokalt löfte)",
}


class CatalogueRequest(BaseModel):
    """The catalogue of one police region (all when none is named), in a language."""

    region: str | None = Field(default=None, max_length=40)
    language: Literal["sv", "en"] = "sv"


class CatalogueGoalView(BaseModel):
    """A catalogue goal: its id and text in the language asked for."""

    id: str
    text: str


class CatalogueAreaView(BaseModel):
    """A priority area of a set, with its goals."""

    id: str
    name: str
    mandatory: bool
    only_where_vulnerable_areas: bool
    goals: list[CatalogueGoalView]


class PrioritySetView(BaseModel):
    """A set of priority areas: who it applies to, the years it is in force, its areas."""

    id: str
    name: str
    source: str
    applies_to: AppliesTo
    applies_to_text: str
    valid_from: int | None
    valid_until: int | None
    stays_in_force: bool
    replaced_by: list[str]
    frame: bool
    areas: list[CatalogueAreaView]


class CatalogueRegion(BaseModel):
    """One police region's catalogue: its name and its priority sets."""

    region: str
    name: str
    sets: list[PrioritySetView]


def _set_view(pset: PrioritySet, language: str) -> PrioritySetView:
    sv = language == "sv"
    return PrioritySetView(
        id=pset.id,
        name=pset.name_sv if sv else pset.name_en,
        source=pset.source,
        applies_to=pset.applies_to,
        applies_to_text=translate(_APPLIES_TO[pset.applies_to], language),
        valid_from=pset.valid_from,
        valid_until=pset.valid_until,
        stays_in_force=pset.stays_in_force,
        replaced_by=pset.replaced_by,
        frame=pset.frame,
        areas=[
            CatalogueAreaView(
                id=area.id,
                name=area.name_sv if sv else area.name_en,
                mandatory=area.mandatory,
                only_where_vulnerable_areas=area.only_where_vulnerable_areas,
                goals=[
                    CatalogueGoalView(id=g.id, text=g.text_sv if sv else g.text_en)
                    for g in area.goals
                ],
            )
            for area in pset.areas
        ],
    )


def show_catalogue(principal: Principal | None, request: CatalogueRequest) -> list[CatalogueRegion]:
    """The priority areas and catalogue goals of a police region (or all), with their ids."""
    if principal is None:
        raise NotAuthenticated.said(SIGN_IN_FIRST)
    catalogue = get_catalogue()
    if request.region is not None and request.region not in catalogue.regions:
        raise InputError.said(
            UNKNOWN_POLICE_REGION,
            region=request.region,
            known=", ".join(sorted(catalogue.regions)),
        )
    regions = (
        [catalogue.regions[request.region]] if request.region else list(catalogue.regions.values())
    )
    return [
        CatalogueRegion(
            region=region.id,
            name=region.name_sv if request.language == "sv" else region.name_en,
            sets=[_set_view(pset, request.language) for pset in region.priority_sets],
        )
        for region in regions
    ]
