"""Benchmark of the outbox dispatcher against a local receiver on 127.0.0.1.

    python bench/notifier.py                      # SQLite, 10,000 messages, c = 8/32/128
    python bench/notifier.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test
    python bench/notifier.py --messages 2000 --concurrency 16 64
    python bench/notifier.py --postgres URL --processes 1 2 3 --modes threads --no-ceiling

For every concurrency level it enqueues N messages, runs ``dispatch_pending`` once and reports
wall time, messages/s, attempts/s and request latency percentiles; then the same with a
receiver that answers 500 to 20 % of requests (retried with short test backoff). A "ceiling"
line sends the same number of requests with the bare httpx client (no database, no rendering,
no signing) at the same concurrency: how fast the receiver and the HTTP client go on their own.

``--processes N`` runs N dispatcher processes at once on the same PostgreSQL outbox (they share
it through ``FOR UPDATE SKIP LOCKED`` claims): the scale-out figure. Wall time runs from a common
start signal (after imports and connections) until the last one has finished.

The receiver is a minimal asyncio HTTP/1.1 server in its own process (keep-alive, answers
immediately), so it is not the Python http.server's thread-per-connection design we measure.
Measured alone with wrk from another process it answers ~30,000 POSTs/s (1.2 KB bodies, 16
connections), 30 times what the dispatcher asks of it: it is not what limits these figures.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import multiprocessing as mp
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SECRET = "whsec_YmVuY2gtc2VjcmV0LWJlbmNoLXNlY3JldA=="


# ---------------------------------------------------------------- the receiver (own process)


def _receiver_main(port_queue: Any, fail_rate: float, seed: int) -> None:
    rng = random.Random(seed)
    ok = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: application/json\r\n\r\n{}"
    bad = b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n"

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line[:15].lower() == b"content-length:":
                        length = int(line[15:])
                if length:
                    await reader.readexactly(length)
                writer.write(bad if fail_rate and rng.random() < fail_rate else ok)
        except (asyncio.IncompleteReadError, ConnectionResetError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=1024)
        port_queue.put(server.sockets[0].getsockname()[1])
        async with server:
            await server.serve_forever()

    asyncio.run(main())


class ReceiverProcess:
    def __init__(self, fail_rate: float = 0.0, seed: int = 1):
        queue: Any = mp.Queue()
        self.process = mp.Process(target=_receiver_main, args=(queue, fail_rate, seed), daemon=True)
        self.process.start()
        self.port = queue.get(timeout=10)

    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def stop(self) -> None:
        self.process.terminate()
        self.process.join(5)


# ---------------------------------------------------------------- helpers


def _percentiles(values: list[float]) -> tuple[float, float, float]:
    if not values:
        return (0.0, 0.0, 0.0)
    q = statistics.quantiles(values, n=100, method="inclusive")
    return (q[49], q[94], q[98])


def _engine(kind: str, pg_admin: str | None) -> tuple[Any, Any]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from models.db import make_engine
    from models.migrate import upgrade

    if kind == "sqlite":
        path = Path(tempfile.mkdtemp(prefix="lofte-bench-")) / "bench.db"
        engine = make_engine(f"sqlite:///{path}")
        upgrade(engine)
        return engine, lambda: engine.dispose()
    assert pg_admin
    name = f"lofte_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(pg_admin, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(
        make_url(pg_admin).set(database=name).render_as_string(hide_password=False)
    )
    upgrade(engine)

    def drop() -> None:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return engine, drop


def _fill(engine: Any, n: int, channel: str, run: str) -> None:
    from sqlalchemy import delete, insert

    from models.base import utcnow
    from models.operations import DeliveryAttempt, OutboxMessage

    now = utcnow()

    def payload(i: int) -> dict[str, Any]:
        # The shape flows/reminders.py queues: one digest per person, two deadlines. Every
        # message differs (name, promise ids, days), as real digests do, so nothing can be
        # served from a cache keyed on the payload.
        return {
            "recipient": {"email": f"p{i}@kommun.example", "name": f"Person {i}"},
            "day": "2026-03-02",
            "items": [
                {
                    "promise_id": i,
                    "area_name": "Sollentuna",
                    "stage": "goals",
                    "what_sv": "Mål",
                    "what_en": "Goals",
                    "due": "2026-03-13",
                    "overdue": False,
                    "escalation": False,
                    "working_days_left": 9 + i % 5,
                    "working_days_late": 0,
                },
                {
                    "promise_id": i + 1,
                    "area_name": "Kista",
                    "stage": "action_plan",
                    "due": "2026-02-13",
                    "overdue": True,
                    "escalation": i % 2 == 0,
                    "working_days_left": 0,
                    "working_days_late": 3 + i % 7,
                },
            ],
            "url": f"https://lofte.example/p/{i}",
        }

    rows = [
        {
            "idempotency_key": f"{run}:{i}",
            "kind": "digest",
            "channel": channel,
            "recipient": f"p{i}@kommun.example",
            "language": "sv" if i % 3 else "en",
            "subject": "",
            "payload": payload(i),
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for i in range(n)
    ]
    with engine.begin() as conn:
        conn.execute(delete(DeliveryAttempt.__table__))  # type: ignore[attr-defined]
        conn.execute(delete(OutboxMessage.__table__))  # type: ignore[attr-defined]
        conn.execute(insert(OutboxMessage.__table__), rows)  # type: ignore[attr-defined]


def _setup(url: str, concurrency: int, channel: str, mode: str) -> Any:
    from notifications.channel_config import parse_channels

    doc = {
        "delivery": {
            "max_attempts": 8,
            "backoff_base_seconds": 0.05,
            "backoff_max_seconds": 0.5,
            "concurrency": concurrency,
            "per_channel_concurrency": concurrency,
            "wait_for_retries_seconds": 5,
            "trust_env": False,
            "http_mode": mode,
        },
        "channels": {
            "hook": {"type": "webhook", "url": url, "secret_env": "BENCH_SECRET"},
            "mail": {
                "type": "mail",
                "endpoint": url,
                "token_env": "BENCH_SECRET",
                "from": "noreply@kommun.example",
            },
        },
    }
    return parse_channels(doc, Path("bench"), {"BENCH_SECRET": SECRET})


def _dispatcher_main(url: str, setup_args: tuple[Any, ...], start: Any, results: Any) -> None:
    """One of ``--processes`` dispatchers: wait for the start signal, run once, send the report back."""
    import logging

    from models.db import make_engine
    from notifications.dispatcher import dispatch_pending

    logging.getLogger("lofte.notifications").setLevel(logging.ERROR)
    engine = make_engine(url)
    setup = _setup(*setup_args)
    start.wait()
    report = dispatch_pending(engine, setup=setup)
    engine.dispose()
    results.put((report.sent, report.attempts, report.latencies_ms))


def run_case(
    engine: Any,
    receiver: ReceiverProcess,
    n: int,
    concurrency: int,
    channel: str,
    mode: str,
    processes: int = 1,
) -> dict[str, Any]:
    from sqlalchemy import func, select
    from sqlmodel import col

    from models.operations import OutboxMessage
    from notifications.dispatcher import dispatch_pending

    _fill(engine, n, channel, uuid.uuid4().hex[:8])
    setup_args = (receiver.url(), concurrency, channel, mode)
    if processes == 1:
        report = dispatch_pending(engine, setup=_setup(*setup_args))
        seconds, sent_total, attempts, latencies = (
            report.elapsed_s,
            report.sent,
            report.attempts,
            report.latencies_ms,
        )
    else:
        # Several dispatchers share one outbox (PostgreSQL: claims use FOR UPDATE SKIP LOCKED).
        # They start together once all have imported and connected; wall time is until the last ends.
        start = mp.Event()
        results: mp.Queue[tuple[int, int, list[float]]] = mp.Queue()
        url = engine.url.render_as_string(hide_password=False)
        workers = [
            mp.Process(target=_dispatcher_main, args=(url, setup_args, start, results))
            for _ in range(processes)
        ]
        for w in workers:
            w.start()
        time.sleep(3)  # imports and connections, outside the measured time
        began = time.perf_counter()
        start.set()
        parts = [results.get(timeout=600) for _ in workers]
        seconds = time.perf_counter() - began
        for w in workers:
            w.join(10)
        sent_total = sum(p[0] for p in parts)
        attempts = sum(p[1] for p in parts)
        latencies = [x for p in parts for x in p[2]]
    with engine.connect() as conn:
        sent = conn.execute(
            select(func.count()).where(col(OutboxMessage.status) == "sent")
        ).scalar()
    assert sent == n == sent_total, f"{sent} of {n} marked sent, dispatchers reported {sent_total}"
    p50, p95, p99 = _percentiles(latencies)
    return {
        "sent": sent_total,
        "attempts": attempts,
        "seconds": seconds,
        "msg_per_s": n / seconds,
        "att_per_s": attempts / seconds,
        "p50": p50,
        "p95": p95,
        "p99": p99,
    }


async def _ceiling(url: str, n: int, concurrency: int) -> float:
    import httpx

    body = b'{"id":"x","text":"' + b"x" * 600 + b'"}'
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, trust_env=False, timeout=10) as client:
        sem = asyncio.Semaphore(concurrency)

        async def one() -> None:
            async with sem:
                await client.post(url, content=body, headers={"Content-Type": "application/json"})

        started = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(n)))
        return n / (time.perf_counter() - started)


def _ceiling_threads(url: str, n: int, concurrency: int) -> float:
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    body = b'{"id":"x","text":"' + b"x" * 600 + b'"}'
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    with (
        httpx.Client(limits=limits, trust_env=False, timeout=10) as client,
        ThreadPoolExecutor(concurrency) as pool,
    ):
        started = time.perf_counter()
        list(
            pool.map(
                lambda _: client.post(
                    url, content=body, headers={"Content-Type": "application/json"}
                ),
                range(n),
            )
        )
        return n / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[8, 32, 128])
    parser.add_argument("--postgres", help="admin URL of a PostgreSQL server to also run on")
    parser.add_argument(
        "--mail", action="store_true", help="also the mail channel (renders HTML too)"
    )
    parser.add_argument(
        "--modes", nargs="+", default=["threads", "async"], choices=["threads", "async"]
    )
    parser.add_argument(
        "--processes",
        type=int,
        nargs="+",
        default=[1],
        help="dispatcher processes in parallel (more than 1 only on PostgreSQL)",
    )
    parser.add_argument(
        "--no-ceiling", action="store_true", help="skip the bare-httpx ceiling lines"
    )
    args = parser.parse_args()

    import logging

    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("lofte.notifications").setLevel(logging.ERROR)  # 20 % failures log a lot
    backends = ["sqlite"] + (["postgresql"] if args.postgres else [])
    print(f"{args.messages} messages; {os.cpu_count()} CPUs; Python {sys.version.split()[0]}\n")
    header = f"{'backend':<10} {'mode':<8} {'channel':<8} {'fail':>4} {'conc':>5} {'attempts':>8} {'seconds':>8} {'msg/s':>7} {'att/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
    print(header)
    print("-" * len(header))
    for fail in (0.0, 0.2):
        receiver = ReceiverProcess(fail)
        try:
            if fail == 0.0 and not args.no_ceiling:
                for mode in args.modes:
                    for c in args.concurrency:
                        if mode == "threads":
                            rate = _ceiling_threads(receiver.url(), args.messages, c)
                        else:
                            rate = asyncio.run(_ceiling(receiver.url(), args.messages, c))
                        print(
                            f"{'ceiling':<10} {mode:<8} {'(httpx)':<8} {0:>4.0%} {c:>5} {args.messages:>8} {args.messages / rate:>8.2f} {rate:>7.0f} {rate:>7.0f}",
                            flush=True,
                        )
            for backend in backends:
                engine, cleanup = _engine(backend, args.postgres)
                try:
                    channels = ["hook"] + (["mail"] if args.mail else [])
                    for procs, mode, channel, c in itertools.product(
                        args.processes, args.modes, channels, args.concurrency
                    ):
                        if procs == 1 or backend == "postgresql":
                            r = run_case(engine, receiver, args.messages, c, channel, mode, procs)
                            label = backend if procs == 1 else f"pg x{procs}"
                            print(
                                f"{label:<10} {mode:<8} {channel:<8} {fail:>4.0%} {c:>5} {r['attempts']:>8} {r['seconds']:>8.2f} "
                                f"{r['msg_per_s']:>7.0f} {r['att_per_s']:>7.0f} {r['p50']:>7.1f} {r['p95']:>7.1f} {r['p99']:>7.1f}",
                                flush=True,
                            )
                finally:
                    cleanup()
        finally:
            receiver.stop()


if __name__ == "__main__":
    main()
