"""Where each region's status reports go: the routes file and the naming convention."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from config.errors import ConfigError, problems
from config.files import configured_file, read_yaml_mapping
from lifecycle.errors import field_path
from lifecycle.i18n import Phrase
from notifications.channel_config import ChannelSetup, channels_file_path

ROUTES_ENV = "LOFTE_STATUS_REPORTS_FILE"


DEFAULT_ROUTES_PATH = Path("config/status_reports.yaml")
# The file in words, in an error about it.
ROUTES_FILE = Phrase("statusrapportfilen")


CONVENTION_PREFIX = "region-"


class _RegionRoute(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channel: str = Field(min_length=1, max_length=80)
    language: str = Field(default="sv", pattern="^(sv|en)$")
    recipient: str | None = Field(default=None, max_length=254)
    transition_events: bool = True


class _RoutesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    regions: dict[str, _RegionRoute] = Field(default_factory=dict)


@dataclass(frozen=True)
class StatusRoute:
    """Where a region's status reports and transition events go."""

    region: str
    channel: str
    recipient: str
    language: str = "sv"
    transition_events: bool = True
    source: str = "convention"


def routes_file_path(environ: Mapping[str, str] | None = None) -> tuple[Path, bool]:
    """The status routes file and whether it was named explicitly (then it must exist)."""
    env = os.environ if environ is None else environ
    named = env.get(ROUTES_ENV)
    return (Path(named), True) if named else (DEFAULT_ROUTES_PATH, False)


def load_routes(
    path: Path | None = None, environ: Mapping[str, str] | None = None
) -> dict[str, StatusRoute]:
    """The explicit routes (region id → route); empty when no file is configured.

    A broken file raises ConfigError naming the file, the key and the problem.
    """
    if path is None:
        path = configured_file(ROUTES_ENV, DEFAULT_ROUTES_PATH, ROUTES_FILE, environ)
        if path is None:
            return {}
    elif not path.exists():
        raise ConfigError.said(
            "{path}: {variable}: {what} finns inte",
            path=str(path),
            variable=ROUTES_ENV,
            what=ROUTES_FILE,
        )
    try:
        parsed = _RoutesFile.model_validate(read_yaml_mapping(path))
    except ValidationError as exc:
        said = problems(exc, field_path, lambda _: "")
        raise ConfigError.said("{source}: {problems}", source=str(path), problems=said) from None
    return {
        region: StatusRoute(
            region=region,
            channel=r.channel,
            recipient=r.recipient or f"region:{region}",
            language=r.language,
            transition_events=r.transition_events,
            source=str(path),
        )
        for region, r in parsed.regions.items()
    }


def _channel_names(setup: ChannelSetup | None) -> set[str] | None:
    """Names of the configured channels (None: no channels file at all).

    Without a loaded setup only the file's channel names are read, not its secrets: the
    transition path must neither need the signing secrets nor fail on a missing one.
    """
    if setup is not None:
        return set(setup.channels)
    path, _ = channels_file_path()
    if not path.exists():
        return None
    raw = read_yaml_mapping(path)
    channels = raw.get("channels")
    return set(channels) if isinstance(channels, dict) else set()


def route_for(
    region: str,
    routes: dict[str, StatusRoute] | None = None,
    setup: ChannelSetup | None = None,
) -> StatusRoute | None:
    """The region's status route: its entry in the routes file, else the ``region-<id>``
    channel when the channels file has one, else None (nothing is sent for the region).

    An entry naming a channel the channels file does not have raises ConfigError.
    """
    routes = load_routes() if routes is None else routes
    names = _channel_names(setup)
    route = routes.get(region)
    if route is not None:
        if names is not None and route.channel not in names:
            raise ConfigError.said(
                "{source}: regions.{region}.channel: kanalen {channel!r} finns inte i kanalfilen",
                source=route.source,
                region=region,
                channel=route.channel,
            )
        return route
    convention = f"{CONVENTION_PREFIX}{region}"
    if names is not None and convention in names:
        return StatusRoute(region=region, channel=convention, recipient=f"region:{region}")
    return None
