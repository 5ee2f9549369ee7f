"""A transition tells both parties' coordinators, in their language, through the outbox."""

from __future__ import annotations

from sqlmodel import select

from application.promises import add_person
from application.transitions import advance_promise
from lifecycle.permissions import system_principal
from lifecycle.stages import Stage
from models import OutboxMessage
from models.db import session_scope
from models.inputs import PersonInput
from notifications.render import Renderer
from tests.helpers import complete_stage, new_promise


def test_transition_notice_reaches_each_coordinator_once_in_their_language(db) -> None:
    pid = new_promise(municipality="Sollentuna")
    with session_scope() as s:
        add_person(
            s,
            PersonInput(
                email="anna@sollentuna.se",
                name="Anna",
                organisation="Sollentuna",
                role="coordinator",
            ),
        )  # type: ignore[arg-type]
        add_person(
            s,
            PersonInput(
                email="bo@polisen.se",
                name="Bo",
                organisation="LPO Sollentuna",
                role="coordinator",
                language="en",
            ),
        )  # type: ignore[arg-type]
        add_person(
            s,
            PersonInput(
                email="styr@sollentuna.se",
                name="Styr",
                organisation="Sollentuna",
                role="steering_group",
            ),
        )  # type: ignore[arg-type]
    complete_stage(pid, Stage.RESIDENT_DIALOGUE)
    result = advance_promise(pid, system_principal("anna@sollentuna.se"))
    assert result.effects["notices"] == 2
    with session_scope() as s:
        notices = s.exec(
            select(OutboxMessage)
            .where(OutboxMessage.kind == "transition")
            .order_by(OutboxMessage.recipient)
        ).all()
    assert [(n.recipient, n.language) for n in notices] == [
        ("anna@sollentuna.se", "sv"),
        ("bo@polisen.se", "en"),
    ]
    sv = Renderer().render("transition", "sv", notices[0].payload)
    en = Renderer().render("transition", "en", notices[1].payload)
    # Who moved it is named by name, not by address (issue 25), and the time is Swedish time.
    assert "Sollentuna" in sv.text and "Gemensam lägesbild" in sv.text
    assert "Av: Löfte" in sv.text and "anna@sollentuna.se" not in sv.text  # the system principal
    assert "När: " in sv.text and " kl. " in sv.text
    assert "Joint analysis" in en.text and "Sollentuna" in en.subject
