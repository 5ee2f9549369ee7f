"""The permission matrix, through the HTTP API and the CLI, on SQLite and PostgreSQL.

For every write action on a promise: the people allowed to do it succeed, everyone else gets
HTTP 403 / exit 3 and nothing is written (row counts of every table before and after).
The pure rules (``lifecycle.permissions.decide``) are checked exhaustively against the matrix
in docs/security.md.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlmodel import SQLModel
from typer.testing import CliRunner

from application.transitions import advance_promise
from cli.main import app as cli_app
from config.operator_key import ensure_operator_key
from lifecycle.permissions import (
    PROMISE_READS,
    PROMISE_WRITES,
    Action,
    Principal,
    Target,
    decide,
    system_principal,
)
from lifecycle.stages import CYCLE, Stage
from lifecycle.vocabulary import Party, Role
from models.db import session_scope
from tests.helpers import complete_stage, new_promise, register
from web.api import create_app

SYSTEM = system_principal()
# A term that has begun, so its evaluation rounds can be submitted (recorded as if it was
# created the autumn before: tests.helpers.new_promise).
START = date(2026, 1, 1)

# Who takes part: (e-mail, role, organisation, kind, region)
PEOPLE = {
    "coordinator_own": (
        "samordnare@sollentuna.se",
        "coordinator",
        "Sollentuna",
        "municipality",
        "stockholm",
    ),
    "police_coordinator_own": (
        "kommunpolis@polisen.se",
        "coordinator",
        "LPO Sollentuna",
        "local_police_area",
        "stockholm",
    ),
    "steering_own": (
        "styrgrupp@sollentuna.se",
        "steering_group",
        "Sollentuna",
        "municipality",
        "stockholm",
    ),
    "steering_police_own": (
        "lpo-chef@polisen.se",
        "steering_group",
        "LPO Sollentuna",
        "local_police_area",
        "stockholm",
    ),
    "coordinator_other": (
        "samordnare@jarfalla.se",
        "coordinator",
        "Järfälla",
        "municipality",
        "stockholm",
    ),
    "steering_other": (
        "styrgrupp@jarfalla.se",
        "steering_group",
        "Järfälla",
        "municipality",
        "stockholm",
    ),
    "regional": (
        "samordnare@polisregion-stockholm.se",
        "regional_coordinator",
        "Polisregion Stockholm",
        "police_region",
        "stockholm",
    ),
    "regional_other": (
        "samordnare@polisregion-nord.se",
        "regional_coordinator",
        "Polisregion Nord",
        "police_region",
        "nord",
    ),
    "admin": ("admin@lofte.example", "admin", None, "municipality", "stockholm"),
}


def _register_everyone() -> None:
    new_promise(start=START, municipality="Järfälla")  # the other municipality's promise
    for email, role, org, kind, region in PEOPLE.values():
        register(email, role, org, kind, region)


def promise_in(stage: Stage) -> int:
    """A Sollentuna promise whose earlier stages are done, now in ``stage``."""
    pid = new_promise(start=START)
    for current in CYCLE:
        if current is stage:
            return pid
        complete_stage(pid, current)
        assert advance_promise(pid, SYSTEM).ok
    raise AssertionError(stage)


def row_counts() -> dict[str, int]:
    import models  # noqa: F401 - every table registered

    with session_scope() as s:
        return {
            name: s.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in SQLModel.metadata.tables.items()
        }


@dataclass
class Write:
    """One write action: the state it needs, the call, and who may do it."""

    operation: str
    prepare: Callable[[], dict[str, Any]]
    allowed: tuple[str, ...]


def _dialogue() -> dict[str, Any]:
    return {
        "promise_id": promise_in(Stage.RESIDENT_DIALOGUE),
        "kind": "dialogue",
        "fields": {
            "method": "survey",
            "held_from": "2026-10-01",
            "participants": 40,
            "results": "Otryggt vid stationen",
        },
    }


def _advance() -> dict[str, Any]:
    pid = promise_in(Stage.RESIDENT_DIALOGUE)
    complete_stage(pid, Stage.RESIDENT_DIALOGUE)
    return {"promise_id": pid}


def _send_back() -> dict[str, Any]:
    return {"promise_id": promise_in(Stage.GOALS), "to": "joint_analysis", "reason": "Ny lägesbild"}


def _signoff() -> dict[str, Any]:
    from tests.helpers import add_activities

    pid = promise_in(Stage.ACTION_PLAN)
    add_activities(pid)  # sign-off needs the whole chain, activities included
    return {
        "promise_id": pid,
        "kind": "signoff",
        "fields": {"party": "municipality", "signed_by": "Styrgruppen", "signed_on": "2025-12-10"},
    }


def _evaluation() -> dict[str, Any]:
    from models import Activity, EvaluationRound
    from tests.helpers import ids

    pid = promise_in(Stage.CONTINUOUS_EVALUATION)
    with session_scope() as s:
        first = (
            s.exec(  # type: ignore[call-overload]
                select(EvaluationRound.number).where(EvaluationRound.promise_id == pid)
            )
            .scalars()
            .first()
        )
    return {
        "promise_id": pid,
        "kind": "evaluation",
        "fields": {
            "round": first,
            "submitted_by": "Samordnare",
            "activities": [{"activity_id": a, "status": "ongoing"} for a in ids(pid, Activity)],
            "feedback_to_residents": "Vi har vandrat varje månad och berättat om det.",
        },
    }


def _approval() -> dict[str, Any]:
    from tests.helpers import add

    pid = promise_in(Stage.YEAR_END_COMPILATION)
    add(pid, "compilation", summary="Färre rån vid stationen.", next_year_plan="Fortsätt.")
    return {"promise_id": pid, "kind": "approval", "fields": {"approved_by": "Styrgruppen"}}


def _create() -> dict[str, Any]:
    return {
        "region": "stockholm",
        "municipality": "Sollentuna",
        "police_area": "LPO Sollentuna",
        "start": "2028-01-01",
        "years": 1,
    }


PARTY = ("coordinator_own", "police_coordinator_own", "steering_own", "steering_police_own")
WRITES = {
    "create_promise": Write("promise.create", _create, PARTY),
    "record_artefact": Write("artefact.add", _dialogue, PARTY),
    "advance": Write("promise.advance", _advance, PARTY),
    "send_back": Write("promise.advance", _send_back, PARTY),
    "sign_off_municipality": Write("artefact.add", _signoff, ("steering_own",)),
    "submit_round": Write("artefact.add", _evaluation, PARTY),
    "approve_compilation": Write(
        "artefact.add", _approval, ("steering_own", "steering_police_own")
    ),
}


class ApiCaller:
    """Calls an operation over HTTP as a person (the operator key names them)."""

    def __init__(self) -> None:
        self.client = TestClient(create_app(warm=False))
        self.key = ensure_operator_key()

    def __call__(self, who: str, operation: str, params: dict[str, Any]) -> tuple[str, Any]:
        from cli.routes import ROUTES

        method, path = ROUTES[operation]
        body = dict(params)
        for key in list(body):
            if "{" + key + "}" in path:
                path = path.replace("{" + key + "}", str(body.pop(key)))
        headers = {"Authorization": f"Operator {self.key}", "X-Lofte-Actor": PEOPLE[who][0]}
        response = self.client.request(method, path, json=body, headers=headers)
        outcome = {200: "ok", 403: "forbidden"}.get(response.status_code, str(response.status_code))
        return outcome, response.json()


def cli_caller(who: str, operation: str, params: dict[str, Any]) -> tuple[str, Any]:
    """Calls the same operation through the ``lofte`` command as a person (--actor)."""
    actor = ["--actor", PEOPLE[who][0], "--json"]
    if operation == "promise.create":
        args = [
            "promise",
            "create",
            "--region",
            params["region"],
            "--municipality",
            params["municipality"],
            "--police-area",
            params["police_area"],
            "--start",
            params["start"],
            "--years",
            str(params["years"]),
        ]
    elif operation == "promise.advance":
        args = ["advance", str(params["promise_id"])]
        if params.get("to"):
            args += ["--to", params["to"], "--reason", params["reason"]]
    else:
        args = ["add", str(params["promise_id"]), params["kind"], "--file", "-"]
    result = CliRunner().invoke(cli_app, args + actor, input=json.dumps(params.get("fields", {})))
    outcome = {0: "ok", 3: "forbidden"}.get(result.exit_code, f"exit {result.exit_code}")
    return outcome, result.output


@pytest.mark.parametrize("write", list(WRITES))
@pytest.mark.parametrize("transport", ["api", "cli"])
def test_every_role_on_own_and_other_promises(
    db, prefect_harness, write: str, transport: str
) -> None:
    _register_everyone()
    action = WRITES[write]
    call = ApiCaller() if transport == "api" else cli_caller
    params = action.prepare()
    for who in PEOPLE:
        if who in action.allowed:
            continue
        before = row_counts()
        outcome, body = call(who, action.operation, params)
        assert outcome == "forbidden", f"{who} {write}: {outcome} {body}"
        assert row_counts() == before, f"{who} {write} wrote something"
    for who in action.allowed:
        fresh = action.prepare()
        outcome, body = call(who, action.operation, fresh)
        assert outcome == "ok", f"{who} {write}: {outcome} {body}"


# --- the pure rules, exhaustively --------------------------------------------------------------

ROLES: dict[str, Principal] = {
    name: Principal(i + 1, f"{name}@x.se", name, role, org, region, "token")
    for i, (name, role, org, region) in enumerate(
        [
            ("coordinator", Role.COORDINATOR, 1, "stockholm"),
            ("steering_group", Role.STEERING_GROUP, 1, "stockholm"),
            ("regional_coordinator", Role.REGIONAL_COORDINATOR, 9, "stockholm"),
            ("admin", Role.ADMIN, None, None),
        ]
    )
}


def _parties(municipality: int, *police: int) -> dict[Party, frozenset[int]]:
    return {Party.MUNICIPALITY: frozenset({municipality}), Party.POLICE: frozenset(police)}


OWN = Target("stockholm", _parties(1, 2), Party.MUNICIPALITY)
OTHER = Target("stockholm", _parties(3, 4), Party.MUNICIPALITY)
OTHER_REGION = Target("nord", _parties(5, 6))


def matrix_markdown() -> str:
    """The matrix as docs/security.md shows it (✓ allowed, – refused)."""
    cols = [("own", OWN), ("other", OTHER), ("other region", OTHER_REGION)]
    head = "| action | " + " | ".join(f"{r} ({c})" for r in ROLES for c, _ in cols) + " |"
    rule = "|---|" + "---|" * (len(ROLES) * len(cols))
    rows = [
        f"| `{action.value}` | "
        + " | ".join(
            "✓" if decide(p, action, t) is None else "–" for p in ROLES.values() for _, t in cols
        )
        + " |"
        for action in Action
    ]
    return "\n".join([head, rule, *rows])


def test_docs_show_the_matrix_the_code_enforces() -> None:
    doc = (Path(__file__).parent.parent / "docs" / "security.md").read_text(encoding="utf-8")
    assert matrix_markdown() in doc, "docs/security.md: regenerate the matrix (see its note)"


def test_no_write_on_a_promise_without_being_a_party() -> None:
    writes = PROMISE_WRITES | {
        Action.SIGN_OFF,
        Action.APPROVE_COMPILATION,
        Action.CREATE_PROMISE,
        Action.CREATE_AGREEMENT,
    }
    for principal in ROLES.values():
        for action in writes:
            assert decide(principal, action, OTHER) is not None, (principal.role, action)
            assert decide(principal, action, OTHER_REGION) is not None, (principal.role, action)
    for role in ("regional_coordinator", "admin"):
        assert all(decide(ROLES[role], action, OWN) is not None for action in writes)
    # sign-off: only the steering group, only for its own party
    police_side = Target("stockholm", OWN.party_organisations, Party.POLICE)
    assert decide(ROLES["steering_group"], Action.SIGN_OFF, OWN) is None
    assert decide(ROLES["steering_group"], Action.SIGN_OFF, police_side) is not None
    assert decide(ROLES["coordinator"], Action.SIGN_OFF, OWN) is not None


def test_a_city_district_in_two_police_areas_has_both_lpos_as_its_police_party() -> None:
    """Issue 22: "a city district may be split between two police areas". Each LPO's people
    take part in the one promise, and each LPO's steering group signs for its own LPO only."""
    split = Target("stockholm", _parties(3, 4, 5), Party.POLICE)
    second_lpo = {
        name: replace(principal, organisation_id=5)
        for name, principal in ROLES.items()
        if principal.role in (Role.COORDINATOR, Role.STEERING_GROUP)
    }
    for action in PROMISE_WRITES | PROMISE_READS:
        assert decide(second_lpo["coordinator"], action, split) is None, action
    assert decide(second_lpo["steering_group"], Action.APPROVE_COMPILATION, split) is None
    own = replace(split, signer=5)
    other = replace(split, signer=4)
    assert decide(second_lpo["steering_group"], Action.SIGN_OFF, own) is None
    assert decide(second_lpo["steering_group"], Action.SIGN_OFF, other) is not None
    assert decide(second_lpo["coordinator"], Action.SIGN_OFF, own) is not None
    # the district's own people are not the police party
    assert decide(ROLES["steering_group"], Action.SIGN_OFF, own) is not None


