"""Where residents reach the public pages, and the ids built from it (never from a request).

Links in feeds, the sitemap and messages to residents, Atom entry ids (RFC 4151 tag URIs) and
iCalendar UIDs all come from ``LOFTE_PUBLIC_URL``: a forged ``Host`` header changes none of
them, so a shared cache cannot be poisoned, and two installations never share an id.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from config.errors import ConfigError
from config.settings import Settings, get_settings
from lifecycle.i18n import Phrase


def public_base() -> str:
    """The public pages' base address, without a trailing slash."""
    return get_settings().public_base_url


def public_host() -> str:
    """The public host name (``lofte.polisen.example``), for tag URIs and calendar UIDs."""
    return (urlsplit(public_base()).hostname or "localhost").lower()


def tag_uri(specific: str) -> str:
    """A globally unique, stable id: ``tag:HOST,DATE:SPECIFIC`` (RFC 4151)."""
    return f"tag:{public_host()},{get_settings().public_tag_date}:{specific}"


def check_public_url(settings: Settings) -> list[Phrase]:
    """Refuse a production installation without a public address (ConfigError); warnings
    (each a sentence to say in either language) when the address is not https (one-click
    unsubscribe, RFC 8058, needs https) and when a production installation does not say who
    runs it."""
    if settings.production and not settings.public_url:
        raise ConfigError.said(
            "LOFTE_PRODUCTION är satt men inte LOFTE_PUBLIC_URL: ange adressen där invånarna "
            "når de publika sidorna (https://VÄRD), så att länkar och flödens id aldrig kommer "
            "från en förfrågans Host-huvud"
        )
    warnings = []
    if urlsplit(settings.public_base_url).scheme != "https":
        warnings.append(
            Phrase(
                "LOFTE_PUBLIC_URL {url!r} är inte https: avregistrering med ett klick (RFC 8058) "
                "och invånarnas förtroende kräver https framför de publika sidorna",
                {"url": settings.public_base_url},
            )
        )
    if settings.production and not (settings.operator_name and settings.operator_contact):
        warnings.append(
            Phrase(
                "LOFTE_OPERATOR_NAME och LOFTE_OPERATOR_CONTACT är inte båda satta: "
                "tillgänglighetsredogörelsen och sidan om personuppgifter kan inte säga vem som "
                "driver tjänsten"
            )
        )
    return warnings
