"""Signing in through an organisation's identity provider (OpenID Connect, with Authlib).

Each provider in the OIDC file is bound to the organisations it may vouch for, and maps its
claims to a person: which claim is the e-mail, the name, the role (through a table of claim
values), and (when it is bound to several) the organisation. A provider can never make
someone a member of an organisation it is not bound to: such a sign-in grants nothing.
Example: config/oidc.example.yaml; docs/security.md explains the choices.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import time
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any

import httpx
from pydantic import BaseModel, Field, ValidationError
from sqlmodel import Session, select

from config.errors import ConfigError, problems
from config.files import read_yaml_mapping
from config.operator_key import ensure_operator_key
from config.settings import get_settings
from lifecycle.errors import NotAuthenticated, NotFound, field_path
from lifecycle.i18n import NONE
from lifecycle.safe_text import strip_invisible
from lifecycle.vocabulary import OrganisationKind, Role
from models import OidcIdentity, Organisation, Person
from models.db import session_scope


class BoundOrganisation(BaseModel):
    """An organisation a provider may vouch for."""

    region: str
    name: str
    kind: OrganisationKind | None = None


class ClaimMapping(BaseModel):
    """Which claims say who someone is, and which role a claim value gives."""

    email: str = "email"
    name: str = "name"
    role: str = "roles"
    organisation: str | None = None
    roles: dict[str, Role] = Field(default_factory=dict)
    default_role: Role | None = None


class Provider(BaseModel):
    """One identity provider (Entra ID, ADFS, a Freja eID broker ...)."""

    name: str
    label: str
    issuer: str
    client_id: str
    client_secret_env: str
    scopes: list[str] = Field(default_factory=lambda: ["openid", "email", "profile"])
    organisations: list[BoundOrganisation] = Field(min_length=1)
    claims: ClaimMapping = Field(default_factory=ClaimMapping)

    @property
    def client_secret(self) -> str:
        """The client secret, from the environment variable the file names (never the file)."""
        return os.environ.get(self.client_secret_env, "")


class _File(BaseModel):
    providers: dict[str, dict[str, Any]] = Field(default_factory=dict)


@lru_cache(maxsize=4)
def _load(path: str) -> dict[str, Provider]:
    source = Path(path)
    try:
        parsed = _File.model_validate(read_yaml_mapping(source))
        return {
            name: Provider.model_validate({"name": name, **entry})
            for name, entry in parsed.providers.items()
        }
    except ValidationError as exc:
        said = problems(exc, field_path, lambda _: "")
        raise ConfigError.said("{source}: {problems}", source=str(source), problems=said) from None


def providers() -> dict[str, Provider]:
    """The configured providers (none when no OIDC file is set)."""
    path = get_settings().oidc_file
    return _load(str(path)) if path else {}


def provider(name: str) -> Provider:
    """One configured provider, or NotFound naming the configured ones."""
    found = providers().get(name)
    if found is None:
        raise NotFound.said(
            "ingen inloggningstjänst {name!r}; konfigurerade: {known}",
            name=name,
            known=", ".join(providers()) or NONE,
        )
    return found


@lru_cache(maxsize=16)
def _discovery(issuer: str) -> dict[str, Any]:
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        response = httpx.get(url, timeout=10)
        response.raise_for_status()
        return response.json()  # type: ignore[no-any-return]
    except (httpx.HTTPError, ValueError) as exc:
        raise NotAuthenticated.said(
            "inloggningstjänsten {issuer} går inte att nå: {exc}", issuer=issuer, exc=exc
        ) from None


def _client(config: Provider, callback: str) -> Any:
    from authlib.integrations.httpx_client import OAuth2Client

    return OAuth2Client(
        client_id=config.client_id,
        client_secret=config.client_secret,
        scope=" ".join(config.scopes),
        redirect_uri=callback,
        code_challenge_method="S256",
        timeout=10,
    )


def authorization_url(
    config: Provider, callback: str, state: str, nonce: str, verifier: str
) -> str:
    """Where to send the browser: the provider's authorization endpoint, with PKCE."""
    endpoint = _discovery(config.issuer)["authorization_endpoint"]
    with _client(config, callback) as client:
        url, _ = client.create_authorization_url(
            endpoint, state=state, nonce=nonce, code_verifier=verifier
        )
    return str(url)


