"""Issue 10: Löfte is true to the method and to Stockholm (docs/method.md), on SQLite and
PostgreSQL: renewal in time, agreements with content, activity owners, a chain that cannot be
bypassed, dates checked, scoped priority areas, and the demo."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from application.artefacts import add_artefact
from application.next_cycle import open_next_cycle, run_renewal
from application.promises import create_agreement, create_promise
from application.transitions import advance_promise
from cli.main import app
from config.calendar import get_calendars
from lifecycle.deadlines import past_stage_deadlines
from lifecycle.errors import InputError, Refused
from lifecycle.stages import CYCLE, Stage
from lifecycle.vocabulary import Party
from models import Activity, AuditEvent, Organisation, Problem, Promise, SignOff
from models.db import session_scope
from models.inputs import AgreementCreate, PromiseCreate
from tests.helpers import ACTOR, add, add_activities, complete_stage, ids, new_promise, promise
from views.lookup import party_organisations, signatures

runner = CliRunner()


def at(day: date) -> datetime:
    return datetime.combine(day, time(7), tzinfo=UTC)


def walk_to(pid: int, stage: Stage) -> None:
    """Do each stage's work and advance, on the day after the term's stage work (in the past)."""
    for current in CYCLE:
        if current is stage:
            return
        complete_stage(pid, current)
        p = promise(pid)
        when = p.term_end + timedelta(days=40) if current.position >= 6 else p.term_start
        assert advance_promise(pid, ACTOR, now=at(when)).ok


def refused(exc: pytest.ExceptionInfo[Refused]) -> set[tuple[str, str | None]]:
    return {(u.code, u.ref) for u in exc.value.unmet}


# --- 1. the next cycle opens in time ------------------------------------------------------------


def test_the_renewal_run_opens_the_next_cycle_on_the_renewal_day_once(db) -> None:
    pid = new_promise(start=date(2026, 1, 1))
    walk_to(pid, Stage.CONTINUOUS_EVALUATION)
    assert run_renewal(ACTOR, now=at(date(2026, 8, 31))) == []
    opened = run_renewal(ACTOR, now=at(date(2026, 9, 1)))
    assert [o["promise_id"] for o in opened] == [pid]
    assert run_renewal(ACTOR, now=at(date(2026, 9, 2))) == []  # idempotent
    new = promise(opened[0]["next_promise_id"])  # type: ignore[arg-type]
    assert new.term_start == date(2027, 1, 1) and new.stage is Stage.RESIDENT_DIALOGUE
    assert new.created_at.date() == date(2026, 9, 1) and new.late_start_reason is None
    rules = get_calendars().rules("stockholm")
    assert past_stage_deadlines(new.term_start, 1, rules, date(2026, 9, 1)) == []
    # the old year's follow-up goes on in parallel
    assert promise(pid).stage is Stage.CONTINUOUS_EVALUATION


def test_approving_the_compilation_links_its_findings_into_the_successor(db) -> None:
    pid = new_promise(start=date(2026, 1, 1))
    walk_to(pid, Stage.YEAR_END_COMPILATION)
    [opened] = run_renewal(ACTOR, now=at(date(2026, 9, 1)))
    assert promise(opened["next_promise_id"]).previous_compilation_id is None  # type: ignore[arg-type]
    complete_stage(pid, Stage.YEAR_END_COMPILATION)
    linked = promise(opened["next_promise_id"]).previous_compilation_id  # type: ignore[arg-type]
    assert linked is not None
    # closing the old promise returns the successor already opened, no second one
    assert advance_promise(pid, ACTOR, now=at(date(2027, 2, 10))).ok
    again = open_next_cycle(pid, ACTOR, now=at(date(2027, 2, 10)))
    assert again.id == opened["next_promise_id"]


def test_no_next_cycle_in_the_first_year_of_a_two_year_term(db) -> None:
    pid = new_promise(start=date(2026, 1, 1), years=2)
    with pytest.raises(Refused) as info:
        open_next_cycle(pid, ACTOR, now=at(date(2026, 9, 1)))
    assert ("promise.not_last_year", None) in refused(info)
    assert run_renewal(ACTOR, now=at(date(2026, 10, 1))) == []


def _create(start: date, reason: str | None, today: date) -> Promise:
    with session_scope() as s:
        return create_promise(
            s,
            PromiseCreate(
                region="stockholm",
                municipality="Sollentuna",
                police_area="LPO Sollentuna",
                start=start,
                years=1,
                late_start_reason=reason,
            ),
            ACTOR,
            now=at(today),
        )


def test_a_promise_with_deadlines_already_past_needs_a_reason(db) -> None:
    with pytest.raises(InputError) as info:
        _create(date(2027, 1, 1), None, date(2026, 11, 22))
    message = str(info.value)
    assert "Resident dialogue (due 2026-10-23)" in message and "--late-reason" in message
    with session_scope() as s:
        assert s.exec(select(Promise)).all() == []  # nothing written
    late = _create(date(2027, 1, 1), "Nybildat lokalpolisområde", date(2026, 11, 22))
    assert promise(late.id).late_start_reason == "Nybildat lokalpolisområde"  # type: ignore[arg-type]
    on_time = _create(date(2028, 1, 1), None, date(2026, 11, 22))
    assert on_time.late_start_reason is None


def test_cli_create_refuses_a_late_start_without_reason_exit_2(db, monkeypatch) -> None:
    from tests.helpers import register

    register("samordnare@sollentuna.se")
    register("kommunpolis@polisen.se", organisation="LPO Sollentuna", kind="local_police_area")
    monkeypatch.setenv("LOFTE_ACTOR", "samordnare@sollentuna.se")
    monkeypatch.setenv("LOFTE_NOW", "2026-11-22T10:00:00+01:00")
    args = ["promise", "create", "--region", "stockholm", "--municipality", "Sollentuna"]
    args += ["--police-area", "LPO Sollentuna", "--start", "2027-01-01", "--years", "1"]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 2 and "late_start_reason" in result.output
    ok = runner.invoke(app, [*args, "--late-reason", "Ny samordnare i november", "--json"])
    assert ok.exit_code == 0, ok.output
    created = json.loads(ok.output)
    assert created["late_start_reason"] == "Ny samordnare i november"
    shown = runner.invoke(app, ["promise", "show", str(created["id"])])
    assert "Sen start / late start: Ny samordnare i november" in shown.output


def test_a_simulated_year_of_daily_runs_opens_no_promise_already_late(db) -> None:
    """The demo region loaded on the last day of 2025, then the daily run every day of 2026."""
    from tests.demo_copy import demo_region

    demo_region(date(2025, 12, 31))
    day = date(2026, 1, 1)
    while day <= date(2026, 12, 31):
        run_renewal(ACTOR, now=at(day))
        day += timedelta(days=1)
    rules = get_calendars().rules("stockholm")
    with session_scope() as s:
        promises = s.exec(select(Promise)).all()
        successors = [p for p in promises if p.previous_promise_id]
        assert len(successors) >= 12  # every one-year 2026 promise renewed during the year
        for p in promises:
            opened = p.created_at.astimezone(UTC).date()
            late = past_stage_deadlines(p.term_start, p.term_years, rules, opened)
            assert not late or p.late_start_reason, (p.area_name, p.term_start, late)
        assert all(p.created_at.month == 9 for p in successors if p.term_start.year == 2027)


# --- 2. the agreement has content and several parties -------------------------------------------


def test_a_city_district_split_between_two_police_areas_has_one_promise_both_lpos_sign(
    db,
) -> None:
    """Issue 22, "a city district may be split between two police areas" (domain: Stockholm's
    LPO Farsta includes Rågsved, so Enskede-Årsta-Vantör lies in two LPOs). The district's one
    promise has both LPOs as its police party: each LPO's people take part, each LPO's steering
    group signs for its own LPO, and the promise is signed only when both have."""
    from application.promises import (
        PromiseListRequest,
        PromiseRequest,
        list_visible_promises,
        show_promise,
    )
    from effects.hooks import after_create
    from lifecycle.errors import Forbidden
    from models import Dialogue
    from reports.promise_document import document_data
    from tests.helpers import register

    start = date(2026, 1, 1)
    with session_scope() as s:
        created = create_promise(
            s,
            PromiseCreate(
                region="stockholm",
                municipality="Enskede-Årsta-Vantör",
                police_area="LPO Farsta",
                also_police_areas=["LPO Globen"],
                municipality_is_city_district=True,
                start=start,
                years=1,
            ),
            ACTOR,
            now=at(date(2025, 10, 1)),
        )
        after_create(s, created, date(2025, 10, 1))
        pid = created.id
        assert pid is not None
    lpo = "local_police_area"
    globen = register("kommunpolis@globen.example.se", "coordinator", "LPO Globen", lpo)
    globen_chief = register("chef@globen.example.se", "steering_group", "LPO Globen", lpo)
    farsta_chief = register("chef@farsta.example.se", "steering_group", "LPO Farsta", lpo)
    elsewhere = register("kommunpolis@vallingby.example.se", "coordinator", "LPO Vällingby", lpo)

    # the second LPO's kommunpolis finds the promise among their own and works on it
    assert pid in [r.id for r in list_visible_promises(globen, PromiseListRequest())]
    assert show_promise(globen, PromiseRequest(promise_id=pid)).police_area == (
        "LPO Farsta och LPO Globen"
    )
    with session_scope() as s:
        add_artefact(
            s,
            pid,
            "dialogue",
            {
                "method": "safety_walk",
                "held_from": "2025-10-20",
                "participants": 14,
                "themes": ["Otrygghet vid Rågsveds centrum på kvällarna"],
            },
            globen,
            now=at(date(2025, 10, 21)),
        )
    assert ids(pid, Dialogue)
    with pytest.raises(Forbidden), session_scope() as s:
        add_artefact(s, pid, "dialogue", {"method": "safety_walk"}, elsewhere)

    walk_to(pid, Stage.ACTION_PLAN)
    add_activities(pid)
    joint = ids(pid, Activity)[-1]
    add(
        pid,
        "promise_text",
        _on=start - timedelta(days=1),
        police_promises="Polisen lovar att vara på plats vid Rågsveds centrum på kvällarna.",
        municipality_promises="Stadsdelsnämnden lovar bättre belysning i centrum.",
        backing=[
            {"party": "police", "statement": 1, "activities": [joint]},
            {"party": "municipality", "statement": 1, "activities": [joint]},
        ],
    )
    signature = {"party": "police", "signed_on": "2025-12-18"}
    # LPO Globen's chief cannot sign for LPO Farsta
    with pytest.raises(Forbidden), session_scope() as s:
        add_artefact(
            s,
            pid,
            "signoff",
            {**signature, "signed_by": "Sara Lindqvist", "organisation": "LPO Farsta"},
            globen_chief,
        )
    with session_scope() as s:  # each chief signs for their own LPO without naming it
        add_artefact(s, pid, "signoff", {**signature, "signed_by": "Anders Lind"}, farsta_chief)
    add(pid, "signoff", party="municipality", signed_by="Maria Holm", signed_on=date(2025, 12, 18))
    with pytest.raises(Refused) as exc:
        advance_promise(pid, ACTOR, now=at(start))
    messages = [u.message("sv") for u in exc.value.unmet]
    assert any(m.startswith("LPO Globen har inte undertecknat") for m in messages), messages
    assert not any("LPO Farsta" in m for m in messages), messages
    with session_scope() as s:
        add_artefact(s, pid, "signoff", {**signature, "signed_by": "Sara Lindqvist"}, globen_chief)
        with pytest.raises(InputError):  # one signature per LPO and year
            add_artefact(s, pid, "signoff", {**signature, "signed_by": "Sara L"}, globen_chief)
    assert advance_promise(pid, ACTOR, now=at(start)).ok
    # asking for a signature that is made, or of an organisation that is no party, is refused
    from application.signatures import SignatureRequest, request_signature

    farsta_id = farsta_chief.organisation_id
    assert farsta_id is not None
    with pytest.raises(InputError, match="already signed"):
        request_signature(globen, SignatureRequest(promise_id=pid, organisation_id=farsta_id))
    elsewhere_id = elsewhere.organisation_id
    assert elsewhere_id is not None
    with pytest.raises(InputError, match="not a party"):
        request_signature(globen, SignatureRequest(promise_id=pid, organisation_id=elsewhere_id))
    with pytest.raises(Forbidden):
        request_signature(elsewhere, SignatureRequest(promise_id=pid, organisation_id=farsta_id))
    with session_scope() as s:
        document = document_data(s, promise(pid))
        assert document is not None
        signed = {(d["party"], d["name"]) for d in document["signatories"]}
        assert {name for _, name in signed} == {"Anders Lind", "Sara Lindqvist", "Maria Holm"}
        assert any("Globen" in party for party, name in signed if name == "Sara Lindqvist")
    # the public region page names both LPOs, and a resident searching for either finds it
    from application.public import published_promises

    listed = {r["id"]: r for r in published_promises("stockholm")["promises"]}
    assert listed[pid]["police_area"] == "LPO Farsta och LPO Globen"
    assert [r["id"] for r in published_promises("stockholm", "globen")["promises"]] == [pid]


def test_cli_creates_a_promise_with_two_police_areas(db, monkeypatch) -> None:
    """``--also-police-area``: the same split district from the command line; naming the same
    LPO twice is refused with what to do instead (exit 2), and nothing is written."""
    from tests.helpers import register

    register("samordnare@eav.example.se", organisation="Enskede-Årsta-Vantör", kind="city_district")
    for lpo in ("LPO Farsta", "LPO Globen"):
        register(f"kp@{lpo[4:].lower()}.example.se", organisation=lpo, kind="local_police_area")
    monkeypatch.setenv("LOFTE_ACTOR", "samordnare@eav.example.se")
    monkeypatch.setenv("LOFTE_NOW", "2026-06-22T10:00:00+02:00")
    args = ["promise", "create", "--region", "stockholm", "--municipality", "Enskede-Årsta-Vantör"]
    args += ["--city-district", "--police-area", "LPO Farsta", "--start", "2028-01-01"]
    args += ["--years", "1", "--json"]
    twice = runner.invoke(app, [*args, "--also-police-area", "lpo farsta"])
    assert twice.exit_code == 2 and "give each local police area once" in twice.output
    with session_scope() as s:
        assert not s.exec(select(Promise)).all()
    unknown = runner.invoke(app, [*args, "--also-police-area", "LPO Globn"])
    assert unknown.exit_code == 2 and "no local_police_area named 'LPO Globn'" in unknown.output
    ok = runner.invoke(app, [*args, "--also-police-area", "LPO Globen"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output)["police_area"] == "LPO Farsta och LPO Globen"


def test_one_lpo_signs_one_agreement_with_two_city_districts(db) -> None:
    with session_scope() as s:
        agreement = create_agreement(
            s,
            AgreementCreate(
                region="stockholm",
                municipality="Rinkeby-Kista",
                other_municipalities=["Spånga-Tensta"],
                municipality_is_city_district=True,
                police_area="LPO Järva",
                start=date(2024, 1, 1),
                years=4,
                focus_areas=["Unga i riskzon", "Otrygga platser"],
                goals="Färre unga rekryteras.",
                follow_up="Tertialvis i styrgruppen.",
                decided_by="Stadsdelsnämnderna",
                decided_on=date(2023, 12, 14),
                diarienummer="RK 2023/1187",
            ),
        )
        agreement_id = agreement.id
    for district in ("Rinkeby-Kista", "Spånga-Tensta"):
        with session_scope() as s:
            created = create_promise(
                s,
                PromiseCreate(
                    region="stockholm",
                    municipality=district,
                    municipality_is_city_district=True,
                    police_area="LPO Järva",
                    start=date(2026, 1, 1),
                    years=1,
                    agreement_id=agreement_id,
                ),
                ACTOR,
                now=at(date(2025, 8, 1)),
            )
            assert created.agreement_id == agreement_id
    with pytest.raises(InputError, match="between other parties"), session_scope() as s:
        create_promise(
            s,
            PromiseCreate(
                region="stockholm",
                municipality="Bromma",
                municipality_is_city_district=True,
                police_area="LPO Järva",
                start=date(2026, 1, 1),
                years=1,
                agreement_id=agreement_id,
            ),
            ACTOR,
            now=at(date(2025, 8, 1)),
        )


# --- 3. activities can be joint or carried by others ---------------------------------------------


def _at_action_plan() -> tuple[int, int]:
    from models import Goal

    pid = new_promise(start=date(2026, 1, 1))
    walk_to(pid, Stage.ACTION_PLAN)
    with session_scope() as s:
        goal = s.exec(select(Goal).where(Goal.promise_id == pid)).first()
        assert goal is not None
        return pid, goal.id  # type: ignore[return-value]


def _activity(**owner: Any) -> dict[str, Any]:
    return {
        "title": "Trygghetsvandring",
        "responsible": "Samordnare",
        "start": "2026-01-01",
        "end": "2026-12-31",
        "prevention_level": "universal",
        "approach": "situational",
        **owner,
    }


def test_activity_owners_joint_and_other_named(db) -> None:
    pid, goal = _at_action_plan()
    on = date(2025, 12, 20)
    add(pid, "activity", _on=on, goal_id=goal, **_activity(owner_party="joint"))
    add(
        pid,
        "activity",
        _on=on,
        goal_id=goal,
        **_activity(owner_party="other", owner_other="Region Stockholm", owner_kind="region"),
    )
    with pytest.raises(InputError, match="name the actor"):
        add(pid, "activity", _on=on, goal_id=goal, **_activity(owner_party="other"))
    with pytest.raises(InputError, match="only for owner_party 'other'"):
        add(
            pid,
            "activity",
            _on=on,
            goal_id=goal,
            **_activity(owner_party="police", owner_other="X"),
        )
    with session_scope() as s:
        owners = sorted(
            (a.owner_party.value, a.owner_other)
            for a in s.exec(select(Activity).where(Activity.promise_id == pid)).all()
        )
    assert ("joint", "") in owners and ("other", "Region Stockholm") in owners
    add(
        pid,
        "promise_text",
        _on=on,
        joint_promises="Polisen och kommunen lovar gemensam närvaro vid stationen.",
    )


# --- 4. the chain cannot be bypassed --------------------------------------------------------------


def test_a_focus_area_chosen_after_the_cause_stage_blocks_every_later_gate(db) -> None:
    pid = new_promise(start=date(2026, 1, 1))
    walk_to(pid, Stage.GOALS)
    late = add(
        pid,
        "problem",
        _on=date(2025, 12, 1),
        title="Vårdslös mopedkörning",
        selected=True,
        priority_area="fewer-young-at-risk",
    )
    complete_stage(pid, Stage.GOALS)
    with pytest.raises(Refused) as info:
        advance_promise(pid, ACTOR, now=at(date(2025, 12, 10)))
    assert ("cause.missing", f"problem:{late}") in refused(info)
    # sign-off refuses a broken chain too: a focus area chosen during the action plan
    pid2 = new_promise(start=date(2026, 1, 1))
    walk_to(pid2, Stage.ACTION_PLAN)
    add_activities(pid2)
    late2 = add(
        pid2,
        "problem",
        _on=date(2025, 12, 20),
        title="Vårdslös mopedkörning",
        selected=True,
        priority_area="fewer-young-at-risk",
    )
    with pytest.raises(Refused) as signoff:
        add(
            pid2,
            "signoff",
            _on=date(2025, 12, 20),
            party="police",
            signed_by="LPO-chef",
            signed_on="2025-12-20",
        )
    assert ("cause.missing", f"problem:{late2}") in refused(signoff)
    assert ("goal.missing", f"problem:{late2}") in refused(signoff)
    with session_scope() as s:
        assert s.exec(select(SignOff).where(SignOff.promise_id == pid2)).all() == []


# --- 5. dates are checked -----------------------------------------------------------------------


def test_rounds_before_their_period_and_values_from_the_future_are_refused(db) -> None:
    pid = new_promise(start=date(2026, 1, 1))
    walk_to(pid, Stage.CONTINUOUS_EVALUATION)
    activities = [{"activity_id": a, "status": "ongoing"} for a in _ids(pid, Activity)]
    round2 = {
        "round": 2,
        "submitted_by": "Samordnare",
        "activities": activities,
        "feedback_to_residents": "Vi har haft vandringar varje månad.",
    }
    with pytest.raises(InputError, match="has not begun yet"), session_scope() as s:
        add_artefact(s, pid, "evaluation", round2, ACTOR, now=at(date(2026, 3, 1)))
    from models import Goal

    goal = _ids(pid, Goal)[0]
    future = {
        **round2,
        "round": 1,
        "indicators": [{"goal_id": goal, "value": 3, "measured_on": "2026-05-01"}],
    }
    with pytest.raises(InputError, match="is in the future"), session_scope() as s:
        add_artefact(s, pid, "evaluation", future, ACTOR, now=at(date(2026, 4, 28)))
    with pytest.raises(InputError, match="after the promise's term"), session_scope() as s:
        add_artefact(
            s,
            pid,
            "dialogue",
            {"method": "survey", "held_from": "2062-03-01", "results": "x"},
            ACTOR,
            now=at(date(2062, 3, 2)),
        )


def _ids(pid: int, model: Any) -> list[int]:
    from tests.helpers import ids

    return ids(pid, model)


# --- 6. priority areas are scoped and dated -------------------------------------------------------


def test_city_areas_apply_to_city_districts_only_and_refusals_name_the_valid_ids(db) -> None:
    pid = new_promise(start=date(2026, 1, 1))  # Sollentuna: a municipality, not a district
    walk_to(pid, Stage.JOINT_ANALYSIS)
    with pytest.raises(InputError) as info:
        add(
            pid,
            "problem",
            _on=date(2025, 11, 1),
            title="Otrygghet",
            priority_area="city-unsafe-places",
        )
    assert "valid ids: fewer-vulnerable-areas, fewer-young-at-risk" in str(info.value)
    assert "region-unsafe-places" not in str(info.value)  # regional collaboration only


def test_vulnerable_areas_are_mandatory_only_where_there_are_any(db) -> None:
    from views.snapshot import priority_scope

    pid = new_promise(start=date(2026, 1, 1))
    with session_scope() as s:
        p = s.get(Promise, pid)
        assert p is not None
        assert "fewer-vulnerable-areas" not in priority_scope(s, p).mandatory
        org = s.get(Organisation, p.municipality_id)
        assert org is not None
        org.has_vulnerable_areas = True
        s.add(org)
    with session_scope() as s:
        p = s.get(Promise, pid)
        assert p is not None
        assert "fewer-vulnerable-areas" in priority_scope(s, p).mandatory


def test_a_problem_can_cover_several_priority_areas(db) -> None:
    pid = new_promise(start=date(2026, 1, 1))
    walk_to(pid, Stage.JOINT_ANALYSIS)
    problem = add(
        pid,
        "problem",
        _on=date(2025, 11, 1),
        title="Rekrytering till kriminella nätverk",
        selected=True,
        priority_area="fewer-criminals-exit",
        also_priority_areas=["fewer-young-at-risk", "vulnerable-victims-offenders"],
    )
    from models import ProblemPriorityArea

    with session_scope() as s:
        links = s.exec(
            select(ProblemPriorityArea.priority_area_id).where(
                ProblemPriorityArea.problem_id == problem
            )
        ).all()
    assert sorted(links) == ["fewer-young-at-risk", "vulnerable-victims-offenders"]


def test_lofte_catalogue_lists_areas_and_goals_with_ids(db, monkeypatch) -> None:
    from tests.helpers import register

    register("samordnare@sollentuna.se")
    monkeypatch.setenv("LOFTE_ACTOR", "samordnare@sollentuna.se")
    out = runner.invoke(app, ["catalogue", "--region", "stockholm", "--json"])
    assert out.exit_code == 0, out.output
    [region] = json.loads(out.output)
    sets = {s["id"]: s for s in region["sets"]}
    assert sets["stockholm-city"]["applies_to"] == "city_districts"
    assert sets["police-region"]["valid_from"] == 2022
    goals = [g["id"] for a in sets["stockholm-city"]["areas"] for g in a["goals"]]
    assert len(goals) == 14
    text = runner.invoke(app, ["catalogue", "--region", "stockholm"])
    assert "fewer-vulnerable-areas" in text.output and "city-unsafe-places-1" in text.output
    unknown = runner.invoke(app, ["catalogue", "--region", "stockhlm"])
    assert unknown.exit_code == 2 and "known: bergslagen" in unknown.output


# --- the demo ----------------------------------------------------------------------------------


def test_the_demo_looks_like_stockholm_today(db) -> None:
    from models import AgreementParty
    from tests.demo_copy import demo_region

    today = date(2026, 11, 22)
    demo_region(today)
    with session_scope() as s:
        promises = s.exec(select(Promise)).all()
        orgs = {o.id: o for o in s.exec(select(Organisation)).all()}
        by_area = {(p.area_name, p.term_start.year): p for p in promises}
        police = {area: orgs[p.police_area_id].name for (area, _), p in by_area.items()}
        assert police["Hässelby-Vällingby"] == police["Bromma"] == "LPO Vällingby"
        assert police["Rinkeby-Kista"] == police["Spånga-Tensta"] == "LPO Järva"
        assert police["Enskede-Årsta-Vantör"] == "LPO Farsta"
        # a district in two police areas: LPO Globen is the police party too, and signed
        eav = by_area[("Enskede-Årsta-Vantör", 2026)]
        assert [o.name for o in party_organisations(s, eav)[Party.POLICE]] == [
            "LPO Farsta",
            "LPO Globen",
        ]
        assert signatures(s, eav, 1) == (frozenset(Party), {})
        assert orgs[by_area[("Region Gotland", 2026)].municipality_id].name == "Region Gotland"
        # one LPO signs one agreement with two districts
        jarva = by_area[("Rinkeby-Kista", 2026)].agreement_id
        parties = s.exec(
            select(AgreementParty.organisation_id).where(AgreementParty.agreement_id == jarva)
        ).all()
        assert sorted(orgs[i].name for i in parties) == ["Rinkeby-Kista", "Spånga-Tensta"]
        # nothing dated after today, no sign-off on a weekend, counts are integers
        events = s.exec(select(AuditEvent)).all()
        assert max(e.at.astimezone(UTC).date() for e in events) <= today
        assert all(p.created_at.astimezone(UTC).date() <= today for p in promises)
        from models import Deadline

        done = [d.done_at for d in s.exec(select(Deadline)).all() if d.done_at is not None]
        assert done and max(d.astimezone(UTC).date() for d in done) <= today
        for sign in s.exec(select(SignOff)).all():
            assert sign.signed_on <= today and sign.signed_on.weekday() < 5
        # renewals opened in time, none late from the start
        rules = get_calendars().rules("stockholm")
        for p in promises:
            late = past_stage_deadlines(
                p.term_start, p.term_years, rules, p.created_at.astimezone(UTC).date()
            )
            assert not late, (p.area_name, p.term_start)
        # different content per promise
        sollentuna = s.exec(
            select(Problem.title).where(Problem.promise_id == by_area[("Sollentuna", 2026)].id)
        ).all()
        assert any("mopedkörning" in t for t in sollentuna)
        assert any("Rekrytering" in t for t in sollentuna)
        assert not any(
            p.stage is Stage.YEAR_END_COMPILATION and p.term_end >= today for p in promises
        )


def test_demo_works_where_a_police_area_shares_a_municipality_name(db) -> None:
    from application.demo import load_demo
    from application.promises import find_or_create_organisation
    from lifecycle.vocabulary import OrganisationKind

    with session_scope() as s:
        find_or_create_organisation(
            s, "stockholm", OrganisationKind.LOCAL_POLICE_AREA, "Sollentuna"
        )
        find_or_create_organisation(s, "stockholm", OrganisationKind.MUNICIPALITY, "Sollentuna")
    report = load_demo(date(2026, 11, 22))
    assert report["promises"] >= 16


# --- 7. words for Stockholm -------------------------------------------------------------------


def test_counting_and_numbers_in_swedish() -> None:
    from lifecycle.words import counted, number

    assert counted(1, "working_day") == "1 arbetsdag"
    assert counted(3, "working_day") == "3 arbetsdagar"
    assert counted(3, "submitted") + ", " + counted(0, "missed") == "3 inlämnade, 0 uteblivna"
    assert counted(1, "closed") == "1 avslutat"
    assert number(12.5) == "12,5" and number(12.5, "en") == "12.5" and number(18.0) == "18"


def test_swedish_outputs_use_the_right_words(db) -> None:
    """The overview, a compilation and a refusal on the demo region, read as a Swedish reader."""
    import re

    from reports.compilation import compile_year, render
    from tests.demo_copy import demo_region
    from views.snapshot import current_unmet

    today = date(2026, 11, 22)
    demo_region(today)
    overview = runner.invoke(
        app,
        [
            "overview",
            "--region",
            "stockholm",
            "--now",
            today.isoformat(),
            "--actor",
            "brottsforebyggande@polisen.example.se",
        ],
    )
    assert overview.exit_code == 0, overview.output
    texts = [overview.output]
    with session_scope() as s:
        rinkeby = s.exec(
            select(Promise).where(
                Promise.area_name == "Rinkeby-Kista", Promise.term_start == date(2026, 1, 1)
            )
        ).one()
        texts.append(render(compile_year(s, rinkeby, today, "sv"), "md"))
        late = s.exec(
            select(Promise).where(
                Promise.area_name == "Norrmalm", Promise.stage == Stage.RESIDENT_DIALOGUE
            )
        ).one()
        stuck = s.exec(
            select(Promise).where(
                Promise.area_name == "Rinkeby-Kista", Promise.stage == Stage.JOINT_ANALYSIS
            )
        ).one()
        refusal = [u.message("sv") for u in current_unmet(s, stuck, today)]
        assert late is not None
    assert any(m.startswith("Stadsdelsnämnden har inte") for m in refusal), refusal
    texts += refusal
    assert "1 inlämnad, 1 utebliven" in texts[1]  # round 2 was never submitted
    for text in texts:
        assert not re.search(r"\b1 (arbetsdagar|löften|avslutade|inlämnade|uteblivna)\b", text)
        assert not re.search(r"(?<![Pp]olis)\b[Rr]egionen\b", text), text
        assert "Kommunen har inte" not in text


def test_a_multi_year_term_revises_next_years_plan_during_this_years_follow_up(db) -> None:
    """Issue 10, point 1: the next year's revision opens on the renewal day, in parallel."""
    pid = new_promise(start=date(2026, 1, 1), years=2)
    walk_to(pid, Stage.CONTINUOUS_EVALUATION)
    text: dict[str, Any] = {
        "joint_promises": "Polisen och kommunen lovar fortsatt närvaro vid stationen 2027."
    }
    with pytest.raises(InputError, match="opens on 2026-09-01"):
        add(pid, "promise_text", _on=date(2026, 8, 31), for_next_year=True, **text)
    run_renewal(ACTOR, now=at(date(2026, 9, 1)))
    run_renewal(ACTOR, now=at(date(2026, 9, 2)))  # opened once
    with session_scope() as s:
        opened = s.exec(
            select(AuditEvent).where(
                AuditEvent.promise_id == pid, AuditEvent.action == "revision_opened"
            )
        ).all()
    assert [e.details["cycle_year"] for e in opened] == [2]
    [walks, *_] = ids(pid, Activity)  # the joint walk backs what both promise (seed 001)
    text["backing"] = [{"party": "joint", "statement": 1, "activities": [walks]}]
    add(pid, "promise_text", _on=date(2026, 10, 5), for_next_year=True, **text)
    # seed 004: "erfarenheterna ligger till grund när analysen och prioriteringarna uppdateras"
    add(
        pid,
        "analysis_update",
        _on=date(2026, 10, 5),
        for_next_year=True,
        survey_results="Trygghetsmätningen 2026 visar färre otrygga vid stationen.",
        situation_picture="Rånen har minskat, mopedåkandet ökat.",
        priorities="Fokusområdena behålls.",
    )
    for party in ("police", "municipality"):
        add(
            pid,
            "signoff",
            _on=date(2026, 12, 15),
            party=party,
            signed_by="Styrgruppen",
            signed_on="2026-12-15",
            for_next_year=True,
        )
    complete_stage(pid, Stage.CONTINUOUS_EVALUATION)
    assert advance_promise(pid, ACTOR, now=at(date(2027, 1, 5))).ok
    complete_stage(pid, Stage.YEAR_END_COMPILATION)
    moved = advance_promise(pid, ACTOR, now=at(date(2027, 2, 1)))
    assert moved.ok and promise(pid).stage is Stage.ACTION_PLAN and promise(pid).cycle_year == 2
    # the revised plan was agreed ahead: year two's action plan is done the day it opens
    assert advance_promise(pid, ACTOR, now=at(date(2027, 2, 1))).ok
    assert promise(pid).stage is Stage.CONTINUOUS_EVALUATION


