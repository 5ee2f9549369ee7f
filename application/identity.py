"""Who is calling: passwords, web sessions, personal access tokens and the operator's shell.

- Passwords are argon2id hashes (pwdlib). Failed sign-ins are counted per account and per
  client address: from the third one each answer is slowed, at ``signin_max_failures`` the
  account or address is locked for ``signin_lock_minutes``. Unknown e-mail and wrong password
  get the same answer, after the same work (no enumeration of accounts).
- Web sessions are server-side rows keyed by the SHA-256 of a random id: idle and absolute
  timeouts, a new id at every sign-in (the one presented before is ended), ended at sign-out.
- Personal access tokens are shown once and stored as SHA-256 digests, with an expiry, and
  can be revoked; the audit trail names the token's id, never the token.
Nothing here logs a password, a session id or a token.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, Literal, cast

from pydantic import BaseModel, Field, SecretStr
from sqlalchemy import update
from sqlmodel import Session, col, select

from application.access import principal_of, require_action
from application.usecase import NoInput
from config.clock import now_utc
from config.settings import get_settings
from effects.account import credentials_changed
from lifecycle.errors import SIGN_IN_FIRST, Forbidden, InputError, NotAuthenticated, NotFound
from lifecycle.permissions import (
    SCOPE_API,
    SCOPE_CREDENTIALS,
    SCOPE_TOKENS,
    TOKEN_SCOPES,
    Action,
    Principal,
)
from lifecycle.vocabulary import Role
from models import AccessToken, LocalPassword, Person, SignInThrottle, WebSession
from models.base import as_utc
from models.db import read_scope, session_scope, write_if_free

log = logging.getLogger("lofte.identity")

TOKEN_PREFIX = "lofte_pat_"
SIGN_IN_REFUSED = (
    "fel e-postadress eller lösenord, eller så är inloggningen låst en stund; försök igen senare"
)
MIN_PASSWORD = 12
# How often a session's "last seen" and a token's "last used" are written (at most).
TOUCH_EVERY = timedelta(minutes=1)


def digest(secret: str) -> str:
    """The SHA-256 hex digest a session id or token is stored as."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _hasher() -> Any:
    from pwdlib import PasswordHash

    return PasswordHash.recommended()  # argon2id


# A real hash to verify against when the account does not exist: same work, same answer.
_DUMMY_HASH: str | None = None


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = _hasher().hash(secrets.token_urlsafe(16))
    return _DUMMY_HASH


def _person(session: Session, email: str) -> Person | None:
    return session.exec(select(Person).where(Person.email == email.strip().lower())).first()


# --- passwords ---------------------------------------------------------------------------------


def check_password_policy(email: str, password: str) -> None:
    """Refuse passwords that are too short or are the e-mail address (InputError says why)."""
    if len(password) < MIN_PASSWORD:
        raise InputError.said("lösenordet måste vara minst {n} tecken långt", n=MIN_PASSWORD)
    if len(password) > 1000:
        raise InputError.said("lösenordet får vara högst 1000 tecken långt")
    if password.strip().lower() in (email.lower(), email.split("@")[0].lower()):
        raise InputError.said("lösenordet får inte vara e-postadressen")


def hash_password(password: str) -> str:
    """The argon2id hash a password is stored as."""
    return str(_hasher().hash(password))


def set_password(
    session: Session, person: Person, password: str, *, must_change: bool = False
) -> None:
    """Store a new local password for ``person`` (as an argon2id hash) in the caller's session;
    ``must_change``: a one-time password the person must replace at their first sign-in."""
    check_password_policy(person.email, password)
    row = session.get(LocalPassword, person.id) or LocalPassword(
        person_id=person.id,  # type: ignore[arg-type]
        password_hash="",
    )
    row.password_hash, row.changed_at = hash_password(password), now_utc()
    row.must_change = must_change
    session.add(row)


def _principal(
    session: Session,
    person: Person,
    method: str,
    proof: str | None = None,
    *,
    session_key: str | None = None,
    scopes: frozenset[str] = frozenset(),
) -> Principal:
    """The principal, with what its credential adds: a token's scopes, the session it came
    from, and whether it signed in with a one-time password it must change first."""
    base = principal_of(session, person, method, proof)
    stored = session.get(LocalPassword, person.id) if method == "password" else None
    return replace(
        base,
        scopes=scopes,
        session_key=session_key,
        must_change_password=bool(stored and stored.must_change),
    )


def _throttle_keys(email: str, client: str) -> list[str]:
    # The account's key is a digest of what was typed: that may be a password put into the
    # e-mail field, and must not be stored as itself.
    return [f"account:{digest(email.strip().lower())}", f"address:{client}"]


