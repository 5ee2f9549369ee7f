"""Channel configuration: a YAML file naming each channel, with secrets only in the environment.

The file is ``$LOFTE_CHANNELS_FILE``, or ``config/channels.yaml`` when that variable is unset
(it may not exist: then nothing is dispatched and pending messages wait). Secrets are never
written in the file: a channel names the environment variable that holds each one
(``token_env``, ``secret_env``, ``url_env``). Loading checks everything up front and raises
``ConfigError`` naming the file, the key and the problem. See config/channels.example.yaml.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from config.errors import ConfigError, problems
from config.files import configured_file, read_yaml_mapping
from lifecycle.i18n import InvalidValue, Phrase
from notifications.channels import Channel, MailChannel, SlackChannel, TeamsChannel, WebhookChannel
from notifications.channels.base import Envelope, Rendered
from notifications.channels.mail import PRESET_ENDPOINTS
from notifications.http import Timeouts
from notifications.redact import register_secret
from notifications.retry import RetryPolicy
from notifications.signing import secret_key

ENV_VAR = "LOFTE_CHANNELS_FILE"
DEFAULT_PATH = Path("config/channels.yaml")
# The file in words, in an error about it ("the channels file does not exist").
CHANNELS_FILE = Phrase("kanalfilen")
# A secret's value, named (never quoted) in an error about it.
THE_VALUE = Phrase("värdet")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class TimeoutConfig(_Strict):
    """Request timeouts in seconds."""

    connect: float = Field(default=5.0, gt=0)
    read: float = Field(default=10.0, gt=0)
    write: float = Field(default=10.0, gt=0)
    pool: float = Field(default=10.0, gt=0)

    def to_timeouts(self) -> Timeouts:
        """As the http module's Timeouts."""
        return Timeouts(self.connect, self.read, self.write, self.pool)


