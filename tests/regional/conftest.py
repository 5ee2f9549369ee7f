"""Fixtures for the regional overview and status reports: a real HTTP receiver on 127.0.0.1,
a channels file with the region's signed status webhook, and a small Stockholm world."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml
from typer.testing import CliRunner

from cli.overview import overview_command, status_app
from notifications.channel_config import ChannelSetup, parse_channels
from tests.deadlines.conftest import World, _add_world
from tests.notifications.conftest import FAST_DELIVERY, SECRETS
from tests.notifications.receiver import Receiver

HOOK_SECRET_ENV = "LOFTE_TEST_HOOK_SECRET"
HOOK_SECRET = SECRETS[HOOK_SECRET_ENV]


def cli_app() -> typer.Typer:
    """The two commands registered as cli.main registers them."""
    app = typer.Typer()
    app.command("overview")(overview_command)
    app.add_typer(status_app, name="status")
    return app


REGIONAL_DEMO = "brottsforebyggande@polisen.example.se"


@pytest.fixture
def cli(request: pytest.FixtureRequest) -> Callable[..., Any]:
    """The commands as the police region's coordinator (the demo's, or the small world's)."""
    from tests.deadlines.conftest import REGIONAL

    actor = REGIONAL if "world" in request.fixturenames else REGIONAL_DEMO
    runner = CliRunner(env={"LOFTE_ACTOR": actor})
    app = cli_app()

    def invoke(*args: str) -> Any:
        return runner.invoke(app, list(args))

    return invoke


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver().start()
    yield r
    r.stop()


def status_channels_doc(receiver: Receiver) -> dict[str, Any]:
    """A channels file with Stockholm's status endpoint (a signed webhook) on the receiver."""
    return {
        "delivery": FAST_DELIVERY,
        "channels": {
            "region-stockholm": {
                "type": "webhook",
                "url": receiver.url("/status/stockholm"),
                "secret_env": HOOK_SECRET_ENV,
            },
        },
    }


@pytest.fixture
def status_setup(receiver: Receiver) -> ChannelSetup:
    return parse_channels(
        status_channels_doc(receiver), Path("test-channels.yaml"), {HOOK_SECRET_ENV: HOOK_SECRET}
    )


@pytest.fixture
def channels_file(receiver: Receiver, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The same channels, as the file the flow and the CLI read (LOFTE_CHANNELS_FILE)."""
    path = tmp_path / "channels.yaml"
    path.write_text(yaml.safe_dump(status_channels_doc(receiver)), encoding="utf-8")
    monkeypatch.setenv("LOFTE_CHANNELS_FILE", str(path))
    monkeypatch.setenv(HOOK_SECRET_ENV, HOOK_SECRET)
    return path


@pytest.fixture
def world(db: Any) -> World:
    """Two parties of a Stockholm promise with their coordinators, in a fresh database."""
    return _add_world(db.engine)