def _id_token_claims(config: Provider, id_token: str, nonce: str) -> dict[str, Any]:
    # joserfc, not authlib.jose: Authlib deprecates its own JOSE module in favour of it.
    from joserfc import jwt
    from joserfc.errors import JoseError
    from joserfc.jwk import KeySet

    meta = _discovery(config.issuer)
    try:
        keys = KeySet.import_key_set(httpx.get(meta["jwks_uri"], timeout=10).json())
        token = jwt.decode(id_token, keys)
        jwt.JWTClaimsRegistry(
            now=int(time.time()),
            leeway=60,
            iss={"essential": True, "value": meta.get("issuer", config.issuer)},
            aud={"essential": True, "value": config.client_id},
            exp={"essential": True},
            nonce={"essential": True, "value": nonce},
        ).validate(token.claims)
    except (JoseError, httpx.HTTPError, ValueError, KeyError) as exc:
        raise NotAuthenticated.said("tjänstens ID-token godtogs inte: {exc}", exc=exc) from None
    return dict(token.claims)


def complete_sign_in(
    config: Provider, code: str, callback: str, nonce: str, verifier: str
) -> tuple[int, str]:
    """Exchange the code, check the ID token, map its claims; returns (person id, issuer)."""
    if not code:
        raise NotAuthenticated.said(
            "tjänsten skickade ingen auktoriseringskod; inloggningen avbröts"
        )
    token_endpoint = _discovery(config.issuer)["token_endpoint"]
    try:
        with _client(config, callback) as client:
            token = client.fetch_token(token_endpoint, code=code, code_verifier=verifier)
    except Exception as exc:  # Authlib raises several kinds; all mean "no"
        raise NotAuthenticated.said(
            "tjänsten nekade inloggningen: {why}", why=type(exc).__name__
        ) from None
    claims = _id_token_claims(config, str(token.get("id_token", "")), nonce)
    return map_claims(config, claims), config.issuer


def _organisation(session: Session, config: Provider, claims: dict[str, Any]) -> Organisation:
    wanted = None
    if config.claims.organisation:
        wanted = str(claims.get(config.claims.organisation, "")).strip().casefold()
    bound = [
        b for b in config.organisations if wanted is None or b.name.strip().casefold() == wanted
    ]
    if wanted is not None and not bound:
        raise NotAuthenticated.said(
            "{label} får inte gå i god för organisationen {wanted!r}",
            label=config.label,
            wanted=wanted,
        )
    if len(bound) != 1:
        raise NotAuthenticated.said(
            "{label} går i god för flera organisationer; säg vilken", label=config.label
        )
    target = bound[0]
    for org in session.exec(select(Organisation).where(Organisation.region_id == target.region)):
        if org.name.casefold() == target.name.strip().casefold() and (
            target.kind is None or org.kind is target.kind
        ):
            return org
    raise NotAuthenticated.said(
        "organisationen {name!r} är inte registrerad i Löfte", name=target.name
    )