# --- found by a new user ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["promise", "list", "--region", "stockhlm"],
        ["overview", "--region", "stockhlm"],
        ["catalogue", "--region", "stockhlm"],
        ["status", "history", "--region", "stockhlm"],
        ["ical", "region", "stockhlm"],
    ],
)
def test_an_unknown_region_is_exit_2_everywhere(db, monkeypatch, args: list[str]) -> None:
    from tests.helpers import register

    register(
        "regional@polisen.se",
        role="regional_coordinator",
        organisation="Polisregion Stockholm",
        kind="police_region",
    )
    monkeypatch.setenv("LOFTE_ACTOR", "regional@polisen.se")
    result = runner.invoke(app, args)
    assert result.exit_code == 2, (args, result.exit_code, result.output)
    assert "stockholm" in result.output  # the sentence names the known regions


def test_promise_show_lists_the_artefacts_with_their_ids(db, monkeypatch) -> None:
    from models import Goal
    from tests.helpers import ids, register

    pid = new_promise(start=date(2026, 1, 1))
    walk_to(pid, Stage.ACTION_PLAN)
    register("samordnare@sollentuna.se")
    monkeypatch.setenv("LOFTE_ACTOR", "samordnare@sollentuna.se")
    shown = runner.invoke(app, ["promise", "show", str(pid), "--json"])
    assert shown.exit_code == 0, shown.output
    view = json.loads(shown.output)
    goals = view["artefacts"]["goals"]
    assert [g["id"] for g in goals] == ids(pid, Goal)
    assert goals[0]["label"] == "Anmälda rån per kvartal" and goals[0]["problem_id"]
    problems = view["artefacts"]["problems"]
    text = runner.invoke(app, ["promise", "show", str(pid)]).output
    for row in (*problems, *goals):
        assert f"{row['id']:>5}  {row['label']}" in text


