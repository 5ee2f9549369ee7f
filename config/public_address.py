"""Where residents reach the public pages, and the ids built from it (never from a request).

Links in feeds, the sitemap and messages to residents, Atom entry ids (RFC 4151 tag URIs) and
iCalendar UIDs all come from ``LOFTE_PUBLIC_URL``: a forged ``Host`` header changes none of
them, so a shared cache cannot be poisoned, and two installations never share an id.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from config.errors import ConfigError
from config.settings import Settings, get_settings


def public_base() -> str:
    """The public pages' base address, without a trailing slash."""
    return get_settings().public_base_url


def public_host() -> str:
    """The public host name (``lofte.polisen.example``), for tag URIs and calendar UIDs."""
    return (urlsplit(public_base()).hostname or "localhost").lower()


def tag_uri(specific: str) -> str:
    """A globally unique, stable id: ``tag:HOST,DATE:SPECIFIC`` (RFC 4151)."""
    return f"tag:{public_host()},{get_settings().public_tag_date}:{specific}"


def check_public_url(settings: Settings) -> list[str]:
    """Refuse a production installation without a public address (ConfigError); warnings
    when the address is not https (one-click unsubscribe, RFC 8058, needs https) and when a
    production installation does not say who runs it."""
    if settings.production and not settings.public_url:
        raise ConfigError(
            "LOFTE_PRODUCTION is set but LOFTE_PUBLIC_URL is not: set it to the address "
            "residents reach the public pages at (https://HOST), so links and feed ids never "
            "come from a request's Host header"
        )
    warnings = []
    if urlsplit(settings.public_base_url).scheme != "https":
        warnings.append(
            f"LOFTE_PUBLIC_URL {settings.public_base_url!r} is not https: one-click unsubscribe "
            "(RFC 8058) and residents' trust need https in front of the public pages"
        )
    if settings.production and not (settings.operator_name and settings.operator_contact):
        warnings.append(
            "LOFTE_OPERATOR_NAME and LOFTE_OPERATOR_CONTACT are not both set: the accessibility "
            "statement and the page on personal data cannot name who runs the service"
        )
    return warnings