def _locked(session: Session, keys: list[str], now: datetime) -> bool:
    for key in keys:
        row = session.get(SignInThrottle, key)
        if row and row.locked_until and as_utc(row.locked_until) > now:
            return True
    return False


def _count_failure(session: Session, keys: list[str], now: datetime) -> int:
    settings = get_settings()
    worst = 0
    for key in keys:
        row = session.get(SignInThrottle, key) or SignInThrottle(key=key, first_failure_at=now)
        if row.locked_until and as_utc(row.locked_until) <= now:
            row.failures, row.locked_until, row.first_failure_at = 0, None, now
        row.failures += 1
        if row.failures >= settings.signin_max_failures:
            row.locked_until = now + timedelta(minutes=settings.signin_lock_minutes)
        session.add(row)
        worst = max(worst, row.failures)
    return worst


def sign_in_with_password(
    email: str, password: str, client: str, previous_session: str | None = None
) -> tuple[str, Principal]:
    """Check the password and open a new web session; returns (session id, principal).

    Any session id presented before is ended (the id rotates at sign-in). Refused with one
    sentence that does not tell whether the account exists.
    """
    now = now_utc()
    if len(password) > 1000 or len(email) > 254:
        raise NotAuthenticated.said(SIGN_IN_REFUSED)
    keys = _throttle_keys(email, client)
    # Read, then hash outside any transaction: argon2id takes a while on purpose, and
    # SQLite's write lock must not be held meanwhile.
    with read_scope() as session:
        locked = _locked(session, keys, now)
        person = _person(session, email)
        stored = session.get(LocalPassword, person.id) if person else None
        hashed = stored.password_hash if stored else _dummy_hash()
        person_id = person.id if person and stored else None
    valid = _hasher().verify(password, hashed) and person_id is not None
    with session_scope() as session:
        if locked or not valid:
            failures = 0 if locked else _count_failure(session, keys, now)
            session.commit()
            if failures >= 3:
                time.sleep(min(0.25 * (failures - 2), 2.0))  # slow down guessing
            log.info("sign-in refused for an account (locked=%s)", locked)
            raise NotAuthenticated.said(SIGN_IN_REFUSED)
        for key in keys[:1]:  # a good password clears the account's count, not the address's
            row = session.get(SignInThrottle, key)
            if row:
                session.delete(row)
        person = session.get(Person, person_id)
        assert person is not None
        if previous_session:
            _end(session, previous_session, now)
        session_id = _open_session(session, person, "password", None, now)
        return session_id, _principal(session, person, "password", session_key=digest(session_id))


def _open_session(
    session: Session, person: Person, method: str, proof: str | None, now: datetime
) -> str:
    settings = get_settings()
    session_id = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            id=digest(session_id),
            person_id=person.id,  # type: ignore[arg-type]
            method=method,
            proof=proof,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(hours=settings.session_absolute_hours),
        )
    )
    return session_id


def open_session_for(person_id: int, method: str, proof: str | None) -> tuple[str, Principal]:
    """A new web session for a person proven another way (an OIDC provider)."""
    now = now_utc()
    with session_scope() as session:
        person = session.get(Person, person_id)
        if person is None:
            raise NotAuthenticated.said("ingen sådan person")
        session_id = _open_session(session, person, method, proof, now)
        return session_id, _principal(
            session, person, method, proof, session_key=digest(session_id)
        )


def _end(session: Session, session_id: str, now: datetime) -> None:
    row = session.get(WebSession, digest(session_id))
    if row is not None and row.ended_at is None:
        row.ended_at = now
        session.add(row)


def authenticate_session(session_id: str) -> Principal:
    """The person a session cookie belongs to, if the session is still alive.

    A read: it never waits for another writer. Ending an expired session and the "last seen"
    stamp are written only if the write lock is free at once (the timestamps decide anyway).
    """
    settings = get_settings()
    now = now_utc()
    key = digest(session_id)
    with read_scope() as session:
        row = session.get(WebSession, key)
        if row is None or row.ended_at is not None:
            raise NotAuthenticated.said("du är utloggad; logga in igen")
        idle = as_utc(row.last_seen_at) + timedelta(minutes=settings.session_idle_minutes)
        expired = now >= as_utc(row.expires_at) or now >= idle
        touch = not expired and now - as_utc(row.last_seen_at) >= TOUCH_EVERY
        person = session.get(Person, row.person_id)
        assert person is not None
        principal = _principal(session, person, row.method, row.proof, session_key=row.id)
    if expired:
        write_if_free(lambda s: _stamp_session(s, key, ended_at=now))
        raise NotAuthenticated.said("inloggningen har gått ut; logga in igen")
    if touch:  # not a write on every request
        write_if_free(lambda s: _stamp_session(s, key, last_seen_at=now))
    return principal


