"""Bringing a database to life: migrate to the latest schema and load the region catalogues."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine

from config.catalogue import get_catalogue
from models.catalogue_loader import load_catalogue_into
from models.db import get_engine, session_scope
from models.migrate import current_revisions, head_revisions, upgrade


@dataclass
class InitReport:
    """What ``lofte init`` did."""

    database: str
    before: list[str]
    after: list[str]
    regions: int
    priority_areas: int


def initialise(engine: Engine | None = None) -> InitReport:
    """Migrate the database to the latest version and (re)load the catalogues; safe to repeat."""
    engine = engine or get_engine()
    catalogue = get_catalogue()  # a broken catalogue stops us before the database is touched
    before = sorted(current_revisions(engine))
    upgrade(engine)
    with session_scope(engine) as session:
        regions, areas = load_catalogue_into(session, catalogue)
    return InitReport(
        database=engine.url.render_as_string(hide_password=True),
        before=before,
        after=sorted(head_revisions(engine)),
        regions=regions,
        priority_areas=areas,
    )
