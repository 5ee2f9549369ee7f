"""The production topology under load and faults, end to end (issue 13).

``scripts/topology up`` on free 127.0.0.1 ports and two databases of this test's own: a
Prefect server on PostgreSQL, a worker, two service processes, two dispatchers. 20 clients
with personal access tokens walk 50 promises of a generated region through two stages each
(a refused advance first, then the artefacts, then the advance) over both processes, while
one service process, one dispatcher (mid-batch) and the worker (during a reminder run) are
killed with SIGKILL and the Prefect server is restarted. Reminders and the status report run
as deployment runs picked up by the worker; an HTTP receiver counts what the dispatchers
deliver. Then the invariants (see ``test_topology_under_load_and_faults``), and ``down``.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.notifications.receiver import Receiver, Reply
from tests.topology.client import Client

pytestmark = [pytest.mark.topology, pytest.mark.postgres, pytest.mark.timeout(900)]

ROOT = Path(__file__).resolve().parents[2]
PG = os.environ.get("LOFTE_TOPOLOGY_PG", "postgresql://postgres@127.0.0.1:5432")
REMINDER_NOW = "2026-12-14T08:00:00+01:00"  # a Monday: every coordinator has a digest
CLIENTS, PROMISES = 20, 50


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pg_or_skip() -> None:
    try:
        engine = create_engine(
            PG.replace("postgresql://", "postgresql+psycopg://") + "/postgres",
            connect_args={"connect_timeout": 3},
        )
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
    except Exception as exc:  # any failure: not reachable
        if os.environ.get("LOFTE_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"LOFTE_REQUIRE_POSTGRES=1 but PostgreSQL is not reachable: {exc}")
        pytest.skip(f"PostgreSQL not reachable at {PG}: {exc}")


class Topology:
    """One running topology of this test, driven through scripts/topology."""

    def __init__(self, state: Path, receiver: Receiver) -> None:
        tag = uuid.uuid4().hex[:8]
        self.state = state
        self.prefect_port = _free_port()
        self.serve_ports = [_free_port(), _free_port()]
        self.lofte_db, self.prefect_db = f"topo_test_{tag}_l", f"topo_test_{tag}_p"
        channels = state.parent / "channels.yaml"
        channels.write_text(
            "delivery: {max_attempts: 3, backoff_base_seconds: 1, backoff_max_seconds: 2,\n"
            "  lease_seconds: 8, wait_for_retries_seconds: 3, concurrency: 4}\n"
            "default_channel: hook\n"
            "channels:\n"
            f"  hook: {{type: webhook, url: '{receiver.url('/hook')}', "
            "secret_env: LOFTE_TEST_HOOK_SECRET}\n",
            encoding="utf-8",
        )
        routes = state.parent / "status_reports.yaml"
        routes.write_text("regions:\n  stockholm: {channel: hook}\n", encoding="utf-8")
        self.env = dict(os.environ)
        for key in [k for k in self.env if k.startswith(("LOFTE_", "PREFECT_"))]:
            del self.env[key]
        self.env.update(
            TOPOLOGY_DIR=str(state),
            TOPOLOGY_PG=PG,
            TOPOLOGY_LOFTE_DB=self.lofte_db,
            TOPOLOGY_PREFECT_DB=self.prefect_db,
            TOPOLOGY_PREFECT_PORT=str(self.prefect_port),
            TOPOLOGY_SERVE_PORTS=",".join(map(str, self.serve_ports)),
            TOPOLOGY_CHANNELS_FILE=str(channels),
            TOPOLOGY_BIN=str(Path(sys.executable).parent),
            LOFTE_STATUS_REPORTS_FILE=str(routes),
            LOFTE_TEST_HOOK_SECRET="whsec_" + "dG9wb2xvZ3ktdGVzdC1zZWNyZXQ=",
        )
        self.api = f"http://127.0.0.1:{self.prefect_port}/api"
        self.db = create_engine(
            PG.replace("postgresql://", "postgresql+psycopg://") + f"/{self.lofte_db}"
        )

    def script(self, *args: str, timeout: float = 400) -> subprocess.CompletedProcess[str]:
        """Run scripts/topology; the output is kept for the failure message."""
        return subprocess.run(
            [str(ROOT / "scripts" / "topology"), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def lofte_env(self) -> dict[str, str]:
        """The environment the topology gives its Löfte processes."""
        sys.path.insert(0, str(ROOT / "scripts"))
        try:
            import topology
        finally:
            sys.path.pop(0)
        saved = dict(os.environ)
        os.environ.clear()
        os.environ.update(self.env)
        try:
            return topology.Config.from_env().lofte_env()
        finally:
            os.environ.clear()
            os.environ.update(saved)

    def pid(self, name: str) -> int:
        """The process id (= process group) of one of the topology's processes."""
        return int((self.state / f"{name}.pid").read_text())

    def kill9(self, name: str) -> None:
        """SIGKILL the whole process group of ``name``."""
        os.killpg(self.pid(name), signal.SIGKILL)

    def sql(self, query: str) -> list[Any]:
        """Rows of a query on the topology's Löfte database."""
        with self.db.connect() as conn:
            return list(conn.execute(text(query)))

    # -- Prefect deployment runs, through the server's REST API ----------------------------

    def run_deployment(self, name: str, parameters: dict[str, Any]) -> str:
        """Create a flow run of deployment ``flow/deployment``; returns its id."""
        with httpx.Client(timeout=30, trust_env=False) as http:
            dep = http.get(f"{self.api}/deployments/name/{name}")
            dep.raise_for_status()
            run = http.post(
                f"{self.api}/deployments/{dep.json()['id']}/create_flow_run",
                json={"parameters": parameters},
            )
            run.raise_for_status()
            return str(run.json()["id"])

    def pause(self, name: str) -> None:
        """Pause a deployment's schedule (the test's dispatchers are the processes it kills)."""
        with httpx.Client(timeout=30, trust_env=False) as http:
            dep = http.get(f"{self.api}/deployments/name/{name}")
            dep.raise_for_status()
            http.patch(
                f"{self.api}/deployments/{dep.json()['id']}", json={"paused": True}
            ).raise_for_status()

    def mark_crashed(self, run_id: str) -> str:
        """What an operator does for a run whose worker died with it: mark it Crashed, which
        frees the deployment's concurrency slot (no heartbeats: the server cannot tell)."""
        with httpx.Client(timeout=30, trust_env=False) as http:
            response = http.post(
                f"{self.api}/flow_runs/{run_id}/set_state",
                json={"state": {"type": "CRASHED", "message": "worker killed"}},
            )
            response.raise_for_status()
            return str(response.json()["status"])

    def flow_run(self, run_id: str) -> dict[str, Any] | None:
        """The flow run as the Prefect server knows it (None: unknown)."""
        for _ in range(30):
            try:
                with httpx.Client(timeout=10, trust_env=False) as http:
                    response = http.get(f"{self.api}/flow_runs/{run_id}")
            except httpx.TransportError:
                time.sleep(1)
                continue
            if response.status_code == 404:
                return None
            response.raise_for_status()
            data: dict[str, Any] = response.json()
            return data
        raise AssertionError("Prefect server unreachable")

    def wait_state(self, run_id: str, states: set[str], timeout: float) -> str:
        """Wait until the flow run is in one of ``states``; returns the state."""
        deadline = time.monotonic() + timeout
        state = "?"
        while time.monotonic() < deadline:
            run = self.flow_run(run_id)
            state = str(((run or {}).get("state") or {}).get("type"))
            if state in states:
                return state
            time.sleep(0.25)
        raise AssertionError(f"flow run {run_id} still {state} after {timeout:.0f} s")


