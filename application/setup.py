"""Bringing a database to life: migrate to the latest schema and load the region catalogues."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine

from config.catalogue import get_catalogue
from effects.promise_status import refresh_missing as refresh_missing_statuses
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
        # Promises stored before their status was kept (migration 0017) get theirs now.
        refresh_missing_statuses(session)
    return InitReport(
        database=engine.url.render_as_string(hide_password=True),
        before=before,
        after=sorted(head_revisions(engine)),
        regions=regions,
        priority_areas=areas,
    )


def check_configuration() -> None:
    """Load every configuration file the service reads, so that a broken one stops
    ``lofte serve`` at start with ConfigError naming the file, the key and the problem, instead
    of failing later in a job: the channels file (every channel, its secrets resolved and
    checked), the status-reports routes, the calendars and the catalogues."""
    from config.calendar import get_calendars
    from notifications.channel_config import load_channels
    from notifications.status_routes import load_routes

    get_catalogue()
    get_calendars()
    load_channels()
    load_routes()
