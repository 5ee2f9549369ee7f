"""Delivering the outbox: claim due messages, send them concurrently, record every attempt.

Plain functions (no Prefect) so the CLI, the flow, the tests and the benchmark share them.

How one run works:

* **Claim.** A batch of due ``pending`` rows is claimed in one statement that pushes their
  ``next_attempt_at`` forward by a lease (``UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP
  LOCKED) RETURNING …``). A second dispatcher skips them; if this process dies, the lease runs
  out and they are due again. Nothing is lost, and a message is sent again only when the crash
  came between sending and recording; it carries the same idempotency key, so the receiver can
  drop the duplicate.
* **Send.** Every message is a task on one asyncio loop over one shared ``httpx.AsyncClient``.
  A global semaphore bounds requests in flight, a per-channel one keeps a slow receiver to its
  own share: its messages wait for its slots without holding anybody else's.
* **Record.** Results are buffered and written in batches (one transaction per flush): the
  row's new state and a ``DeliveryAttempt`` per attempt. All database work runs on one worker
  thread, so the event loop never blocks on the database and SQLite sees a single writer.
* **Retry.** Network errors, timeouts, 5xx and 429 are retried with exponential backoff and
  jitter (or after ``Retry-After``); other statuses dead-letter at once; the last allowed
  attempt dead-letters too. A run keeps going while a retry falls due within
  ``wait_for_retries`` seconds, so a short outage is bridged within one run.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import httpx
from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.engine import Engine

from models.base import as_utc
from models.operations import DeliveryAttempt, OutboxMessage
from notifications.channel_config import ChannelSetup, load_channels
from notifications.channels.base import Channel, Envelope, PermanentError
from notifications.http import make_client, make_sync_client
from notifications.redact import get_logger, redact
from notifications.render import Renderer
from notifications.retry import Outcome, RetryPolicy, classify_status, parse_retry_after

log = get_logger()
T = TypeVar("T")

_OUTBOX = OutboxMessage.__table__  # type: ignore[attr-defined]
_ATTEMPTS = DeliveryAttempt.__table__  # type: ignore[attr-defined]
# Stored errors are cut to this length: enough to diagnose, not a copy of a receiver's page.
ERROR_MAX = 500
# A claimed message is only sent while at least this share of its lease is still ahead: a
# message that waited in memory (behind a slow channel) until its lease nearly ran out is left
# for a fresh claim instead, so it is never sent by two dispatchers (or twice by this one) at once.
LEASE_SAFETY = 0.75


@dataclass
class DispatchReport:
    """What one dispatcher run did."""

    claimed: int = 0
    attempts: int = 0
    sent: int = 0
    retried: int = 0
    dead: int = 0
    # Claimed but not attempted because the lease ran short while queued (claimed again later).
    released: int = 0
    elapsed_s: float = 0.0
    skipped_reason: str | None = None
    latencies_ms: list[float] = field(default_factory=list, repr=False)

    def as_dict(self) -> dict[str, Any]:
        """The report without the per-attempt latencies (for printing and flow results)."""
        data = asdict(self)
        data.pop("latencies_ms")
        return data


@dataclass
class _Result:
    message: Envelope
    outcome: Outcome
    at: datetime
    status_code: int | None = None
    latency_ms: float | None = None
    error: str | None = None
    retry_after: float | None = None


# ---------------------------------------------------------------- database work (worker thread)


def claim_due(engine: Engine, now: datetime, lease_until: datetime, limit: int) -> list[Envelope]:
    """Claim up to ``limit`` due pending messages by moving them past ``lease_until``."""
    due = (
        select(_OUTBOX.c.id)
        .where(_OUTBOX.c.status == "pending", _OUTBOX.c.next_attempt_at <= now)
        .order_by(_OUTBOX.c.next_attempt_at, _OUTBOX.c.id)
        .limit(limit)
    )
    if engine.dialect.name == "postgresql":
        # Two dispatchers never claim the same row and never wait for each other.
        due = due.with_for_update(skip_locked=True)
    stmt = (
        update(_OUTBOX)
        .where(_OUTBOX.c.id.in_(due.scalar_subquery()))
        .values(next_attempt_at=lease_until)
        .returning(
            _OUTBOX.c.id,
            _OUTBOX.c.idempotency_key,
            _OUTBOX.c.kind,
            _OUTBOX.c.channel,
            _OUTBOX.c.recipient,
            _OUTBOX.c.language,
            _OUTBOX.c.subject,
            _OUTBOX.c.payload,
            _OUTBOX.c.attempts,
            _OUTBOX.c.created_at,
        )
    )
    with engine.begin() as conn:
        rows = conn.execute(stmt).all()
    envelopes = [
        Envelope(
            id=r.id,
            key=r.idempotency_key,
            kind=r.kind,
            channel=r.channel,
            recipient=r.recipient,
            language=r.language,
            subject=r.subject,
            payload=r.payload or {},
            attempts=r.attempts,
            created_at=as_utc(r.created_at),
        )
        for r in rows
    ]
    envelopes.sort(key=lambda e: e.id)
    return envelopes


def record_results(
    engine: Engine, results: list[_Result], policy: RetryPolicy
) -> tuple[int, int, int]:
    """Write the outcome of each attempt and its DeliveryAttempt row in one transaction.

    Returns (sent, retried, dead). Only rows still ``pending`` are changed: a row somebody
    dead-lettered or re-queued meanwhile keeps its new state.
    """
    sent: list[dict[str, Any]] = []
    retry: list[dict[str, Any]] = []
    dead: list[dict[str, Any]] = []
    attempts: list[dict[str, Any]] = []
    for r in results:
        number = r.message.attempts + 1
        attempts.append(
            {
                "message_id": r.message.id,
                "attempt": number,
                "at": r.at,
                "status_code": r.status_code,
                "latency_ms": r.latency_ms,
                "error": r.error,
            }
        )
        if r.outcome is Outcome.SENT:
            sent.append({"_id": r.message.id, "_attempts": number, "_at": r.at})
        elif r.outcome is Outcome.RETRY and number < policy.max_attempts:
            wait = policy.delay(number, r.retry_after)
            retry.append(
                {
                    "_id": r.message.id,
                    "_attempts": number,
                    "_next": r.at + timedelta(seconds=wait),
                    "_error": r.error,
                }
            )
        else:
            dead.append({"_id": r.message.id, "_attempts": number, "_error": r.error})
    pending = _OUTBOX.c.status == "pending"
    with engine.begin() as conn:
        if attempts:
            conn.execute(insert(_ATTEMPTS), attempts)
        if sent:
            conn.execute(
                update(_OUTBOX)
                .where(_OUTBOX.c.id == bindparam("_id"), pending)
                .values(
                    status="sent",
                    attempts=bindparam("_attempts"),
                    sent_at=bindparam("_at"),
                    last_error=None,
                ),
                sent,
            )
        if retry:
            conn.execute(
                update(_OUTBOX)
                .where(_OUTBOX.c.id == bindparam("_id"), pending)
                .values(
                    attempts=bindparam("_attempts"),
                    next_attempt_at=bindparam("_next"),
                    last_error=bindparam("_error"),
                ),
                retry,
            )
        if dead:
            conn.execute(
                update(_OUTBOX)
                .where(_OUTBOX.c.id == bindparam("_id"), pending)
                .values(
                    status="dead", attempts=bindparam("_attempts"), last_error=bindparam("_error")
                ),
                dead,
            )
    return len(sent), len(retry), len(dead)


def next_due(engine: Engine) -> datetime | None:
    """When the earliest pending message falls due (None when nothing is pending)."""
    with engine.connect() as conn:
        value = conn.execute(
            select(func.min(_OUTBOX.c.next_attempt_at)).where(_OUTBOX.c.status == "pending")
        ).scalar()
    return as_utc(value) if value is not None else None


# ---------------------------------------------------------------- sending (event loop)


class _Run:
    """State of one dispatcher run."""

    def __init__(
        self,
        engine: Engine,
        setup: ChannelSetup,
        client: httpx.AsyncClient | httpx.Client,
        *,
        concurrency: int,
        policy: RetryPolicy,
        clock: Callable[[], datetime],
        lease: float,
        batch_size: int,
    ):
        self.engine = engine
        self.setup = setup
        self.client = client
        self.policy = policy
        self.clock = clock
        self.lease = lease
        self.batch_size = batch_size
        self.renderer = Renderer()
        self.slots = asyncio.Semaphore(concurrency)
        self.channel_slots: dict[str, asyncio.Semaphore] = {
            name: asyncio.Semaphore(ch.max_concurrency or concurrency)
            for name, ch in setup.channels.items()
        }
        self.buffer: list[_Result] = []
        # Parsed once per channel instead of per request (httpx re-parses a str URL every time).
        self.timeouts: dict[str, httpx.Timeout | Any] = {
            name: ch.timeouts.as_httpx() if ch.timeouts else httpx.USE_CLIENT_DEFAULT
            for name, ch in setup.channels.items()
        }
        self.urls: dict[str, httpx.URL] = {}
        self.report = DispatchReport()
        self.waiting_for_channel = 0
        # In threads mode the blocking client's sends run here, one thread per slot.
        self.senders = (
            ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="lofte-outbox-send")
            if isinstance(client, httpx.Client)
            else None
        )
        # One thread for every database call: ordered, and one writer for SQLite.
        self.db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lofte-outbox-db")

    async def in_db(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn`` on the database thread."""
        return await asyncio.get_running_loop().run_in_executor(self.db, fn, *args)

    async def claim(self, limit: int) -> list[Envelope]:
        """Claim the next batch."""
        now = self.clock()
        batch = await self.in_db(
            claim_due, self.engine, now, now + timedelta(seconds=self.lease), limit
        )
        self.report.claimed += len(batch)
        return batch

    async def flush(self) -> None:
        """Write buffered results (no-op when there are none)."""
        if not self.buffer:
            return
        batch, self.buffer = self.buffer, []
        sent, retried, dead = await self.in_db(record_results, self.engine, batch, self.policy)
        self.report.sent += sent
        self.report.retried += retried
        self.report.dead += dead

    async def deliver(self, message: Envelope, lease_end: float = float("inf")) -> None:
        """Make one attempt to deliver ``message`` and buffer the result.

        ``lease_end`` (``time.monotonic()``) is when the claim should be considered lost; a
        message whose turn comes after it is not sent (see ``LEASE_SAFETY``).
        """
        result = await self._attempt(message, lease_end)
        if result is None:
            self.report.released += 1
            return
        self.report.attempts += 1
        if result.latency_ms is not None:
            self.report.latencies_ms.append(result.latency_ms)
        _log_attempt(result)
        self.buffer.append(result)

    async def _attempt(self, message: Envelope, lease_end: float) -> _Result | None:
        channel = self.setup.resolve(message.channel)
        if channel is None:
            return _Result(
                message,
                Outcome.FAILED,
                self.clock(),
                error=f"kanalen {message.channel!r} är inte konfigurerad / channel not configured",
            )
        try:
            rendered = self.renderer.render(
                message.kind,
                message.language,
                message.payload,
                html=channel.needs_html,
            )
        except Exception as exc:  # a broken template dead-letters, it must not stop the run
            return _Result(
                message,
                Outcome.FAILED,
                self.clock(),
                error=_short(f"template: {type(exc).__name__}: {exc}"),
            )
        self.waiting_for_channel += 1
        async with self.channel_slots[channel.name]:
            self.waiting_for_channel -= 1
            async with self.slots:
                if time.monotonic() > lease_end:
                    return None
                return await self._send(channel, message, rendered)

    async def _send(self, channel: Channel, message: Envelope, rendered: Any) -> _Result:
        at = self.clock()
        try:
            outgoing = channel.build(message, rendered, now=time.time())
        except PermanentError as exc:
            return _Result(message, Outcome.FAILED, at, error=_short(str(exc)))
        url = self.urls.get(outgoing.url)
        if url is None:
            url = self.urls.setdefault(outgoing.url, httpx.URL(outgoing.url))
        request = self.client.build_request(
            outgoing.method,
            url,
            content=outgoing.body,
            headers=outgoing.headers,
            timeout=self.timeouts[channel.name],
        )
        started = time.perf_counter()
        try:
            if isinstance(self.client, httpx.Client):
                loop = asyncio.get_running_loop()
                response = await loop.run_in_executor(self.senders, self.client.send, request)
            else:
                response = await self.client.send(request)
        except httpx.TimeoutException as exc:
            latency = (time.perf_counter() - started) * 1000
            return _Result(
                message,
                Outcome.RETRY,
                at,
                latency_ms=latency,
                error=_short(f"timeout: {type(exc).__name__}"),
            )
        except httpx.TransportError as exc:
            latency = (time.perf_counter() - started) * 1000
            return _Result(
                message,
                Outcome.RETRY,
                at,
                latency_ms=latency,
                error=_short(f"network: {type(exc).__name__}: {exc}"),
            )
        latency = (time.perf_counter() - started) * 1000
        outcome = classify_status(response.status_code)
        if outcome is Outcome.SENT:
            return _Result(message, outcome, at, response.status_code, latency)
        retry_after = None
        if response.status_code in (429, 503):
            retry_after = parse_retry_after(response.headers.get("retry-after"), at)
        body = response.text[:200].strip()
        error = _short(f"HTTP {response.status_code}" + (f": {body}" if body else ""))
        return _Result(message, outcome, at, response.status_code, latency, error, retry_after)