# --- credentials: what each one may do to accounts (issue 20) ------------------------------------

CREDENTIALS = (
    "session",
    "token (api)",
    "token (api, tokens)",
    "token (api, credentials)",
    "operator",
    "admin session",
    "admin token (api)",
)
ACCOUNT_ACTIONS = (
    "see who one is (`me.show`)",
    "create a token for oneself",
    "create a token for another person",
    "create a token for a service account",
    "change one's own password (with the current one)",
    "set another person's password (one-time)",
    "revoke one's own token",
    "revoke another person's token",
)
_ME, _ADMIN, _OTHER, _SERVICE = (
    "samordnare@sollentuna.se",
    "admin@lofte.example",
    "samordnare@jarfalla.se",
    "integration@sollentuna.se",
)
_PASSWORD = "rätt häst batteri häftstift"


@lru_cache(maxsize=1)
def _password_hash() -> str:
    from application.identity import hash_password

    return hash_password(_PASSWORD)


def _credential(kind: str) -> Principal:
    """A principal proven by a fresh credential of ``kind`` (passwords reset first)."""
    from sqlmodel import select as sm_select

    from application import identity
    from models import LocalPassword, Person

    email = _ADMIN if kind.startswith("admin") else _ME
    with session_scope() as s:  # the same hash again: argon2id is slow on purpose
        for who in (_ME, _ADMIN, _OTHER):
            person = s.exec(sm_select(Person).where(Person.email == who)).one()
            row = s.get(LocalPassword, person.id) or LocalPassword(
                person_id=person.id, password_hash=""
            )
            row.password_hash, row.must_change = _password_hash(), False
            s.add(row)
    if kind == "operator":
        return identity.operator_principal(email)
    if kind.endswith("session"):
        return identity.sign_in_with_password(email, _PASSWORD, "10.9.9.9")[1]
    scopes = kind.split("(")[1].rstrip(")").split(", ")
    made = identity.create_token(
        identity.operator_principal(email),
        identity.TokenRequest(email=email, scopes=scopes),  # type: ignore[arg-type]
    )
    return identity.authenticate_bearer(made.token)


