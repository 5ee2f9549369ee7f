"""A test client of the topology: one person with a token, spread over the service processes.

Requests go round-robin over the processes. A request that could not connect (the process
is dead) is sent to the next one: nothing was carried out. A request that was sent but got
no answer (the process died with it in flight, or answered 5xx) is ambiguous; for an
advance the client resolves it by reading the promise: if its version moved past the one
the advance expected and it is in the target stage, the advance happened (``ambiguous``,
checked against the audit trail at the end); otherwise the same advance, with the same
``expected_version``, is sent again (a repeat of one that did happen would be a Conflict,
never a second transition). docs/operations.md, "A request in flight when a process dies".
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import httpx

MANDATORY = [
    "fewer-vulnerable-areas",
    "fewer-young-at-risk",
    "fewer-criminals-exit",
    "vulnerable-victims-offenders",
]
NEXT = {"resident_dialogue": "joint_analysis", "joint_analysis": "root_cause_analysis"}


class Unanswered(Exception):
    """The request was sent and no answer came (or a 5xx): it may have been carried out."""


@dataclass
class Outcome:
    """What one client saw."""

    accepted: list[dict[str, Any]] = field(default_factory=list)  # advance results
    ambiguous: list[dict[str, Any]] = field(default_factory=list)  # resolved by reading
    refused: list[dict[str, Any]] = field(default_factory=list)  # promise, stage, version
    artefacts: int = 0
    reconnects: int = 0
    unanswered: int = 0
    errors: list[str] = field(default_factory=list)


class Client:
    """One person's HTTP client over several service addresses."""

    def __init__(self, token: str, bases: list[str], start: int) -> None:
        self.http = httpx.Client(
            headers={"Authorization": f"Bearer {token}"}, timeout=60.0, trust_env=False
        )
        self.bases = bases
        self.turn = start
        self.out = Outcome()

    def close(self) -> None:
        """Close the connection pool."""
        self.http.close()

    def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """One request; moves to another process on a refused connection (up to 60 s)."""
        deadline = time.monotonic() + 90
        while True:
            base = self.bases[self.turn % len(self.bases)]
            self.turn += 1
            try:
                response = self.http.request(method, base + path, json=body)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout):
                self.out.reconnects += 1
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
                continue
            except (httpx.RemoteProtocolError, httpx.ReadError, httpx.ReadTimeout) as exc:
                self.out.unanswered += 1
                raise Unanswered(str(exc)) from exc
            if response.status_code >= 500:
                self.out.unanswered += 1
                raise Unanswered(f"{response.status_code} {response.text[:200]}")
            return response

    def read(self, pid: int) -> dict[str, Any]:
        """The promise as the API shows it (retrying reads, which change nothing)."""
        for _ in range(10):
            try:
                response = self.request("GET", f"/api/promises/{pid}")
            except Unanswered:
                time.sleep(0.5)
                continue
            assert response.status_code == 200, response.text
            data: dict[str, Any] = response.json()
            return data
        raise AssertionError(f"promise {pid} unreadable")

    def artefact(self, pid: int, kind: str, **fields: Any) -> None:
        """Record an artefact (resent when unanswered: an artefact may then be twice)."""
        for _ in range(10):
            try:
                response = self.request(
                    "POST", f"/api/promises/{pid}/artefacts/{kind}", {"fields": fields}
                )
            except Unanswered:
                time.sleep(0.5)
                continue
            assert response.status_code == 200, f"{kind}: {response.status_code} {response.text}"
            self.out.artefacts += 1
            return
        raise AssertionError(f"artefact {kind} on {pid} never answered")

    def advance(self, pid: int, *, expect_refusal: bool = False) -> None:
        """Advance with expected_version; resolve an unanswered one by reading the promise."""
        origin: tuple[int, str] | None = None  # version and stage before the first attempt
        for _ in range(20):
            seen = self.read(pid)
            version, stage = _version(seen), _stage(seen)
            if origin is None:
                origin = (version, stage)
            elif version > origin[0] and stage == NEXT.get(origin[1]) and not expect_refusal:
                # An attempt the client gave up on was committed after the read that followed
                # it (a slow server under load): the move is done; advancing again from the
                # new stage would be a second, different move.
                self.out.ambiguous.append(
                    {"promise_id": pid, "from_stage": origin[1], "to_stage": stage}
                )
                return
            body = {"expected_version": version}
            try:
                response = self.request("POST", f"/api/promises/{pid}/advance", body)
            except Unanswered:
                time.sleep(0.5)
                now = self.read(pid)
                if _version(now) > version and _stage(now) == NEXT.get(stage):
                    self.out.ambiguous.append(
                        {"promise_id": pid, "from_stage": stage, "to_stage": _stage(now)}
                    )
                    return
                continue
            result = response.json()
            if response.status_code == 200 and result.get("ok"):
                assert not expect_refusal, f"advanced {pid} before its work was done"
                self.out.accepted.append(result)
                return
            kind = result.get("error_kind")
            if kind == "Refused" and expect_refusal:
                self.out.refused.append({"promise_id": pid, "stage": stage, "version": version})
                return
            if kind == "Conflict":
                continue  # moved by someone (an earlier, unanswered attempt): read again
            raise AssertionError(f"advance {pid}: {response.status_code} {result}")
        raise AssertionError(f"advance {pid}: gave up")

    def walk(self, pid: int) -> None:
        """Two stages of one promise: refused first, then the work, then accepted, twice."""
        start = date(2027, 1, 1)
        self.advance(pid, expect_refusal=True)
        self.artefact(
            pid,
            "dialogue",
            method="safety_walk",
            held_from=str(start - timedelta(days=80)),
            participants=30,
            themes=["belysning"],
            unsafe_places=[{"place": "Stationen", "when": "kvällar"}],
            results="Otryggt vid stationen kvällstid.",
        )
        self.advance(pid)
        self.advance(pid, expect_refusal=True)
        self.artefact(pid, "situation_picture", party="police", summary="Rån vid stationen.")
        self.artefact(pid, "situation_picture", party="municipality", summary="Unga i centrum.")
        for area in MANDATORY:
            self.artefact(
                pid, "problem", title=f"Problem inom {area}", selected=True, priority_area=area
            )
        self.advance(pid)


def _version(view: dict[str, Any]) -> int:
    promise = view.get("promise", view)
    return int(promise["version"])


def _stage(view: dict[str, Any]) -> str:
    promise = view.get("promise", view)
    return str(promise["stage"])