def test_a_refused_next_cycle_is_a_result_not_an_error_in_the_log(
    db, prefect_harness, caplog
) -> None:
    import logging

    from fastapi.testclient import TestClient

    from config.operator_key import ensure_operator_key
    from tests.helpers import register
    from web.api import create_app

    pid = new_promise(start=date(2026, 1, 1), years=2)
    register("samordnare@sollentuna.se")
    headers = {
        "Authorization": f"Operator {ensure_operator_key()}",
        "X-Lofte-Actor": "samordnare@sollentuna.se",
    }
    client = TestClient(create_app(warm=False))
    # Prefect's loggers do not propagate to the root: listen to them directly as well.
    prefect_logger = logging.getLogger("prefect")
    prefect_logger.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.INFO):
            refused = client.post(f"/api/promises/{pid}/next-cycle", headers=headers)
            advance = client.post(f"/api/promises/{pid}/advance", headers=headers)
    finally:
        prefect_logger.removeHandler(caplog.handler)
    assert refused.status_code == 409 and advance.status_code == 409
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert errors == [], [r.getMessage() for r in errors]


def test_prefect_state_stays_in_lofte_data_folder(tmp_path) -> None:
    """Every entry point sets PREFECT_HOME in Löfte's data folder before Prefect is imported."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    home, data = tmp_path / "home", tmp_path / "data"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LOFTE_", "PREFECT_"))} | {
        "HOME": str(home),
        "LOFTE_DATA_DIR": str(data),
        "PYTHONPATH": str(root),
    }
    probe = (
        "import cli.main, prefect, wiring.usecases\n"
        "from prefect.settings import get_current_settings\n"
        "print(get_current_settings().home)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-1500:]
    assert Path(done.stdout.strip()) == data / "prefect"
    assert not (home / ".prefect").exists()
