"""Issue 12: residents follow a published promise by e-mail. Double opt-in through the HTTP
mail channel, one message per round with feedback and per approved year-end result (never
twice), one-click unsubscribe that deletes the address, limits without enumeration."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from application.subscriptions import (
    PER_CLIENT_PER_HOUR,
    SubscribeErrors,
    confirm,
    subscribe,
    unsubscribe,
)
from lifecycle.errors import NotFound, TooManyRequests
from lifecycle.stages import Stage
from models import (
    Activity,
    EvaluationRound,
    Goal,
    OutboxMessage,
    ResidentSubscription,
    SubscriptionRequest,
)
from models.db import session_scope
from notifications.dispatcher import dispatch_pending
from tests.helpers import add, complete_stage, ids, new_promise, promise
from tests.test_method import walk_to

ADDRESS = "Invanare.Ett@Exempel.se"


def published() -> int:
    pid = new_promise(start=date(2026, 1, 1))
    walk_to(pid, Stage.CONTINUOUS_EVALUATION)
    return pid


def submit_round(pid: int, number: int, feedback: str) -> None:
    p = promise(pid)
    with session_scope() as s:
        due = s.exec(
            select(EvaluationRound.due).where(
                EvaluationRound.promise_id == pid, EvaluationRound.number == number
            )
        ).one()
    add(
        pid,
        "evaluation",
        _on=due,
        round=number,
        submitted_by="Samordnare",
        activities=[{"activity_id": a, "status": "ongoing"} for a in ids(pid, Activity)],
        indicators=[
            {"goal_id": g, "value": 5, "measured_on": p.term_start + timedelta(days=90)}
            for g in ids(pid, Goal)
        ],
        feedback_to_residents=feedback,
    )


def outbox(kind: str | None = None) -> list[OutboxMessage]:
    with session_scope() as s:
        query = select(OutboxMessage).order_by(OutboxMessage.id)  # type: ignore[arg-type]
        if kind:
            query = query.where(OutboxMessage.kind == kind)
        return list(s.exec(query).all())


def token_from(message: OutboxMessage, field: str) -> str:
    return str(message.payload[field]).rsplit("/", 1)[1]


def test_double_opt_in_one_message_per_round_and_year_end_then_unsubscribe(
    db, receiver, make_setup
) -> None:
    pid = published()
    subscribe(pid, ADDRESS, True, "10.0.0.1")
    [ask] = outbox("resident_confirm")
    assert ask.recipient == "invanare.ett@exempel.se" and ask.channel == "residents"
    submit_round(pid, 1, "Belysningen i tunneln är på plats.")
    assert outbox("resident_round") == []  # not confirmed yet: no news

    report = dispatch_pending(db.engine, setup=make_setup())
    assert report.sent == 1
    [mail] = [r for r in receiver.requests if r.path == "/mail"]
    body = mail.json()
    assert body["to"] == "invanare.ett@exempel.se"
    assert "/offentligt/bekrafta/" in body["text"] and "Bekräfta" in body["html"]
    assert body["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    assert confirm(token_from(ask, "confirm_url"))["promise_id"] == pid
    with pytest.raises(NotFound):  # the confirmation link works once
        confirm(token_from(ask, "confirm_url"))
    subscribe(pid, ADDRESS.lower(), True, "10.0.0.1")  # already following: nothing sent
    assert len(outbox("resident_confirm")) == 1

    submit_round(pid, 2, "Polisen har varit på plats varje fredag.")
    [news] = outbox("resident_round")
    assert news.payload["round"] == 2 and "varje fredag" in news.payload["feedback"]
    for _ in range(2):  # a second dispatch (a re-run) sends nothing again
        dispatch_pending(db.engine, setup=make_setup())
    rounds = [r.json() for r in receiver.requests if "fredag" in r.body.decode()]
    assert len(rounds) == 1
    assert "/offentligt/avsluta/" in rounds[0]["text"]
    assert rounds[0]["headers"]["List-Unsubscribe"].startswith("<http")

    # Stockholm reports two tertials in rounds; the third comes with the year-end compilation
    complete_stage(pid, Stage.CONTINUOUS_EVALUATION)
    assert [m.payload["round"] for m in outbox("resident_round")] == [2]
    walk_to_year_end(pid)
    complete_stage(pid, Stage.YEAR_END_COMPILATION)
    [year_end] = outbox("resident_year_end")
    assert year_end.payload["summary"] == "Året gav färre rån vid stationen."

    done = unsubscribe(token_from(news, "unsubscribe_url"))
    assert done["promise_id"] == pid
    with session_scope() as s:
        assert s.exec(select(ResidentSubscription)).all() == []
    for message in outbox():
        assert "invanare" not in message.recipient and "invanare" not in str(message.payload)
    assert {m.status for m in outbox("resident_year_end")} == {"cancelled"}
    with pytest.raises(NotFound):
        unsubscribe(token_from(news, "unsubscribe_url"))


def walk_to_year_end(pid: int) -> None:
    from application.transitions import advance_promise
    from tests.helpers import ACTOR
    from tests.test_method import at

    p = promise(pid)
    assert advance_promise(pid, ACTOR, now=at(p.term_end + timedelta(days=40))).ok


def test_bad_input_writes_nothing_and_unpublished_promises_cannot_be_followed(db) -> None:
    pid = published()
    with pytest.raises(SubscribeErrors) as exc:
        subscribe(pid, "inte-en-adress", False, "10.0.0.1")
    assert set(exc.value.fields) == {"epost", "samtycke"}
    with pytest.raises(SubscribeErrors):
        subscribe(pid, "a@b.se" + "x" * 300, True, "10.0.0.1")
    draft = new_promise(start=date(2027, 1, 1), municipality="Järfälla")
    with pytest.raises(NotFound):
        subscribe(draft, ADDRESS, True, "10.0.0.1")
    with pytest.raises(NotFound):
        confirm("x" * 500)
    with session_scope() as s:
        assert s.exec(select(ResidentSubscription)).all() == []
        assert s.exec(select(SubscriptionRequest)).all() == []
    assert outbox("resident_confirm") == []


def test_limits_per_address_and_client_without_telling_who_follows(db) -> None:
    pid = published()
    for _ in range(5):  # the same address asked again and again: one link (it keeps working)
        subscribe(pid, ADDRESS, True, "10.0.0.2")
    assert len(outbox("resident_confirm")) == 1
    with session_scope() as s:
        stored = s.exec(select(SubscriptionRequest)).all()
        assert all("exempel" not in r.address_hash and "10.0" not in r.client_hash for r in stored)
    for n in range(PER_CLIENT_PER_HOUR - 5):
        subscribe(pid, f"person{n}@exempel.se", True, "10.0.0.2")
    with pytest.raises(TooManyRequests):
        subscribe(pid, "en-till@exempel.se", True, "10.0.0.2")
    subscribe(pid, "en-till@exempel.se", True, "10.0.0.3")  # another client is not limited


def test_a_resident_who_asked_in_english_is_written_to_in_english(db) -> None:
    from notifications.render import Renderer

    pid = published()
    subscribe(pid, ADDRESS, True, "10.0.0.6", language="en")
    [ask] = outbox("resident_confirm")
    assert ask.language == "en"
    rendered = Renderer().render(ask.kind, ask.language, ask.payload)
    assert rendered.subject.startswith("Confirm") and "Bekräfta" not in rendered.text
    assert "valid for a week" in rendered.text


def test_a_confirmation_link_expires_after_a_week(db) -> None:
    pid = published()
    asked = datetime(2026, 3, 1, 12, tzinfo=UTC)
    subscribe(pid, ADDRESS, True, "10.0.0.4", now=asked)
    [ask] = outbox("resident_confirm")
    with pytest.raises(NotFound):
        confirm(token_from(ask, "confirm_url"), now=asked + timedelta(days=8))
    assert confirm(token_from(ask, "confirm_url"), now=asked + timedelta(days=6))


def test_asking_again_gives_a_link_valid_for_a_week_from_then(db) -> None:
    pid = published()
    asked = datetime(2026, 3, 1, 12, tzinfo=UTC)
    subscribe(pid, ADDRESS, True, "10.0.0.7", now=asked)
    subscribe(pid, ADDRESS, True, "10.0.0.7", now=asked + timedelta(days=6))
    latest = outbox("resident_confirm")[-1]
    assert confirm(token_from(latest, "confirm_url"), now=asked + timedelta(days=12))


def test_the_residents_channel_must_be_a_configured_mail_channel(receiver) -> None:
    from pathlib import Path

    from config.errors import ConfigError
    from notifications.channel_config import RESIDENTS_CHANNEL, parse_channels
    from tests.notifications.conftest import channel_env, channels_doc

    doc = channels_doc(receiver)
    for wrong, problem in (("teams", "must be a mail channel"), ("nowhere", "is not among")):
        with pytest.raises(ConfigError, match=problem):
            parse_channels(
                {**doc, "residents_channel": wrong}, Path("c.yaml"), channel_env(receiver)
            )
    chosen = parse_channels(
        {**doc, "residents_channel": "postmark"}, Path("c.yaml"), channel_env(receiver)
    )
    assert chosen.resolve(RESIDENTS_CHANNEL) is chosen.channels["postmark"]
    chat_default = parse_channels(
        {**doc, "default_channel": "teams"}, Path("c.yaml"), channel_env(receiver)
    )
    assert chat_default.resolve(RESIDENTS_CHANNEL) is None  # never a chat channel: they wait


def test_admins_never_see_a_residents_address(db) -> None:
    from application.outbox import OutboxListRequest, list_outbox
    from tests.helpers import register

    pid = published()
    subscribe(pid, ADDRESS, True, "10.0.0.5")
    admin = register("admin@polisen.se", role="admin", organisation=None)
    rows = list_outbox(admin, OutboxListRequest())
    resident = [r for r in rows if r.kind == "resident_confirm"]
    assert resident and resident[0].recipient == "(invånare)"
