"""Issue 21: the public face tells the truth. Late follow-ups, a late year-end result and a
term not yet begun are said so on the promise page, the region page, data.json and the CSV
files (SQLite and PostgreSQL, through a real server on 127.0.0.1)."""

from __future__ import annotations

import csv
import io
from datetime import date

import httpx
import pytest

from lifecycle.stages import Stage
from tests.helpers import new_promise
from tests.test_method import walk_to

pytestmark = pytest.mark.timeout(300)
TODAY = "2026-10-01T12:00:00+02:00"


def _get(server: str, path: str, **headers: str) -> httpx.Response:
    return httpx.get(server + path, headers=headers, timeout=30)


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> None:
    """The public pages read the day from LOFTE_NOW: 1 October 2026."""
    from config.settings import reset_settings

    monkeypatch.setenv("LOFTE_NOW", TODAY)
    reset_settings()
    yield
    monkeypatch.delenv("LOFTE_NOW")
    reset_settings()


def _three_promises() -> tuple[int, int, int]:
    """Late rounds (Sollentuna 2026), a late year-end result (Järfälla 2025) and a promise
    signed for next year (Sigtuna 2027)."""
    rounds_late = new_promise(start=date(2026, 1, 1))
    walk_to(rounds_late, Stage.CONTINUOUS_EVALUATION)  # no round reported
    year_late = new_promise(start=date(2025, 1, 1), municipality="Järfälla")
    walk_to(year_late, Stage.YEAR_END_COMPILATION)  # every round reported, no result
    future = new_promise(start=date(2027, 1, 1), municipality="Sigtuna")
    walk_to(future, Stage.CONTINUOUS_EVALUATION)
    return rounds_late, year_late, future


def test_lateness_and_a_future_term_are_told_everywhere(server, today) -> None:
    rounds_late, year_late, future = _three_promises()

    page = _get(server, f"/offentligt/loften/{rounds_late}").text
    assert "Försenat: 2 uppföljningar har inte kommit" in page
    # Stockholm's tertials (config/calendars/stockholm.yaml): ten working days after 30 April
    # and 31 August; the last tertial is reported with the year's result
    assert "Uppföljningen som skulle ha redovisats senast 18 maj 2026 har inte kommit." in page
    assert (
        "Uppföljningen som skulle ha redovisats senast 14 september 2026 har inte kommit." in page
    )
    assert "Resultatet för 2026 ska redovisas senast 29 januari 2027." in page
    assert "Pågår" not in page
    english = _get(server, f"/offentligt/loften/{rounds_late}?lang=en").text
    assert "Late: 2 follow-ups have not come" in english
    assert "The follow-up that was due by 18 May 2026 has not come." in english

    page = _get(server, f"/offentligt/loften/{year_late}").text
    assert "Försenat: årets resultat har inte kommit" in page
    assert "Resultatet för 2025, som skulle ha redovisats senast 30 januari 2026" in page
    assert "Uppföljt 3 av 3 gånger" not in page

    page = _get(server, f"/offentligt/loften/{future}").text
    assert "Läge: <strong>Gäller från 1 januari 2027</strong>" in page
    assert "Pågår" not in page
    english = _get(server, f"/offentligt/loften/{future}?lang=en").text
    assert "In force from 1 January 2027" in english

    region = _get(server, "/offentligt/stockholm").text
    assert "Försenat: 2 uppföljningar har inte kommit" in region
    assert "Försenat: årets resultat har inte kommit" in region
    assert "Gäller från 1 januari 2027" in region
    assert "2 av 3 löften är försenade." in region
    ordered = _get(server, "/offentligt/stockholm?ordning=forsenade").text
    positions = [ordered.index(f'/offentligt/loften/{pid}"') for pid in (future,)]
    late_positions = [
        ordered.index(f'/offentligt/loften/{pid}"') for pid in (rounds_late, year_late)
    ]
    assert max(late_positions) < min(positions)  # the late ones come first

    data = {p["id"]: p for p in _get(server, "/offentligt/stockholm/data.json").json()["promises"]}
    first = data[rounds_late]
    assert first["late"] is True and first["next_due"] == "2027-01-29"
    assert [
        (r["kind"], r["round"], r["due"], r["reported_on"], r["late"]) for r in first["reports"]
    ][:3] == [
        ("round", 1, "2026-05-18", None, True),
        ("round", 2, "2026-09-14", None, True),
        ("year_end", None, "2027-01-29", None, False),
    ]
    year_end = [r for r in data[year_late]["reports"] if r["kind"] == "year_end"]
    assert year_end == [
        {
            "kind": "year_end",
            "year": 1,
            "round": None,
            "due": "2026-01-30",
            "reported_on": None,
            "late": True,
        }
    ]
    assert all(r["reported_on"] == r["due"] for r in data[year_late]["reports"][:2])
    assert data[future]["starts_on"] == "2027-01-01" and data[future]["late"] is False

    rows = list(csv.DictReader(io.StringIO(_get(server, "/offentligt/stockholm/data.csv").text)))
    by_id = {int(r["id"]): r for r in rows}
    assert by_id[rounds_late]["late"] == "true" and by_id[future]["late"] == "false"
    assert by_id[future]["starts_on"] == "2027-01-01"
    assert by_id[year_late]["status"] == "Försenat: årets resultat har inte kommit"
    reports = list(
        csv.DictReader(io.StringIO(_get(server, "/offentligt/stockholm/uppfoljningar.csv").text))
    )
    mine = [r for r in reports if int(r["promise_id"]) == rounds_late]
    assert (mine[0]["due"], mine[0]["reported_on"], mine[0]["late"]) == (
        "2026-05-18",
        "",
        "true",
    )