def _short(text: str) -> str:
    return (redact(text) or "")[:ERROR_MAX]


def _log_attempt(r: _Result) -> None:
    # The key and channel name identify the message; URLs and headers are never logged.
    if r.outcome is Outcome.SENT:
        log.debug(
            "delivered message=%s idempotency_key=%s channel=%s attempt=%d status=%s latency_ms=%.1f",
            r.message.id,
            r.message.key,
            r.message.channel,
            r.message.attempts + 1,
            r.status_code,
            r.latency_ms or 0,
        )
    else:
        log.warning(
            "delivery failed message=%s idempotency_key=%s channel=%s attempt=%d at=%s status=%s latency_ms=%s outcome=%s error=%s",
            r.message.id,
            r.message.key,
            r.message.channel,
            r.message.attempts + 1,
            r.at.isoformat(),
            r.status_code,
            None if r.latency_ms is None else round(r.latency_ms, 1),
            r.outcome.value,
            r.error,
        )


async def adispatch_pending(
    engine: Engine,
    setup: ChannelSetup,
    *,
    now: datetime | None = None,
    concurrency: int | None = None,
    policy: RetryPolicy | None = None,
    lease_seconds: float | None = None,
    wait_for_retries: float | None = None,
    max_seconds: float | None = None,
    max_messages: int | None = None,
    batch_size: int | None = None,
    flush_every: int = 500,
    flush_interval: float = 0.1,
    client: httpx.AsyncClient | httpx.Client | None = None,
    http_mode: str | None = None,
) -> DispatchReport:
    """Deliver due messages until none is due (see the module docstring); the async core.

    ``now`` freezes the clock: only what is due at that instant is attempted, once, and the
    run does not wait for retries. Unset arguments come from ``setup.delivery``.
    """
    delivery = setup.delivery
    concurrency = concurrency or delivery.concurrency
    policy = policy or delivery.policy()
    lease = lease_seconds if lease_seconds is not None else delivery.lease_seconds
    linger = (
        0.0
        if now is not None
        else (
            wait_for_retries if wait_for_retries is not None else delivery.wait_for_retries_seconds
        )
    )
    batch = batch_size or max(50, concurrency * 4)
    frozen = now

    def clock() -> datetime:
        return frozen if frozen is not None else datetime.now(UTC)

    owns_client = client is None
    http: httpx.AsyncClient | httpx.Client
    if client is not None:
        http = client
    elif (http_mode or delivery.http_mode) == "threads":
        http = make_sync_client(
            concurrency, delivery.timeouts.to_timeouts(), trust_env=delivery.trust_env
        )
    else:
        http = make_client(
            concurrency, delivery.timeouts.to_timeouts(), trust_env=delivery.trust_env
        )
    run = _Run(
        engine,
        setup,
        http,
        concurrency=concurrency,
        policy=policy,
        clock=clock,
        lease=lease,
        batch_size=batch,
    )
    started = time.perf_counter()
    deadline = started + max_seconds if max_seconds else None
    tasks: set[asyncio.Task[None]] = set()
    # Finished tasks wake the loop through this event. (``asyncio.wait`` over the whole task
    # set would add and remove a callback on every pending task at every wake-up: O(tasks) per
    # message, which with a few thousand queued messages was a large share of the run's CPU.)
    wake = asyncio.Event()
    crashed: list[BaseException] = []

    def finished(task: asyncio.Task[None]) -> None:
        tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            crashed.append(task.exception())  # type: ignore[arg-type]
        wake.set()

    last_flush = time.perf_counter()
    quiet_until = 0.0  # after a short claim, do not ask the database again for a moment
    exhausted = False  # the last claim found fewer due messages than it asked for
    claimed_total = 0
    try:
        while True:
            wake.clear()
            if crashed:
                raise crashed[0]  # an unexpected exception in our own code must not pass silently
            moment = time.perf_counter()
            stop_claiming = (
                (deadline is not None and moment >= deadline)
                or (max_messages is not None and claimed_total >= max_messages)
                or (frozen is not None and exhausted)
            )
            active = len(tasks) - run.waiting_for_channel
            if (
                not stop_claiming
                and moment >= quiet_until
                and active < batch
                and len(tasks) < batch * 20
            ):
                limit = batch if max_messages is None else min(batch, max_messages - claimed_total)
                claimed = await run.claim(limit)
                claimed_total += len(claimed)
                lease_end = time.monotonic() + run.lease * LEASE_SAFETY
                for message in claimed:
                    task = asyncio.create_task(run.deliver(message, lease_end))
                    tasks.add(task)
                    task.add_done_callback(finished)
                exhausted = len(claimed) < limit
                if exhausted:
                    quiet_until = moment + 0.2
                continue  # claim again at once while there is room; wait only when full
            if tasks:
                if len(run.buffer) < flush_every:
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(flush_interval):
                            await wake.wait()
                if len(run.buffer) >= flush_every or (
                    run.buffer and time.perf_counter() - last_flush >= flush_interval
                ):
                    await run.flush()
                    last_flush = time.perf_counter()
                continue
            # Nothing in flight.
            await run.flush()
            last_flush = time.perf_counter()
            if stop_claiming:
                break
            if not exhausted:
                continue
            # Is a retry (or a message enqueued for later) due soon enough to wait for it?
            due = await run.in_db(next_due, engine)
            if due is None:
                break
            wait = max(0.0, (due - clock()).total_seconds())
            if wait > linger:
                break
            if deadline is not None and time.perf_counter() + wait >= deadline:
                break
            # A floor, so a due row that another dispatcher holds locked is not polled in a spin.
            await asyncio.sleep(max(wait, 0.05))
            quiet_until = 0.0
    finally:
        # Whatever happens, what was attempted is recorded (unless the process itself dies).
        if tasks:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        await run.flush()
        run.db.shutdown(wait=True)
        if run.senders is not None:
            # A thread stuck on a hung receiver ends at its read timeout; do not wait for it.
            run.senders.shutdown(wait=False, cancel_futures=True)
        if owns_client:
            if isinstance(http, httpx.Client):
                http.close()
            else:
                await http.aclose()
    run.report.elapsed_s = time.perf_counter() - started
    log.info("outbox run: %s", run.report.as_dict())
    return run.report


def dispatch_pending(
    engine: Engine | None = None,
    *,
    setup: ChannelSetup | None = None,
    now: datetime | None = None,
    **options: Any,
) -> DispatchReport:
    """Deliver due outbox messages once (synchronous entry point for the CLI, flow and bench).

    ``setup`` defaults to the channels file; with no file configured nothing is sent and the
    report says why. Options are those of ``adispatch_pending``.
    """
    from models.db import get_engine

    engine = engine or get_engine()
    setup = setup if setup is not None else load_channels()
    if setup is None:
        report = DispatchReport(
            skipped_reason="ingen kanalkonfiguration / no channels file configured"
        )
        log.warning("outbox not dispatched: %s", report.skipped_reason)
        return report
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(adispatch_pending(engine, setup, now=now, **options))
    # Called from code that already runs an event loop in this thread (an async flow
    # runner, a notebook): run ours on a thread of its own instead of nesting loops.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="lofte-outbox") as pool:
        return pool.submit(
            asyncio.run, adispatch_pending(engine, setup, now=now, **options)
        ).result()
