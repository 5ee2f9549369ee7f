"""Runtime settings, read from ``LOFTE_*`` environment variables and an optional ``.env`` file.

Every setting has a default that works on a fresh machine: an SQLite file in the user's data
directory, Prefect's ephemeral mode, Swedish time and language.
"""

from __future__ import annotations

import ipaddress
import re
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from config.defaults import API_HOST, API_PORT, LANGUAGE, default_data_dir
from config.errors import ConfigError, problems  # ConfigError imported from here throughout
from lifecycle.errors import field_path
from lifecycle.i18n import Given, InvalidValue


class Settings(BaseSettings):
    """All of Löfte's settings. Environment variables are the field names prefixed ``LOFTE_``."""

    model_config = SettingsConfigDict(
        env_prefix="LOFTE_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str = ""
    timezone: str = "Europe/Stockholm"
    language: Literal["sv", "en"] = LANGUAGE
    # Where `lofte serve` listens, and where the CLI looks for a running service.
    api_host: str = API_HOST
    api_port: int = Field(default=API_PORT, ge=1, le=65535)
    api_url: str = ""
    # The address residents reach the public pages at, for links in their e-mail
    # (default: the service's own address).
    public_url: str = ""
    # A production installation (deploy/lofte.env.example): `lofte serve` refuses to start
    # without LOFTE_PUBLIC_URL, since links and feed ids must never come from a Host header.
    production: bool = False
    # The date in the public pages' tag URIs (RFC 4151: a day the installation held its public
    # host name): Atom entry ids are tag:HOST,DATE:... and must never change once published.
    public_tag_date: str = "2026"
    # Who runs this installation and how residents reach them (the accessibility statement,
    # law 2018:1937, and the page on personal data): an organisation's name and a functional
    # mailbox, phone or web form, never an issue tracker; and when the statement was reviewed.
    operator_name: str = Field(default="", max_length=200)
    operator_contact: str = Field(default="", max_length=300)
    accessibility_reviewed: date = date(2026, 12, 2)
    # Counts under this are shown to the public as "färre än N" (as official statistics do),
    # so a small group of people cannot be picked out; 0 shows every count.
    public_min_count: int = Field(default=5, ge=0, le=1000)
    # Mail with no mail channel configured: "auto" delivers it to the local mailbox (a page for
    # the operator, /admin/lokal-post, like a development mail catcher) when no channels file is
    # configured and the database is the embedded default; "on" always, "off" never (then it
    # waits in the outbox until a channel is configured). docs/notifications.md.
    local_mailbox: Literal["auto", "on", "off"] = "auto"
    # Run the CLI through a running `lofte serve` when one answers (falls back to in-process).
    use_service: bool = True
    # Sign-in: web sessions end after this long unused, and after this long at all.
    session_idle_minutes: int = Field(default=30, ge=1, le=24 * 60)
    session_absolute_hours: int = Field(default=10, ge=1, le=24 * 7)
    # The session cookie only over HTTPS; unset: when the public address is https://.
    cookie_secure: bool | None = None
    # Addresses (or networks, CIDR) of the reverse proxies whose X-Forwarded-For and
    # X-Forwarded-Proto are believed, comma-separated; none by default (deploy/nginx-lofte.conf).
    trusted_proxies: str = ""
    # Failed sign-ins per account and per address: slowed from the third, locked at the max.
    signin_max_failures: int = Field(default=5, ge=2, le=100)
    signin_lock_minutes: int = Field(default=15, ge=1, le=24 * 60)
    # How long a write waits for another writer's lock (SQLite's write lock, a PostgreSQL
    # row lock) before it gives up with "busy, try again" (HTTP 503 with Retry-After). Reads
    # never wait for a writer, and checking a token or a session needs no write at all.
    lock_wait_seconds: float = Field(default=5.0, ge=0, le=300)
    # OpenID Connect providers (config/oidc.example.yaml); none configured: passwords only.
    oidc_file: Path | None = None
    # Organisation logos for the documents (docs/configuration.md): a directory of
    # <organisation>.png, .jpg or .svg files (none shipped; without one, no logo).
    logo_dir: Path | None = None
    # Freeze "now" for the reminder scan and reports ("what would be sent on this day?").
    now: datetime | None = None

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise InvalidValue(
                "okänd tidszon {value!r}; ange ett IANA-namn som Europe/Stockholm", value=value
            ) from exc
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxy_networks(cls, value: str) -> str:
        for part in (p.strip() for p in value.split(",")):
            if part:
                try:
                    ipaddress.ip_network(part, strict=False)
                except ValueError as exc:
                    raise InvalidValue(
                        "{part!r} är inte en IP-adress eller ett nät; ange proxyernas adresser, "
                        "till exempel 127.0.0.1,10.0.0.0/24",
                        part=part,
                    ) from exc
        return value

    @property
    def proxy_networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        """The trusted proxies as networks (a single address is a /32 or /128)."""
        return [
            ipaddress.ip_network(p.strip(), strict=False)
            for p in self.trusted_proxies.split(",")
            if p.strip()
        ]

    @field_validator("public_url")
    @classmethod
    def _public_address(cls, value: str) -> str:
        if value and not re.match(r"^https?://[^/\s?#]+(/[^\s?#]*)?$", value):
            raise InvalidValue(
                "{value!r} är inte en adress som invånare kan öppna; ange https://VÄRD eller "
                "https://VÄRD/SÖKVÄG (utan frågedel)",
                value=value,
            )
        return value

    @field_validator("public_tag_date")
    @classmethod
    def _tag_date(cls, value: str) -> str:
        if not re.match(r"^\d{4}(-\d{2}(-\d{2})?)?$", value):
            raise InvalidValue(
                "{value!r} är inget datum: skriv till exempel 2026 eller 2026-01-01 (RFC 4151)",
                value=value,
            )
        return value

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str) -> str:
        if value and not value.startswith(("sqlite", "postgresql")):
            raise InvalidValue(
                "databasadressen {value!r} stöds inte; ange sqlite:///SÖKVÄG eller "
                "postgresql+psycopg://ANVÄNDARE@VÄRD:PORT/DB",
                value=value,
            )
        return value

    @property
    def effective_database_url(self) -> str:
        """The database URL to use: the configured one, or the embedded SQLite file."""
        if self.database_url:
            url = self.database_url
            if url.startswith("postgresql://"):
                # SQLAlchemy would pick psycopg2, which we do not ship; psycopg 3 is the driver.
                url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
            return url
        return f"sqlite:///{self.data_dir / 'lofte.db'}"

    @property
    def service_url(self) -> str:
        """Base URL of the `lofte serve` HTTP API."""
        return self.api_url or f"http://{self.api_host}:{self.api_port}"

    @property
    def public_base_url(self) -> str:
        """Where links in messages to residents point: ``public_url``, else the service."""
        return (self.public_url or self.service_url).rstrip("/")

    @property
    def https(self) -> bool:
        """Whether people reach the installation over HTTPS (its public address says so)."""
        return self.public_base_url.lower().startswith("https://")

    @property
    def secure_cookies(self) -> bool:
        """Cookies only over HTTPS: ``cookie_secure`` if set, else from the public address."""
        return self.https if self.cookie_secure is None else self.cookie_secure

    @property
    def tz(self) -> ZoneInfo:
        """The configured time zone as a ZoneInfo."""
        return ZoneInfo(self.timezone)


def mask_url_password(text: str) -> str:
    """``postgresql://lofte:s3cret@db/lofte`` → ``postgresql://lofte:***@db/lofte``."""
    return re.sub(r"(://[^:/@\s]+:)[^@\s]+@", r"\1***@", text)


def _describe(exc: ValidationError) -> Given:
    return problems(
        exc,
        lambda loc: "LOFTE_" + field_path(loc, "_").upper(),
        # A URL's password never reaches a message or a log.
        lambda given: mask_url_password(repr(given)),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Load settings once per process; a broken value raises ConfigError naming the key."""
    try:
        return Settings()
    except ValidationError as exc:
        raise ConfigError.said(
            "ogiltig inställning i miljön / .env: {problems}", problems=_describe(exc)
        ) from exc


def reset_settings() -> None:
    """Forget cached settings (tests change the environment between cases)."""
    get_settings.cache_clear()
    from config.client import client_settings

    client_settings.cache_clear()
