from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import select

from models.db import session_scope
from models.operations import DeliveryAttempt, OutboxMessage
from notifications.outbox import enqueue

# The shape flows/reminders.py queues (one digest per recipient and run).
DIGEST = {
    "recipient": {"email": "anna@kommun.example", "name": "Anna Andersson"},
    "day": "2026-03-02",
    "items": [
        {
            "promise_id": 1,
            "area_name": "Sollentuna",
            "stage": "goals",
            "what_sv": "Mål",
            "what_en": "Goals",
            "due": "2026-03-13",
            "overdue": False,
            "escalation": False,
            "working_days_left": 9,
            "working_days_late": 0,
        }
    ],
    "url": "https://lofte.example/p/1",
}

# A payload with every field some kind of message reads: each kind renders from it.
SAMPLE: dict[str, Any] = {
    "person": "Anna",
    "date": "2026-03-02",
    "promise": "Löfte Kista",
    "area": "Kista",
    "municipality": "Stockholms stad",
    "feedback": "Belysningen är på plats.",
    "round": 1,
    "year": 1,
    "stage": "goals",
    "what": "Mål för problem 2",
    "due": "2026-02-01",
    "days_overdue": 29,
    "level": 1,
    "from_stage": "goals",
    "to_stage": "action_plan",
    "by": "Bo",
    "region": "stockholm",
    "region_name": "Stockholm",
    "totals": {"promises": 3, "on_track": 2, "late": 1},
    "day": "2026-03-02",
    "recipient": {"name": "Anna"},
    "items": [
        {
            "promise_id": 4,
            "area_name": "Kista",
            "stage": "goals",
            "what_sv": "Mål",
            "what_en": "Goals",
            "due": "2026-02-01",
            "overdue": True,
            "escalation": True,
            "working_days_late": 20,
        }
    ],
    "late": [{"promise": "Löfte Kista", "stage": "goals", "days_overdue": 29}],
    "url": "https://lofte.example/p/1",
    "comment": "<script>x</script>",
    "email": "anna@lofte.example",
    "title": "Löfte Kista",
    "lines": ["Belysningen är på plats."],
    "agreement": "Överenskommelse Kista",
    "agreement_id": 3,
    "term_end": "2026-12-31",
    "parties": ["Stockholms stad", "LPO Kista"],
    "days_left": 28,
    "transition": "forward",
    "at": "2026-03-02T13:05+00:00",
}


def add(
    engine: Engine,
    key: str,
    channel: str = "hook",
    *,
    kind: str = "digest",
    recipient: str = "anna@kommun.example",
    payload: dict[str, Any] | None = None,
    language: str = "sv",
) -> None:
    with session_scope(engine) as s:
        enqueue(
            s,
            key=key,
            kind=kind,
            channel=channel,
            recipient=recipient,
            payload=payload if payload is not None else DIGEST,
            language=language,
        )


def rows(engine: Engine) -> list[OutboxMessage]:
    with session_scope(engine) as s:
        return list(s.exec(select(OutboxMessage).order_by(OutboxMessage.id)))  # type: ignore[arg-type]


def row(engine: Engine, key: str) -> OutboxMessage:
    with session_scope(engine) as s:
        return s.exec(select(OutboxMessage).where(OutboxMessage.idempotency_key == key)).one()


def attempts(engine: Engine, key: str) -> list[DeliveryAttempt]:
    with session_scope(engine) as s:
        m = s.exec(select(OutboxMessage).where(OutboxMessage.idempotency_key == key)).one()
        return list(
            s.exec(
                select(DeliveryAttempt)
                .where(DeliveryAttempt.message_id == m.id)
                .order_by(DeliveryAttempt.id)
            )
        )  # type: ignore[arg-type]