def _stamp_session(session: Session, key: str, **values: datetime) -> None:
    session.execute(
        update(WebSession)
        .where(col(WebSession.id) == key, col(WebSession.ended_at).is_(None))
        .values(**values)
    )


def sign_out(session_id: str) -> None:
    """End the session (the cookie no longer works, even if kept)."""
    with session_scope() as session:
        _end(session, session_id, now_utc())


# --- tokens ------------------------------------------------------------------------------------


def authenticate_bearer(token: str) -> Principal:
    """The person a personal access token belongs to, if it is valid, unexpired, unrevoked.

    A read: it never waits for another writer; the "last used" stamp is written only if the
    write lock is free at once.
    """
    now = now_utc()
    with read_scope() as session:
        row = session.exec(
            select(AccessToken).where(AccessToken.token_hash == digest(token))
        ).first()
        if row is None:
            raise NotAuthenticated.said("okänd åtkomstnyckel; skapa en med `lofte token create`")
        if row.revoked_at is not None:
            raise NotAuthenticated.said("åtkomstnyckel {id} är återkallad; skapa en ny", id=row.id)
        if as_utc(row.expires_at) <= now:
            raise NotAuthenticated.said(
                "åtkomstnyckel {id} gick ut {day}", id=row.id, day=f"{row.expires_at:%Y-%m-%d}"
            )
        token_id = row.id
        touch = row.last_used_at is None or now - as_utc(row.last_used_at) >= TOUCH_EVERY
        person = session.get(Person, row.person_id)
        assert person is not None
        scopes = frozenset(s for s in row.scopes.split(",") if s)
        principal = _principal(session, person, "token", f"token:{token_id}", scopes=scopes)
    if touch:
        write_if_free(
            lambda s: s.execute(
                update(AccessToken).where(col(AccessToken.id) == token_id).values(last_used_at=now)
            )
        )
    return principal


def operator_principal(email: str) -> Principal:
    """The registered person named on a server shell (``--actor``)."""
    return named_principal(email, "operator")


def named_principal(email: str, method: str, proof: str | None = None) -> Principal:
    """A registered person named by a trusted caller (an operator's shell, a Prefect
    deployment run), recorded with how they were named; checked like everyone else."""
    with read_scope() as session:
        person = _person(session, email)
        if person is None:
            raise NotAuthenticated.said(
                "{email} är inte en registrerad person; en administratör lägger till personer "
                "med `lofte person add`",
                email=email,
            )
        return principal_of(session, person, method, proof)


def _self_or_admin(principal: Principal | None, email: str) -> Principal:
    if principal is None:
        raise NotAuthenticated.said(SIGN_IN_FIRST)
    if principal.email != email.strip().lower():
        require_action(principal, Action.MANAGE_PEOPLE)
    return principal


def _end_credentials(
    session: Session,
    person_id: int,
    now: datetime,
    keep_session: str | None,
    keep_token: int | None,
) -> tuple[int, int]:
    """End every session and revoke every token of a person but the ones to keep (the caller's
    own); returns how many of each."""
    sessions = session.exec(
        select(WebSession).where(
            WebSession.person_id == person_id, col(WebSession.ended_at).is_(None)
        )
    ).all()
    ended = 0
    for row in sessions:
        if row.id != keep_session:
            row.ended_at, ended = now, ended + 1
            session.add(row)
    tokens = session.exec(
        select(AccessToken).where(
            AccessToken.person_id == person_id, col(AccessToken.revoked_at).is_(None)
        )
    ).all()
    revoked = 0
    for token in tokens:
        if token.id != keep_token:
            token.revoked_at, revoked = now, revoked + 1
            session.add(token)
    return ended, revoked


class PasswordRequest(BaseModel):
    """A new local password: your own (with the current one), or a one-time one an admin sets."""

    email: str = Field(max_length=254)
    # SecretStr: a refused value is never quoted back in a validation message or a log.
    password: SecretStr
    current_password: SecretStr | None = None


NO_CREDENTIALS_SCOPE = Forbidden.said(
    "Den här åtkomstnyckeln får inte byta lösenord; logga in, eller använd en nyckel som "
    "skapats för det (scope credentials).",
)


