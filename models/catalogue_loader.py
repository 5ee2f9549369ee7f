"""Loads the region catalogues (config/catalogues) into the region and priority-area tables."""

from __future__ import annotations

from sqlmodel import Session

from config.catalogue import Catalogue
from models.organisation import PriorityArea, Region


def load_catalogue_into(session: Session, catalogue: Catalogue) -> tuple[int, int]:
    """Insert or update every region and priority area; returns (regions, areas) counted.

    Running it again changes nothing but names and flags edited in the files (safe to repeat).
    Areas removed from a file are kept: problems of old promises still point at them.
    """
    areas = 0
    for entry in catalogue.regions.values():
        region = session.get(Region, entry.id) or Region(id=entry.id, name_sv="", name_en="")
        region.name_sv, region.name_en = entry.name_sv, entry.name_en
        session.add(region)
        session.flush()
        for pset, area_entry in entry.all_areas():
            area = session.get(PriorityArea, area_entry.id) or PriorityArea(
                id=area_entry.id, region_id=entry.id, set_id=pset.id, name_sv="", name_en=""
            )
            area.region_id, area.set_id = entry.id, pset.id
            area.name_sv, area.name_en = area_entry.name_sv, area_entry.name_en
            area.mandatory = area_entry.mandatory
            area.valid_from, area.valid_until = pset.valid_from, pset.valid_until
            session.add(area)
            areas += 1
    return len(catalogue.regions), areas