@pytest.fixture
def topology(tmp_path: Path) -> Iterator[tuple[Topology, Receiver]]:
    _pg_or_skip()
    receiver = Receiver().start()
    receiver.default = Reply(status=200, delay=0.05)
    topo = Topology(tmp_path / "state", receiver)
    up = topo.script("up")
    try:
        assert up.returncode == 0, f"topology up failed:\n{up.stdout}\n{up.stderr}"
        yield topo, receiver
    finally:
        down = topo.script("down", "--drop", timeout=120)
        topo.db.dispose()
        receiver.stop()
        assert down.returncode == 0, f"topology down failed:\n{down.stdout}\n{down.stderr}"
        assert topo.script("status").returncode == 1, "status says healthy after down"
        marker = f"LOFTE_TOPOLOGY={topo.state}".encode()
        left = [
            p.name for p in Path("/proc").iterdir() if p.name.isdigit() and _has_marker(p, marker)
        ]
        assert not left, f"processes left behind by down: {left}"


def _has_marker(proc: Path, marker: bytes) -> bool:
    try:
        return marker in (proc / "environ").read_bytes().split(b"\0")
    except OSError:
        return False


def _sh(argv: list[str], env: dict[str, str], timeout: float = 120) -> Any:
    """Run a command of ours, output captured; the caller judges the exit code."""
    return subprocess.run(
        argv, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )


