"""Issue 20: names that look alike must be alike, resident mail that cannot be turned on a
victim, and a Markdown export that carries no markup from people's text.

- Bidi controls, zero-width characters and the BOM are refused in names and e-mail addresses
  (they make "LPO Farsta" and a look-alike the same to the eye); every text is stored in NFC.
- Resident confirmations are limited per mailbox (``victim+N@`` is one mailbox), per client
  and in all; asking again within a day sends nothing and keeps the link already sent working.
- The Markdown compilation shows raw HTML as text.
SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import select

from application.subscriptions import PER_ADDRESS_PER_DAY, PER_MAILBOX_PER_DAY, confirm, mailbox
from application.subscriptions import subscribe as ask
from config.operator_key import ensure_operator_key
from lifecycle.safe_text import invisible_character_in
from tests.helpers import new_promise, register
from tests.notifications.test_residents import outbox, published, token_from
from tests.security.test_input import row_counts
from web.api import create_app

LOOK_ALIKES = {
    "right-to-left override": "LPO \u202eatsraF",
    "zero-width space": "LPO Far\u200bsta",
    "zero-width joiner": "LPO Farsta\u200d",
    "byte order mark": "\ufeffLPO Farsta",
    "left-to-right isolate": "LPO \u2066Farsta\u2069",
}


def _as_admin() -> TestClient:
    register("admin@lofte.se", role="admin", organisation=None)
    client = TestClient(create_app(warm=False))
    client.headers.update(
        {"Authorization": f"Operator {ensure_operator_key()}", "X-Lofte-Actor": "admin@lofte.se"}
    )
    return client


@pytest.mark.parametrize("what", sorted(LOOK_ALIKES))
def test_invisible_characters_are_refused_in_names_and_addresses(db, what) -> None:
    client = _as_admin()
    register("samordnare@sollentuna.se")
    before = row_counts()
    name = LOOK_ALIKES[what]
    invisible = next(c for c in name if invisible_character_in(c))
    cases = [
        ("/api/organisations", {"region": "stockholm", "kind": "police_area", "name": name}),
        ("/api/people", {"email": "ny@sollentuna.se", "name": name, "role": "admin"}),
        ("/api/people", {"email": f"n{invisible}y@sollentuna.se", "name": "Ny", "role": "admin"}),
    ]
    for path, body in cases:
        answer = client.post(path, json=body)
        assert answer.status_code == 422, (path, body, answer.text[:300])
        assert "invisible character U+" in answer.json()["error"], answer.json()["error"]
    coordinator = TestClient(create_app(warm=False))
    coordinator.headers.update(
        {
            "Authorization": f"Operator {ensure_operator_key()}",
            "X-Lofte-Actor": "samordnare@sollentuna.se",
        }
    )
    created = coordinator.post(
        "/api/promises",
        json={
            "region": "stockholm",
            "municipality": "Sollentuna",
            "police_area": name,
            "start": "2027-01-01",
            "years": 1,
        },
    )
    assert created.status_code == 422 and "invisible character" in created.json()["error"]
    assert row_counts() == before


def test_texts_are_stored_in_nfc(db) -> None:
    from models import Organisation, Person
    from models.db import session_scope

    client = _as_admin()
    decomposed = "Ja\u0308rfa\u0308lla"  # "Järfälla" typed with combining diaereses
    assert (
        client.post(
            "/api/organisations",
            json={"region": "stockholm", "kind": "municipality", "name": decomposed},
        ).status_code
        == 200
    )
    person = {
        "email": "samordnare@jarfalla.se",
        "name": "Bjo\u0308rn",
        "role": "coordinator",
        "organisation": "Järfälla",  # composed: finds the organisation typed decomposed
        "region": "stockholm",
    }
    answer = client.post("/api/people", json=person)
    assert answer.status_code == 200, answer.text
    with session_scope() as s:
        org = s.exec(select(Organisation).where(Organisation.name == "Järfälla")).one()
        stored = s.exec(select(Person).where(Person.email == "samordnare@jarfalla.se")).one()
        assert stored.name == "Björn" and stored.organisation_id == org.id


def test_the_mailbox_of_an_address() -> None:
    assert mailbox(" Victim+7@Exempel.SE") == "victim@exempel.se"
    assert mailbox("a.n.na+x@googlemail.com") == mailbox("anna@gmail.com") == "anna@gmail.com"
    assert mailbox("an.na@exempel.se") == "an.na@exempel.se"  # dots matter elsewhere


def test_resident_mail_cannot_bomb_one_mailbox_through_plus_addresses(db) -> None:
    pid = published()
    for n in range(10):  # one client, ten spellings of one mailbox
        ask(pid, f"offer+{n}@exempel.se", True, "10.0.0.20")
    assert len(outbox("resident_confirm")) == PER_ADDRESS_PER_DAY
    for n in range(10, 30):  # twenty more clients: still a ceiling for the mailbox
        ask(pid, f"Offer+{n}@exempel.se", True, f"10.0.1.{n}")
    assert len(outbox("resident_confirm")) == PER_MAILBOX_PER_DAY
    # Another mailbox is untouched by all this.
    ask(pid, "granne@exempel.se", True, "10.0.0.20")
    assert len(outbox("resident_confirm")) == PER_MAILBOX_PER_DAY + 1


def test_someone_else_asking_cannot_spend_or_spoil_a_residents_confirmation(db) -> None:
    pid = published()
    for _ in range(5):  # someone asks for the resident's address again and again
        ask(pid, "boende@exempel.se", True, "10.0.0.66")
    [link] = outbox("resident_confirm")  # one message, not five
    ask(pid, "boende@exempel.se", True, "10.0.0.7")  # the resident's own request
    assert len(outbox("resident_confirm")) == 1
    # The link the resident got still works: nobody's asking made it useless.
    assert confirm(token_from(link, "confirm_url"))["promise_id"] == pid


def test_the_markdown_compilation_shows_raw_html_as_text(db) -> None:
    from application.compilation import current_compilation
    from lifecycle.stages import Stage
    from models import Promise
    from models.db import session_scope
    from reports.compilation import render
    from tests.helpers import add, complete_stage

    pid = new_promise()
    complete_stage(pid, Stage.RESIDENT_DIALOGUE)
    add(
        pid,
        "problem",
        title="Rån <img src=x onerror=alert(1)>",
        description="<script>alert(1)</script> [klicka här](javascript:alert(1)) | a | b",
        selected=True,
        priority_area="fewer-vulnerable-areas",
    )
    with session_scope() as s:
        promise = s.get(Promise, pid)
        assert promise is not None
        promise.area_name = "Sollentuna <b>fet</b>"
        s.add(promise)
    with session_scope() as s:
        data = current_compilation(s, s.get(Promise, pid))  # type: ignore[arg-type]
        md = render(data, "md")
    assert "<img" not in md and "<script" not in md and "<b>" not in md
    assert "&lt;img src=x onerror=alert(1)&gt;" in md
    assert "# " in md and "Sollentuna &lt;b&gt;fet&lt;/b&gt;" in md
    assert "](javascript:" not in md.replace("\\](javascript:", "")
    with session_scope() as s:
        assert s.execute(text("select count(*) from problem")).scalar_one() >= 1
