"""A configuration or input-file error reads Swedish first, like every other error (issue 19):
a bad LOFTE_* value, a bad calendar file, a bad survey CSV, a bad file handed to the command
line (config/documents.py), a bad catalogue, a missing or broken channels file, a bad moment
and a production installation without its public address are said in Swedish with their
English beside it, and nothing is written. An error given as a value of a sentence is said as
its own sentence, never taken for a phrase."""

from __future__ import annotations

import json
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


def _signed_in_at_sollentuna(monkeypatch: pytest.MonkeyPatch) -> int:
    """A new promise of Sollentuna, and the command line acting as its coordinator."""
    from tests.helpers import new_promise, register

    register("samordnare@sollentuna.se")
    monkeypatch.setenv("LOFTE_ACTOR", "samordnare@sollentuna.se")
    return new_promise()


def _rows(*models: type) -> list[int]:
    from sqlmodel import func, select

    from models.db import read_scope

    with read_scope() as session:
        return [session.exec(select(func.count()).select_from(m)).one() for m in models]


def test_a_bad_input_file_is_said_in_both_languages_by_the_command_line_and_nothing_is_written(
    db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from cli.main import app
    from models import AuditEvent, Dialogue

    pid = _signed_in_at_sollentuna(monkeypatch)
    before = _rows(Dialogue, AuditEvent)
    aliased = tmp_path / "dialog.yaml"
    aliased.write_text("method: &m survey\nnotes: *m\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["add", str(pid), "dialogue", "--file", str(aliased)])
    assert result.exit_code == 2, result.output
    assert (
        f"Fel / error: {aliased}: använder ett YAML-alias (*namn); alias tas inte emot, skriv ut "
        f"värdena / {aliased}: uses a YAML alias (*name); aliases are not accepted, write the "
        "values out"
    ) in result.output
    listed = tmp_path / "dialog.json"
    listed.write_text("[1, 2]", encoding="utf-8")
    as_json = CliRunner().invoke(
        app, ["add", str(pid), "dialogue", "--file", str(listed), "--json"]
    )
    body = json.loads(as_json.stdout)
    assert body["error"] == f"{listed}: must hold one mapping of field: value, got a list"
    assert body["error_sv"] == (
        f"{listed}: ska innehålla en mappning av fält: värde, fick en lista"
    )
    missing = CliRunner().invoke(
        app, ["add", str(pid), "dialogue", "--file", str(tmp_path / "saknas.yaml")]
    )
    assert f"Fel / error: kan inte läsa {tmp_path / 'saknas.yaml'}: " in missing.output
    assert f" / cannot read {tmp_path / 'saknas.yaml'}: " in missing.output
    assert _rows(Dialogue, AuditEvent) == before


def test_a_bad_calendar_override_is_said_in_both_languages_and_nothing_is_stored(
    db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from cli.main import app
    from models import PromiseCalendar
    from models.db import read_scope

    pid = _signed_in_at_sollentuna(monkeypatch)
    override = tmp_path / "kalender.yaml"
    override.write_text("evaluation: {rhythm: fortnightly}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["calendar", "set", str(pid), str(override)])
    assert result.exit_code == 2, result.output
    assert (
        f"Fel / error: löfte {pid}: egen kalender: evaluation.rhythm: okänd rytm 'fortnightly'; "
        "använd en av tertial"
    ) in result.output
    assert (
        f" / promise {pid}: calendar override: evaluation.rhythm: Value error, unknown rhythm "
        "'fortnightly'; use one of tertial"
    ) in result.output
    override.write_text("evaluation:\n  rhythm: [tertial\n", encoding="utf-8")
    broken = CliRunner().invoke(app, ["calendar", "set", str(pid), str(override)])
    assert broken.exit_code == 2, broken.output
    assert f"Fel / error: {override}: inte giltig YAML (rad " in broken.output
    assert f" / {override}: not valid YAML (line " in broken.output
    with read_scope() as session:
        row = session.get(PromiseCalendar, pid)
        assert row is None or row.override is None


def test_a_bad_catalogue_is_said_in_swedish_and_in_english_and_left_as_it_was(
    tmp_path: Path,
) -> None:
    from config.catalogue import load_catalogue
    from config.errors import ConfigError

    regions = tmp_path / "regions.yaml"
    regions.write_text(
        "regions:\n  - {id: uppsala, name_sv: Polisregion Mitt, name_en: Police Region Mitt}\n"
    )
    gotland = tmp_path / "gotland.yaml"
    gotland.write_text("region: gotland\n")
    before = {p: p.read_bytes() for p in (regions, gotland)}
    with pytest.raises(ConfigError) as unknown:
        load_catalogue(tmp_path)
    assert unknown.value.message("sv") == (
        f"{gotland}: region: 'gotland' finns inte i regions.yaml (kända: uppsala)"
    )
    assert (
        str(unknown.value)
        == f"{gotland}: region: 'gotland' is not in regions.yaml (known: uppsala)"
    )
    gotland.write_text(
        "region: uppsala\npriority_sets:\n  - {id: lista, name_sv: Lista, name_en: List, "
        "applies_to: region, valid_from: 2026, valid_until: 2024, areas: []}\n"
    )
    with pytest.raises(ConfigError) as years:
        load_catalogue(tmp_path)
    assert "priority_sets.0: valid_until 2024 är före valid_from 2026" in years.value.message("sv")
    assert "priority_sets.0: Value error, valid_until 2024 is before valid_from 2026" in str(
        years.value
    )
    assert {p.name for p in tmp_path.iterdir()} == {"regions.yaml", "gotland.yaml"}
    assert regions.read_bytes() == before[regions]


def test_a_missing_or_broken_channels_file_stops_the_start_in_both_languages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from cli.main import app
    from config.settings import reset_settings

    missing = tmp_path / "kanaler.yaml"
    monkeypatch.setenv("LOFTE_CHANNELS_FILE", str(missing))
    reset_settings()
    try:
        result = CliRunner().invoke(app, ["serve", "--port", "1"])
        assert result.exit_code == 2, result.output
        assert (
            f"Fel / error: konfigurationen: {missing}: LOFTE_CHANNELS_FILE: kanalfilen finns inte"
            f" / configuration: {missing}: LOFTE_CHANNELS_FILE: the channels file does not exist"
        ) in result.output
        missing.write_text("channels: [\n", encoding="utf-8")
        broken = CliRunner().invoke(app, ["serve", "--port", "1"])
        assert broken.exit_code == 2, broken.output
        assert f"Fel / error: konfigurationen: {missing}: inte giltig YAML (rad " in broken.output
        assert f" / configuration: {missing}: not valid YAML (line " in broken.output
    finally:
        monkeypatch.undo()
        reset_settings()
    assert [p.name for p in tmp_path.iterdir()] == ["kanaler.yaml"]


def test_a_moment_that_is_no_moment_is_said_in_both_languages() -> None:
    from config.clock import current_time
    from config.errors import ConfigError

    with pytest.raises(ConfigError) as refused:
        current_time("midsommarafton")
    assert refused.value.message("sv") == (
        "--now / LOFTE_NOW: 'midsommarafton' är inte ett ISO-datum eller en tid (till exempel "
        "2026-06-18T07:00)"
    )
    assert str(refused.value) == (
        "--now / LOFTE_NOW: 'midsommarafton' is not an ISO date or time (e.g. 2026-06-18T07:00)"
    )


def test_production_without_a_public_address_is_said_in_both_languages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from cli.main import app
    from config.settings import reset_settings

    monkeypatch.setenv("LOFTE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LOFTE_PRODUCTION", "true")
    monkeypatch.delenv("LOFTE_PUBLIC_URL", raising=False)
    reset_settings()
    try:
        result = CliRunner().invoke(app, ["serve", "--port", "1"])
    finally:
        monkeypatch.undo()
        reset_settings()
    assert result.exit_code == 2, result.output
    assert (
        "Fel / error: konfigurationen: LOFTE_PRODUCTION är satt men inte LOFTE_PUBLIC_URL: ange "
        "adressen där invånarna når de publika sidorna (https://VÄRD)"
    ) in result.output
    assert (
        " / configuration: LOFTE_PRODUCTION is set but LOFTE_PUBLIC_URL is not: set it to the "
        "address residents reach the public pages at (https://HOST)"
    ) in result.output
    assert not list((tmp_path / "data").glob("*.db"))  # no database made, nothing served


def test_an_error_given_as_a_value_is_said_as_its_own_sentence_not_as_a_phrase() -> None:
    """``why=error``: an error has a ``said`` constructor, so taken for a phrase it would become
    a new error of the language's code ("sv"); it is said as its own sentence instead."""
    from config.documents import DocumentError
    from config.errors import ConfigError
    from lifecycle.errors import InputError
    from lifecycle.i18n import Phrase, translate

    config = ConfigError.said(
        "{value!r} är inget datum: skriv till exempel 2026 eller 2026-01-01 (RFC 4151)", value="x"
    )
    document = DocumentError.said("{source}: inte UTF-8-text; spara den som UTF-8", source="f")
    for error in (config, document):
        said = InputError.said("konfigurationen: {why}", why=error)
        assert said.message("sv") == "konfigurationen: " + error.message("sv")
        assert str(said) == "configuration: " + str(error)
        assert translate("konfigurationen: {why}", "en", why=error) == str(said)
        assert Phrase("konfigurationen: {why}", {"why": error}).said("sv") == said.message("sv")
    assert ConfigError.of(document).message("sv") == "f: inte UTF-8-text; spara den som UTF-8"
    assert str(ConfigError.of(document)) == "f: not UTF-8 text; save it as UTF-8"
    # an error of no sentence of ours (the system's) is said by its text in either language
    oserror = FileNotFoundError(2, "No such file or directory")
    assert InputError.said("konfigurationen: {why}", why=oserror).message("sv") == (
        "konfigurationen: [Errno 2] No such file or directory"
    )


def test_a_channels_file_with_a_bad_address_stops_the_start_in_both_languages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from cli.main import app
    from config.errors import ConfigError
    from config.settings import reset_settings
    from notifications.channel_config import load_channels

    channels = tmp_path / "kanaler.yaml"
    channels.write_text(
        "channels:\n  w:\n    type: webhook\n    url: ftp://example.se/x\n    secret_env: S\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("LOFTE_CHANNELS_FILE", str(channels))
    monkeypatch.setenv("S", "hemligt")
    reset_settings()
    try:
        result = CliRunner().invoke(app, ["serve", "--port", "1"])
        assert result.exit_code == 2, result.output
        assert (
            f"Fel / error: konfigurationen: {channels}: channels.w.url: inte en http(s)-adress"
            f" / configuration: {channels}: channels.w.url: not an http(s) URL"
        ) in result.output
        # a check of the file as a whole: its key is said in each language
        channels.write_text("default_channel: ingen\n", encoding="utf-8")
        with pytest.raises(ConfigError) as whole:
            load_channels()
    finally:
        monkeypatch.undo()
        reset_settings()
    assert whole.value.message("sv") == (
        f"{channels}: (översta nivån): default_channel 'ingen' finns inte bland channels"
    )
    assert str(whole.value) == (
        f"{channels}: (top level): Value error, default_channel 'ingen' is not among channels"
    )
    assert [p.name for p in tmp_path.iterdir()] == ["kanaler.yaml"]  # nothing else written


def test_a_channels_secret_that_is_no_base64_is_said_in_both_languages(tmp_path: Path) -> None:
    from config.errors import ConfigError
    from notifications.channel_config import parse_channels

    raw = {"channels": {"w": {"type": "webhook", "url": "https://x.se", "secret_env": "S"}}}
    with pytest.raises(ConfigError) as refused:
        parse_channels(raw, tmp_path / "k.yaml", {"S": "whsec_inte base64!"})
    assert refused.value.message("sv") == (
        f"{tmp_path / 'k.yaml'}: channels.w.secret_env (S): efter whsec_ ska hemligheten vara "
        "base64 (A-Z a-z 0-9 + / =)"
    )
    assert str(refused.value) == (
        f"{tmp_path / 'k.yaml'}: channels.w.secret_env (S): after whsec_ the secret must be "
        "base64 (A-Z a-z 0-9 + / =)"
    )
    assert "inte base64" not in str(refused.value)  # a secret is never quoted


def test_an_unknown_region_for_the_status_report_is_said_in_both_languages(
    db, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlmodel import select
    from typer.testing import CliRunner

    from cli.main import app
    from config.errors import ConfigError
    from jobs.status_report import run_status_reports
    from models import Region
    from models.db import read_scope

    with read_scope() as session:
        known = ", ".join(sorted(r.id for r in session.exec(select(Region)).all()))
    # the job itself (the Prefect flow's): a configuration error
    with pytest.raises(ConfigError) as refused:
        run_status_reports(region="atlantis", setup=None, routes={}, deliver=False)
    assert refused.value.message("sv") == f"--region: okänd region 'atlantis'; kända: {known}"
    assert str(refused.value) == f"--region: unknown region 'atlantis'; known: {known}"
    # the command: the use case refuses the region before the job runs
    _signed_in_at_sollentuna(monkeypatch)
    result = CliRunner().invoke(app, ["status", "report", "--region", "atlantis"])
    assert result.exit_code == 2, result.output
    assert (
        f"Fel / error: okänd region 'atlantis'; kända regioner: {known} / "
        f"unknown region 'atlantis'; known regions: {known}"
    ) in result.output
    assert "Traceback" not in result.output


def test_a_bad_oidc_provider_file_is_said_in_both_languages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from application.oidc import providers
    from config.errors import ConfigError
    from config.settings import reset_settings

    oidc = tmp_path / "oidc.yaml"
    oidc.write_text(
        "providers:\n  sollentuna:\n    label: Sollentuna kommun\n    client_id: lofte\n"
        "    client_secret_env: LOFTE_OIDC_SECRET\n"
        "    organisations: [{region: stockholm, name: Sollentuna}]\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("LOFTE_OIDC_FILE", str(oidc))
    reset_settings()
    try:
        with pytest.raises(ConfigError) as missing:
            providers()
        oidc.write_text("[1, 2]\n", encoding="utf-8")
        with pytest.raises(ConfigError) as listed:
            providers()
    finally:
        monkeypatch.undo()
        reset_settings()
    assert missing.value.message("sv") == f"{oidc}: Fyll i issuer"
    assert str(missing.value) == f"{oidc}: issuer: Field required"
    assert listed.value.message("sv") == (
        f"{oidc}: ska innehålla en mappning av fält: värde, fick en lista"
    )
    assert str(listed.value) == f"{oidc}: must hold one mapping of field: value, got a list"
