"""Benchmark the production topology against the embedded default (docs/performance.md).

    python bench/topology.py [--promises 60] [--clients 8] [--messages 2000]

Starts, on 127.0.0.1 and databases of its own (dropped at the end):
1. the embedded default: one ``lofte serve`` on SQLite with Prefect's temporary server;
2. ``scripts/topology``: Prefect server on PostgreSQL, two service processes, two dispatchers.
Measures transitions/s (``--clients`` token clients advancing ready promises concurrently)
through the embedded service, one topology service process and both; an advance's median
and p95 one at a time through the real Prefect server; and the notifier: ``--messages``
webhook messages queued at once, delivered by two dispatchers, then by one.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import topology  # noqa: E402

from tests.notifications.receiver import Receiver  # noqa: E402

BIN = Path(sys.executable).parent
PG = "postgresql://postgres@127.0.0.1:5432"


def _seed(env: dict[str, str], promises: int) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, str(ROOT / "tests/topology/seed.py"), str(promises), "--ready"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    seed: dict[str, Any] = json.loads(done.stdout)
    return seed


def _advance_all(bases: list[str], work: list[tuple[str, int]], clients: int) -> dict[str, Any]:
    """Advance every (token, promise) once with ``clients`` threads; throughput and latency."""
    latencies: list[float] = []

    def one(index: int) -> None:
        with httpx.Client(timeout=60, trust_env=False) as http:
            for token, pid in work[index::clients]:
                base = bases[pid % len(bases)]
                t0 = time.perf_counter()
                r = http.post(
                    f"{base}/api/promises/{pid}/advance",
                    json={},
                    headers={"Authorization": f"Bearer {token}"},
                )
                latencies.append(time.perf_counter() - t0)
                assert r.status_code == 200 and r.json()["ok"], r.text

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        for f in [pool.submit(one, i) for i in range(clients)]:
            f.result()
    elapsed = time.perf_counter() - started
    return {
        "n": len(work),
        "per_s": len(work) / elapsed,
        "median_ms": statistics.median(latencies) * 1000,
        "p95_ms": statistics.quantiles(latencies, n=20)[18] * 1000,
    }


def _work(seed: dict[str, Any]) -> list[tuple[str, int]]:
    return [(c["token"], pid) for c in seed["clients"] for pid in c["promises"]]


def embedded(promises: int, clients: int, tmp: Path) -> dict[str, Any]:
    """The default: one service, SQLite, Prefect's temporary server."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LOFTE_", "PREFECT_"))}
    env.update(LOFTE_DATA_DIR=str(tmp / "embedded"), PYTHONPATH=str(ROOT))
    port = 8499
    subprocess.run([str(BIN / "lofte"), "init"], env=env, check=True, capture_output=True)
    log = (tmp / "embedded.log").open("wb")
    proc = subprocess.Popen(
        [str(BIN / "lofte"), "serve", "--port", str(port), "--no-scheduler"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        topology.wait_for(
            "embedded", lambda: topology.http_ok(f"http://127.0.0.1:{port}/health"), 180
        )
        seed = _seed(env, promises)
        return _advance_all([f"http://127.0.0.1:{port}"], _work(seed), clients)
    finally:
        topology.stop_group(proc.pid)


def _queue(env: dict[str, str], n: int, tag: str) -> None:
    code = (
        "from models.db import session_scope\n"
        "from notifications.outbox import enqueue\n"
        "with session_scope() as s:\n"
        f"    for i in range({n}):\n"
        f"        enqueue(s, key=f'bench-{tag}-{{i}}', kind='digest', channel='hook',"
        " recipient='a@b.se', payload={'day': '2026-12-14', 'items': []},"
        " language='sv')\n"
    )
    subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True, timeout=300)


def _delivered(cfg: topology.Config, receiver: Receiver, n: int, tag: str) -> float:
    started = time.perf_counter()
    deadline = started + 600
    while time.perf_counter() < deadline:
        got = {r.header("webhook-id") for r in receiver.on("/hook")}
        if sum(1 for k in got if k and k.startswith(f"bench-{tag}-")) >= n:
            return time.perf_counter() - started
        time.sleep(0.2)
    raise RuntimeError("notifier did not finish")


def production(promises: int, clients: int, messages: int, tmp: Path) -> dict[str, Any]:
    """The topology: one and two service processes, latency, and the dispatchers."""
    receiver = Receiver().start()
    channels = tmp / "channels.yaml"
    channels.write_text(
        "delivery: {concurrency: 16}\ndefault_channel: hook\nchannels:\n"
        f"  hook: {{type: webhook, url: '{receiver.url('/hook')}', secret_env: BENCH_SECRET}}\n"
    )
    tag = uuid.uuid4().hex[:6]
    os.environ.update(
        TOPOLOGY_DIR=str(tmp / "topology"),
        TOPOLOGY_LOFTE_DB=f"bench_{tag}_l",
        TOPOLOGY_PREFECT_DB=f"bench_{tag}_p",
        TOPOLOGY_PREFECT_PORT="4297",
        TOPOLOGY_SERVE_PORTS="8497,8498",
        TOPOLOGY_CHANNELS_FILE=str(channels),
        BENCH_SECRET="whsec_YmVuY2gtc2VjcmV0LWJlbmNoLXNlY3JldA==",
    )
    cfg = topology.Config.from_env()
    try:
        topology.up(cfg)
        env = cfg.lofte_env()
        seed = _seed(env, promises * 2 + 20)
        work = _work(seed)
        out: dict[str, Any] = {}
        out["one_process"] = _advance_all([cfg.serve_url(0)], work[:promises], clients)
        out["two_processes"] = _advance_all(
            [cfg.serve_url(0), cfg.serve_url(1)], work[promises : 2 * promises], clients
        )
        out["sequential"] = _advance_all([cfg.serve_url(0)], work[2 * promises :], 1)
        topology.wait_for("outbox empty", lambda: not _pending(env), 300)
        _queue(env, messages, f"{tag}2")
        out["two_dispatchers_s"] = _delivered(cfg, receiver, messages, f"{tag}2")
        pid2 = topology.read_pid(cfg.state / "dispatcher-2.pid")
        assert pid2 is not None
        os.killpg(pid2, signal.SIGSTOP)
        _queue(env, messages, f"{tag}1")
        out["one_dispatcher_s"] = _delivered(cfg, receiver, messages, f"{tag}1")
        os.killpg(pid2, signal.SIGCONT)
        out["messages"] = messages
        return out
    finally:
        topology.down(cfg, quiet=True, drop=True)
        receiver.stop()


def _pending(env: dict[str, str]) -> bool:
    url = env["LOFTE_DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")
    done = subprocess.run(
        ["psql", url, "-tAc", "select count(*) from outboxmessage where status = 'pending'"],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip() != "0"


def main() -> None:
    """Run both setups and print one JSON document."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--promises", type=int, default=60)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--messages", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        result = {
            "embedded": embedded(args.promises, args.clients, Path(tmp)),
            "topology": production(args.promises, args.clients, args.messages, Path(tmp)),
        }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