class DeliveryConfig(_Strict):
    """How the dispatcher delivers: attempts, backoff, concurrency, timeouts."""

    max_attempts: int = Field(default=8, ge=1, le=100)
    backoff_base_seconds: float = Field(default=2.0, gt=0)
    backoff_max_seconds: float = Field(default=900.0, gt=0)
    retry_after_max_seconds: float = Field(default=3600.0, ge=0)
    concurrency: int = Field(default=16, ge=1, le=1000)
    # Requests in flight per channel (default: half of ``concurrency``, at least 1).
    per_channel_concurrency: int | None = Field(default=None, ge=1)
    # A claimed message is not claimed by another dispatcher for this long.
    lease_seconds: float = Field(default=300.0, gt=0)
    # A run keeps going while a retry falls due within this many seconds.
    wait_for_retries_seconds: float = Field(default=30.0, ge=0)
    timeouts: TimeoutConfig = Field(default_factory=lambda: TimeoutConfig())
    # Honour HTTP(S)_PROXY / NO_PROXY from the environment.
    trust_env: bool = True
    # How requests are made: "threads" (one blocking httpx.Client shared by a pool of sender
    # threads) or "async" (one httpx.AsyncClient). Measured in docs/performance-notifier.md:
    # httpx's async pool slows down as concurrency grows, the threaded one much less.
    http_mode: Literal["threads", "async"] = "threads"

    def policy(self) -> RetryPolicy:
        """The retry policy these settings describe."""
        return RetryPolicy(
            max_attempts=self.max_attempts,
            base_delay=self.backoff_base_seconds,
            max_delay=self.backoff_max_seconds,
            max_retry_after=self.retry_after_max_seconds,
        )

    def channel_limit(self) -> int:
        """Requests in flight allowed per channel."""
        return self.per_channel_concurrency or max(1, self.concurrency // 2)


class _ChannelBase(_Strict):
    timeouts: TimeoutConfig | None = None
    max_concurrency: int | None = Field(default=None, ge=1)


class WebhookConfig(_ChannelBase):
    """A generic JSON webhook; ``url`` may be in the file (the body is signed), or ``url_env``."""

    type: Literal["webhook"]
    url: str | None = None
    url_env: str | None = None
    secret_env: str
    headers: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_url(self) -> WebhookConfig:
        if bool(self.url) == bool(self.url_env):
            raise InvalidValue(
                "ange precis en av {url} och {url_env}", url="url", url_env="url_env"
            )
        return self


class ChatConfig(_ChannelBase):
    """Teams or Slack: the webhook URL is itself the credential, so only ``url_env``."""

    type: Literal["teams", "slack"]
    url_env: str

    @model_validator(mode="before")
    @classmethod
    def _url_is_secret(cls, data: Any) -> Any:
        if isinstance(data, dict) and "url" in data:
            raise InvalidValue(
                "en chattkanals webhookadress är en hemlighet: lägg den i en miljövariabel och "
                "ange den med {url_env}",
                url_env="url_env",
            )
        return data


class MailConfig(_ChannelBase):
    """An HTTP mail API."""

    type: Literal["mail"]
    preset: Literal["generic", "sendgrid", "postmark"] = "generic"
    endpoint: str | None = None
    token_env: str
    sender: str = Field(alias="from")
    reply_to: str | None = None
    auth_header: str = "Authorization"
    auth_scheme: str = "Bearer"
    message_stream: str = "outbound"

    @model_validator(mode="after")
    def _endpoint_known(self) -> MailConfig:
        if self.preset == "generic" and not self.endpoint:
            raise InvalidValue("förvalet generic behöver en endpoint")
        return self


ChannelConfig = Annotated[WebhookConfig | ChatConfig | MailConfig, Field(discriminator="type")]


class ChannelsFile(_Strict):
    """The whole file."""

    delivery: DeliveryConfig = Field(default_factory=lambda: DeliveryConfig())
    default_channel: str | None = None
    # The mail channel for residents who follow a promise (default: the default channel when
    # it is a mail channel). Never a chat channel: a resident's address must not go to Teams.
    residents_channel: str | None = None
    channels: dict[str, ChannelConfig] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _default_exists(self) -> ChannelsFile:
        if self.default_channel and self.default_channel not in self.channels:
            raise InvalidValue(
                "{key} {name!r} finns inte bland {channels}",
                key="default_channel",
                name=self.default_channel,
                channels="channels",
            )
        if self.residents_channel:
            chosen = self.channels.get(self.residents_channel)
            if chosen is None:
                raise InvalidValue(
                    "{key} {name!r} finns inte bland {channels}",
                    key="residents_channel",
                    name=self.residents_channel,
                    channels="channels",
                )
            if chosen.type != "mail":
                raise InvalidValue(
                    "{key} {name!r} ska vara en e-postkanal",
                    key="residents_channel",
                    name=self.residents_channel,
                )
        return self


# What a message is stored with when its person chose no channel: "the configured default",
# resolved when it is sent (``ChannelSetup.resolve``), so a later default applies too.
DEFAULT_CHANNEL = "default"
# What messages to residents are stored with: the residents' mail channel, resolved when sent.
RESIDENTS_CHANNEL = "residents"


@dataclass
class ChannelSetup:
    """Loaded configuration: delivery settings and ready-to-use channels (secrets resolved)."""

    delivery: DeliveryConfig = field(default_factory=lambda: DeliveryConfig())
    channels: dict[str, Channel] = field(default_factory=dict)
    default_channel: str | None = None
    source: Path | None = None
    residents_channel: str | None = None

    def resolve(self, name: str | None) -> Channel | None:
        """The channel a message is sent through: its own, or for ``DEFAULT_CHANNEL`` (a person
        who chose none) the configured default, for ``RESIDENTS_CHANNEL`` the residents' mail
        channel. The one place channel names are resolved."""
        if name == RESIDENTS_CHANNEL:
            return self._residents()
        if not name or name == DEFAULT_CHANNEL:
            name = self.default_channel
        return self.channels.get(name) if name else None

    def _residents(self) -> Channel | None:
        # Only ever a mail channel: without one, resident messages wait in the outbox.
        name = self.residents_channel or self.default_channel
        chosen = self.channels.get(name) if name else None
        return chosen if chosen is not None and chosen.type == "mail" else None

    def route(self, channel: str | None, email: str) -> tuple[str, str]:
        """(channel name, recipient) for a person with ``Person.channel`` and ``Person.email``.

        A person without a choice gets the default channel. The recipient is the e-mail
        address for every channel type: mail sends to it, chat and webhooks carry it along.
        """
        name = channel or self.default_channel
        if not name:
            raise ConfigError.said(
                "{source}: {key}: ingen kanal vald och ingen {key} angiven",
                source=self.source,
                key="default_channel",
            )
        if name not in self.channels:
            raise ConfigError.said(
                "{source}: channels: kanalen {name!r} är inte konfigurerad",
                source=self.source,
                name=name,
            )
        return name, email


def channels_file_path(environ: Mapping[str, str] | None = None) -> tuple[Path, bool]:
    """The configured file and whether it was named explicitly (then it must exist)."""
    env = os.environ if environ is None else environ
    named = env.get(ENV_VAR)
    return (Path(named), True) if named else (DEFAULT_PATH, False)


def load_channels(
    path: Path | None = None, environ: Mapping[str, str] | None = None
) -> ChannelSetup | None:
    """Read and check the channels file; None when no file is configured and the default is absent."""
    env = os.environ if environ is None else environ
    if path is None:
        path = configured_file(ENV_VAR, DEFAULT_PATH, CHANNELS_FILE, env)
        if path is None:
            return local_mailbox_setup()
    elif not path.exists():
        raise ConfigError.said(
            "{path}: {variable}: {what} finns inte",
            path=str(path),
            variable=ENV_VAR,
            what=CHANNELS_FILE,
        )
    raw = read_yaml_mapping(path)
    return parse_channels(raw, path, env)


def local_mailbox_setup() -> ChannelSetup | None:
    """With no channels file: the local mailbox as every person's and every resident's mail
    channel when it is active (notifications/local_mailbox.py), else None (mail waits)."""
    from notifications import local_mailbox

    if not local_mailbox.active(channels_file_configured=False):
        return None
    token = local_mailbox.delivery_token()
    register_secret(token)
    channel = MailChannel(
        local_mailbox.CHANNEL_NAME,
        preset="generic",
        endpoint=local_mailbox.delivery_url(),
        token=token,
        sender=local_mailbox.SENDER,
        max_concurrency=2,
    )
    name = local_mailbox.CHANNEL_NAME
    return ChannelSetup(DeliveryConfig(), {name: channel}, name, None, name)


def parse_channels(raw: dict[str, Any], source: Path, environ: Mapping[str, str]) -> ChannelSetup:
    """Build a ChannelSetup from an already parsed document (``source`` names it in errors)."""
    try:
        parsed = ChannelsFile.model_validate(raw)
    except ValidationError as exc:
        said = problems(exc, _key, lambda _: "")
        raise ConfigError.said("{source}: {problems}", source=str(source), problems=said) from None
    channels: dict[str, Channel] = {}
    limit = parsed.delivery.channel_limit()
    for name, cfg in parsed.channels.items():
        channels[name] = _build(name, cfg, source, environ, limit)
    return ChannelSetup(
        parsed.delivery, channels, parsed.default_channel, source, parsed.residents_channel
    )


def _key(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc]
    # Pydantic puts the union tag (the channel type) after the channel name; people never
    # wrote that key, so leave it out of the message.
    if (
        len(parts) > 2
        and parts[0] == "channels"
        and parts[2] in {"webhook", "teams", "slack", "mail"}
    ):
        del parts[2]
    return ".".join(parts)  # "" for the file as a whole: problems() says "(top level)"


def _secret(environ: Mapping[str, str], source: Path, key: str, var: str) -> str:
    value = environ.get(var, "")
    if not value:
        raise ConfigError.said(
            "{source}: {key}: miljövariabeln {var} är inte satt",
            source=str(source),
            key=key,
            var=var,
        )
    register_secret(value)
    return value


def _check_url(url: str, source: Path, key: str) -> str:
    import httpx

    # Do not echo the value: it may be a secret URL read from the environment.
    if not url.startswith(("http://", "https://")):
        raise ConfigError.said(
            "{source}: {key}: inte en http(s)-adress", source=str(source), key=key
        )
    try:
        host = httpx.URL(url).host
    except (httpx.InvalidURL, ValueError):
        host = ""
    if not host or any(c in url for c in " \t\r\n"):
        raise ConfigError.said(
            "{source}: {key}: inte en giltig http(s)-adress (ingen värd, eller mellanslag)",
            source=str(source),
            key=key,
        )
    return url


# RFC 9110: a header name is a token; a value is visible ASCII, spaces and tabs (httpx
# encodes headers as ASCII, and a line break would end the header).
_HEADER_NAME = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
_HEADER_VALUE = re.compile(r"^[\x20-\x7e\t]*$")


def _check_header(source: Path, key: str, name: str, value: str, *, secret: bool = False) -> None:
    if not _HEADER_NAME.match(name):
        raise ConfigError.said(
            "{source}: {key}: {name!r} är inte ett giltigt namn på ett HTTP-huvud",
            source=str(source),
            key=key,
            name=name,
        )
    if not _HEADER_VALUE.match(value):
        # A secret's value is never quoted: it is named "the value".
        shown: Phrase | str = THE_VALUE if secret else repr(value[:60])
        raise ConfigError.said(
            "{source}: {key}: {shown} har tecken som ett HTTP-huvud inte kan bära (bara "
            "skrivbar ASCII, inga radbrytningar)",
            source=str(source),
            key=key,
            shown=shown,
        )


def _check_signing_secret(source: Path, key: str, secret: str) -> None:
    try:
        secret_key(secret)
    except ValueError as exc:  # InvalidValue: said in each language
        why = exc.phrase if isinstance(exc, InvalidValue) else exc
        raise ConfigError.said(
            "{source}: {key}: {why}", source=str(source), key=key, why=why
        ) from None


def _build(name: str, cfg: Any, source: Path, environ: Mapping[str, str], limit: int) -> Channel:
    """The channel, with every setting checked now (naming the channel and the field), so
    that sending never meets a setting it cannot use."""
    channel = _build_unchecked(name, cfg, source, environ, limit)
    _dry_run(channel, source)
    return channel


def _dry_run(channel: Channel, source: Path) -> None:
    # The last guard: build one request for a sample message as httpx would send it; what the
    # field checks above missed is still reported here, naming the channel, never a traceback.
    import httpx

    sample = Envelope(
        id=0,
        key="check",
        kind="check",
        channel=channel.name,
        recipient="check@example.se",
        language="sv",
        subject="check",
        payload={},
        attempts=0,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    try:
        request = channel.build(sample, Rendered("check", "check", "<p>check</p>"), now=0)
        httpx.Request(request.method, request.url, headers=request.headers, content=request.body)
    except Exception as exc:  # any failure is a broken setting of this channel
        raise ConfigError.said(
            "{source}: channels.{name}: kan inte bygga en förfrågan med de här inställningarna "
            "({kind})",
            source=str(source),
            name=channel.name,
            kind=type(exc).__name__,
        ) from None


def _build_unchecked(
    name: str, cfg: Any, source: Path, environ: Mapping[str, str], limit: int
) -> Channel:
    prefix = f"channels.{name}"
    common: dict[str, Any] = {
        "timeouts": cfg.timeouts.to_timeouts() if cfg.timeouts else None,
        "max_concurrency": cfg.max_concurrency or limit,
    }
    if isinstance(cfg, WebhookConfig):
        if cfg.url_env:
            url = _secret(environ, source, f"{prefix}.url_env", cfg.url_env)
        else:
            url = cfg.url or ""
        url = _check_url(url, source, f"{prefix}.url")
        secret = _secret(environ, source, f"{prefix}.secret_env", cfg.secret_env)
        _check_signing_secret(source, f"{prefix}.secret_env ({cfg.secret_env})", secret)
        for header, value in cfg.headers.items():
            _check_header(source, f"{prefix}.headers.{header}", header, value)
        return WebhookChannel(name, url=url, secret=secret, headers=cfg.headers, **common)
    if isinstance(cfg, ChatConfig):
        url = _check_url(
            _secret(environ, source, f"{prefix}.url_env", cfg.url_env), source, f"{prefix}.url_env"
        )
        cls = TeamsChannel if cfg.type == "teams" else SlackChannel
        return cls(name, url=url, **common)
    endpoint = _check_url(
        cfg.endpoint or PRESET_ENDPOINTS[cfg.preset], source, f"{prefix}.endpoint"
    )
    token = _secret(environ, source, f"{prefix}.token_env", cfg.token_env)
    _check_header(source, f"{prefix}.auth_header", cfg.auth_header, "")
    _check_header(source, f"{prefix}.auth_scheme", "x", cfg.auth_scheme)
    _check_header(source, f"{prefix}.token_env ({cfg.token_env})", "x", f"{token}", secret=True)
    return MailChannel(
        name,
        preset=cfg.preset,
        endpoint=endpoint,
        token=token,
        sender=cfg.sender,
        reply_to=cfg.reply_to,
        auth_header=cfg.auth_header,
        auth_scheme=cfg.auth_scheme,
        message_stream=cfg.message_stream,
        **common,
    )
