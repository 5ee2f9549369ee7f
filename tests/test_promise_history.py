"""A promise's history names the person who acted, not their address (issue 25)."""

from __future__ import annotations

from datetime import date

import pytest

pytestmark = pytest.mark.usefixtures("db")


def test_the_history_names_the_person_who_acted_and_the_page_shows_the_name() -> None:
    from fastapi.testclient import TestClient

    from application.artefacts import ArtefactRequest, record_artefact
    from application.promises import PromiseRequest, promise_history
    from tests.helpers import new_promise, register
    from tests.web.conftest import PASSWORD, account
    from web.api import create_app

    pid = new_promise(start=date(2026, 1, 1))
    anna = register("anna.berg@sollentuna.se")  # named "Anna.Berg" by the helper
    record_artefact(
        anna,
        ArtefactRequest(
            promise_id=pid,
            kind="problem",
            fields={"title": "Otrygghet vid stationen", "selected": False},
        ),
    )
    trail = promise_history(anna, PromiseRequest(promise_id=pid))
    added = [e for e in trail if e.action == "artefact_added"]
    assert [(e.actor, e.actor_name) for e in added] == [("anna.berg@sollentuna.se", "Anna.Berg")]
    # the system's own entries have no person behind them
    assert all(e.actor_name is None for e in trail if e.actor_person_id is None)

    account("anna.berg@sollentuna.se", "Sollentuna")
    client = TestClient(create_app(warm=False))
    signed_in = client.post(
        "/api/session", json={"email": "anna.berg@sollentuna.se", "password": PASSWORD}
    )
    assert signed_in.status_code == 200, signed_in.text
    page = client.get(f"/loften/{pid}").text
    history = page[page.index("Allt som har hänt") :]
    assert "Anna.Berg" in history and "anna.berg@sollentuna.se" not in history