def _check_current_password(principal: Principal, current: SecretStr | None) -> None:
    """The current password must come with a change of one's own (not from the operator's
    shell on the server, which can open the database anyway); a wrong one counts as a failed
    sign-in and is throttled like one."""
    if principal.method in ("operator", "system"):
        return
    now = now_utc()
    keys = _throttle_keys(principal.email, "")[:1]
    with read_scope() as session:
        locked = _locked(session, keys, now)
        stored = session.get(LocalPassword, principal.person_id)
        hashed = stored.password_hash if stored else _dummy_hash()
    given = current.get_secret_value() if current is not None else ""
    if not given:
        raise InputError.said(
            "Ange ditt nuvarande lösenord också för att välja ett nytt."
            if stored
            else "du har inget lokalt lösenord att byta; en administratör kan sätta ett tillfälligt"
        )
    valid = len(given) <= 1000 and _hasher().verify(given, hashed) and stored is not None
    if locked or not valid:
        with session_scope() as session:
            if not locked:
                _count_failure(session, keys, now)
        raise Forbidden.said(
            "Det nuvarande lösenordet stämmer inte (eller så är kontot låst en stund).",
        )


class PasswordChanged(BaseModel):
    """A changed (or one-time) password and what it ended."""

    ok: bool = True
    email: str
    one_time: bool
    ended_sessions: int
    revoked_tokens: int


def change_password(principal: Principal | None, request: PasswordRequest) -> PasswordChanged:
    """Change your own password (with the current one), which ends every other session and
    token of yours; or, as an admin, set a one-time password the person must change at their
    first sign-in, which ends all of theirs. Either way the person is told, and the audit
    trail names who did it."""
    principal = _self_or_admin(principal, request.email)
    email = request.email.strip().lower()
    own = principal.email == email
    new = request.password.get_secret_value()
    check_password_policy(email, new)
    # Also an admin's token needs the scope to set someone's one-time password: else a leaked
    # admin token could set one and sign in as that person.
    if not principal.has_scope(SCOPE_CREDENTIALS):
        raise NO_CREDENTIALS_SCOPE
    if own:
        _check_current_password(principal, request.current_password)
        if request.current_password and request.current_password.get_secret_value() == new:
            raise InputError.said("välj ett nytt lösenord, inte det du har")
    now = now_utc()
    with session_scope() as session:
        person = _person(session, email)
        if person is None:
            raise NotFound.said("ingen person med e-postadressen {email}", email=request.email)
        set_password(session, person, new, must_change=not own)
        ended, revoked = _end_credentials(
            session,
            person.id,  # type: ignore[arg-type]
            now,
            principal.session_key if own else None,
            principal.token_id if own else None,
        )
        credentials_changed(
            session,
            actor=principal,
            person=person,
            event="password_changed" if own else "one_time_password",
            details={"ended_sessions": ended, "revoked_tokens": revoked},
        )
    log.info("password changed for a person (one-time=%s)", not own)
    return PasswordChanged(
        email=email, one_time=not own, ended_sessions=ended, revoked_tokens=revoked
    )


Scope = Literal["api", "tokens", "credentials"]


class TokenRequest(BaseModel):
    """A new personal access token: for yourself, or an admin's for a service account."""

    email: str = Field(max_length=254)
    days: int = Field(default=90, ge=1, le=365)
    name: str | None = Field(default=None, max_length=100)
    # What it may do besides the person's work ("api", always included).
    scopes: list[Scope] = Field(default_factory=lambda: [cast(Scope, SCOPE_API)], max_length=3)


class TokenInfo(BaseModel):
    """A personal access token as its owner (or an admin) sees it: never the secret."""

    id: int
    email: str
    name: str
    scopes: list[str]
    parent_id: int | None
    created_at: str
    expires_at: str
    revoked_at: str | None
    last_used_at: str | None

    @classmethod
    def of(cls, row: AccessToken, email: str) -> TokenInfo:
        """The token row as its owner sees it (times as ISO 8601)."""
        return cls(
            id=row.id or 0,
            email=email,
            name=row.name,
            scopes=row.scopes.split(","),
            parent_id=row.parent_id,
            created_at=row.created_at.isoformat(),
            expires_at=row.expires_at.isoformat(),
            revoked_at=row.revoked_at.isoformat() if row.revoked_at else None,
            last_used_at=row.last_used_at.isoformat() if row.last_used_at else None,
        )


class NewToken(TokenInfo):
    """A new token with its secret, shown in this answer only."""

    token: str


