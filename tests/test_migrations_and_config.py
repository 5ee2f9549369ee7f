"""Schema migrations on empty and existing databases; broken configuration stops start-up."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel
from typer.testing import CliRunner

import models  # noqa: F401
from application.setup import initialise
from cli.main import app
from config.catalogue import CATALOGUE_DIR, load_catalogue
from config.settings import ConfigError, get_settings, reset_settings
from models.db import make_engine
from models.migrate import current_revisions, head_revisions, is_up_to_date
from tests.helpers import new_promise, promise


def test_models_and_migrations_agree(db) -> None:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": False})
        diff = [
            d
            for d in compare_metadata(context, SQLModel.metadata)
            if "apscheduler_jobs" not in repr(d)
        ]
    assert diff == [], f"models differ from migrations; add a migration: {diff}"


def test_init_on_an_empty_sqlite_file_and_again(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'new' / 'lofte.db'}")
    assert current_revisions(engine) == set()
    report = initialise(engine)
    assert report.before == [] and set(report.after) == head_revisions(engine)
    assert {"promise", "auditevent", "outboxmessage", "apscheduler_jobs"} <= set(
        inspect(engine).get_table_names()
    )
    again = initialise(engine)
    assert again.before == again.after and is_up_to_date(engine)


def test_init_on_an_existing_database_keeps_its_data(db) -> None:
    pid = new_promise(start=date(2026, 1, 1))
    report = initialise(db.engine)
    assert report.before == report.after
    assert promise(pid).term_start == date(2026, 1, 1)


def test_broken_setting_names_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOFTE_TIMEZONE", "Mars/Olympus")
    reset_settings()
    with pytest.raises(ConfigError, match=r"LOFTE_TIMEZONE: .*unknown time zone 'Mars/Olympus'"):
        get_settings()
    result = CliRunner().invoke(app, ["promise", "list", "--actor", "a@b.se"])
    assert result.exit_code == 2 and "LOFTE_TIMEZONE" in result.output


def test_unsupported_database_url_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOFTE_DATABASE_URL", "mysql://root@localhost/test")
    reset_settings()
    with pytest.raises(ConfigError, match=r"LOFTE_DATABASE_URL: .*unsupported database URL"):
        get_settings()


def test_dotenv_file_is_honoured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("LOFTE_LANGUAGE=en\n")
    monkeypatch.chdir(tmp_path)
    reset_settings()
    assert get_settings().language == "en"


def _catalogue_copy(tmp_path: Path) -> Path:
    target = tmp_path / "catalogues"
    shutil.copytree(CATALOGUE_DIR, target)
    return target


def test_broken_catalogue_names_file_key_and_problem(tmp_path: Path) -> None:
    directory = _catalogue_copy(tmp_path)
    path = directory / "stockholm.yaml"
    path.write_text(
        path.read_text().replace("        mandatory: true", "        mandatory: perhaps", 1)
    )
    with pytest.raises(ConfigError) as info:
        load_catalogue(directory)
    message = str(info.value)
    assert message.startswith(f"{path}: priority_sets.0.areas.0.mandatory: ")
    assert "valid boolean" in message


def test_catalogue_with_unknown_region_or_bad_yaml(tmp_path: Path) -> None:
    directory = _catalogue_copy(tmp_path)
    (directory / "gotland.yaml").write_text("region: gotland\npriority_sets: []\n")
    with pytest.raises(
        ConfigError, match=r"gotland\.yaml: region: 'gotland' is not in regions\.yaml"
    ):
        load_catalogue(directory)
    (directory / "gotland.yaml").write_text("region: [\n")
    with pytest.raises(ConfigError, match=r"gotland\.yaml: not valid YAML"):
        load_catalogue(directory)


def test_shipped_catalogue_has_the_seed_priority_areas() -> None:
    catalogue = load_catalogue()
    assert len(catalogue.regions) == 7
    stockholm = catalogue.region("stockholm")
    assert stockholm.mandatory_area_ids(2026, 2026) == {
        "fewer-vulnerable-areas",
        "fewer-young-at-risk",
        "fewer-criminals-exit",
        "vulnerable-victims-offenders",
    }
    city = next(s for s in stockholm.priority_sets if s.id == "stockholm-city")
    assert len(city.areas) == 5 and sum(len(a.goals) for a in city.areas) == 14
    region_set = next(s for s in stockholm.priority_sets if s.id == "region-stockholm")
    assert [a.name_sv for a in region_set.areas] == [
        "Otrygga platser",
        "Psykisk ohälsa",
        "Brott mot välfärdssystemen",
        "Särskilt utsatta brottsoffer",
    ]
    with pytest.raises(KeyError, match="known regions"):
        catalogue.region("narnia")