def test_public_state_words_for_a_late_and_a_closed_promise() -> None:
    """The pure rules: reported late, overdue, next due and the term not yet begun."""
    from lifecycle.public_status import ROUND, YEAR_END, Report, public_state

    reports = [
        Report(ROUND, 1, 1, date(2026, 4, 30), date(2026, 6, 15)),
        Report(ROUND, 1, 2, date(2026, 8, 31), None),
        Report(ROUND, 1, 3, date(2026, 12, 30), None),
        Report(YEAR_END, 1, None, date(2027, 1, 29), None),
    ]
    state = public_state(date(2026, 1, 1), False, 1, reports, date(2026, 10, 1))
    assert [r.number for r in state.overdue] == [2]
    assert [r.number for r in state.reported_late] == [1]
    assert state.next_due == reports[2] and state.late
    assert (state.rounds_done, state.rounds_planned) == (1, 3)
    before = public_state(date(2026, 1, 1), False, 1, reports, date(2025, 12, 1))
    assert before.starts_on == date(2026, 1, 1) and not before.late
    closed = public_state(date(2026, 1, 1), True, 1, reports, date(2027, 3, 1))
    assert closed.next_due is None and len(closed.overdue) == 3


def test_only_the_signed_version_is_public_while_a_promise_is_revised(server) -> None:
    """Sent back after publication, a promise keeps showing what was signed (with a line
    saying it is being revised) until both parties sign again."""
    from application.transitions import advance_promise
    from config.clock import local_today
    from lifecycle.stages import Stage
    from tests.helpers import ACTOR, add, cause_for, complete_stage, ids
    from tests.test_method import at
    from web.pages.render import long_date

    pid = new_promise(start=date(2026, 1, 1))
    walk_to(pid, Stage.CONTINUOUS_EVALUATION)
    before = _get(server, f"/offentligt/loften/{pid}").text
    assert "<strong>Polisen lovar att</strong> vara på plats vid stationen." in before
    assert "revideras sedan" not in before

    assert advance_promise(
        pid, ACTOR, to=Stage.ACTION_PLAN, reason="Ny plan", now=at(date(2026, 3, 2))
    ).ok
    from models import Goal

    add(
        pid,
        "activity",
        _on=date(2026, 3, 2),
        goal_id=ids(pid, Goal)[0],
        cause_analysis_id=cause_for(ids(pid, Goal)[0]),
        title="OSIGNERAD aktivitet",
        owner_party="municipality",
        responsible="Samordnare",
        start=date(2026, 3, 2),
        end=date(2026, 12, 31),
        prevention_level="universal",
        approach="social",
    )
    add(
        pid,
        "promise_text",
        _on=date(2026, 3, 2),
        police_promises="OSIGNERAD polistext",
        municipality_promises="OSIGNERAD kommuntext",
    )
    revising = [
        _get(server, f"/offentligt/loften/{pid}"),
        _get(server, "/offentligt/stockholm/data.json"),
        _get(server, "/offentligt/stockholm/flode.atom"),
        _get(server, f"/offentligt/loften/{pid}?lang=en"),
    ]
    for answer in revising:
        assert "OSIGNERAD" not in answer.text, answer.url
    page = revising[0].text
    assert "<strong>Polisen lovar att</strong> vara på plats vid stationen." in page
    assert f"Löftet revideras sedan {long_date(local_today())}." in page
    assert "under revision since" in revising[3].text
    [data] = [p for p in revising[1].json()["promises"] if p["id"] == pid]
    assert data["revised_since"] == local_today().isoformat()
    assert data["promise_text"]["police"] == "Polisen lovar att vara på plats vid stationen."

    complete_stage(pid, Stage.ACTION_PLAN)  # both parties sign the revised plan
    assert advance_promise(pid, ACTOR, now=at(date(2026, 3, 3))).ok
    after = _get(server, f"/offentligt/loften/{pid}").text
    assert "OSIGNERAD aktivitet" in after and "revideras sedan" not in after