def create_token(principal: Principal | None, request: TokenRequest) -> NewToken:
    """A new token, shown only in this answer (stored as a digest). A person makes their own
    (from a token only if that token was made for it, and with no more scopes than it has);
    an admin makes them only for service accounts, audited as the admin."""
    principal = _self_or_admin(principal, request.email)
    if not principal.has_scope(SCOPE_TOKENS):
        raise Forbidden.said(
            "Den här åtkomstnyckeln får inte skapa nycklar; logga in, eller använd en nyckel "
            "som skapats för det (scope tokens).",
        )
    scopes = {SCOPE_API, *request.scopes}
    if principal.method == "token" and not scopes <= principal.scopes:
        raise Forbidden.said(
            "En nyckel kan inte ge en ny nyckel mer än den själv får.",
        )
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = now_utc()
    own = principal.email == request.email.strip().lower()
    with session_scope() as session:
        person = _person(session, request.email)
        if person is None:
            raise NotFound.said("ingen person med e-postadressen {email}", email=request.email)
        if not own and not person.service_account:
            raise Forbidden.said(
                "Administratörer skapar nycklar bara för tjänstekonton; en person skapar sina "
                "egna. Sätt ett tillfälligt lösenord om personen inte kommer in.",
            )
        row = AccessToken(
            person_id=person.id,  # type: ignore[arg-type]
            name=request.name or "",
            token_hash=digest(token),
            scopes=",".join(s for s in TOKEN_SCOPES if s in scopes),
            parent_id=principal.token_id,
            created_by_id=None if own else principal.person_id,
            created_at=now,
            expires_at=now + timedelta(days=request.days),
        )
        session.add(row)
        session.flush()
        if not own:
            credentials_changed(
                session,
                actor=principal,
                person=person,
                event="token_created",
                details={"token_id": row.id},
            )
        return NewToken(token=token, **TokenInfo.of(row, person.email).model_dump())


def list_tokens(principal: Principal | None, _request: NoInput) -> list[TokenInfo]:
    """Your tokens (admins: everyone's), never the secrets."""
    if principal is None:
        raise NotAuthenticated.said(SIGN_IN_FIRST)
    with read_scope() as session:
        query = select(AccessToken, Person).where(AccessToken.person_id == Person.id)
        if principal.role is not Role.ADMIN:
            query = query.where(AccessToken.person_id == principal.person_id)
        rows = session.exec(query.order_by(col(AccessToken.id))).all()
        return [TokenInfo.of(token, person.email) for token, person in rows]


class TokenRef(BaseModel):
    """One token, by id."""

    token_id: int = Field(ge=1, le=2**31 - 1)  # an INTEGER column


def _descendants(session: Session, token_id: int) -> list[AccessToken]:
    """Every token made (directly or not) with this one."""
    found: list[AccessToken] = []
    frontier = [token_id]
    while frontier:
        children = session.exec(
            select(AccessToken).where(col(AccessToken.parent_id).in_(frontier))
        ).all()
        found.extend(children)
        frontier = [c.id for c in children if c.id is not None]
    return found


class TokenRevoked(BaseModel):
    """A revoked token, and the tokens it had made (revoked with it)."""

    ok: bool = True
    id: int
    revoked_at: str | None
    also_revoked: list[int]


def revoke_token(principal: Principal | None, request: TokenRef) -> TokenRevoked:
    """Revoke a token at once, and every token it created: its owner or an admin."""
    if principal is None:
        raise NotAuthenticated.said(SIGN_IN_FIRST)
    now = now_utc()
    with session_scope() as session:
        row = session.get(AccessToken, request.token_id)
        if row is None:
            raise NotFound.said("ingen åtkomstnyckel med id {id}", id=request.token_id)
        if row.person_id != principal.person_id and principal.role is not Role.ADMIN:
            raise Forbidden.said(
                "Du kan bara återkalla dina egna nycklar.",
            )
        children = _descendants(session, request.token_id)
        for token in (row, *children):
            token.revoked_at = token.revoked_at or now
            session.add(token)
        return TokenRevoked(
            id=row.id or 0,
            revoked_at=as_utc(row.revoked_at).isoformat() if row.revoked_at else None,
            also_revoked=[c.id for c in children if c.id is not None],
        )


class Me(BaseModel):
    """Who is signed in, and how they were proven (``token:17``, a session, the operator)."""

    email: str
    name: str
    role: str | None
    organisation_id: int | None
    region: str | None
    method: str
    proof: str | None


def who_am_i(principal: Principal | None, _request: NoInput) -> Me:
    """Who you are signed in as, and how."""
    if principal is None:
        raise NotAuthenticated.said(SIGN_IN_FIRST)
    return Me(
        email=principal.email,
        name=principal.name,
        role=principal.role.value if principal.role else None,
        organisation_id=principal.organisation_id,
        region=principal.region_id,
        method=principal.method,
        proof=principal.proof,
    )
