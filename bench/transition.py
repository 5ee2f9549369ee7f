"""Benchmark: one advance through the Prefect flow against the same advance without Prefect.

    python bench/transition.py [--promises 300] [--database URL] [--cold]

Creates the promises in a fresh database (a temporary SQLite file by default, or the
PostgreSQL URL given, whose tables are emptied first), records a resident dialogue in each,
and advances half of them with the plain function and half through ``advance_promise_flow``
on a warm Prefect (temporary server, heartbeats off). ``--cold`` also times the CLI's
in-process cold path and the path through a running ``lofte serve``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _stats(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return f"median {statistics.median(ordered) * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms   (n={len(ordered)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--promises", type=int, default=300)
    parser.add_argument("--database", default="")
    parser.add_argument("--cold", action="store_true")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="lofte-bench-")
    os.environ["LOFTE_DATABASE_URL"] = args.database or f"sqlite:///{tmp}/bench.db"
    os.environ["LOFTE_DATA_DIR"] = tmp

    from flows.runtime import configure_prefect_environment

    configure_prefect_environment()
    from sqlalchemy import text

    from application.artefacts import add_artefact
    from application.promises import create_promise
    from application.setup import initialise
    from application.transitions import AdvanceRequest, advance_promise
    from flows.runtime import warm_up
    from flows.transition import advance_promise_flow
    from lifecycle.permissions import system_principal

    BENCH = system_principal("bench@lofte.local")
    from models.db import get_engine, session_scope
    from models.inputs import PromiseCreate

    engine = get_engine()
    initialise(engine)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(
                text(
                    "TRUNCATE promise, auditevent, dialogue, outboxmessage, deadline RESTART IDENTITY CASCADE"
                )
            )
    ids: list[int] = []
    with session_scope() as s:
        for i in range(args.promises):
            p = create_promise(
                s,
                PromiseCreate(
                    region="stockholm",
                    municipality=f"Kommun {i}",
                    police_area=f"LPO {i}",
                    start=date(2027, 1, 1),
                    years=1,
                ),
                BENCH,
            )
            assert p.id is not None  # flushed: the database gave it one
            add_artefact(
                s,
                p.id,
                "dialogue",
                {"method": "survey", "held_from": "2026-10-01", "results": "Otryggt"},
                BENCH,
            )
            ids.append(p.id)
    print(f"database: {engine.dialect.name}, {args.promises} promises")
    started = time.perf_counter()
    cold = warm_up()
    print(f"Prefect warm-up (temporary server start + first flow): {cold:.1f} s")
    half = len(ids) // 2
    plain, flowed = [], []
    for pid in ids[:half]:
        t = time.perf_counter()
        advance_promise(pid, BENCH)
        plain.append(time.perf_counter() - t)
    for pid in ids[half:]:
        t = time.perf_counter()
        result = advance_promise_flow(BENCH, AdvanceRequest(promise_id=pid))
        flowed.append(time.perf_counter() - t)
        assert result.ok, result
    print(f"advance without Prefect : {_stats(plain)}")
    print(f"advance through the flow: {_stats(flowed)}")
    print(
        f"Prefect's share (median): {(statistics.median(flowed) - statistics.median(plain)) * 1000:.1f} ms"
    )
    _permission_cost(ids)
    print(f"total {time.perf_counter() - started:.1f} s")
    if args.cold:
        _cold_paths(ids)


def _permission_cost(ids: list[int]) -> None:
    """What checking the right adds: the rule alone, a token check per request, an advance
    as a coordinator against the same advance as the system (which skips no work but the
    check)."""
    from application.access import require
    from application.identity import TokenRequest, authenticate_bearer, create_token
    from application.promises import add_person, find_or_create_organisation
    from application.transitions import advance_promise
    from lifecycle.permissions import Action, system_principal
    from lifecycle.stages import Stage
    from lifecycle.vocabulary import OrganisationKind
    from models import Promise
    from models.db import session_scope
    from models.inputs import PersonInput

    with session_scope() as s:
        promise = s.get(Promise, ids[0])
        assert promise is not None
        org = find_or_create_organisation(s, "stockholm", OrganisationKind.MUNICIPALITY, "Bench")
        add_person(
            s,
            PersonInput(
                email="bench@bench.se",
                name="Bench",
                role="coordinator",  # type: ignore[arg-type]
                organisation=org.name,
                region="stockholm",
            ),
        )
    coordinator = system_principal("bench@bench.se")
    token = create_token(coordinator, TokenRequest(email="bench@bench.se", days=1)).token
    principal = authenticate_bearer(token)
    rounds = 20_000
    t = time.perf_counter()
    for _ in range(rounds):
        with contextlib.suppress(Exception):  # refused is as costly as allowed
            require(principal, Action.ADVANCE, promise)
    print(
        f"permission rule (decide + target): {(time.perf_counter() - t) / rounds * 1e6:.1f} µs per check"
    )
    samples = []
    for _ in range(200):
        t = time.perf_counter()
        authenticate_bearer(token)
        samples.append(time.perf_counter() - t)
    print(f"token check per request (lookup + last-used update): {_stats(samples)}")
    # The same advance (back and forth on one promise) as the system and as a party's
    # coordinator: the difference is the check (the promise is already loaded for it).
    with session_scope() as s:
        p = s.get(Promise, ids[1])
        assert p is not None
        p.municipality_id = org.id  # type: ignore[assignment]
        s.add(p)
    party = authenticate_bearer(token)
    for who, label in ((system_principal(), "as the system"), (party, "as a coordinator")):
        samples = []
        for _ in range(40):
            advance_promise(ids[1], who, Stage.RESIDENT_DIALOGUE, "bench")
            t = time.perf_counter()
            advance_promise(ids[1], who)
            samples.append(time.perf_counter() - t)
        print(f"advance {label}: {_stats(samples)}")


def _cold_paths(ids: list[int]) -> None:
    lofte = str(Path(sys.executable).parent / "lofte")
    env = {
        **os.environ,
        "LOFTE_USE_SERVICE": "false",
        "PREFECT_HOME": tempfile.mkdtemp(prefix="lofte-prefect-"),
    }
    samples = []
    for pid in ids[:3]:
        t = time.perf_counter()
        subprocess.run(
            [
                lofte,
                "advance",
                str(pid),
                "--actor",
                "bench@lofte.local",
                "--to",
                "resident_dialogue",
                "--reason",
                "bench",
            ],
            env=env,
            check=False,
            capture_output=True,
        )
        samples.append(time.perf_counter() - t)
    print(f"CLI advance, no service (cold Prefect in the CLI process): {_stats(samples)}")
    port = "8479"
    env_service = {**env, "LOFTE_USE_SERVICE": "true", "LOFTE_API_PORT": port}
    server = subprocess.Popen(
        [lofte, "serve", "--no-scheduler", "--port", port],
        env=env_service,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        import httpx

        for _ in range(120):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=0.5).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        samples = []
        for pid in ids[3:13]:
            t = time.perf_counter()
            subprocess.run(
                [
                    lofte,
                    "advance",
                    str(pid),
                    "--actor",
                    "bench@lofte.local",
                    "--to",
                    "resident_dialogue",
                    "--reason",
                    "bench",
                ],
                env=env_service,
                check=False,
                capture_output=True,
            )
            samples.append(time.perf_counter() - t)
        print(f"CLI advance through a running lofte serve (whole command):  {_stats(samples)}")
    finally:
        server.terminate()
        server.wait(20)


if __name__ == "__main__":
    main()