def _seed(topo: Topology) -> dict[str, Any]:
    seed_py = str(ROOT / "tests" / "topology" / "seed.py")
    done = _sh([sys.executable, seed_py, str(PROMISES)], topo.lofte_env(), 300)
    assert done.returncode == 0, done.stderr
    seed: dict[str, Any] = json.loads(done.stdout)
    return seed


def _kill_flow_run_processes(topo: Topology, run_id: str) -> int:
    """SIGKILL every process running this flow run (the worker's child, in any group)."""
    marker = f"PREFECT__FLOW_RUN_ID={run_id}".encode()
    killed = 0
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit() and _has_marker(proc, marker):
            try:
                os.kill(int(proc.name), signal.SIGKILL)
                killed += 1
            except ProcessLookupError:
                pass
    return killed


def _backup_and_restore(topo: Topology) -> int:
    """docs/operations.md, "Backup and restore": dump both databases while everything runs,
    restore Löfte's into a new, empty database; returns its audit trail's length."""
    env = dict(topo.lofte_env())
    env["PREFECT_API_DATABASE_CONNECTION_URL"] = (
        PG.replace("postgresql://", "postgresql+asyncpg://") + f"/{topo.prefect_db}"
    )
    folder = topo.state.parent / "backups"
    done = _sh([str(ROOT / "deploy" / "backup.sh"), str(folder)], env)
    assert done.returncode == 0, done.stderr
    dumps = done.stdout.split()
    assert len(dumps) == 2 and all(Path(d).stat().st_size > 0 for d in dumps)
    target = topo.lofte_db + "_restored"
    admin = create_engine(
        PG.replace("postgresql://", "postgresql+psycopg://") + "/postgres",
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{target}"'))
    restore = [str(ROOT / "deploy" / "restore.sh"), dumps[0], f"{PG}/{target}"]
    try:
        done = _sh(restore, env)
        assert done.returncode == 0, done.stderr
        again = _sh(restore, env)
        assert again.returncode == 1 and "empty" in again.stderr, "restore over data"
        copy = create_engine(PG.replace("postgresql://", "postgresql+psycopg://") + f"/{target}")
        with copy.connect() as conn:
            count = int(conn.execute(text("select count(*) from auditevent")).scalar_one())
        copy.dispose()
        return count
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)'))
        admin.dispose()


def _drain(topo: Topology, timeout: float) -> None:
    """Wait until every queued notification is sent or dead-lettered."""
    deadline = time.monotonic() + timeout
    open_sql = "select count(*) from outboxmessage where status not in ('sent', 'dead')"
    while (left := topo.sql(open_sql)[0][0]) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert left == 0, f"{left} notifications neither sent nor dead-lettered"