def staff_client(server: str, email: str = "samordnare@sollentuna.se") -> httpx.Client:
    """An HTTP client signed in through the sign-in form, as a browser would be."""
    import re

    from tests.web.conftest import PASSWORD, account

    account(email, "Sollentuna")
    client = httpx.Client(base_url=server, timeout=30)
    form = client.get("/logga-in").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    answer = client.post(
        "/logga-in", data={"email": email, "password": PASSWORD, "csrf_token": token}
    )
    assert answer.status_code in (200, 303), answer.text[:500]
    return client


def test_items_marked_not_public_and_small_counts_appear_in_no_public_output(
    server, monkeypatch
) -> None:
    """A problem, a goal and an activity marked "publiceras inte" before the signing, and an
    activity marked after it, are in no public output; counts under 5 read "färre än 5"."""
    from sqlmodel import select

    from application.transitions import advance_promise
    from models import Activity, Goal, OutboxMessage, Problem
    from models.db import session_scope
    from tests.helpers import ACTOR, complete_stage
    from tests.notifications.test_residents import submit_round
    from tests.test_method import at

    pid = new_promise(start=date(2026, 1, 1))
    walk_to(pid, Stage.ACTION_PLAN)
    complete_stage(pid, Stage.ACTION_PLAN)
    with session_scope() as s:
        problems = s.exec(select(Problem).where(Problem.promise_id == pid)).all()
        problems[0].title, problems[0].not_public_reason = "HEMLIGT problem", "Pekar ut en plats"
        goal = s.exec(select(Goal).where(Goal.problem_id == problems[1].id)).first()
        assert goal is not None
        goal.indicator, goal.not_public_reason = "HEMLIG indikator", "Få individer"
        other = s.exec(select(Goal).where(Goal.problem_id == problems[2].id)).first()
        assert other is not None
        other.unit, other.baseline = "personer", 3  # a small count
        activities = s.exec(
            select(Activity).where(Activity.goal_id == other.id).order_by(Activity.id)
        ).all()
        activities[0].title, activities[0].not_public_reason = "HEMLIG aktivitet", "Skyddad"
        for row in (problems[0], goal, other, activities[0]):
            s.add(row)
        counted_goal = other.id
        late_activity = s.exec(
            select(Activity).where(Activity.goal_id != other.id, Activity.promise_id == pid)
        ).all()[-1]
        late_activity_id = late_activity.id
    # two activities for the counted goal, so one stays public
    from tests.helpers import add, cause_for

    add(
        pid,
        "activity",
        _on=date(2025, 12, 30),
        goal_id=counted_goal,
        cause_analysis_id=cause_for(counted_goal),
        title="Öppen aktivitet",
        owner_party="police",
        responsible="Kommunpolis",
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
        prevention_level="universal",
        approach="social",
    )
    assert advance_promise(pid, ACTOR, now=at(date(2026, 1, 1))).ok  # signed: published
    with session_scope() as s:  # marked after the signing
        row = s.get(Activity, late_activity_id)
        assert row is not None
        row.title, row.not_public_reason = "SENARE HEMLIG aktivitet", "Ny bedömning"
        s.add(row)
    from config.settings import reset_settings

    monkeypatch.setenv("LOFTE_PUBLIC_URL", server)
    reset_settings()
    from application.subscriptions import confirm, subscribe

    subscribe(pid, "boende@exempel.se", True, "127.0.0.1")
    with session_scope() as s:
        message = s.exec(select(OutboxMessage)).one()
        link = message.payload["confirm_url"]
    confirm(link.rsplit("/", 1)[1])
    submit_round(pid, 1, "Vi har varit på plats.")  # the value reported is 5 for every goal

    paths = [
        "/offentligt/stockholm",
        f"/offentligt/loften/{pid}",
        f"/offentligt/loften/{pid}?lang=en",
        "/offentligt/stockholm/data.json",
        "/offentligt/stockholm/data.csv",
        "/offentligt/stockholm/uppfoljningar.csv",
        "/offentligt/stockholm/flode.atom",
        f"/offentligt/loften/{pid}/flode.atom",
        f"/offentligt/loften/{pid}/bevaka",
    ]
    for path in paths:
        answer = _get(server, path)
        assert answer.status_code == 200, path
        for marker in ("HEMLIG", "Pekar ut en plats", "Få individer", "Skyddad", "Ny bedömning"):
            assert marker not in answer.text, (path, marker)
    with session_scope() as s:
        for message in s.exec(select(OutboxMessage)).all():
            assert "HEMLIG" not in str(message.payload) + message.subject
    page = _get(server, f"/offentligt/loften/{pid}").text
    assert "Öppen aktivitet" in page and "färre än 5" in page
    assert "fewer than 5" in _get(server, f"/offentligt/loften/{pid}?lang=en").text
    data = _get(server, "/offentligt/stockholm/data.json").json()
    [goal_data] = [
        g for w in data["promises"][0]["what_we_do"] for g in w["goals"] if g["id"] == counted_goal
    ]
    assert goal_data["baseline"] is None and goal_data["baseline_below"] == 5
    assert "3" not in str(goal_data["baseline"])
    # Staff see the marking and its reason.
    client = staff_client(server)
    staff = client.get(f"/loften/{pid}").text
    client.close()
    assert "Publiceras inte" in staff and "Pekar ut en plats" in staff and "HEMLIGT" in staff


