"""A small world for deadline and reminder tests: two organisations, their coordinators, the
region's coordinator, and promises made directly (without the service layer)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from effects.deadlines import set_calendar_override, sync_deadlines
from lifecycle.stages import Stage
from lifecycle.term import term_end
from lifecycle.vocabulary import OrganisationKind, Role
from models.db import session_scope
from models.operations import Deadline, OutboxMessage
from models.organisation import Organisation, Person
from models.promise import Promise


@dataclass
class World:
    """Ids of what the tests work with."""

    engine: Engine
    municipality_id: int
    police_area_id: int
    regional_org_id: int

    def promise(
        self,
        term_start: date = date(2026, 1, 1),
        years: int = 1,
        area: str = "Hässelby-Vällingby",
        override: dict[str, Any] | None = None,
        today: date | None = None,
        municipality_id: int | None = None,
        police_area_id: int | None = None,
    ) -> int:
        """Create a promise in resident dialogue and sync its deadlines; its id."""
        with session_scope(self.engine) as session:
            promise = Promise(
                region_id="stockholm",
                area_name=area,
                municipality_id=municipality_id or self.municipality_id,
                police_area_id=police_area_id or self.police_area_id,
                term_start=term_start,
                term_end=term_end(term_start, years),
                term_years=years,
            )
            session.add(promise)
            session.flush()
            if override:
                set_calendar_override(session, promise, override, today)
            else:
                sync_deadlines(session, promise, today)
            assert promise.id is not None
            return promise.id

    def move(self, promise_id: int, stage: Stage, cycle_year: int | None = None) -> None:
        """Put the promise in ``stage`` (as a transition would) and sync its deadlines."""
        with session_scope(self.engine) as session:
            promise = session.get(Promise, promise_id)
            assert promise is not None
            promise.stage = stage
            if cycle_year is not None:
                promise.cycle_year = cycle_year
            session.add(promise)
            session.flush()
            sync_deadlines(session, promise)

    def deadlines(self, promise_id: int) -> list[Deadline]:
        with Session(self.engine) as session:
            return list(
                session.exec(
                    select(Deadline).where(Deadline.promise_id == promise_id).order_by(Deadline.due)
                )
            )

    def messages(self) -> list[OutboxMessage]:
        with Session(self.engine) as session:
            return list(session.exec(select(OutboxMessage).order_by(OutboxMessage.id)))


MUNICIPAL = "anna.samordnare@stockholm.example"
POLICE = "kim.kommunpolis@polisen.example"
REGIONAL = "rita.region@polisen.example"
ADMIN = "ada.admin@stockholm.example"


def _add_world(engine: Engine) -> World:
    with session_scope(engine) as session:
        municipality = Organisation(
            region_id="stockholm",
            kind=OrganisationKind.CITY_DISTRICT,
            name="Hässelby-Vällingby stadsdelsförvaltning",
            parent_name="Stockholms stad",
        )
        police = Organisation(
            region_id="stockholm",
            kind=OrganisationKind.LOCAL_POLICE_AREA,
            name="Lokalpolisområde Västerort",
        )
        regional = Organisation(
            region_id="stockholm",
            kind=OrganisationKind.POLICE_REGION,
            name="Polisregion Stockholm",
        )
        session.add_all([municipality, police, regional])
        session.flush()
        session.add_all(
            [
                Person(
                    email=MUNICIPAL,
                    name="Anna",
                    organisation_id=municipality.id,
                    role=Role.COORDINATOR,
                    language="sv",
                ),
                Person(
                    email=POLICE,
                    name="Kim",
                    organisation_id=police.id,
                    role=Role.COORDINATOR,
                    language="en",
                    channel="teams",
                ),
                Person(
                    email=REGIONAL,
                    name="Rita",
                    organisation_id=regional.id,
                    role=Role.REGIONAL_COORDINATOR,
                    language="sv",
                ),
                Person(email=ADMIN, name="Ada", role=Role.ADMIN, language="sv"),
                # Not a coordinator: never reminded.
                Person(
                    email="sam.styrgrupp@stockholm.example",
                    name="Sam",
                    organisation_id=municipality.id,
                    role=Role.STEERING_GROUP,
                    language="sv",
                ),
            ]
        )
        assert municipality.id and police.id and regional.id
        return World(engine, municipality.id, police.id, regional.id)


@pytest.fixture
def world(db: Any) -> World:
    """The organisations and people of a Stockholm promise, in a fresh database."""
    return _add_world(db.engine)