def test_topology_under_load_and_faults(topology: tuple[Topology, Receiver]) -> None:
    """Invariants at the end:

    - every transition a client saw accepted is in the audit trail exactly once, with the
      flow run id the client saw, and the Prefect server knows that flow run;
    - every advance left unanswered by a dying process and resolved by reading the promise
      is in the audit trail exactly once too, and no other transition is;
    - nothing a client saw refused was written (one transition per stage left, no more);
    - a deployment run for a person who is not a party is refused and writes nothing;
    - every queued notification reached the receiver under its idempotency key, exactly
      one distinct key per sent message, or is visibly dead-lettered;
    - a reminder run killed with its worker, and run again, queued no digest twice;
    - ``down`` leaves no process behind (the fixture).
    """
    topo, receiver = topology
    started = time.monotonic()
    again = topo.script("up")
    assert again.returncode == 0 and "already up" in again.stdout, "up is not idempotent"
    assert topo.script("status").returncode == 0
    seed = _seed(topo)
    topo.pause("lofte-dispatch-outbox/lofte-dispatch-outbox")
    bases = [f"http://127.0.0.1:{p}" for p in topo.serve_ports]
    clients = [Client(c["token"], bases, i) for i, c in enumerate(seed["clients"])]
    assert len(clients) == CLIENTS and sum(len(c["promises"]) for c in seed["clients"]) == 50

    # A deployment run for someone who is not a party: refused, nothing written.
    outsider_run = topo.run_deployment(
        "advance-promise-as/advance-promise",
        {"acting_as": seed["outsider"], "promise_id": seed["promises"][0]},
    )
    assert topo.wait_state(outsider_run, {"COMPLETED", "FAILED", "CRASHED"}, 120) == "COMPLETED"

    faults: list[str] = []

    def inject() -> None:
        time.sleep(4)
        topo.kill9("serve-1")
        faults.append(f"{time.monotonic() - started:.0f}s kill -9 serve-1")
        time.sleep(4)
        restart = topo.script("restart", "prefect-server", timeout=240)
        assert restart.returncode == 0, restart.stderr
        faults.append(f"{time.monotonic() - started:.0f}s restarted prefect-server")
        restart = topo.script("restart", "serve-1", timeout=240)
        assert restart.returncode == 0, restart.stderr
        faults.append(f"{time.monotonic() - started:.0f}s serve-1 back")

    def walk(index: int) -> None:
        for pid in seed["clients"][index]["promises"]:
            clients[index].walk(pid)

    fault_thread = threading.Thread(target=inject)
    fault_thread.start()
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        for future in [pool.submit(walk, i) for i in range(CLIENTS)]:
            future.result(timeout=600)
    fault_thread.join(timeout=300)
    assert len(faults) == 3, faults
    load_s = time.monotonic() - started

    # Reminders as a deployment run; the worker is killed (with the run's process) once the
    # run has queued its first digests, restarted, and the run is made again. Dispatcher 2
    # is paused meanwhile, so that dispatcher 1 is surely the one killed mid-batch below.
    receiver.default = Reply(status=200, delay=0.5)  # slow: a batch takes a while
    _drain(topo, 120)  # the transitions' notices first; then both dispatchers wait
    for name in ("dispatcher-1", "dispatcher-2"):
        os.killpg(topo.pid(name), signal.SIGSTOP)
    digest_sql = "select count(*) from outboxmessage where kind in ('digest', 'escalation')"
    first = topo.run_deployment("lofte-reminders/lofte-reminders", {"now": REMINDER_NOW})
    topo.wait_state(first, {"RUNNING", "COMPLETED"}, 120)
    deadline = time.monotonic() + 60
    while topo.sql(digest_sql)[0][0] == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    topo.kill9("worker")
    killed = _kill_flow_run_processes(topo, first)
    first_state = str(((topo.flow_run(first) or {}).get("state") or {}).get("type"))
    queued_by_first = topo.sql(digest_sql)[0][0]
    if first_state not in {"COMPLETED", "CRASHED", "FAILED"}:
        assert topo.mark_crashed(first) == "ACCEPT"
    restart = topo.script("restart", "worker", timeout=120)
    assert restart.returncode == 0, restart.stderr
    again = topo.run_deployment("lofte-reminders/lofte-reminders", {"now": REMINDER_NOW})
    assert topo.wait_state(again, {"COMPLETED", "FAILED", "CRASHED"}, 180) == "COMPLETED"

    # Dispatcher 1 killed mid-batch: some of the digests received, others claimed.
    baseline = len(receiver.on("/hook"))
    os.killpg(topo.pid("dispatcher-1"), signal.SIGCONT)
    deadline = time.monotonic() + 60
    # Claimed = pending and leased into the future (no retries here: the receiver says 200).
    sending_sql = (
        "select count(*) from outboxmessage where status = 'pending' and next_attempt_at > now()"
    )
    while time.monotonic() < deadline and not (
        len(receiver.on("/hook")) >= baseline + 3 and topo.sql(sending_sql)[0][0] > 0
    ):
        time.sleep(0.05)
    topo.kill9("dispatcher-1")
    in_flight = topo.sql(sending_sql)[0][0]
    assert in_flight > 0, (
        f"dispatcher 1 was not in the middle of a batch: received {baseline} then "
        f"{len(receiver.on('/hook'))}; outbox "
        f"{topo.sql('select status, count(*) from outboxmessage group by status')}"
    )
    os.killpg(topo.pid("dispatcher-2"), signal.SIGCONT)

    # Everything queued is sent or dead-lettered (the survivor reclaims expired leases).
    _drain(topo, 180)
    # The status report (it delivers its own message at the end of its run, too).
    report = topo.run_deployment("lofte-status-report/lofte-status-report", {"now": REMINDER_NOW})
    assert topo.wait_state(report, {"COMPLETED", "FAILED", "CRASHED"}, 180) == "COMPLETED"
    _drain(topo, 60)

    # -- invariants: transitions ---------------------------------------------------------
    accepted = [a for c in clients for a in c.out.accepted]
    ambiguous = [a for c in clients for a in c.out.ambiguous]
    refused = [r for c in clients for r in c.out.refused]
    assert len(accepted) + len(ambiguous) == 2 * PROMISES
    assert len(refused) == 2 * PROMISES
    audit = topo.sql(
        "select promise_id, from_stage, to_stage, flow_run_id, actor_person_id, auth_method "
        "from auditevent where action = 'transition'"
    )
    by_step = Counter((r[0], r[1], r[2]) for r in audit)
    assert all(n == 1 for n in by_step.values()), "a transition is in the audit trail twice"
    seen = {(a["promise_id"], a["from_stage"], a["to_stage"]) for a in accepted + ambiguous}
    assert set(by_step) == seen, "audit trail and what the clients saw differ"
    runs = {(r[0], r[1]): r[3] for r in audit}
    for a in accepted:
        assert runs[(a["promise_id"], a["from_stage"])] == a["flow_run_id"]
    for run_id in {r[3] for r in audit}:
        assert run_id, "a transition without a flow run id"
        known = topo.flow_run(run_id)
        assert known is not None, f"flow run {run_id} unknown to the Prefect server"
    assert all(r[5] == "token" for r in audit), Counter(r[5] for r in audit)
    # Refused advances wrote nothing: each promise has exactly its two transitions, and the
    # outsider's deployment run none.
    per_promise = Counter(r[0] for r in audit)
    assert per_promise == dict.fromkeys(seed["promises"], 2)

    # A deployment run for a party, picked up by the worker: a send-back with a reason,
    # in the audit trail as `deployment` with the run's id.
    pid = seed["clients"][0]["promises"][0]
    back = topo.run_deployment(
        "advance-promise-as/advance-promise",
        {
            "acting_as": seed["clients"][0]["email"],
            "promise_id": pid,
            "to": "joint_analysis",
            "reason": "Orsaksanalysen behöver en ny lägesbild.",
        },
    )
    assert topo.wait_state(back, {"COMPLETED", "FAILED", "CRASHED"}, 120) == "COMPLETED"
    # The person is proven by the deployment run's id; the transition itself is recorded by
    # its advance-promise subflow run, which the server knows too.
    rows = topo.sql(
        "select auth_method, to_stage, flow_run_id from auditevent "
        f"where action = 'transition' and auth_proof = 'flow-run:{back}'"
    )
    assert [r[:2] for r in rows] == [("deployment", "joint_analysis")], rows
    assert topo.flow_run(rows[0][2]) is not None

    # -- invariants: notifications -------------------------------------------------------
    digests = topo.sql(
        "select recipient, kind, count(*) from outboxmessage "
        "where kind in ('digest', 'escalation') group by recipient, kind"
    )
    assert digests and all(n == 1 for _r, _k, n in digests), digests
    statuses = dict(topo.sql("select status, count(*) from outboxmessage group by status"))
    sent_keys = {
        r[0] for r in topo.sql("select idempotency_key from outboxmessage where status = 'sent'")
    }
    dead = statuses.get("dead", 0)
    received = Counter(r.header("webhook-id") for r in receiver.on("/hook"))
    assert set(received) >= sent_keys, "a message marked sent never reached the receiver"
    assert set(received) <= sent_keys | {
        r[0] for r in topo.sql("select idempotency_key from outboxmessage")
    }, "the receiver got a message that is not in the outbox"
    duplicates = sum(n - 1 for n in received.values())
    kinds = dict(topo.sql("select kind, count(*) from outboxmessage group by kind"))
    assert kinds.get("status_report", 0) >= 1, kinds

    restored = _backup_and_restore(topo)
    assert restored == topo.sql("select count(*) from auditevent")[0][0]

    total_s = time.monotonic() - started
    print(
        f"\ntopology e2e: load {load_s:.0f}s, total {total_s:.0f}s; faults {faults}; "
        f"accepted {len(accepted)}, ambiguous {len(ambiguous)}, refused {len(refused)}, "
        f"reconnects {sum(c.out.reconnects for c in clients)}, unanswered "
        f"{sum(c.out.unanswered for c in clients)}; reminder run killed in state "
        f"{first_state} ({killed} processes, {queued_by_first} digests before the re-run); "
        f"digests/escalations {len(digests)}, outbox {statuses}, kinds {kinds}, in flight at dispatcher kill {in_flight}, "
        f"received {sum(received.values())} ({duplicates} repeats of a key), dead {dead}"
    )
    for c in clients:
        c.close()
