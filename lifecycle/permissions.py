"""Who may do what: the permission matrix as pure rules (docs/security.md shows it as a table).

The application layer builds a ``Principal`` (who is acting, proven how) and a ``Target``
(the promise's parties and region, or a region) from the database and asks ``decide``; this
module never touches the database, so the whole matrix can be tested exhaustively.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from lifecycle.i18n import Phrase
from lifecycle.vocabulary import Party, Role


class Action(StrEnum):
    """Everything a person can ask Löfte to do, as far as permissions are concerned."""

    READ_PROMISE = "read_promise"
    EXPORT_PROMISE = "export_promise"
    CREATE_PROMISE = "create_promise"
    CREATE_AGREEMENT = "create_agreement"
    RECORD_ARTEFACT = "record_artefact"
    SUBMIT_ROUND = "submit_round"
    ADVANCE = "advance"
    SEND_BACK = "send_back"
    SIGN_OFF = "sign_off"
    APPROVE_COMPILATION = "approve_compilation"
    OPEN_NEXT_CYCLE = "open_next_cycle"
    CHANGE_CALENDAR = "change_calendar"
    READ_REGION = "read_region"
    SEND_STATUS_REPORT = "send_status_report"
    RUN_REMINDERS = "run_reminders"
    MANAGE_PEOPLE = "manage_people"
    MANAGE_OWN_TOKENS = "manage_own_tokens"
    MANAGE_OUTBOX = "manage_outbox"
    IMPORT_SURVEY = "import_survey"


# Actions on one promise that change it: a coordinator or steering group member of either
# party may do them; nobody else, whatever their role.
PROMISE_WRITES = frozenset(
    {
        Action.RECORD_ARTEFACT,
        Action.SUBMIT_ROUND,
        Action.ADVANCE,
        Action.SEND_BACK,
        Action.OPEN_NEXT_CYCLE,
        Action.CHANGE_CALENDAR,
    }
)
PROMISE_READS = frozenset({Action.READ_PROMISE, Action.EXPORT_PROMISE})
PARTY_ROLES = frozenset({Role.COORDINATOR, Role.STEERING_GROUP})

# Words for the right that is missing, in Swedish and English (the refusal names it).
# The right each action needs, as a sentence names it (Swedish; the English is in the catalogue).
RIGHTS: dict[Action, str] = {
    Action.READ_PROMISE: "läsa löftet",
    Action.EXPORT_PROMISE: "exportera löftet",
    Action.CREATE_PROMISE: "skapa löften för parten",
    Action.CREATE_AGREEMENT: "skapa överenskommelser för parten",
    Action.RECORD_ARTEFACT: "registrera underlag i löftet",
    Action.SUBMIT_ROUND: "lämna in uppföljningar i löftet",
    Action.ADVANCE: "flytta löftet till nästa steg",
    Action.SEND_BACK: "skicka tillbaka löftet",
    Action.SIGN_OFF: "skriva under för parten",
    Action.APPROVE_COMPILATION: "godkänna årssammanställningen",
    Action.OPEN_NEXT_CYCLE: "öppna nästa cykel",
    Action.CHANGE_CALENDAR: "ändra löftets kalender",
    Action.READ_REGION: "läsa polisregionens översikt",
    Action.SEND_STATUS_REPORT: "skicka polisregionens lägesrapport",
    Action.IMPORT_SURVEY: "läsa in polisregionens trygghetsmätning",
    Action.RUN_REMINDERS: "köra schemalagda körningar (påminnelser, förnyelse)",
    Action.MANAGE_PEOPLE: "hantera personer och konton",
    Action.MANAGE_OWN_TOKENS: "hantera egna åtkomstnycklar",
    Action.MANAGE_OUTBOX: "hantera utskickskön",
}


# What a personal access token may do. Every token may do the person's work ("api"); only a
# token made for it may create tokens ("tokens") or change the password ("credentials"), so a
# leaked token cannot breed new ones or lock its owner out.
SCOPE_API = "api"
SCOPE_TOKENS = "tokens"
SCOPE_CREDENTIALS = "credentials"
TOKEN_SCOPES = (SCOPE_API, SCOPE_TOKENS, SCOPE_CREDENTIALS)


@dataclass(frozen=True)
class Principal:
    """An authenticated person (or the system itself), and how that was proven.

    ``method`` is ``password``, ``oidc``, ``token``, ``operator`` (a shell on the server naming
    a registered person) or ``system`` (scheduled jobs); ``proof`` is what was checked: the
    OIDC issuer, the token's id, never a secret.
    """

    person_id: int | None
    email: str
    name: str
    role: Role | None
    organisation_id: int | None
    region_id: str | None
    method: str
    proof: str | None = None
    # A token's scopes (TOKEN_SCOPES); empty for every other credential.
    scopes: frozenset[str] = frozenset()
    # The digest of the web session this came from, so a password change can end every other
    # one (a digest, not the cookie's secret; kept out of repr all the same).
    session_key: str | None = field(default=None, repr=False)
    # Signed in with a one-time password an admin set: only choosing a new one is allowed.
    must_change_password: bool = False

    @property
    def token_id(self) -> int | None:
        """The id of the token this principal was proven by, if any."""
        if self.method == "token" and self.proof and self.proof.startswith("token:"):
            return int(self.proof.removeprefix("token:"))
        return None

    def has_scope(self, scope: str) -> bool:
        """Whether the credential allows ``scope``: a token only if made for it; a person
        signed in (password, OIDC) or an operator's shell always."""
        return self.method != "token" or scope in self.scopes

    @property
    def is_system(self) -> bool:
        """Whether this is Löfte itself (scheduled jobs), not a person."""
        return self.method == "system"

    def audit_label(self) -> str:
        """How the audit trail records who did it: the e-mail and how it was proven."""
        how = f"{self.method}:{self.proof}" if self.proof else self.method
        return f"{self.email} ({how})"