def _account_action(action: str, principal: Principal) -> dict[str, Any]:
    from application import identity

    own_token = identity.create_token(
        identity.operator_principal(principal.email), identity.TokenRequest(email=principal.email)
    )
    other_token = identity.create_token(
        identity.operator_principal(_OTHER), identity.TokenRequest(email=_OTHER)
    )
    return {
        ACCOUNT_ACTIONS[0]: ("me.show", {}),
        ACCOUNT_ACTIONS[1]: ("token.create", {"email": principal.email}),
        ACCOUNT_ACTIONS[2]: ("token.create", {"email": _OTHER}),
        ACCOUNT_ACTIONS[3]: ("token.create", {"email": _SERVICE}),
        ACCOUNT_ACTIONS[4]: (
            "user.password",
            {
                "email": principal.email,
                "password": "ett nytt långt lösenord",
                "current_password": _PASSWORD,
            },
        ),
        ACCOUNT_ACTIONS[5]: (
            "user.password",
            {"email": _OTHER, "password": "ett tillfälligt lösenord"},
        ),
        ACCOUNT_ACTIONS[6]: ("token.revoke", {"token_id": own_token.id}),
        ACCOUNT_ACTIONS[7]: ("token.revoke", {"token_id": other_token.id}),
    }[action]


def credential_matrix() -> str:
    """What each credential may do to accounts, by running every cell through the use cases
    (✓ done, – refused with 403 and nothing changed)."""
    from lifecycle.errors import Forbidden
    from wiring.usecases import BY_NAME

    head = "| action | " + " | ".join(CREDENTIALS) + " |"
    rule = "|---|" + "---|" * len(CREDENTIALS)
    rows = []
    for action in ACCOUNT_ACTIONS:
        cells = []
        for kind in CREDENTIALS:
            principal = _credential(kind)
            name, params = _account_action(action, principal)
            before = row_counts()
            try:
                BY_NAME[name].run(principal, params)
            except Forbidden:
                assert row_counts() == before, (action, kind)
                cells.append("–")
            else:
                cells.append("✓")
        rows.append(f"| {action} | " + " | ".join(cells) + " |")
    return "\n".join([head, rule, *rows])


def test_docs_show_what_each_credential_may_do_to_accounts(db) -> None:
    """The token scopes and the admin's rights over accounts, run on SQLite and PostgreSQL and
    shown in docs/security.md (regenerate with ``credential_matrix()``)."""
    register(_ME, "coordinator", "Sollentuna")
    register(_OTHER, "coordinator", "Järfälla")
    register(_ADMIN, "admin", None)
    with session_scope() as s:
        from application.promises import add_person
        from models.inputs import PersonInput

        add_person(
            s,
            PersonInput(
                email=_SERVICE,
                name="Ärendesystemet",
                role=Role.COORDINATOR,
                organisation="Sollentuna",
                region="stockholm",
                service_account=True,
            ),
        )
    table = credential_matrix()
    doc = (Path(__file__).parent.parent / "docs" / "security.md").read_text(encoding="utf-8")
    assert table in doc, "docs/security.md: regenerate the credential matrix:\n" + table
