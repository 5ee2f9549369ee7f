"""A configuration or input-file error reads Swedish first, like every other error (issue 19):
a bad LOFTE_* value, a bad calendar file and a bad survey CSV are said in Swedish with their
English beside it, and nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest


def test_a_bad_environment_value_is_said_in_swedish_and_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from cli.main import app
    from config.settings import reset_settings

    data = tmp_path / "data"
    monkeypatch.setenv("LOFTE_DATA_DIR", str(data))
    monkeypatch.setenv("LOFTE_DATABASE_URL", "")
    monkeypatch.setenv("LOFTE_TIMEZONE", "Mars/Olympus")
    reset_settings()
    try:
        result = CliRunner().invoke(app, ["init"])
    finally:
        monkeypatch.undo()
        reset_settings()
    assert result.exit_code == 2, result.output
    assert (
        "Fel / error: konfigurationen: ogiltig inställning i miljön / .env: LOFTE_TIMEZONE: "
        "okänd tidszon 'Mars/Olympus'; ange ett IANA-namn som Europe/Stockholm"
    ) in result.output
    # the English as it always read, after the Swedish
    assert " / configuration: invalid setting in environment / .env: LOFTE_TIMEZONE: " in (
        result.output
    )
    assert not data.exists() or not any(data.iterdir())


def test_a_bad_calendar_file_is_said_in_swedish_and_nothing_is_written(tmp_path: Path) -> None:
    from config.calendar import DEFAULT_FILE, load_calendars
    from config.errors import ConfigError

    regions = tmp_path / "calendars"
    regions.mkdir()
    bad = regions / "uppsala.yaml"
    bad.write_text("evaluation:\n  rhythm: weekly\nreminders:\n  before: [7, 7]\n")
    before = {p: p.read_bytes() for p in (bad, DEFAULT_FILE)}
    with pytest.raises(ConfigError) as refused:
        load_calendars(region_dir=regions, known_regions={"uppsala"})
    swedish = refused.value.message("sv")
    assert swedish.startswith(f"{bad}: ")
    assert "evaluation.rhythm: okänd rytm 'weekly'; använd en av tertial" in swedish
    assert "reminders.before: en arbetsdag står två gånger" in swedish
    assert "unknown rhythm 'weekly'; use one of tertial" in str(refused.value)
    assert {p: p.read_bytes() for p in before} == before
    assert [p.name for p in regions.iterdir()] == ["uppsala.yaml"]

    (regions / "atlantis.yaml").write_text("renewal: '09-01'\n")
    with pytest.raises(ConfigError) as unknown:
        load_calendars(region_dir=regions, known_regions={"uppsala"})
    assert "(filnamn): 'atlantis' är inte en känd region (kända: uppsala)" in (
        unknown.value.message("sv")
    )
    assert "(file name): 'atlantis' is not a known region (known: uppsala)" in str(unknown.value)


def test_a_bad_survey_csv_is_said_in_swedish_and_nothing_is_written(db) -> None:
    from sqlmodel import func, select

    from application.surveys import SurveyImport, import_survey
    from lifecycle.errors import InputError
    from lifecycle.permissions import SYSTEM
    from models import SurveyResult
    from models.db import read_scope

    csv = (
        "source;year;area;question;value\n"
        "Trygghetsmätningen;2025;Sollentuna;Otrygg i centrum;31,5\n"
        "Trygghetsmätningen;2026;Sollentuna;Otrygg i centrum;många\n"
    )
    with pytest.raises(InputError) as refused:
        import_survey(SYSTEM, SurveyImport(region="stockholm", csv=csv))
    assert refused.value.message("sv") == "rad 3: värdet 'många' är inte ett tal"
    assert str(refused.value) == "line 3: value 'många' is not a number"
    with read_scope() as session:
        assert session.exec(select(func.count()).select_from(SurveyResult)).one() == 0