def system_principal(email: str = "system@lofte.local", name: str = "Löfte") -> Principal:
    """Löfte itself (scheduled jobs, the demo loader), recorded under ``email``."""
    return Principal(None, email, name, None, None, None, "system")


SYSTEM = system_principal()


@dataclass(frozen=True)
class Target:
    """What an action is about: a promise (its two parties and region), or a region.

    ``party_organisations`` maps each party of the promise to its organisations (one, or two
    LPOs for a city district split between two police areas); ``party`` is the party a
    sign-off is for and ``signer`` the organisation of that party that signs.
    """

    region_id: str | None = None
    party_organisations: dict[Party, frozenset[int]] = field(default_factory=dict)
    party: Party | None = None
    signer: int | None = None


class Denied(Phrase):
    """Why an action is not permitted: the missing right, one sentence said in either language."""


# Why a right is missing here, when it is not simply missing (Swedish; English in the catalogue).
WHERE = {
    "party": "din organisation är inte part i löftet",
    "own_party": "bara för din egen part",
    "region": "en annan polisregion",
}


def _denied(action: Action, where: str = "") -> Denied:
    right = Phrase(RIGHTS[action])
    if not where:
        return Denied("Du saknar rätt att {right}.", {"right": right})
    return Denied(
        "Du saknar rätt att {right} ({where}).", {"right": right, "where": Phrase(WHERE[where])}
    )


def decide(principal: Principal, action: Action, target: Target | None = None) -> Denied | None:
    """``None`` if ``principal`` may do ``action`` on ``target``; else the missing right."""
    target = target or Target()
    if principal.is_system:
        return None  # scheduled jobs act for the installation
    role = principal.role
    own_parties = {
        party
        for party, orgs in target.party_organisations.items()
        if principal.organisation_id in orgs
    }
    if action in PROMISE_READS:
        if role in PARTY_ROLES and own_parties:
            return None
        if role is Role.REGIONAL_COORDINATOR and principal.region_id == target.region_id:
            return None
        return _denied(
            action,
            "party"
            if role in PARTY_ROLES
            else "region"
            if role is Role.REGIONAL_COORDINATOR
            else "",
        )
    if action in PROMISE_WRITES or action in (Action.CREATE_PROMISE, Action.CREATE_AGREEMENT):
        if role in PARTY_ROLES and own_parties:
            return None
        return _denied(action, "party" if role in PARTY_ROLES else "")
    if action is Action.SIGN_OFF:
        # each organisation of a party signs for itself: LPO Globen's chief not for LPO Farsta
        own_signer = target.signer is None or target.signer == principal.organisation_id
        if role is Role.STEERING_GROUP and target.party in own_parties and own_signer:
            return None
        return _denied(action, "own_party" if role is Role.STEERING_GROUP else "")
    if action is Action.APPROVE_COMPILATION:
        if role is Role.STEERING_GROUP and own_parties:
            return None
        return _denied(action, "party" if role is Role.STEERING_GROUP else "")
    if action is Action.READ_REGION:
        if role is Role.REGIONAL_COORDINATOR and principal.region_id == target.region_id:
            return None
        return _denied(action, "region" if role is Role.REGIONAL_COORDINATOR else "")
    if action in (Action.SEND_STATUS_REPORT, Action.IMPORT_SURVEY):
        if role is Role.ADMIN:
            return None
        if role is Role.REGIONAL_COORDINATOR and target.region_id == principal.region_id:
            return None
        return _denied(action, "region" if role is Role.REGIONAL_COORDINATOR else "")
    if action in (Action.RUN_REMINDERS, Action.MANAGE_PEOPLE, Action.MANAGE_OUTBOX):
        return None if role is Role.ADMIN else _denied(action)
    if action is Action.MANAGE_OWN_TOKENS:
        return None if principal.person_id is not None else _denied(action)
    return _denied(action)  # an action nobody was granted is refused, not allowed
