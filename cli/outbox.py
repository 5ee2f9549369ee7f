"""``lofte outbox``: look at the notification outbox, re-queue dead letters, dispatch once.

Exit codes: 0 done, 1 refused (nothing to do that way, conflict), 2 bad input or configuration.
"""

from __future__ import annotations

import json

import typer

from cli.output import EXIT_BAD_INPUT, EXIT_REFUSED, command, fail
from config.errors import ConfigError
from lifecycle.errors import InputError

app = typer.Typer(
    help="Utkorgen för aviseringar / The notification outbox.",
    no_args_is_help=True,
    add_completion=False,
)


ActorOpt = typer.Option(None, help="On the server: act as this registered person (e-mail)")


@app.command("list")
@command
def list_command(
    failed: bool = typer.Option(
        False, "--failed", help="Bara döda meddelanden / dead-lettered only."
    ),
    as_json: bool = typer.Option(False, "--json", help="Skriv JSON / print JSON."),
    limit: int = typer.Option(
        50, "--limit", min=1, max=10000, help="Högst så många / at most this many."
    ),
    actor: str | None = ActorOpt,
) -> None:
    """Visa meddelanden i utkorgen, nyaste först / list outbox messages, newest first."""
    from cli import transport

    rows = transport.call("outbox.list", {"failed": failed, "limit": limit}, actor=actor)
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        typer.echo("Inga meddelanden / no messages.")
        return
    typer.echo(
        f"{'ID':>6}  {'STATUS':<8} {'KIND':<14} {'CHANNEL':<16} {'TRIES':>5}  RECIPIENT / ERROR"
    )
    for r in rows:
        typer.echo(
            f"{r['id']:>6}  {r['status']:<8} {r['kind'][:14]:<14} {r['channel'][:16]:<16} "
            f"{r['attempts']:>5}  {r['recipient']}"
        )
        if r["last_error"]:
            typer.echo(f"{'':>6}  ↳ {r['last_error'][:160]}")


@app.command("retry")
@command
def retry_command(
    ids: list[int] = typer.Argument(None, help="Meddelandenas ID / message ids."),
    all_failed: bool = typer.Option(
        False, "--all-failed", help="Alla döda meddelanden / every dead letter."
    ),
    actor: str | None = ActorOpt,
) -> None:
    """Lägg döda meddelanden i kö igen / re-queue dead-lettered messages."""
    from cli import transport

    if bool(ids) == all_failed:
        fail(InputError.said("Ange ID:n eller --all-failed (inte båda)."), EXIT_BAD_INPUT)
    result = transport.call(
        "outbox.retry", {"ids": ids or [], "all_failed": all_failed}, actor=actor
    )
    requeued = result["requeued"]
    typer.echo(
        f"{len(requeued)} meddelanden i kö igen / messages re-queued: {', '.join(map(str, requeued))}"
    )


@app.command("dispatch")
@command
def dispatch_command(
    max_seconds: float = typer.Option(
        50.0, "--max-seconds", min=0.1, help="Sluta ta nya efter / stop claiming after."
    ),
    concurrency: int | None = typer.Option(
        None, "--concurrency", min=1, max=1000, help="Samtidiga anrop / requests in flight."
    ),
    every: float | None = typer.Option(
        None,
        "--every",
        min=0.5,
        max=3600,
        help="Kör om och om igen med så här många sekunders paus (en dispatcher-tjänst) / "
        "run again and again, pausing this many seconds (a dispatcher service).",
    ),
) -> None:
    """Skicka det som är förfallet, en gång (eller med --every, tills SIGTERM) / deliver what
    is due, once (or with --every, until SIGTERM)."""
    import signal
    import threading

    from flows.dispatch import dispatch_once

    stop = threading.Event()
    if every is not None:
        # systemd and scripts/topology stop a dispatcher with SIGTERM: finish the batch, exit 0.
        signal.signal(signal.SIGTERM, lambda _n, _f: stop.set())
    while True:
        try:
            report = dispatch_once(max_seconds, concurrency)
        except ConfigError as exc:
            fail(
                InputError.said("Fel i kanalkonfigurationen: {why}", why=exc.sentence),
                EXIT_BAD_INPUT,
            )
        if report is None:
            fail(
                InputError.said("Ingen kanalkonfiguration, inget skickat (LOFTE_CHANNELS_FILE)."),
                EXIT_REFUSED,
            )
        typer.echo(
            f"Skickade / sent {report['sent']}, försöker igen / will retry {report['retried']}, "
            f"döda / dead {report['dead']} ({report['attempts']} försök / attempts, {report['elapsed_s']:.1f} s)"
        )
        if every is None or stop.wait(every):
            return