def test_small_count_threshold_is_configurable(monkeypatch) -> None:
    from lifecycle.public_status import is_count, shown_count

    assert shown_count(4, "antal", 5) == {"value": None, "below": 5}
    assert shown_count(5, "antal", 5) == {"value": 5}
    assert shown_count(3, "procent", 5) == {"value": 3}
    assert shown_count(3, "personer", 0) == {"value": 3}
    assert is_count("adresser") and not is_count("%")


def test_a_forged_host_changes_no_public_link_or_id(server, monkeypatch) -> None:
    """Feeds, pages and ids come from LOFTE_PUBLIC_URL: a forged Host header changes nothing,
    and Atom ids are tag URIs on the public host (RFC 4151)."""
    from config.settings import reset_settings
    from tests.notifications.test_residents import published, submit_round

    monkeypatch.setenv("LOFTE_PUBLIC_URL", "https://trygghet.example.se")
    reset_settings()
    pid = published()
    submit_round(pid, 1, "Belysningen är lagad.")
    for path in (
        "/offentligt/stockholm/flode.atom",
        f"/offentligt/loften/{pid}/flode.atom",
        "/offentligt/stockholm",
        f"/offentligt/loften/{pid}",
        "/offentligt/stockholm/data.json",
    ):
        honest = _get(server, path)
        forged = _get(server, path, Host="evil.example")
        assert forged.status_code == 200 and "evil.example" not in forged.text, path
        assert forged.content == honest.content and forged.headers["etag"] == honest.headers["etag"]
    feed = _get(server, f"/offentligt/loften/{pid}/flode.atom", Host="evil.example").text
    assert f"<id>tag:trygghet.example.se,2026:promise-{pid}-text-1</id>" in feed
    assert f"<id>tag:trygghet.example.se,2026:promise-{pid}-round-1-1</id>" in feed
    assert f'<link href="https://trygghet.example.se/offentligt/loften/{pid}"/>' in feed
    assert "tag:lofte," not in feed


