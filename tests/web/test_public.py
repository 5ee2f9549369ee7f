"""Issue 12 (first part): the public pages show only what is meant for residents; an
unpublished promise does not exist for them; answers are cacheable; 0 axe violations."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import httpx
import pytest
from sqlmodel import select

from lifecycle.stages import CYCLE, Stage
from models import (
    Activity,
    CauseAnalysis,
    Dialogue,
    EvaluationRound,
    Problem,
    SignOff,
    SituationPicture,
    YearEndCompilation,
)
from models.db import session_scope
from tests.helpers import add, complete_stage, new_promise, register
from tests.web.conftest import axe_violations, screenshot

pytestmark = pytest.mark.timeout(300)
MARK = "INTERNT-MARKÖR"


def _walk(pid: int, to: Stage) -> None:
    from application.transitions import advance_promise
    from tests.helpers import ACTOR
    from tests.test_method import at

    for stage in CYCLE:
        if stage is to:
            return
        complete_stage(pid, stage)
        p_end = date(2027, 2, 1) if stage.position >= 6 else date(2026, 1, 1)
        assert advance_promise(pid, ACTOR, now=at(p_end)).ok


def _published_with_markers() -> int:
    """A promise through its first year, with a marker in every field that is not public."""
    register(f"{MARK.lower()}@sollentuna.se")
    pid = new_promise(start=date(2026, 1, 1))
    _walk(pid, Stage.YEAR_END_COMPILATION)
    add(pid, "problem", _on=date(2026, 12, 1), title=f"Kandidat {MARK}")  # not a focus area
    complete_stage(pid, Stage.YEAR_END_COMPILATION)
    with session_scope() as s:
        for model, fields in (
            (SituationPicture, ("summary",)),
            (CauseAnalysis, ("event_chain", "victim", "offender", "place")),
            (Activity, ("responsible", "status_reason", "description")),
            (SignOff, ("signed_by",)),
            (EvaluationRound, ("submitted_by", "feedback_channel")),
            (Dialogue, ("target_group", "safety_survey")),
            (YearEndCompilation, ("next_year_plan", "approved_by", "diarienummer")),
            (Problem, ("description", "scale")),
        ):
            for row in s.exec(select(model).where(model.promise_id == pid)).all():  # type: ignore[attr-defined]
                for name in fields:
                    setattr(row, name, f"{MARK} {name}")
                s.add(row)
    return pid


def _get(server: str, path: str, **headers: str) -> httpx.Response:
    return httpx.get(server + path, headers=headers, timeout=30)


def test_only_public_fields_leave_and_unpublished_promises_do_not_exist(server) -> None:
    pid = _published_with_markers()
    draft = new_promise(start=date(2027, 1, 1), municipality="Järfälla")
    with session_scope() as s:
        s.add(Problem(promise_id=draft, title=f"Utkast {MARK}", selected=True))
    answers = [
        _get(server, "/offentligt/stockholm"),
        _get(server, f"/offentligt/loften/{pid}"),
        _get(server, "/offentligt/stockholm/data.json"),
        _get(server, "/offentligt/stockholm/data.csv"),
        _get(server, "/offentligt/stockholm?sok=sollentuna"),
        _get(server, "/offentligt/stockholm/flode.atom"),
        _get(server, f"/offentligt/loften/{pid}/flode.atom"),
    ]
    assert [a.status_code for a in answers] == [200] * 7
    for answer in answers:
        assert MARK not in answer.text and MARK.lower() not in answer.text, answer.url
        assert "Järfälla" not in answer.text  # the unsigned draft is nowhere
    page = answers[1].text
    assert "Det här sa ni" in page and "Det här gör vi" in page
    # the parties by their full names; a text that says who promises is not opened twice
    assert "Sollentuna kommun och lokalpolisområde Sollentuna." in page
    assert "<strong>Polisen lovar att</strong> vara på plats vid stationen." in page
    assert "<strong>Kommunen lovar</strong> bättre belysning i centrum." in page
    assert "lovar:</strong> Polisen lovar" not in page and "LPO Sollentuna" not in page
    # Each goal's indicator over time as a chart (Stockholm reports by tertial: two rounds, two
    # points; the last tertial is in the year-end compilation), with its table.
    assert page.count("<svg") == page.count('<caption class="govuk-table__caption') >= 1
    assert page.count("<circle") == 2 * page.count("<svg")
    assert "Otryggt vid stationen" in page  # what residents said
    assert "Vi har haft vandringar varje månad" in page  # the feedback they were given
    assert "Året gav färre rån vid stationen." in page  # the approved year-end result
    data = answers[2].json()
    assert data["schema"] == "lofte-public/1" and data["licence"].startswith("CC0")
    assert [p["id"] for p in data["promises"]] == [pid]
    assert answers[3].text.splitlines()[0].startswith("id,area,municipality")
    import xml.etree.ElementTree as ET

    feed = ET.fromstring(answers[6].content)
    titles = [e.text for e in feed.iter("{http://www.w3.org/2005/Atom}title")]
    assert (
        "Sollentuna 2026: årets resultat" in titles and "Sollentuna 2026: uppföljning 2" in titles
    )
    assert _get(server, f"/offentligt/loften/{draft}/flode.atom").status_code == 404
    assert _get(server, f"/offentligt/loften/{draft}").status_code == 404
    assert _get(server, "/offentligt/loften/999999").status_code == 404
    assert _get(server, "/offentligt/narnia").status_code == 404


def test_public_answers_are_cacheable(server) -> None:
    pid = _published_with_markers()
    for path in (
        f"/offentligt/loften/{pid}",
        "/offentligt/stockholm",
        "/offentligt/stockholm/data.json",
    ):
        first = _get(server, path)
        assert "public" in first.headers["cache-control"]
        again = _get(server, path, **{"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304 and again.content == b""
    english = _get(server, "/offentligt/stockholm?lang=en")
    assert "Cookie" in english.headers["vary"] and "lofte_lang=en" in english.headers["set-cookie"]
    assert english.headers["cache-control"].startswith("private")  # no shared cache keeps it
    assert 'lang="en"' in english.text and "Citizen promises in" in english.text


def test_a_resident_finds_a_promise_and_every_public_page_passes_axe(page) -> None:
    pid = _published_with_markers()
    page.goto("/offentligt/stockholm")
    assert axe_violations(page) == []
    page.fill("#sok", "Sollentuna")
    page.get_by_role("button", name="Sök").click()
    page.get_by_role("link", name="Sollentuna 2026").click()
    page.wait_for_url(f"**/offentligt/loften/{pid}")
    assert page.get_by_role("heading", name="Det här sa ni").is_visible()
    assert axe_violations(page) == []
    screenshot(page, "public-promise")
    page.goto("/offentligt/loften/424242")
    assert axe_violations(page) == []


def test_a_resident_subscribes_confirms_gets_one_message_and_unsubscribes(
    page, server, monkeypatch
) -> None:
    """The whole loop in the browser: find the promise, subscribe (first with a mistake),
    confirm from the message that reached a local mail receiver, get exactly one message for
    the next round, unsubscribe with the link in it; the address is then gone."""
    import re

    from config.settings import reset_settings
    from models import ResidentSubscription
    from notifications.channel_config import parse_channels
    from notifications.dispatcher import dispatch_pending
    from tests.notifications.conftest import channel_env, channels_doc
    from tests.notifications.receiver import Receiver
    from tests.notifications.test_residents import published, submit_round

    monkeypatch.setenv("LOFTE_PUBLIC_URL", server)  # links in messages point at this server
    reset_settings()
    receiver = Receiver().start()
    try:
        setup = parse_channels(channels_doc(receiver), Path("channels.yaml"), channel_env(receiver))

        def mails_to(address: str) -> list[dict]:
            dispatch_pending(setup=setup)
            return [
                r.json()
                for r in receiver.requests
                if r.path == "/mail" and r.json()["to"] == address
            ]

        pid = published()
        page.goto("/offentligt/stockholm")
        page.get_by_role("link", name="Sollentuna 2026").click()
        assert page.get_by_role("heading", name="Det här sa ni").is_visible()
        page.fill("#epost", "inte en adress")
        page.get_by_role("button", name="Bevaka löftet").click()
        assert page.title().startswith("Fel:")
        assert page.get_by_role("link", name="Kryssa i att du samtycker").is_visible()
        assert axe_violations(page) == []
        screenshot(page, "public-subscribe-error")
        page.fill("#epost", "boende@exempel.se")
        page.check("#samtycke")
        page.get_by_role("button", name="Bevaka löftet").click()
        assert page.get_by_role("heading", name="Titta i din e-post").is_visible()
        assert axe_violations(page) == []

        [ask] = mails_to("boende@exempel.se")
        confirm_url = re.search(r"http\S+/offentligt/bekrafta/\S+", ask["text"]).group(0)  # type: ignore[union-attr]
        page.goto(confirm_url)
        assert axe_violations(page) == []
        page.get_by_role("button", name="Bekräfta").click()
        assert page.get_by_role("heading", name="Nu bevakar du löftet").is_visible()
        assert axe_violations(page) == []

        submit_round(pid, 1, "Belysningen i gångtunneln är lagad.")
        mails = mails_to("boende@exempel.se")
        assert len(mails) == 2 and "gångtunneln" in mails[1]["text"]
        assert len(mails_to("boende@exempel.se")) == 2  # a second dispatch sends nothing new
        unsubscribe_url = re.search(r"http\S+/offentligt/avsluta/\S+", mails[1]["text"]).group(0)  # type: ignore[union-attr]
        page.goto(unsubscribe_url)
        assert axe_violations(page) == []
        page.get_by_role("button", name="Avsluta bevakningen").click()
        assert page.get_by_role("heading", name="Bevakningen är avslutad").is_visible()
        assert axe_violations(page) == []
        with session_scope() as s:
            assert s.exec(select(ResidentSubscription)).all() == []
    finally:
        receiver.stop()


def test_subscribing_answers_the_same_for_a_known_and_a_new_address(server) -> None:
    from tests.notifications.test_residents import published

    pid = published()
    path = f"{server}/offentligt/loften/{pid}/bevaka"
    form = {"epost": "kand@exempel.se", "samtycke": "ja"}
    first = httpx.post(path, data=form, timeout=30)
    again = httpx.post(path, data=form, timeout=30)
    new = httpx.post(path, data={**form, "epost": "ny@exempel.se"}, timeout=30)
    assert first.status_code == again.status_code == new.status_code == 200
    assert first.text == again.text == new.text
    assert first.headers["cache-control"] == "no-store"
    bad = httpx.post(path, data={"epost": "x" * 5000}, timeout=30)
    assert bad.status_code == 400 and "Fel:" in bad.text and "x" * 300 not in bad.text
    assert httpx.post(f"{server}/offentligt/avsluta/okand", timeout=30).status_code == 200
    assert httpx.post(f"{server}/offentligt/bekrafta/okand", timeout=30).status_code == 404


def test_the_rest_of_the_subscription_pages_pass_axe_in_both_languages(page) -> None:
    from application.subscriptions import PER_CLIENT_PER_HOUR, subscribe
    from tests.notifications.test_residents import published

    pid = published()
    for lang in ("sv", "en"):
        page.goto(f"/offentligt/loften/{pid}/bevaka?lang={lang}")
        assert page.locator("html").get_attribute("lang") == lang
        assert axe_violations(page) == []
        page.goto(f"/offentligt/bekrafta/inte-en-riktig-lank?lang={lang}")
        page.get_by_role("button", name="Bekräfta" if lang == "sv" else "Confirm").click()
        assert page.get_by_role(
            "heading", name="Länken gäller inte" if lang == "sv" else "The link is not valid"
        ).is_visible()
        assert axe_violations(page) == []
    for n in range(PER_CLIENT_PER_HOUR):  # this browser's address has asked too often
        subscribe(pid, f"boende{n}@exempel.se", True, "127.0.0.1")
    page.goto(f"/offentligt/loften/{pid}/bevaka?lang=sv")
    page.fill("#epost", "en-till@exempel.se")
    page.check("#samtycke")
    page.get_by_role("button", name="Bevaka löftet").click()
    assert page.get_by_role("heading", name="För många försök").is_visible()
    assert axe_violations(page) == []
    assert "boende" not in page.content()  # no address is ever shown
