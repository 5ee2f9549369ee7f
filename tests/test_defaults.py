"""Every setting's default, as a person gets it with nothing configured (issue 18, point 3).

docs/operations.md lists the settings whose defaults differ from what most tests use, each
with the test that exercises the default; the ones that need a running service are exercised
by tests/web/test_make_run.py, which starts `make run` with nothing configured but a channels
file. This file holds the ones that can be read without starting anything.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from config.client import client_settings
from config.defaults import default_data_dir
from config.settings import Settings

pytestmark = pytest.mark.fast  # pure: no database, Prefect or browser (make test-fast)


@pytest.fixture
def nothing_configured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A shell with no LOFTE_ or XDG_ variable, a home of its own and no .env file."""
    for key in ("LOFTE_DATA_DIR", "LOFTE_USE_SERVICE", "XDG_DATA_HOME"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    client_settings.cache_clear()
    yield tmp_path
    client_settings.cache_clear()


def test_the_data_folder_is_the_xdg_data_folder(nothing_configured: Path, monkeypatch) -> None:
    home = nothing_configured
    assert default_data_dir() == home / ".local" / "share" / "lofte"
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "xdg"))
    assert default_data_dir() == home / "xdg" / "lofte"


def test_the_service_settings_default_to_the_embedded_service(nothing_configured: Path) -> None:
    settings = Settings()
    data = nothing_configured / ".local" / "share" / "lofte"
    assert settings.data_dir == data
    assert settings.effective_database_url == f"sqlite:///{data / 'lofte.db'}"
    assert (settings.api_host, settings.api_port) == ("127.0.0.1", 8470)
    assert settings.service_url == "http://127.0.0.1:8470"
    # Without a public address, links in messages point at the service itself.
    assert settings.public_base_url == "http://127.0.0.1:8470"
    assert settings.use_service is True
    assert settings.language == "sv" and settings.timezone == "Europe/Stockholm"
    assert (settings.session_idle_minutes, settings.session_absolute_hours) == (30, 10)
    assert (settings.signin_max_failures, settings.signin_lock_minutes) == (5, 15)
    assert settings.oidc_file is None and settings.now is None
    # Cookies are Secure when the public address is https (issue 20); here it is http.
    assert settings.cookie_secure is None and settings.secure_cookies is False
    assert settings.trusted_proxies == "" and settings.proxy_networks == []
    assert settings.lock_wait_seconds == 5.0


def test_the_command_line_finds_the_service_on_the_default_port(nothing_configured: Path) -> None:
    client = client_settings()
    assert client.service_url == "http://127.0.0.1:8470"
    assert client.use_service is True
    assert client.data_dir == nothing_configured / ".local" / "share" / "lofte"
    assert client.language == "sv"


def test_the_default_channels_file_is_read_from_config(nothing_configured: Path) -> None:
    from notifications.channel_config import load_channels

    folder = nothing_configured / "config"
    folder.mkdir()
    (folder / "channels.yaml").write_text(
        "default_channel: hook\n"
        "channels:\n"
        "  hook: {type: webhook, url: 'http://127.0.0.1:9/x', secret_env: HOOK_SECRET}\n",
        encoding="utf-8",
    )
    setup = load_channels(environ={"HOOK_SECRET": "a-long-enough-secret-value"})
    assert setup is not None and setup.default_channel == "hook"


def test_prefect_keeps_its_home_in_the_data_folder(nothing_configured: Path, monkeypatch) -> None:
    from flows.runtime import configure_prefect_environment

    monkeypatch.delenv("PREFECT_HOME", raising=False)
    configure_prefect_environment()
    assert os.environ["PREFECT_HOME"] == str(
        nothing_configured / ".local" / "share" / "lofte" / "prefect"
    )
