"""Schema migrations through Alembic, driven from code (``lofte init``) or by developers.

Developers add a migration after changing a table with::

    python -m models.migrate revision "what changed"
"""

from __future__ import annotations

import sys
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from models.db import get_engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    """An Alembic config pointing at our migrations and the given engine's database."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return cfg


def upgrade(engine: Engine | None = None) -> None:
    """Bring the database to the latest schema (a no-op when it already is)."""
    engine = engine or get_engine()
    cfg = alembic_config(engine)
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "heads")


def current_revisions(engine: Engine | None = None) -> set[str]:
    """The revisions the database is at (empty for a database never migrated)."""
    engine = engine or get_engine()
    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


def head_revisions(engine: Engine | None = None) -> set[str]:
    """The newest revisions shipped with this code."""
    return set(ScriptDirectory.from_config(alembic_config(engine or get_engine())).get_heads())


def is_up_to_date(engine: Engine | None = None) -> bool:
    """Whether the database schema matches this code's migrations."""
    return current_revisions(engine) == head_revisions(engine)


def _revision(message: str) -> None:
    engine = get_engine()
    upgrade(engine)
    cfg = alembic_config(engine)
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.revision(cfg, message=message, autogenerate=True)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "revision":
        _revision(sys.argv[2])
    else:
        print('usage: python -m models.migrate revision "message"', file=sys.stderr)
        sys.exit(2)