def test_production_needs_a_public_address_and_warns_without_https(monkeypatch) -> None:
    from typer.testing import CliRunner

    from cli.main import app
    from config.errors import ConfigError
    from config.public_address import check_public_url
    from config.settings import Settings, reset_settings

    monkeypatch.setenv("LOFTE_PRODUCTION", "true")
    monkeypatch.delenv("LOFTE_PUBLIC_URL", raising=False)
    reset_settings()
    result = CliRunner().invoke(app, ["serve", "--port", "1"])
    assert result.exit_code != 0 and "LOFTE_PUBLIC_URL" in result.output
    with pytest.raises(ConfigError):
        check_public_url(Settings())
    [warning, operator] = check_public_url(Settings(public_url="http://trygghet.example.se"))
    assert "https" in warning.said("en") and "LOFTE_OPERATOR_NAME" in operator.said("en")
    assert "är inte https" in warning.said("sv")
    assert (
        check_public_url(
            Settings(
                public_url="https://trygghet.example.se",
                operator_name="Sollentuna kommun",
                operator_contact="trygghet@sollentuna.se",
            )
        )
        == []
    )
    monkeypatch.setenv("LOFTE_PUBLIC_URL", "trygghet.example.se/?x=1")
    reset_settings()
    result = CliRunner().invoke(app, ["serve", "--port", "1"])
    assert result.exit_code != 0 and "LOFTE_PUBLIC_URL" in result.output


