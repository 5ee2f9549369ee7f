"""``lofte outbox``: look at the notification outbox, re-queue dead letters, dispatch once.

Exit codes: 0 done, 1 refused (nothing to do that way, conflict), 2 bad input or configuration.
"""

from __future__ import annotations

import json
from typing import Any, NoReturn

import typer

from config.settings import ConfigError

app = typer.Typer(
    help="Utkorgen för aviseringar / The notification outbox.",
    no_args_is_help=True,
    add_completion=False,
)


def _fail(code: int, message: str) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def _engine() -> Any:
    from models.db import get_engine

    try:
        return get_engine()
    except ConfigError as exc:
        _fail(2, f"Fel i konfigurationen / configuration error: {exc}")


def _row(m: Any) -> dict[str, Any]:
    return {
        "id": m.id,
        "status": m.status,
        "kind": m.kind,
        "channel": m.channel,
        "recipient": m.recipient,
        "language": m.language,
        "attempts": m.attempts,
        "next_attempt_at": m.next_attempt_at.isoformat() if m.status == "pending" else None,
        "sent_at": m.sent_at.isoformat() if m.sent_at else None,
        "created_at": m.created_at.isoformat(),
        "idempotency_key": m.idempotency_key,
        "last_error": m.last_error,
    }


@app.command("list")
def list_command(
    failed: bool = typer.Option(
        False, "--failed", help="Bara döda meddelanden / dead-lettered only."
    ),
    as_json: bool = typer.Option(False, "--json", help="Skriv JSON / print JSON."),
    limit: int = typer.Option(
        50, "--limit", min=1, max=10000, help="Högst så många / at most this many."
    ),
) -> None:
    """Visa meddelanden i utkorgen, nyaste först / list outbox messages, newest first."""
    from models.db import session_scope
    from notifications.outbox import list_messages

    with session_scope(_engine()) as session:
        rows = [_row(m) for m in list_messages(session, failed_only=failed, limit=limit)]
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
def retry_command(
    ids: list[int] = typer.Argument(None, help="Meddelandenas ID / message ids."),
    all_failed: bool = typer.Option(
        False, "--all-failed", help="Alla döda meddelanden / every dead letter."
    ),
) -> None:
    """Lägg döda meddelanden i kö igen / re-queue dead-lettered messages."""
    from models.db import session_scope
    from notifications.outbox import retry_dead

    if bool(ids) == all_failed:
        _fail(2, "Ange ID:n eller --all-failed (inte båda) / give ids or --all-failed (not both).")
    with session_scope(_engine()) as session:
        result = retry_dead(session, ids, all_failed=all_failed)
        if result.missing or result.not_dead:
            # All or nothing: a typo in one id must not half-apply the command.
            session.rollback()
    if result.missing:
        _fail(2, f"Finns inte / no such message: {', '.join(map(str, result.missing))}")
    if result.not_dead:
        _fail(
            1,
            f"Inte döda, lämnas orörda / not dead-lettered, left alone: {', '.join(map(str, result.not_dead))}",
        )
    if not result.requeued:
        _fail(1, "Inga döda meddelanden / no dead-lettered messages.")
    typer.echo(
        f"{len(result.requeued)} meddelanden i kö igen / messages re-queued: {', '.join(map(str, result.requeued))}"
    )


@app.command("dispatch")
def dispatch_command(
    max_seconds: float = typer.Option(
        50.0, "--max-seconds", min=0.1, help="Sluta ta nya efter / stop claiming after."
    ),
    concurrency: int | None = typer.Option(
        None, "--concurrency", min=1, max=1000, help="Samtidiga anrop / requests in flight."
    ),
) -> None:
    """Skicka det som är förfallet, en gång / deliver what is due, once."""
    from notifications.channel_config import load_channels
    from notifications.dispatcher import dispatch_pending

    try:
        setup = load_channels()
    except ConfigError as exc:
        _fail(2, f"Fel i kanalkonfigurationen / channel configuration error: {exc}")
    if setup is None:
        _fail(
            1,
            "Ingen kanalkonfiguration, inget skickat / no channels file, nothing sent (LOFTE_CHANNELS_FILE).",
        )
    report = dispatch_pending(
        _engine(), setup=setup, max_seconds=max_seconds, concurrency=concurrency
    )
    typer.echo(
        f"Skickade / sent {report.sent}, försöker igen / will retry {report.retried}, "
        f"döda / dead {report.dead} ({report.attempts} försök / attempts, {report.elapsed_s:.1f} s)"
    )
