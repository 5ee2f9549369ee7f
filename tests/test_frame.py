"""Issue 22: true to Stockholm's frame (docs/method.md), on SQLite and PostgreSQL. Each test
names the seed passage (../shared/seeds/) behind the rule it holds."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlmodel import select

from application.promises import create_agreement, create_promise
from application.transitions import advance_promise
from lifecycle.errors import InputError
from lifecycle.goals import judge_goal
from lifecycle.stages import CYCLE, Stage
from models import EvaluationRound, Goal, Problem, Promise
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
    from application.forms import form_fields

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