def test_http_caching_head_compression_static_files_and_no_store(server, monkeypatch) -> None:
    """RFC 9110: weak ETags, lists and * in If-None-Match; HEAD wherever GET works; gzip;
    fingerprinted static files cached for a year; no-store on signed-in pages; robots.txt,
    sitemap.xml, a favicon, feed autodiscovery and a meta description."""
    import re

    from config.settings import reset_settings
    from tests.notifications.test_residents import published

    monkeypatch.setenv("LOFTE_PUBLIC_URL", "https://trygghet.example.se")
    # The test's client speaks plain HTTP to the server: its session cookie must not be
    # Secure-only, as it would be behind the https address (issue 20).
    monkeypatch.setenv("LOFTE_COOKIE_SECURE", "false")
    reset_settings()
    pid = published()
    path = f"/offentligt/loften/{pid}"
    first = _get(server, path)
    etag = first.headers["etag"]
    assert etag.startswith('W/"')
    for asked in (etag, f'"annan", {etag}', etag.removeprefix("W/"), "*", f'W/"x",{etag}'):
        again = _get(server, path, **{"If-None-Match": asked})
        assert again.status_code == 304 and again.content == b"", asked
    assert _get(server, path, **{"If-None-Match": '"annan"'}).status_code == 200

    client = staff_client(server)
    for url in (
        "/",
        "/offentligt/stockholm",
        path,
        "/offentligt/stockholm/data.json",
        "/offentligt/stockholm/data.csv",
        "/offentligt/stockholm/flode.atom",
        "/robots.txt",
        "/sitemap.xml",
        "/tillganglighet",
        "/logga-in",
        f"/loften/{pid}",
        "/offentligt/loften/999999",
    ):
        get, head = client.get(url), client.head(url)
        assert head.status_code == get.status_code and head.content == b"", url
        assert head.headers["content-type"] == get.headers["content-type"], url
    staff = client.get(f"/loften/{pid}")
    assert staff.headers["cache-control"] == "no-store"
    assert client.get("/").headers["cache-control"] == "no-store"
    client.close()
    assert _get(server, "/logga-in").headers["cache-control"] == "no-store"

    zipped = _get(server, path, **{"Accept-Encoding": "gzip"})
    assert (
        zipped.headers["content-encoding"] == "gzip" and "Accept-Encoding" in zipped.headers["vary"]
    )
    css = re.search(r'href="(/static/lofte\.[0-9a-f]{12}\.css)"', first.text)
    assert css is not None
    assert _get(server, css.group(1)).headers["cache-control"] == (
        "public, max-age=31536000, immutable"
    )
    assert "max-age=300" in _get(server, "/static/lofte.css").headers["cache-control"]
    assert _get(server, "/static/lofte.000000000000.css").status_code == 404

    robots = _get(server, "/robots.txt").text
    assert "Disallow: /loften/" in robots and "Disallow: /admin" in robots
    assert "Sitemap: https://trygghet.example.se/sitemap.xml" in robots
    sitemap = _get(server, "/sitemap.xml").text
    assert f"<loc>https://trygghet.example.se/offentligt/loften/{pid}</loc>" in sitemap
    assert "<loc>https://trygghet.example.se/offentligt/stockholm</loc>" in sitemap
    icon = httpx.get(server + "/favicon.ico", follow_redirects=True, timeout=30)
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    assert (
        f'<link rel="alternate" type="application/atom+xml" href="/offentligt/loften/{pid}/flode.atom"'
        in first.text
    )
    region = _get(server, "/offentligt/stockholm").text
    assert 'href="/offentligt/stockholm/flode.atom"' in region
    assert '<meta name="description" content="Medborgarlöftet för Sollentuna' in first.text


