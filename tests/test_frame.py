"""Issue 22: true to Stockholm's frame (docs/method.md), on SQLite and PostgreSQL. Each test
names the seed passage (../shared/seeds/) behind the rule it holds."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from application.promises import create_agreement, create_promise
from application.transitions import advance_promise
from lifecycle.errors import InputError, Refused
from lifecycle.goals import judge_goal
from lifecycle.stages import CYCLE, Stage
from models import Activity, EvaluationRound, Goal, Problem, Promise
from models.db import session_scope
from models.inputs import AgreementCreate, PromiseCreate
from reports.compilation import compile_year, render
from tests.helpers import ACTOR, add, complete_stage, ids, new_promise, promise
from views.snapshot import current_unmet


def at(day: date) -> datetime:
    return datetime.combine(day, time(7), tzinfo=UTC)


def walk_to(pid: int, stage: Stage) -> None:
    """Do each stage's work and advance (the term's stage work, after the year for the last)."""
    for current in CYCLE:
        if current is stage:
            return
        complete_stage(pid, current)
        p = promise(pid)
        when = p.term_end + timedelta(days=40) if current.position >= 6 else p.term_start
        assert advance_promise(pid, ACTOR, now=at(when)).ok


def submit_rounds(pid: int, value: float) -> None:
    """Every round of the current year, each activity ongoing, every goal at ``value``."""
    from models import Activity

    p = promise(pid)
    with session_scope() as s:
        rounds = s.exec(
            select(EvaluationRound.number, EvaluationRound.due).where(
                EvaluationRound.promise_id == pid, EvaluationRound.cycle_year == p.cycle_year
            )
        ).all()
    for n, due in rounds:
        add(
            pid,
            "evaluation",
            _on=due,
            round=n,
            submitted_by="Samordnare",
            activities=[{"activity_id": a, "status": "ongoing"} for a in ids(pid, Activity)],
            indicators=[
                {"goal_id": g, "value": value, "measured_on": due - timedelta(days=3)}
                for g in ids(pid, Goal)
            ],
            feedback_to_residents="Vi har varit på plats vid stationen varje fredag.",
        )


# --- 1. goals are judged by their target date ------------------------------------------------
# "I december 2018 förnyades samverkansöverenskommelsen inför åren 2019-2020" (003) and
# "aktivitetsplaner inför 2022 och 2023" (000): goals may run over more than one year, so a
# two-year goal is on its way after year one, not missed.


def test_a_goal_is_reached_on_its_way_or_not_reached_only_after_its_date() -> None:
    due = date(2027, 12, 31)
    assert judge_goal(12, 8, 8, due, date(2026, 12, 31)) == ("reached", 1.0)
    assert judge_goal(12, 8, 10, due, date(2026, 12, 31)) == ("on_the_way", 0.5)
    assert judge_goal(12, 8, 14, due, date(2026, 12, 31)) == ("on_the_way", 0.0)  # wrong way
    assert judge_goal(12, 8, 10, due, date(2028, 1, 1)) == ("not_reached", 0.5)
    assert judge_goal(1, 5, 4, due, date(2027, 6, 1)) == ("on_the_way", 0.75)  # higher is better
    assert judge_goal(12, 8, None, due, date(2028, 1, 1)) == ("unknown", None)


def test_a_two_year_goal_is_on_its_way_in_the_first_years_compilation(db) -> None:
    pid = new_promise(start=date(2026, 1, 1), years=2)
    walk_to(pid, Stage.CONTINUOUS_EVALUATION)
    submit_rounds(pid, 10)  # baseline 12, target 8 by the end of 2027: half the way
    with session_scope() as s:
        p = s.get(Promise, pid)
        assert p is not None
        first_year = compile_year(s, p, date(2027, 1, 10))
        after_term = compile_year(s, p, date(2028, 1, 10))
    summary = first_year["goals_summary"]
    assert summary["not_met"] == 0 and summary["on_the_way"] == summary["total"] == 4
    assert {(g["result"], g["share"]) for link in first_year["chain"] for g in link["goals"]} == {
        ("on_the_way", 0.5)
    }
    md = render(first_year, "md")
    assert "Mål uppnådda: 0 / 4; på väg: 4" in md and "På väg (50 % av vägen)" in md
    assert "Ej uppnått" not in md
    assert after_term["goals_summary"]["not_met"] == 4
    assert "Ej uppnått" in render(after_term, "html")


# --- 2. local focus areas ----------------------------------------------------------------------
# "Förutom de aktiviteter som tar avstamp i lokala problembilder ska samtliga medborgarlöften i
# polisregionen beskriva åtgärder och aktiviteter inom följande områden" (000); Sollentuna's
# agreement "innehåller två fokusområden; att minska antalet otrygghetsskapande händelser i
# offentliga miljöer samt att minska rekryteringen till kriminella nätverk" (003).

SOLLENTUNA_FOCUS = [
    "Minska antalet otrygghetsskapande händelser i offentliga miljöer",
    "Minska rekryteringen till kriminella nätverk",
]


def sollentuna_agreement(start: date = date(2025, 1, 1), years: int = 2) -> int:
    with session_scope() as s:
        agreement = create_agreement(
            s,
            AgreementCreate(
                region="stockholm",
                municipality="Sollentuna",
                police_area="LPO Sollentuna",
                start=start,
                years=years,
                title="Samverkansöverenskommelse Sollentuna",
                focus_areas=SOLLENTUNA_FOCUS,
                decided_by="Kommunstyrelsen",
                decided_on=start - timedelta(days=20),
            ),
        )
        return agreement.id  # type: ignore[return-value]


def promise_under(agreement_id: int | None, start: date = date(2026, 1, 1)) -> int:
    with session_scope() as s:
        created = create_promise(
            s,
            PromiseCreate(
                region="stockholm",
                municipality="Sollentuna",
                police_area="LPO Sollentuna",
                start=start,
                years=1,
                agreement_id=agreement_id,
            ),
            ACTOR,
            now=at(start - timedelta(days=100)),
        )
        return created.id  # type: ignore[return-value]


def unmet_codes(pid: int) -> set[tuple[str, str | None]]:
    with session_scope() as s:
        p = s.get(Promise, pid)
        assert p is not None
        return {(u.code, u.ref) for u in current_unmet(s, p, p.term_start)}


def test_a_focus_area_may_be_local_or_one_of_its_agreements_own(db) -> None:
    pid = promise_under(sollentuna_agreement())
    complete_stage(pid, Stage.RESIDENT_DIALOGUE)
    assert advance_promise(pid, ACTOR, now=at(date(2026, 1, 1))).ok
    on = date(2025, 12, 1)
    unsafe = add(
        pid,
        "problem",
        _on=on,
        title="Bråk och vårdslös mopedkörning vid stationen",
        selected=True,
        agreement_focus_area=SOLLENTUNA_FOCUS[0].upper(),  # matched whatever the case
    )
    local = add(
        pid,
        "problem",
        _on=on,
        title="Inbrott i förråd i Tureberg",
        selected=True,
        local_reason="Invånarnas vanligaste klagomål i dialogen",
    )
    loose = add(pid, "problem", _on=on, title="Nedskräpning i parken", selected=True)
    with session_scope() as s:
        row = s.get(Problem, unsafe)
        assert row is not None and row.agreement_focus_area == SOLLENTUNA_FOCUS[0]
    codes = unmet_codes(pid)
    assert ("analysis.focus_area_without_priority_area", f"problem:{loose}") in codes
    for tied in (unsafe, local):
        assert ("analysis.focus_area_without_priority_area", f"problem:{tied}") not in codes
    with pytest.raises(InputError, match="Minska rekryteringen till kriminella nätverk"):
        add(pid, "problem", _on=on, title="Klotter", agreement_focus_area="Klotter")
    without = promise_under(None, start=date(2027, 1, 1))
    with pytest.raises(InputError, match="belongs to no agreement"):
        add(without, "problem", _on=on, title="Klotter", agreement_focus_area="Klotter")
    # the compilation says what each focus area answers to
    with session_scope() as s:
        p = s.get(Promise, pid)
        assert p is not None
        md = render(compile_year(s, p, date(2026, 12, 1)), "md")
    assert f"Överenskommelsens fokusområde: {SOLLENTUNA_FOCUS[0]}" in md
    assert "Lokalt problem: Invånarnas vanligaste klagomål i dialogen" in md


# --- 3. each catalogue set with its years and scope; the city's frame ------------------------
# "Samtliga medborgarlöften i Stockholms län och på Gotland ska vara anpassade och konkreta med
# tydliga aktivitetsplaner inför 2022 och 2023" (000); "Den stadsövergripande
# samverkansöverenskommelsen utgör ramen för de lokala samverkansöverenskommelserna som ska
# tecknas mellan stadsdelsnämnderna och lokalpolisområden" (002); "Den lokala nivån ska beröra
# dessa områden i framtagande av lokal lägesbild, åtgärder och mål" (001).

CITY_AREAS = [
    "city-young-destructive",
    "city-unsafe-places",
    "city-system-threatening",
    "city-vulnerable-victims",
    "city-criminal-environments",
]


def test_the_police_regions_list_is_not_mandatory_for_city_districts_from_2024() -> None:
    from config.catalogue import get_catalogue

    region = get_catalogue().region("stockholm")
    police = {"fewer-young-at-risk", "fewer-criminals-exit", "vulnerable-victims-offenders"}
    assert region.mandatory_area_ids(2026, 2027, city_district=True) == set()
    assert region.mandatory_area_ids(2022, 2023, city_district=True) >= police
    # municipalities keep the region's latest list: no newer one has been given
    assert region.mandatory_area_ids(2026, 2027, city_district=False) >= police
    assert region.frame_area_ids(2026, 2027, city_district=True) == CITY_AREAS
    assert region.frame_area_ids(2026, 2027, city_district=False) == []
    assert region.frame_area_ids(2022, 2023, city_district=True) == []
    # the police region's areas may still be chosen by a city district
    chosen = {a.id for _, a in region.areas_for(2026, 2027, city_district=True)}
    assert police <= chosen and set(CITY_AREAS) <= chosen


def city_promise(district: str = "Hässelby-Vällingby", start: date = date(2026, 1, 1)) -> int:
    with session_scope() as s:
        created = create_promise(
            s,
            PromiseCreate(
                region="stockholm",
                municipality=district,
                municipality_is_city_district=True,
                police_area="LPO Vällingby",
                start=start,
                years=2,
            ),
            ACTOR,
            now=at(start - timedelta(days=100)),
        )
        return created.id  # type: ignore[return-value]


def frame_notes(not_relevant: str | None = None) -> list[dict[str, Any]]:
    return [
        {"area": a, "not_relevant": True, "reason": "Inga kända välfärdsbrott i stadsdelen"}
        if a == not_relevant
        else {"area": a, "note": f"Lägesbilden om {a}: ökar vid Vällingby centrum"}
        for a in CITY_AREAS
    ]


def test_a_city_districts_situation_pictures_speak_to_each_of_the_five_areas(db) -> None:
    pid = city_promise()
    complete_stage(pid, Stage.RESIDENT_DIALOGUE)
    assert advance_promise(pid, ACTOR, now=at(date(2025, 10, 20))).ok
    on = date(2025, 11, 1)
    add(pid, "situation_picture", _on=on, party="police", summary="Rån vid centrum")
    missing = {ref for code, ref in unmet_codes(pid) if code == "analysis.frame_area_missing"}
    assert missing == {f"priority_area:{a}" for a in CITY_AREAS}
    with pytest.raises(InputError, match="without a reason"):
        add(
            pid,
            "situation_picture",
            _on=on,
            party="municipality",
            summary="Stadsdelens bild",
            frame_areas=[{"area": CITY_AREAS[0], "not_relevant": True}],
        )
    with pytest.raises(InputError, match="not an area of the city's frame"):
        add(
            pid,
            "situation_picture",
            _on=on,
            party="municipality",
            summary="Stadsdelens bild",
            frame_areas=[{"area": "fewer-young-at-risk", "note": "Många unga"}],
        )
    add(
        pid,
        "situation_picture",
        _on=on,
        party="municipality",
        summary="Stadsdelens bild av de fem områdena",
        frame_areas=frame_notes(not_relevant="city-system-threatening"),
    )
    assert not {c for c, _ in unmet_codes(pid) if c == "analysis.frame_area_missing"}
    # a municipality outside the city has no such frame
    other = promise_under(None)
    complete_stage(other, Stage.RESIDENT_DIALOGUE)
    assert advance_promise(other, ACTOR, now=at(date(2025, 10, 20))).ok
    add(other, "situation_picture", _on=on, party="police", summary="Rån vid stationen")
    assert not {c for c, _ in unmet_codes(other) if c == "analysis.frame_area_missing"}


def test_goals_link_to_the_citys_measurable_goals_and_the_compilation_says_through_which(
    db,
) -> None:
    from web.forms import form_fields

    spec = {f["name"]: f for f in form_fields("goal")}
    assert spec["catalogue_goal"]["widget"] == "catalogue"  # chosen in the goal form
    pid = city_promise()
    walk_to(pid, Stage.GOALS)
    [problem, *_] = ids(pid, Problem)
    add(
        pid,
        "goal",
        _on=date(2025, 12, 1),
        problem_id=problem,
        kind="outcome",
        description="Fler känner sig trygga vid Vällingby centrum",
        indicator="Andel trygga i trygghetsmätningen",
        baseline=55,
        target=65,
        target_date=date(2027, 12, 31),
        catalogue_goal="city-unsafe-places-3",
    )
    with pytest.raises(InputError, match="does not apply to promise"):
        add(
            pid,
            "goal",
            _on=date(2025, 12, 1),
            problem_id=problem,
            kind="outcome",
            description="Något",
            indicator="Något",
            baseline=1,
            target=2,
            target_date=date(2027, 12, 31),
            catalogue_goal="no-such-goal",
        )
    with session_scope() as s:
        p = s.get(Promise, pid)
        assert p is not None
        data = compile_year(s, p, date(2026, 12, 1))
    linked = {g["id"]: g for g in data["catalogue_goals"]}
    assert len(linked) == 14
    assert linked["city-unsafe-places-3"]["through"] == [
        "Fler känner sig trygga vid Vällingby centrum"
    ]
    assert not linked["city-unsafe-places-1"]["chosen"]
    assert "genom Fler känner sig trygga vid Vällingby centrum" in render(data, "md")


# --- 4. the agreement's whole life ---------------------------------------------------------
# "Sollentuna kommun och polisen har en samverkansöverenskommelse och ett gemensamt
# medborgarlöfte. Överenskommelsen och löftet förnyades i december 2018." … "I december 2018
# förnyades samverkansöverenskommelsen inför åren 2019-2020, tillsammans med ett reviderat
# medborgarlöfte för 2019." (003); "Lokala prioriteringar beslutas av lokal styrgrupp." (001)

DECISIONS = [
    {
        "party": "sollentuna",  # matched whatever the case
        "body": "Kommunstyrelsen",
        "decided_on": "2026-12-08",
        "paragraph": "§ 212",
        "diarienummer": "KS 2026/0412",
    },
    {"party": "LPO Sollentuna", "body": "Lokalpolisområdeschefen", "decided_on": "2026-12-10"},
]


def test_agreement_list_show_change_in_the_cli_and_the_api(db, monkeypatch) -> None:
    from fastapi.testclient import TestClient
    from typer.testing import CliRunner

    from cli.main import app
    from config.operator_key import ensure_operator_key
    from tests.helpers import register
    from web.api import create_app

    agreement = sollentuna_agreement()
    pid = promise_under(agreement)
    register("samordnare@sollentuna.se")
    register("samordnare@jarfalla.se", organisation="Järfälla")
    monkeypatch.setenv("LOFTE_ACTOR", "samordnare@sollentuna.se")
    monkeypatch.setenv("LOFTE_NOW", "2026-03-02T10:00:00+01:00")
    runner = CliRunner()
    listed = runner.invoke(app, ["agreement", "list"])
    assert listed.exit_code == 0, listed.output
    assert "2025-01-01 – 2026-12-31" in listed.output and "LPO Sollentuna" in listed.output
    changed = runner.invoke(
        app,
        [
            "agreement",
            "change",
            str(agreement),
            "--steering-group",
            "Kommundirektören och lokalpolisområdeschefen",
            "--preparation-group",
            "Trygghetssamordnaren och kommunpolisen",
            "--meeting-rhythm",
            "Styrgruppen tertialvis, beredningsgruppen varje månad",
            *[arg for d in DECISIONS for arg in ("--decision", json.dumps(d))],
        ],
    )
    assert changed.exit_code == 0, changed.output
    assert "decisions" in changed.output and "steering_group" in changed.output
    shown = runner.invoke(app, ["agreement", "show", str(agreement)])
    assert "Sollentuna: Kommunstyrelsen 2026-12-08 (§ 212, KS 2026/0412)" in shown.output
    assert "Styrgrupp / steering group: Kommundirektören" in shown.output
    assert f"{pid:>4}  Sollentuna" in shown.output
    bad = runner.invoke(
        app,
        [
            "agreement",
            "change",
            str(agreement),
            "--decision",
            json.dumps({**DECISIONS[0], "party": "Täby"}),
        ],
    )
    assert bad.exit_code == 2 and "not a party" in bad.output
    # another municipality's coordinator may not see it
    monkeypatch.setenv("LOFTE_ACTOR", "samordnare@jarfalla.se")
    assert runner.invoke(app, ["agreement", "show", str(agreement)]).exit_code != 0
    assert "LPO Sollentuna" not in runner.invoke(app, ["agreement", "list"]).output
    # the API offers the same
    client = TestClient(create_app(warm=False))
    client.headers.update(
        {
            "Authorization": f"Operator {ensure_operator_key()}",
            "X-Lofte-Actor": "samordnare@sollentuna.se",
        }
    )
    body = client.get(f"/api/agreements/{agreement}").json()
    assert body["meeting_rhythm"].startswith("Styrgruppen tertialvis") and body["undecided"] == []
    changed_api = client.post(f"/api/agreements/{agreement}", json={"goals": "Ökad trygghet"})
    assert changed_api.status_code == 200 and changed_api.json()["changed"] == ["goals"]
    assert [a["id"] for a in client.get("/api/agreements").json()] == [agreement]
    # the promise shows its agreement: decisions and organisation
    shown_promise = client.get(f"/api/promises/{pid}").json()["agreement"]
    assert shown_promise["steering_group"].startswith("Kommundirektören")
    assert shown_promise["warnings"] == []
    # and the compilation
    with session_scope() as s:
        p = s.get(Promise, pid)
        assert p is not None
        md = render(compile_year(s, p, date(2026, 3, 2)), "md")
    assert "## Samverkansöverenskommelse" in md
    assert "Beslut: Sollentuna, Kommunstyrelsen 2026-12-08 § 212 (KS 2026/0412)" in md


def test_the_agreement_is_renewed_with_the_promises_next_cycle_and_reminded_before_it_ends(
    db,
) -> None:
    from application.agreements import remind_expiring
    from application.next_cycle import run_renewal
    from models import Agreement, OutboxMessage
    from tests.helpers import register
    from views.agreement import promise_agreement

    agreement = sollentuna_agreement()  # 2025-2026
    pid = promise_under(agreement)  # 2026, one year: renewed on 1 September 2026
    register("samordnare@sollentuna.se")
    register("kommunpolis@polisen.se", organisation="LPO Sollentuna", kind="local_police_area")
    walk_to(pid, Stage.CONTINUOUS_EVALUATION)
    [opened] = run_renewal(ACTOR, now=at(date(2026, 9, 1)))
    with session_scope() as s:
        new = s.get(Promise, opened["next_promise_id"])
        assert new is not None and new.term_start == date(2027, 1, 1)
        renewed = s.get(Agreement, new.agreement_id)
        assert renewed is not None and renewed.previous_agreement_id == agreement
        assert (renewed.term_start, renewed.term_end) == (date(2027, 1, 1), date(2028, 12, 31))
        assert renewed.focus_areas == SOLLENTUNA_FOCUS
        view = promise_agreement(s, new, date(2026, 9, 1))
        assert view is not None and view["undecided"] == ["Sollentuna", "LPO Sollentuna"]
        assert any("saknar beslut" in w for w in view["warnings"])
    # the daily run reminds both parties once the agreement ends within 120 days, undecided
    assert run_renewal(ACTOR, now=at(date(2026, 9, 3))) == []
    with session_scope() as s:
        sent = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "agreement_expiry")).all()
        assert sorted(m.recipient for m in sent) == [
            "kommunpolis@polisen.se",
            "samordnare@sollentuna.se",
        ]
        assert "löper ut torsdag 31 december 2026" in sent[0].subject
        assert "Samverkansöverenskommelsen Samverkansöverenskommelse" not in sent[0].subject
        assert remind_expiring(s, date(2026, 9, 4)) == 0  # once per step
    with session_scope() as s:
        from application.promises import checked_decisions
        from models.inputs import AgreementDecisionInput

        renewed = s.get(Agreement, renewed.id)
        assert renewed is not None
        renewed.decisions = checked_decisions(
            s, renewed, [AgreementDecisionInput.model_validate(d) for d in DECISIONS]
        )
        s.add(renewed)
    with session_scope() as s:
        assert remind_expiring(s, date(2026, 12, 1)) == 0  # renewed and decided: no reminder
        new = s.get(Promise, opened["next_promise_id"])
        assert new is not None
        assert promise_agreement(s, new, date(2026, 12, 1))["warnings"] == []  # type: ignore[index]


def test_a_promise_beyond_its_parties_last_agreement_is_warned(db) -> None:
    from views.agreement import promise_agreement

    sollentuna_agreement(start=date(2024, 1, 1), years=2)  # ended 2025-12-31
    pid = promise_under(None, start=date(2026, 1, 1))
    with session_scope() as s:
        p = s.get(Promise, pid)
        assert p is not None
        view = promise_agreement(s, p, date(2026, 1, 1))
    assert view is not None and "löpte ut 31 december 2025" in view["warnings"][0]


# --- 5. the situation picture shown; places recorded in the forms and exported ---------------
# "Denna ska initialt tas fram av respektive part och sedan föras samman till en gemensam lokal
# lägesbild med en gemensam analys av det aktuella läget och utmaningar i området." …
# "Lägesbilderna ska även innehålla en geografisk analys där avgränsade platser med hög
# brottslighet och otrygghet som kräver gemensamma åtgärder identifieras." (001)


def test_each_partys_picture_and_the_joint_one_are_shown_and_compiled(db) -> None:
    from views.promise import promise_view

    pid = city_promise()
    complete_stage(pid, Stage.RESIDENT_DIALOGUE)
    assert advance_promise(pid, ACTOR, now=at(date(2025, 10, 20))).ok
    on = date(2025, 11, 1)
    add(
        pid, "situation_picture", _on=on, party="police", summary="Rån vid centrum", sources=["RAR"]
    )
    add(pid, "situation_picture", _on=on, party="municipality", summary="Unga samlas")
    add(
        pid,
        "situation_picture",
        _on=on,
        party="joint",
        summary="Gemensam bild: otryggt vid Vällingby centrum kvällstid",
        frame_areas=frame_notes(not_relevant="city-system-threatening"),
    )
    with session_scope() as s:
        view = promise_view(s, pid)
        p = s.get(Promise, pid)
        assert p is not None
        md = render(compile_year(s, p, date(2026, 3, 1)), "md")
    assert [sp["by"] for sp in view["situation_pictures"]] == ["police", "municipality", "joint"]
    joint = view["situation_pictures"][2]
    assert {f["name"] for f in joint["frame"]} >= {"Systemhotande brottslighet"}
    assert "**Gemensam lägesbild:** Gemensam bild: otryggt vid Vällingby centrum" in md
    assert "- Systemhotande brottslighet: ej aktuellt här (Inga kända välfärdsbrott" in md
    assert "**Polisens lägesbild:** Rån vid centrum (källor: RAR)" in md
    # the joint picture counts for neither party
    assert ("analysis.police_picture_missing", None) not in unmet_codes(pid)


def test_places_are_recorded_in_the_forms_with_optional_coordinates() -> None:
    from web.forms import fields_from_form, form_fields, form_values

    widgets = {f["name"]: f["widget"] for f in form_fields("problem")}
    assert widgets["places"] == "places"
    sent = {"title": "Rån", "places": "Vällingby centrum; 59,3632; 17,8721\nRåckstavägen\n"}
    fields = fields_from_form("problem", sent)
    assert fields["places"] == [
        {"name": "Vällingby centrum", "lat": "59.3632", "lon": "17.8721"},
        {"name": "Råckstavägen"},
    ]
    assert (
        form_values("problem", {"places": [{"name": "Råckstavägen"}]})["places"] == "Råckstavägen"
    )
    unsafe = fields_from_form("dialogue", {"unsafe_places": "Hässelby torg; kvällar"})
    assert unsafe["unsafe_places"] == [{"place": "Hässelby torg", "when": "kvällar"}]


def test_a_regions_places_are_exported_as_geojson(db, monkeypatch, tmp_path) -> None:
    from typer.testing import CliRunner

    from cli.main import app
    from tests.helpers import register

    pid = city_promise()
    complete_stage(pid, Stage.RESIDENT_DIALOGUE)
    assert advance_promise(pid, ACTOR, now=at(date(2025, 10, 20))).ok
    add(
        pid,
        "problem",
        _on=date(2025, 11, 1),
        title="Otrygghet vid centrum",
        selected=True,
        priority_area="city-unsafe-places",
        places=[
            {"name": "Vällingby centrum", "lat": 59.3632, "lon": 17.8721},
            {"name": "Kvarnvik"},
        ],
    )
    other = promise_under(None)  # Sollentuna: not the person's
    complete_stage(other, Stage.RESIDENT_DIALOGUE)
    register("region@polisen.se", "regional_coordinator", "Polisregion Stockholm", "police_region")
    register("samordnare@hv.se", organisation="Hässelby-Vällingby", kind="city_district")
    runner = CliRunner()
    out = tmp_path / "platser.geojson"
    monkeypatch.setenv("LOFTE_ACTOR", "samordnare@hv.se")
    result = runner.invoke(app, ["places", "--region", "stockholm", "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    named = {f["properties"]["name"]: f for f in data["features"]}
    assert named["Vällingby centrum"]["geometry"] == {
        "type": "Point",
        "coordinates": [17.8721, 59.3632],
    }
    assert named["Kvarnvik"]["geometry"] is None
    # only the person's own promises, not another party's
    assert {f["properties"]["promise_id"] for f in data["features"]} == {pid}
    monkeypatch.setenv("LOFTE_ACTOR", "region@polisen.se")
    everything = json.loads(runner.invoke(app, ["places", "--region", "stockholm"]).output)
    assert {f["properties"]["promise_id"] for f in everything["features"]} == {pid, other}
    bad = runner.invoke(app, ["places", "--region", "atlantis"])
    assert bad.exit_code == 2 and "unknown police region" in bad.output


# --- 6. rounds due after each period's cut-off; each round's short analysis --------------------
# "Både medborgarlöftet och samverkansöverenskommelsen utvärderas löpande under året" (003);
# "Handlingsplanen följs upp löpande och i slutet av varje år sammanställer den övergripande
# beredningsgruppen resultat och genomförda åtgärder" (001); "Resultaten följs upp och
# erfarenheterna ligger till grund när analysen och prioriteringarna uppdateras" (004).

STOCKHOLM_TERTIALS = {
    "evaluation": {"rhythm": "explicit", "dates": ["04-30", "08-31"], "due_after_working_days": 10}
}


def test_rounds_are_due_working_days_after_each_cut_off_and_the_last_is_in_the_compilation() -> (
    None
):
    from lifecycle.rounds import EvaluationRule, round_due_dates

    rule = EvaluationRule("explicit", ("04-30", "08-31"), due_after_working_days=10)
    # ten working days after 30 April (1 May and Ascension Day are holidays) and 31 August;
    # the last tertial is reported in the year-end compilation, not a month before it
    assert round_due_dates(date(2026, 1, 1), 1, rule) == [date(2026, 5, 18), date(2026, 9, 14)]
    # without the setting a round is due on its cut-off, as before
    assert round_due_dates(date(2026, 1, 1), 1, "tertial")[-1] == date(2026, 12, 30)


def test_a_promise_reports_by_stockholms_tertials_with_an_analysis_per_round(db) -> None:
    from effects.deadlines import set_calendar_override

    pid = new_promise(start=date(2026, 1, 1))
    with session_scope() as s:
        p = s.get(Promise, pid)
        assert p is not None
        set_calendar_override(s, p, STOCKHOLM_TERTIALS, date(2025, 10, 1))
    walk_to(pid, Stage.CONTINUOUS_EVALUATION)
    with session_scope() as s:
        dues = s.exec(
            select(EvaluationRound.due)
            .where(EvaluationRound.promise_id == pid)
            .order_by(EvaluationRound.number)  # type: ignore[arg-type]
        ).all()
    assert dues == [date(2026, 5, 18), date(2026, 9, 14)]
    from models import Activity

    add(
        pid,
        "evaluation",
        _on=date(2026, 5, 15),
        round=1,
        submitted_by="Samordnare",
        activities=[{"activity_id": a, "status": "ongoing"} for a in ids(pid, Activity)],
        feedback_to_residents="Vi har varit på plats vid stationen varje fredag.",
        deviations="Kvällsnärvaron halverades i april: två poliser lånades ut till Järva.",
        decisions="Styrgruppen flyttar fältassistenternas pass till fredagar.",
    )
    with session_scope() as s:
        p = s.get(Promise, pid)
        assert p is not None
        data = compile_year(s, p, date(2026, 6, 1))
    assert data["rounds"][0]["deviations"].startswith("Kvällsnärvaron halverades")
    md = render(data, "md")
    assert "## Uppföljningarnas analys" in md
    assert "Uppföljning 1: avvikelser: Kvällsnärvaron" in md
    assert "beslut: Styrgruppen flyttar" in md


# --- 8. owners as Stockholm has them; the next year of a multi-year promise said in words -----
# "Ska vi vända utvecklingen i utsatta områden krävs ett långsiktigt och målinriktat arbete,
# skola, socialtjänst, polis, näringsliv och civilsamhälle, tillsammans." (000); "Ärendet har
# beretts inom Enheten för Trygghet och civilsamhällessamverkan" (001: the district's own units)


def test_social_services_are_the_districts_own_and_new_kinds_of_owner(db) -> None:
    pid = city_promise()
    walk_to(pid, Stage.ACTION_PLAN)
    [goal, *_] = ids(pid, Goal)
    activity = {
        "goal_id": goal,
        "title": "Samordnad insats för unga i riskzon",
        "responsible": "Enhetschef",
        "start": "2026-01-01",
        "end": "2026-12-31",
        "prevention_level": "indicated",
        "approach": "social",
    }
    on = date(2025, 12, 20)
    with pytest.raises(InputError, match="part of Hässelby-Vällingby's city district council"):
        add(
            pid,
            "activity",
            _on=on,
            **activity,
            owner_party="other",
            owner_other="Socialtjänsten",
            owner_kind="social_services",
        )
    for kind, name in (
        ("property_owner", "Fastighetsägarna i Vällingby centrum"),
        ("transport_administration", "Trafikförvaltningen"),
        ("county_board", "Länsstyrelsen i Stockholms län"),
    ):
        add(
            pid,
            "activity",
            _on=on,
            **activity,
            owner_party="other",
            owner_other=name,
            owner_kind=kind,
        )


def test_approving_a_year_of_a_multi_year_promise_says_it_goes_back_to_the_action_plan(db) -> None:
    from models import OutboxMessage
    from tests.helpers import register

    pid = new_promise(start=date(2026, 1, 1), years=2)
    register("samordnare@sollentuna.se")
    walk_to(pid, Stage.YEAR_END_COMPILATION)
    complete_stage(pid, Stage.YEAR_END_COMPILATION)
    assert advance_promise(pid, ACTOR, now=at(date(2027, 2, 10))).ok
    p = promise(pid)
    assert (p.stage, p.cycle_year) == (Stage.ACTION_PLAN, 2)
    with session_scope() as s:
        notices = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "transition")).all()
    last = [m for m in notices if m.payload.get("to_stage") == "action_plan"][-1]
    assert "går därför tillbaka till åtgärdsplanen för år 2 av 2" in last.payload["comment"]
    # seed 004: "erfarenheterna ligger till grund när analysen och prioriteringarna uppdateras"
    assert "uppdatera analysen (trygghetsmätningen" in last.payload["comment"]


# --- 8. indicators with source, baseline date and frequency; the survey as a series ------------
# "Ett verktyg för att veta vad de som bor i ett område upplever vara otryggt är att göra
# lokala trygghetsmätningar. Tillsammans med andra underlag kan det användas både som en grund
# för vilka åtgärder som krävs och ett kvitto på om arbetet får effekt. Polisregion Stockholm
# genomför sedan ett år tillbaka en sådan mätning där samtliga kommuner erbjuds att delta." (000)

SURVEY_CSV = """source;year;area;question;value;unit
Polisregionens trygghetsmätning;2025;Sollentuna;Otrygg ute sent på kvällen;38;%
Polisregionens trygghetsmätning;2026;Sollentuna;Otrygg ute sent på kvällen;34,5;%
Polisregionens trygghetsmätning;2026;Sollentuna;Undviker platser;21;%
Polisregionens trygghetsmätning;2026;Järfälla;Otrygg ute sent på kvällen;30;%
"""


def test_survey_results_are_a_series_imported_from_csv_and_compared_year_on_year(
    db, monkeypatch, tmp_path
) -> None:
    from typer.testing import CliRunner

    from cli.main import app
    from tests.helpers import register

    register("region@polisen.se", "regional_coordinator", "Polisregion Stockholm", "police_region")
    register("samordnare@sollentuna.se")
    runner = CliRunner()
    path = tmp_path / "trygghetsmatning.csv"
    path.write_text(SURVEY_CSV, encoding="utf-8")
    monkeypatch.setenv("LOFTE_ACTOR", "samordnare@sollentuna.se")
    refused = runner.invoke(app, ["survey", "import", str(path), "--region", "stockholm"])
    assert refused.exit_code == 3  # a municipality's coordinator does not import the region's
    monkeypatch.setenv("LOFTE_ACTOR", "region@polisen.se")
    done = runner.invoke(app, ["survey", "import", str(path), "--region", "stockholm"])
    assert done.exit_code == 0 and "4 nya / new" in done.output, done.output
    again = runner.invoke(app, ["survey", "import", str(path), "--region", "stockholm"])
    assert "0 nya / new, 4 ersatta / replaced" in again.output
    bad = tmp_path / "bad.csv"
    bad.write_text("source,year,area,question,value\nX,20x6,Sollentuna,Fråga,3\n", encoding="utf-8")
    wrong = runner.invoke(app, ["survey", "import", str(bad), "--region", "stockholm"])
    assert wrong.exit_code == 2 and "line 2: year '20x6'" in wrong.output
    listed = runner.invoke(app, ["survey", "list", "--region", "stockholm", "--area", "Sollentuna"])
    assert "2025: 38, 2026: 34.5 (-3.5 sedan / since 2025)" in listed.output
    # a goal's indicator with its source, baseline date and frequency; the compilation compares
    pid = new_promise(start=date(2026, 1, 1))
    walk_to(pid, Stage.GOALS)
    [problem, *_] = ids(pid, Problem)
    add(
        pid,
        "goal",
        _on=date(2025, 12, 1),
        problem_id=problem,
        kind="outcome",
        description="Färre känner sig otrygga sent på kvällen",
        indicator="Andel otrygga ute sent på kvällen",
        indicator_source="Polisregionens trygghetsmätning",
        baseline=38,
        baseline_date=date(2025, 10, 1),
        frequency="årligen (hösten)",
        target=30,
        target_date=date(2026, 12, 31),
    )
    with session_scope() as s:
        p = s.get(Promise, pid)
        assert p is not None
        data = compile_year(s, p, date(2027, 1, 20))
    [series, *_] = [x for x in data["survey_series"] if x["question"].startswith("Otrygg")]
    assert (series["previous_year"], series["latest_year"], series["change"]) == (2025, 2026, -3.5)
    assert {x["area"] for x in data["survey_series"]} == {"Sollentuna"}  # not Järfälla's
    goal = next(g for link in data["chain"] for g in link["goals"] if g["indicator_source"])
    assert (goal["baseline_date"], goal["frequency"]) == ("2025-10-01", "årligen (hösten)")
    md = render(data, "md")
    assert "## Trygghetsmätningen år för år" in md
    assert "38 % (2025) | 34,5 % (2026) | -3.5 |" in md


# --- 7. the promise text tied to the plan ----------------------------------------------------
# "Orsaksanalyser ska utgöra grunden för vilka åtgärder eller aktiviteter som vidtas och
# relevanta mål för dessa ska följas upp." (001); "Medborgarlöften är effektiva verktyg när de
# är konkreta." (000)


def test_each_statement_of_the_promise_text_is_backed_by_an_activity_of_its_party(db) -> None:
    from lifecycle.errors import NotFound
    from models import CauseAnalysis

    pid = new_promise(start=date(2026, 1, 1))
    walk_to(pid, Stage.ACTION_PLAN)
    on = date(2025, 12, 20)
    [goal, *_] = ids(pid, Goal)
    with session_scope() as s:
        g = s.get(Goal, goal)
        assert g is not None
        cause = s.exec(
            select(CauseAnalysis.id).where(CauseAnalysis.problem_id == g.problem_id)
        ).first()
    plan = {
        "title": "Fältassistenter kvällstid",
        "responsible": "Fältassistenterna",
        "start": "2026-01-01",
        "end": "2026-12-31",
        "prevention_level": "selective",
        "approach": "social",
    }
    for other in ids(pid, Goal):
        add(pid, "activity", _on=on, goal_id=other, owner_party="municipality", **plan)
    field_work = ids(pid, Activity)[0]
    texts = {
        "police_promises": "Polisen lovar kvällsnärvaro vid stationen tre kvällar i veckan. "
        "Polisen lovar att följa upp varje anmält rån.",
        "municipality_promises": "Kommunen lovar fältassistenter kvällstid.",
    }
    # the police's first statement "backed" by the district's field workers: not its own
    add(
        pid,
        "promise_text",
        _on=on,
        **texts,
        backing=[
            {"party": "municipality", "statement": 1, "activities": [field_work]},
            {"party": "police", "statement": 1, "activities": [field_work]},
        ],
    )
    signoff = {"party": "municipality", "signed_by": "Styrgruppen", "signed_on": "2025-12-20"}
    with pytest.raises(Refused) as info:
        add(pid, "signoff", _on=on, **signoff)
    unbacked = {u.ref: u for u in info.value.unmet if u.code == "promise_text.statement_unbacked"}
    assert set(unbacked) == {"statement:police:1", "statement:police:2"}  # each one, quoted
    robbery = unbacked["statement:police:2"]
    assert '"Polisen lovar att följa upp varje anmält rån." (mening 2)' in robbery.message("sv")
    assert "ingen aktivitet som polisen genomför" in robbery.message("sv")
    assert "(statement 2), but no activity that the police carry out" in robbery.message("en")
    codes = {(u.code, u.ref) for u in info.value.unmet}
    assert ("activity.cause_missing", f"activity:{field_work}") in codes  # cause required
    # a statement that is not in the text, an activity of another promise: refused at once
    with pytest.raises(InputError, match="police statement 3 does not exist"):
        add(pid, "promise_text", _on=on, **texts, backing=[{"party": "police", "statement": 3, "activities": [field_work]}])  # fmt: skip
    with pytest.raises(NotFound, match="activity 999999 does not exist"):
        add(pid, "promise_text", _on=on, **texts, backing=[{"party": "police", "statement": 1, "activities": [999999]}])  # fmt: skip
    with session_scope() as s:  # tie each activity to its cause
        for activity in s.exec(select(Activity).where(Activity.promise_id == pid)).all():
            g = s.get(Goal, activity.goal_id)
            assert g is not None
            activity.cause_analysis_id = s.exec(
                select(CauseAnalysis.id).where(CauseAnalysis.problem_id == g.problem_id)
            ).first()
            s.add(activity)
    presence = add(
        pid,
        "activity",
        _on=on,
        goal_id=goal,
        cause_analysis_id=cause,
        owner_party="police",
        **{**plan, "title": "Kvällsnärvaro vid stationen", "approach": "situational"},
    )
    backing = [
        {"party": "municipality", "statement": 1, "activities": [field_work]},
        {"party": "police", "statement": 1, "activities": [presence]},
    ]
    add(pid, "promise_text", _on=on, **texts, backing=backing)
    with pytest.raises(Refused) as still:
        add(pid, "signoff", _on=on, **signoff)
    assert [u.ref for u in still.value.unmet] == ["statement:police:2"]  # the robbery promise
    backing.append({"party": "police", "statement": 2, "activities": [presence]})
    add(pid, "promise_text", _on=on, **texts, backing=backing)
    add(pid, "signoff", _on=on, **signoff)  # now every statement is backed


def test_the_promise_text_is_split_into_statements_by_line_and_sentence() -> None:
    from lifecycle.statements import backed_by, split_statements

    text = (
        "Polisen lovar närvaro vid stationen, t.ex. kl. 18 på fredagar. Polisen lovar att "
        "följa upp varje rån!\n\n- Polisen lovar trygghetsvandringar\n2. Polisen lovar svar"
    )
    assert split_statements(text) == [
        "Polisen lovar närvaro vid stationen, t.ex. kl. 18 på fredagar.",
        "Polisen lovar att följa upp varje rån!",
        "Polisen lovar trygghetsvandringar",
        "Polisen lovar svar",
    ]
    assert backed_by("police", {"joint"}) and not backed_by("police", {"municipality"})
    assert backed_by("joint", {"police", "municipality"}) and not backed_by("joint", {"police"})


def test_the_backing_form_reads_one_statement_per_line() -> None:
    from web.forms import fields_from_form, form_values

    sent = {
        "police_promises": "Polisen lovar närvaro.",
        "backing": "polisen 1: 4, 5\nStadsdelsnämnden 2: 7",
    }
    fields = fields_from_form("promise_text", sent)
    assert fields["backing"] == [
        {"party": "police", "statement": "1", "activities": ["4", "5"]},
        {"party": "municipality", "statement": "2", "activities": ["7"]},
    ]
    back = form_values(
        "promise_text", {"backing": [{"party": "police", "statement": 1, "activities": [4, 5]}]}
    )
    assert back["backing"] == "polisen 1: 4, 5"


def test_one_activity_may_serve_several_goals(db) -> None:
    from application.artefact_changes import ArtefactRef, remove_artefact
    from lifecycle.errors import Conflict

    pid = new_promise(start=date(2026, 1, 1))
    walk_to(pid, Stage.ACTION_PLAN)
    _first, second, *_rest = ids(pid, Goal)
    on = date(2025, 12, 20)
    complete_stage(pid, Stage.ACTION_PLAN)  # one activity per goal, signed
    codes = unmet_codes(pid)
    assert not {c for c, _ in codes if c == "activity.missing"}
    # a new goal for the second problem, served by the first goal's activity only
    with session_scope() as s:
        g = s.get(Goal, second)
        assert g is not None
        problem = g.problem_id
    extra = add(
        pid,
        "goal",
        _on=on,
        problem_id=problem,
        kind="process",
        description="Fler vandringar med boende",
        indicator="Antal trygghetsvandringar",
        baseline=2,
        target=10,
        target_date=date(2026, 12, 31),
    )
    assert ("activity.missing", f"goal:{extra}") in unmet_codes(pid)
    [walk, *_] = ids(pid, Activity)
    from application.artefact_changes import ArtefactChange, change_artefact

    change_artefact(
        ACTOR,
        ArtefactChange(
            promise_id=pid, kind="activity", artefact_id=walk, fields={"also_goals": [extra]}
        ),
    )
    assert ("activity.missing", f"goal:{extra}") not in unmet_codes(pid)
    with session_scope() as s:
        p = s.get(Promise, pid)
        assert p is not None
        data = compile_year(s, p, date(2026, 6, 1))
    under = [link for link in data["chain"] if walk in {a["id"] for a in link["activities"]}]
    assert len(under) == 2  # listed under both problems it serves
    with pytest.raises(Conflict, match=f"activities {walk}"):
        remove_artefact(ACTOR, ArtefactRef(promise_id=pid, kind="goal", artefact_id=extra))


# --- 9. a later year of a multi-year promise updates its analysis before its plan -------------
# "Resultaten följs upp och erfarenheterna ligger till grund när analysen och prioriteringarna
# uppdateras." (004) — "De lokala lägesbilderna är stadens och polisens gemensamma bild av läget
# i respektive stadsdelsområde och utgörs av en sammanställning av trygghetsmätningar,
# observationer och statistiska underlag." (001)

UPDATE = {
    "survey_results": "Trygghetsmätningen 2026: 34 % otrygga sent på kvällen (38 % 2025).",
    "situation_picture": "Rånen vid stationen har minskat; mopedåkandet i centrum har ökat.",
    "priorities": "Styrgruppen behåller båda fokusområdena och lägger mopederna till.",
    "reviewed_by": "Styrgruppen",
}


def _year_two_plan(pid: int, on: date) -> None:
    add(
        pid,
        "promise_text",
        _on=on,
        joint_promises="Polisen och kommunen lovar närvaro 2027.",
        backing=[{"party": "joint", "statement": 1, "activities": ids(pid, Activity)[:1]}],
    )
    for party in ("police", "municipality"):
        add(pid, "signoff", _on=on, party=party, signed_by="Styrgruppen", signed_on=on)


def test_a_later_year_updates_its_analysis_before_its_plan(db, monkeypatch) -> None:
    from fastapi.testclient import TestClient

    from tests.web.conftest import PASSWORD, account
    from web.api import create_app

    pid = new_promise(start=date(2026, 1, 1), years=2)
    walk_to(pid, Stage.ACTION_PLAN)
    with pytest.raises(InputError, match="in year 1 the analysis is the joint analysis stage"):
        add(pid, "analysis_update", _on=date(2025, 12, 20), **UPDATE)
    complete_stage(pid, Stage.ACTION_PLAN)
    assert advance_promise(pid, ACTOR, now=at(date(2026, 1, 1))).ok  # year 1 needs none
    walk_to_year_end = [Stage.CONTINUOUS_EVALUATION, Stage.YEAR_END_COMPILATION]
    for stage in walk_to_year_end:
        complete_stage(pid, stage)
        assert advance_promise(pid, ACTOR, now=at(date(2027, 2, 10))).ok
    p = promise(pid)
    assert (p.stage, p.cycle_year) == (Stage.ACTION_PLAN, 2)
    # year 2 does not go straight to the plan: every missing part of the update is listed
    on = date(2027, 2, 12)
    account("samordnare@sollentuna.se", "Sollentuna")
    client = TestClient(create_app(warm=False))
    signed_in = client.post(
        "/api/session", json={"email": "samordnare@sollentuna.se", "password": PASSWORD}
    )
    assert signed_in.status_code == 200, signed_in.text
    # the page says why the promise is back at the plan, and offers the update's form
    html = client.get(f"/loften/{pid}").text
    assert "är tillbaka i åtgärdsplanen för år 2 av 2: uppdatera analysen" in html
    assert f"/loften/{pid}/ny/analysis_update" in html
    form = client.get(f"/loften/{pid}/ny/analysis_update").text
    assert "Vad som har ändrats i lägesbilden" in form
    with pytest.raises(Refused) as refused:
        add(pid, "signoff", _on=on, party="police", signed_by="LPO-chef", signed_on=on)
    codes = {u.code for u in refused.value.unmet}
    parts = {
        "analysis_update.survey_results_missing",
        "analysis_update.situation_picture_missing",
        "analysis_update.priorities_missing",
    }
    assert parts <= codes
    with pytest.raises(Refused) as not_moved:
        advance_promise(pid, ACTOR, now=at(on))
    assert parts <= {u.code for u in not_moved.value.unmet}
    [message] = [u for u in not_moved.value.unmet if u.code.startswith("analysis_update.survey")]
    assert "inte uppdaterad inför år 2" in message.message("sv")
    assert "not updated for year 2" in message.message("en")
    # the police write their figures first (in the web form); the district the rest later
    import re

    [token] = re.findall(r'name="csrf_token" value="([0-9a-f]+)"', form)[-1:]
    sent = client.post(
        f"/loften/{pid}/ny/analysis_update",
        data={"csrf_token": token, "survey_results": UPDATE["survey_results"]},
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text
    left = {u.code for u in unmet(pid) if u.code.startswith("analysis_update.")}
    assert left == parts - {"analysis_update.survey_results_missing"}
    add(
        pid, "analysis_update", _on=on, **{k: v for k, v in UPDATE.items() if k != "survey_results"}
    )
    _year_two_plan(pid, on)
    assert advance_promise(pid, ACTOR, now=at(on)).ok
    assert promise(pid).stage is Stage.CONTINUOUS_EVALUATION
    # shown on the promise page, in the view the API and the CLI print
    with session_scope() as s:
        from views.promise import promise_view

        [shown] = promise_view(s, pid)["artefacts"]["analysis_updates"]
    assert shown["cycle_year"] == 2 and shown["priorities"].startswith("Styrgruppen behåller")
    html = client.get(f"/loften/{pid}").text
    assert "Analysen uppdaterad inför senare år" in html and "Inför år 2" in html
    assert "mopedåkandet i centrum har ökat" in html


def test_the_next_years_update_may_be_written_ahead_and_its_sign_off_waits_for_it(db) -> None:
    from application.next_cycle import run_renewal

    pid = new_promise(start=date(2026, 1, 1), years=2)
    walk_to(pid, Stage.CONTINUOUS_EVALUATION)
    run_renewal(ACTOR, now=at(date(2026, 9, 1)))  # the revision for year 2 opens
    on = date(2026, 11, 20)
    add(
        pid,
        "promise_text",
        _on=on,
        for_next_year=True,
        joint_promises="Vi lovar närvaro 2027. Vi lovar svar till alla som frågar.",
        backing=[{"party": "joint", "statement": 1, "activities": ids(pid, Activity)[:1]}],
    )
    signoff = {"party": "police", "signed_by": "LPO-chef", "signed_on": on, "for_next_year": True}
    with pytest.raises(Refused) as refused:
        add(pid, "signoff", _on=on, **signoff)
    # the next year's update, and next year's second statement, which nothing backs
    assert {u.ref for u in refused.value.unmet} == {"cycle_year:2", "statement:joint:2"}
    assert len(refused.value.unmet) == 4
    add(pid, "analysis_update", _on=on, for_next_year=True, **UPDATE)
    add(
        pid,
        "promise_text",
        _on=on,
        for_next_year=True,
        joint_promises="Vi lovar närvaro 2027.",
        backing=[{"party": "joint", "statement": 1, "activities": ids(pid, Activity)[:1]}],
    )
    add(pid, "signoff", _on=on, **signoff)
    with session_scope() as s:
        from models import AnalysisUpdate

        [row] = s.exec(select(AnalysisUpdate).where(AnalysisUpdate.promise_id == pid)).all()
    assert row.cycle_year == 2 and row.reviewed_by == "Styrgruppen"


def test_the_analysis_update_is_a_rule_of_the_pure_lifecycle() -> None:
    from lifecycle.criteria import unmet_analysis_update
    from lifecycle.snapshot import AnalysisUpdateFacts

    assert unmet_analysis_update(1, None) == []
    assert [u.code for u in unmet_analysis_update(3, AnalysisUpdateFacts(priorities=True))] == [
        "analysis_update.survey_results_missing",
        "analysis_update.situation_picture_missing",
    ]
    assert unmet_analysis_update(2, AnalysisUpdateFacts(True, True, True)) == []


def unmet(pid: int) -> list[Any]:
    with session_scope() as s:
        p = s.get(Promise, pid)
        assert p is not None
        return current_unmet(s, p, date(2027, 2, 12))


# --- 10. the demo uses what issue 22 added -----------------------------------------------------
# "Förutom de aktiviteter som tar avstamp i lokala problembilder" (000); "Den lokala nivån ska
# beröra dessa områden i framtagande av lokal lägesbild, åtgärder och mål" (001); "I december
# 2018 förnyades samverkansöverenskommelsen inför åren 2019-2020, tillsammans med ett reviderat
# medborgarlöfte för 2019" (003); "Polisregion Stockholm genomför sedan ett år tillbaka en sådan
# mätning" (000); "Resultaten följs upp och erfarenheterna ligger till grund när analysen och
# prioriteringarna uppdateras" (004).


def test_the_demo_uses_each_new_capability(db) -> None:
    from models import (
        Agreement,
        AnalysisUpdate,
        PromiseText,
        SituationPicture,
        SurveyResult,
    )
    from tests.demo_copy import demo_region
    from views.promise import goal_standing

    today = date(2026, 11, 22)
    demo_region(today)
    with session_scope() as s:
        promises = s.exec(select(Promise)).all()
        by_area = {(p.area_name, p.term_start.year): p for p in promises}
        problems = s.exec(select(Problem).where(Problem.selected)).all()
        # a local focus area with its reason, and one of Sollentuna's agreement's own
        assert any(p.local_reason for p in problems)
        sollentuna = by_area[("Sollentuna", 2026)].id
        assert any(p.agreement_focus_area for p in problems if p.promise_id == sollentuna)
        # the city's frame, with Bromma's "ej aktuellt här" and its reason
        bromma = by_area[("Bromma", 2026)].id
        notes = [
            n
            for sp in s.exec(
                select(SituationPicture).where(SituationPicture.promise_id == bromma)
            ).all()
            for n in sp.frame_areas
        ]
        [not_here] = [n for n in notes if n.get("not_relevant")]
        assert not_here["area"] == "city-system-threatening" and not_here["reason"]
        # an agreement for every promise; renewed agreements follow their promises' next cycle
        assert all(p.agreement_id for p in promises)
        renewed = s.exec(
            select(Agreement).where(col(Agreement.previous_agreement_id).is_not(None))
        ).all()
        assert renewed
        successors = [p for p in promises if p.previous_promise_id]
        assert {p.agreement_id for p in successors} & {a.id for a in renewed}
        # the survey as a series: at least two years of the same question for an area
        years = s.exec(select(SurveyResult.area, SurveyResult.question, SurveyResult.year)).all()
        per_question: dict[tuple[str, str], set[int]] = {}
        for area, question, year in years:
            per_question.setdefault((area, question), set()).add(year)
        assert any(len(y) >= 2 for y in per_question.values())
        # a goal on its way: Hässelby-Vällingby's two-year goals after year one's rounds
        hv = by_area[("Hässelby-Vällingby", 2026)]
        standing = goal_standing(s, hv.id or 0, today)
        assert any(g["result"] == "on_the_way" for g in standing.values())
        # its analysis reviewed for year 2 during year 1's follow-up
        [update] = s.exec(select(AnalysisUpdate).where(AnalysisUpdate.promise_id == hv.id)).all()
        assert update.cycle_year == 2 and update.survey_results and update.priorities
        # every statement of every promise text backed by activities
        for text in s.exec(select(PromiseText)).all():
            assert text.backing, text.promise_id


def test_stockholms_region_calendar_reports_by_tertial_by_default(db) -> None:
    """Stockholm's default is in its region calendar (config/calendars/stockholm.yaml), not in
    code: a Stockholm promise gets the tertial rounds after 30 April and 31 August, another
    region keeps the shipped default. "Både medborgarlöftet och samverkansöverenskommelsen
    utvärderas löpande under året" (003)."""
    from config.calendar import REGION_DIR, get_calendars
    from lifecycle.rounds import EvaluationRule
    from models.db import read_scope

    rules = get_calendars().rules("stockholm").evaluation
    assert rules == EvaluationRule("explicit", ("04-30", "08-31"), due_after_working_days=10)
    assert "08-31" in (REGION_DIR / "stockholm.yaml").read_text(encoding="utf-8")
    assert get_calendars().rules("vast").evaluation == EvaluationRule("tertial")
    pid = new_promise(start=date(2026, 1, 1))
    walk_to(pid, Stage.CONTINUOUS_EVALUATION)
    with read_scope() as s:
        dues = s.exec(
            select(EvaluationRound.due)
            .where(EvaluationRound.promise_id == pid)
            .order_by(EvaluationRound.number)  # type: ignore[arg-type]
        ).all()
    assert dues == [date(2026, 5, 18), date(2026, 9, 14)]