def _verified(claims: dict[str, Any]) -> bool:
    """Whether the provider says it has verified the e-mail address (OIDC ``email_verified``;
    some providers send the string "true")."""
    value = claims.get("email_verified")
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def map_claims(config: Provider, claims: dict[str, Any]) -> int:
    """The person an ID token's claims describe (created or updated); their id.

    A person is bound to the provider's (issuer, subject) at their first sign-in, and found by
    it ever after: a changed e-mail claim cannot move the sign-in to someone else. The first
    sign-in matches by e-mail only if the provider has verified the address
    (``email_verified``). Refused when the claims name no subject, no e-mail, no role Löfte
    knows, or an organisation the provider is not bound to, or when the person belongs to
    another organisation or is already bound to another subject of this provider.
    """
    subject = str(claims.get("sub", "")).strip()
    if not subject:
        raise NotAuthenticated.said(
            "{label} skickade inget subjekt (sub) för personen", label=config.label
        )
    email = str(claims.get(config.claims.email, "")).strip().lower()
    raw_roles = claims.get(config.claims.role, [])
    values = raw_roles if isinstance(raw_roles, list) else [raw_roles]
    mapped = [config.claims.roles[v] for v in map(str, values) if v in config.claims.roles]
    role = mapped[0] if mapped else config.claims.default_role
    with session_scope() as session:
        org = _organisation(session, config, claims)
        link = session.exec(
            select(OidcIdentity).where(
                OidcIdentity.issuer == config.issuer, OidcIdentity.subject == subject
            )
        ).first()
        if link is not None:
            person = session.get(Person, link.person_id)
        else:
            if "@" not in email:
                raise NotAuthenticated.said(
                    "{label} skickade ingen e-postadress ({claim})",
                    label=config.label,
                    claim=config.claims.email,
                )
            if not _verified(claims):
                raise NotAuthenticated.said(
                    "{label} har inte verifierat {email}. En första inloggning kräver en verifierad adress.",
                    label=config.label,
                    email=email,
                )
            person = session.exec(select(Person).where(Person.email == email)).first()
            if (
                person is not None
                and session.exec(
                    select(OidcIdentity).where(
                        OidcIdentity.issuer == config.issuer, OidcIdentity.person_id == person.id
                    )
                ).first()
            ):
                raise NotAuthenticated.said(
                    "{email} är redan knuten till ett annat konto hos {label}",
                    email=email,
                    label=config.label,
                )
        if role is None or role is Role.ADMIN:
            raise NotAuthenticated.said(
                "{label} ger {who} ingen roll i Löfte", label=config.label, who=email or subject
            )
        # A person of no organisation (an installation admin) is nobody's to vouch for: else
        # any bound provider could link its user to the admin's row and re-role it.
        if person is not None and person.organisation_id != org.id:
            raise NotAuthenticated.said(
                "{email} hör till en annan organisation, som {label} inte får gå i god för",
                email=person.email,
                label=config.label,
            )
        person = person or Person(email=email, name=email, role=role)
        named = strip_invisible(str(claims.get(config.claims.name) or person.name))
        person.name = unicodedata.normalize("NFC", named)[:200]
        person.role, person.organisation_id = role, org.id
        session.add(person)
        session.flush()
        assert person.id is not None
        if link is None:
            session.add(OidcIdentity(issuer=config.issuer, subject=subject, person_id=person.id))
        return person.id


def _state_key() -> bytes:
    return hashlib.sha256(("oidc-state:" + ensure_operator_key()).encode()).digest()


def seal(data: dict[str, str]) -> str:
    """The sign-in's state for its cookie, signed (the browser cannot change it)."""
    body = base64.urlsafe_b64encode(json.dumps(data).encode()).decode()
    mac = hmac.new(_state_key(), body.encode(), hashlib.sha256).hexdigest()
    return f"{body}.{mac}"


def unseal(value: str) -> dict[str, Any]:
    """The state sealed by ``seal``, or NotAuthenticated if it is missing or tampered with."""
    body, _, mac = value.rpartition(".")
    expected = hmac.new(_state_key(), body.encode(), hashlib.sha256).hexdigest()
    if not body or not hmac.compare_digest(mac, expected):
        raise NotAuthenticated.said(
            "inloggningen tog för lång tid eller kom från annat håll; försök igen"
        )
    return json.loads(base64.urlsafe_b64decode(body))  # type: ignore[no-any-return]