def test_open_data_validates_against_its_published_descriptions(server, tmp_path) -> None:
    """`frictionless validate` accepts the data package with both CSV files; data.json
    validates against its JSON Schema; open data carries CORS *."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    import jsonschema

    rounds_late, _year_late, _future = _three_promises()
    from tests.notifications.test_residents import submit_round

    submit_round(rounds_late, 1, "Vi har =SUMMA(A1) varit där.")  # a formula-like text
    for name in ("datapackage.json", "data.csv", "uppfoljningar.csv"):
        answer = _get(server, f"/offentligt/stockholm/{name}", Origin="https://example.org")
        assert answer.status_code == 200 and answer.headers["access-control-allow-origin"] == "*"
        (tmp_path / name).write_bytes(answer.content)
    package = json.loads((tmp_path / "datapackage.json").read_text())
    assert package["licenses"][0]["name"] == "CC0-1.0"
    frictionless = Path(sys.executable).with_name("frictionless")
    result = subprocess.run(
        [str(frictionless), "validate", "--json", str(tmp_path / "datapackage.json")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    report = json.loads(result.stdout)
    assert report["valid"] is True, result.stdout[-3000:]
    # each promise's rounds and its year-end result: Stockholm's two tertial rounds each
    assert [t["stats"]["rows"] for t in report["tasks"]] == [3, 2 + 1 + 2 + 1 + 2 + 1]

    schema_answer = _get(server, "/offentligt/schema/lofte-public-1.json")
    assert schema_answer.headers["access-control-allow-origin"] == "*"
    schema = schema_answer.json()
    jsonschema.Draft202012Validator.check_schema(schema)
    data = _get(server, "/offentligt/stockholm/data.json").json()
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(
        data
    )
    broken = {**data, "promises": [{**data["promises"][0], "late": "ja"}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_text_people_wrote_is_marked_swedish_on_english_pages(server) -> None:
    from tests.notifications.test_residents import published, submit_round

    pid = published()
    submit_round(pid, 1, "Belysningen i gångtunneln är lagad.")
    english = _get(server, f"/offentligt/loften/{pid}?lang=en").text
    assert (
        '<strong><span lang="sv">Polisen lovar att</span></strong> '
        '<span lang="sv">vara på plats vid stationen.</span>'
    ) in english
    assert '<span lang="sv">Belysningen i gångtunneln är lagad.</span>' in english
    assert '<p class="govuk-body" lang="sv">Otryggt vid stationen kvällstid.</p>' in english
    assert '<html lang="en"' in english
    swedish = _get(server, f"/offentligt/loften/{pid}?lang=sv").text
    assert 'lang="sv">Polisen lovar' not in swedish


def test_who_stands_behind_a_promise_and_how_to_reach_them(server, monkeypatch) -> None:
    """Signatories (name, function, organisation, date) and each party's contact route are
    public; the consent names the data controllers and links to the page on personal data;
    the accessibility statement names the operator, a contact route and its review date."""
    from sqlmodel import select

    from application.organisations import OrganisationContactInput, set_contact
    from config.settings import reset_settings
    from lifecycle.errors import InputError
    from lifecycle.permissions import system_principal
    from models import Organisation, SignOff
    from models.db import session_scope
    from tests.notifications.test_residents import published

    pid = published()
    with session_scope() as s:
        for row in s.exec(select(SignOff).where(SignOff.promise_id == pid)).all():
            assert row.signed_by in ("LPO-chef", "KS ordförande")
        municipality = s.exec(select(Organisation).where(Organisation.name == "Sollentuna")).first()
        assert municipality is not None
        org_id = municipality.id
    admin = system_principal("admin@lofte.local")
    assert org_id is not None
    set_contact(admin, OrganisationContactInput(id=org_id, public_contact="trygghet@sollentuna.se"))
    with pytest.raises(InputError):  # neither a mailbox nor a phone: nothing written
        set_contact(admin, OrganisationContactInput(id=org_id, public_contact="ring Anna"))
    # A signatory's function, as a new signing would record it.
    from application.transitions import advance_promise
    from tests.helpers import ACTOR, complete_stage
    from tests.test_method import at

    assert advance_promise(
        pid, ACTOR, to=Stage.ACTION_PLAN, reason="Ny", now=at(date(2026, 3, 2))
    ).ok
    complete_stage(pid, Stage.ACTION_PLAN)
    with session_scope() as s:
        for row in s.exec(
            select(SignOff).where(SignOff.promise_id == pid, SignOff.revoked_at.is_(None))  # type: ignore[union-attr]
        ).all():
            row.signed_as = "Lokalpolisområdeschef" if row.party.value == "police" else "Ordförande"
            s.add(row)
    assert advance_promise(pid, ACTOR, now=at(date(2026, 3, 3))).ok

    page = _get(server, f"/offentligt/loften/{pid}").text
    assert "Vem står bakom löftet" in page
    assert "av LPO-chef, Lokalpolisområdeschef, lokalpolisområde Sollentuna" in page
    assert "av KS ordförande, Ordförande, Sollentuna kommun" in page
    assert 'href="mailto:trygghet@sollentuna.se"' in page
    assert "Polismyndigheten och Sollentuna kommun, som är personuppgiftsansvariga" in page
    assert 'href="/personuppgifter"' in page
    data = [p for p in _get(server, "/offentligt/stockholm/data.json").json()["promises"]]
    assert data[0]["signatories"][0]["function"] in ("Lokalpolisområdeschef", "Ordförande")
    assert data[0]["contacts"] == [
        {"organisation": "Sollentuna kommun", "contact": "trygghet@sollentuna.se"}
    ]
    personal = _get(server, "/personuppgifter")
    assert personal.status_code == 200 and "Personuppgiftsansvariga" in personal.text
    assert "How we handle personal data" in _get(server, "/personuppgifter?lang=en").text

    monkeypatch.setenv("LOFTE_OPERATOR_NAME", "Sollentuna kommun")
    monkeypatch.setenv("LOFTE_OPERATOR_CONTACT", "tillganglighet@sollentuna.se")
    monkeypatch.setenv("LOFTE_ACCESSIBILITY_REVIEWED", "2026-11-30")
    reset_settings()
    statement = _get(server, "/tillganglighet").text
    assert "Sollentuna kommun driver den här tjänsten" in statement
    assert 'href="mailto:tillganglighet@sollentuna.se"' in statement
    assert "granskades senast den 30 november 2026" in statement
    assert "ärendelista" not in statement
    english = _get(server, "/tillganglighet?lang=en").text
    assert "last reviewed on 30 November 2026" in english and "issue" not in english


def test_the_new_public_pages_pass_axe_in_both_languages(page, today) -> None:
    """The late notices, the late-first list, the signed-by list and the personal data page
    pass axe-core (WCAG 2.1 A/AA) in Swedish and English."""
    from tests.web.conftest import axe_violations

    rounds_late, _year_late, future = _three_promises()
    for lang in ("sv", "en"):
        for path in (
            f"/offentligt/loften/{rounds_late}",
            f"/offentligt/loften/{future}",
            "/offentligt/stockholm?ordning=forsenade",
            "/personuppgifter",
            "/tillganglighet",
        ):
            sep = "&" if "?" in path else "?"
            page.goto(f"{path}{sep}lang={lang}")
            assert axe_violations(page) == [], (path, lang)


def test_an_item_is_held_back_at_any_stage_and_published_again(server, monkeypatch) -> None:
    """After the signing, without sending the promise back: `lofte promise publicity` (the
    artefact.publicity use case) hides a goal from every public output, and clears it."""
    from typer.testing import CliRunner

    from cli.main import app
    from config.settings import reset_settings
    from models import Goal
    from tests.helpers import ids, register
    from tests.notifications.test_residents import published

    register("samordnare@sollentuna.se", organisation="Sollentuna")
    monkeypatch.setenv("LOFTE_ACTOR", "samordnare@sollentuna.se")
    monkeypatch.setenv("LOFTE_USE_SERVICE", "false")
    reset_settings()
    pid = published()
    goal = ids(pid, Goal)[0]
    runner = CliRunner()
    hide = runner.invoke(
        app,
        ["promise", "publicity", str(pid), "goal", str(goal), "--reason", "Få individer"],
    )
    assert hide.exit_code == 0, hide.output
    data = _get(server, "/offentligt/stockholm/data.json").json()["promises"][0]
    assert goal not in [g["id"] for w in data["what_we_do"] for g in w["goals"]]
    show = runner.invoke(
        app,
        ["promise", "publicity", str(pid), "goal", str(goal)],
    )
    assert show.exit_code == 0, show.output
    data = _get(server, "/offentligt/stockholm/data.json").json()["promises"][0]
    assert goal in [g["id"] for w in data["what_we_do"] for g in w["goals"]]
    wrong = runner.invoke(
        app,
        ["promise", "publicity", str(pid), "dialogue", "1", "--reason", "x"],
    )
    assert wrong.exit_code != 0 and "Traceback" not in wrong.output
