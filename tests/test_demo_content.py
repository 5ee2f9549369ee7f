"""The demo is a Stockholm its people recognise (issue 25, "A demo Stockholm recognises"):
each district its own content, consistent with its own figures, made by named people through
the use cases a person would use, on the days it happened."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date
from itertools import combinations
from typing import Any

from sqlmodel import Session, select

from application.demo import COORDINATES, DEMO_FILE
from models import (
    Activity,
    AuditEvent,
    Dialogue,
    EvaluationRound,
    Goal,
    IndicatorValue,
    Organisation,
    Person,
    Problem,
    Promise,
    PromiseText,
    SignOff,
    SituationPicture,
    YearEndCompilation,
)
from models.db import session_scope
from tests.demo_copy import demo_region

TODAY = date(2026, 11, 22)
# What the daily run does (it opens each next cycle), and the loader's own bookkeeping.
RUN_BY_THE_SYSTEM = ("next_cycle_opened", "seeded_from", "revision_opened", "demo_promise_loaded")


def _areas(s: Session) -> dict[int, str]:
    return {p.id: p.area_name for p in s.exec(select(Promise)).all()}  # type: ignore[misc]


def _shared_between_districts(by_area: dict[str, set[Any]]) -> list[tuple[str, str, Any]]:
    """Whatever two different districts both have."""
    return [
        (a, b, both)
        for (a, mine), (b, theirs) in combinations(sorted(by_area.items()), 2)
        if (both := mine & theirs)
    ]


def _demo_places() -> set[str]:
    import yaml

    data = yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))
    places = set(COORDINATES)
    for entry in data["promises"]:
        places.add(entry["place"])
        places.update((entry.get("places") or {}).values())
    return places


def test_every_district_has_its_own_plausible_content(db) -> None:
    demo_region(TODAY)
    places = _demo_places()
    with session_scope() as s:
        area = _areas(s)

        # No two districts promise the same thing.
        texts: dict[str, set[str]] = defaultdict(set)
        for t in s.exec(select(PromiseText)).all():
            texts[area[t.promise_id]] |= {t.police_promises, t.municipality_promises} - {""}
        assert len(texts) >= 12 and not _shared_between_districts(texts)

        # Each district asked its own residents: its own figures, plausible for the method.
        figures: dict[str, set[tuple[Any, ...]]] = defaultdict(set)
        for d in s.exec(select(Dialogue)).all():
            figures[area[d.promise_id]].add((d.method.value, d.participants, d.safety_survey))
            if d.method.value == "safety_walk":
                assert 8 <= d.participants <= 25, (area[d.promise_id], d.participants)
            if d.method.value in ("survey", "digital_dialogue"):
                assert d.participants >= 100, (area[d.promise_id], d.participants)
        sets = {name: {frozenset(f)} for name, f in figures.items()}
        assert len(sets) >= 13 and not _shared_between_districts(sets)
        surveys = {name: {f[2] for f in found if f[2]} for name, found in figures.items()}
        assert not _shared_between_districts(surveys)

        # A problem at a place names that place; one that is not place-bound names none.
        for p in s.exec(select(Problem)).all():
            own = {place["name"] for place in p.places}
            named = {place for place in places if place in p.title}
            assert named <= own, (area[p.promise_id], p.title, own)
            if own:
                assert named == own, (p.title, own)

        # What residents raised that the promise does not take up is each district's own.
        set_aside: dict[str, set[str]] = defaultdict(set)
        for p in s.exec(select(Problem).where(Problem.selected == False)).all():  # noqa: E712
            # (not a next cycle's candidates carried over, nor a problem that answers to an area)
            carried = p.origin_problem_id or p.priority_area_id or p.agreement_focus_area
            if not (carried or p.local_reason):
                set_aside[area[p.promise_id]] |= {p.title, p.description}
        assert len(set_aside) >= 12 and not _shared_between_districts(set_aside)

        # What each city district's picture says about the city's five areas (or why one is
        # not relevant there) is its own, area by area, and no stock sentence.
        frame: dict[str, set[str]] = defaultdict(set)
        for picture in s.exec(select(SituationPicture)).all():
            said = [
                n["reason"] if n.get("not_relevant") else n["note"] for n in picture.frame_areas
            ]
            assert len(set(said)) == len(said), (area[picture.promise_id], said)
            frame[area[picture.promise_id]] |= set(said)
        assert len(frame) >= 8 and not _shared_between_districts(frame)
        assert not [n for notes in frame.values() for n in notes if "se trygghetsmätningen" in n]

        # Each not-done activity gives a reason that fits it, and the reasons differ.
        stalled = s.exec(select(Activity).where(Activity.status == "not_done")).all()
        assert len({a.status_reason for a in stalled}) >= 3
        for a in stalled:
            if "Fältassistenterna" in a.status_reason:
                assert "Fältassistenter" in a.title, (a.title, a.status_reason)

        # What residents are told does not repeat the round's heading.
        for r in s.exec(select(EvaluationRound)).all():
            if r.feedback_to_residents:
                assert not r.feedback_to_residents.startswith("Uppföljning"), (
                    r.feedback_to_residents
                )

        # The area's own landlord is the property owner it works with.
        landlords = {
            "Rinkeby-Kista": "Svenska Bostäder",
            "Hässelby-Vällingby": "Svenska Bostäder",
            "Enskede-Årsta-Vantör": "Stockholmshem",
            "Sollentuna": "Sollentunahem",
            "Botkyrka": "Botkyrkabyggen",
            "Södertälje": "Telge Bostäder",
        }
        for a in s.exec(select(Activity)).all():
            if area[a.promise_id] in landlords and a.owner_kind == "housing_company":
                assert a.owner_other == landlords[area[a.promise_id]], a.owner_other

        # Every year-end summary is its own, and says what its goals' values say.
        compilations = s.exec(select(YearEndCompilation)).all()
        assert compilations
        summaries = {area[c.promise_id]: {c.summary} for c in compilations}
        assert not _shared_between_districts(summaries)
        for c in compilations:
            _summary_agrees_with_the_indicators(s, c)


def _summary_agrees_with_the_indicators(s: Session, c: YearEndCompilation) -> None:
    goals = s.exec(select(Goal).where(Goal.promise_id == c.promise_id)).all()
    assert goals
    for g in goals:
        values = s.exec(
            select(IndicatorValue.value, EvaluationRound.number)
            .join(EvaluationRound, IndicatorValue.round_id == EvaluationRound.id)  # type: ignore[arg-type]
            .where(IndicatorValue.goal_id == g.id, EvaluationRound.cycle_year == c.cycle_year)
        ).all()
        [sentence] = [x for x in c.summary.split(". ") if x.startswith(g.indicator)]
        if not values:
            assert "inga mätvärden" in sentence
            continue
        last = max(values, key=lambda v: v[1])[0]
        baseline = g.baseline or 0.0
        said = sentence[len(g.indicator) :].split()[0]
        expected = "minskade" if last < baseline else "ökade" if last > baseline else "låg"
        assert said == expected, (c.summary, g.indicator, baseline, last)


def test_every_step_is_taken_by_a_named_person_on_its_day(db) -> None:
    demo_region(TODAY)
    with session_scope() as s:
        area = _areas(s)
        people = s.exec(select(Person)).all()
        by_email = {p.email: p for p in people}
        orgs = {o.id: o.name for o in s.exec(select(Organisation)).all()}

        # People have names, not their roles.
        for p in people:
            assert not p.name.startswith(
                ("Trygghetssamordnare", "Kommunpolis", "Lokalpolisområdeschef", "Styrgrupp")
            ), p.name

        # Each signature is its organisation's steering-group member's own, by name, on the
        # day of the sign-off, recorded as that person.
        signoffs = s.exec(select(SignOff)).all()
        assert signoffs
        audited = {
            (e.promise_id, e.details.get("id")): e
            for e in s.exec(select(AuditEvent).where(AuditEvent.action == "artefact_added")).all()
            if e.details.get("kind") == "signoff"
        }
        signers: dict[str, set[str]] = defaultdict(set)
        for sign in signoffs:
            [person] = [
                p
                for p in people
                if p.name == sign.signed_by
                and p.organisation_id == sign.organisation_id
                and p.role.value == "steering_group"
            ]
            event = audited[(sign.promise_id, sign.id)]
            assert by_email[event.actor].id == person.id
            assert event.at.astimezone(UTC).date() == sign.signed_on
            assert sign.created_at.astimezone(UTC).date() == sign.signed_on
            signers[orgs[sign.organisation_id]].add(sign.signed_by)  # type: ignore[index]
        assert all(len(names) == 1 for names in signers.values())
        assert len({next(iter(n)) for n in signers.values()}) == len(signers)

        # Every artefact is recorded by one of the promise's people, never by the loader.
        loader = "demo@lofte.local"
        renewals = {p.id for p in s.exec(select(Promise)).all() if p.previous_promise_id}
        for e in s.exec(select(AuditEvent)).all():
            opened = e.action == "created" and e.promise_id in renewals  # by the daily run
            if e.action not in RUN_BY_THE_SYSTEM and e.promise_id and not opened:
                assert e.actor != loader, (area[e.promise_id], e.action)
                assert e.actor in by_email

        # The approved compilations are the steering group's decision on its day, and the
        # police region's roll-up counts every one of them.
        from application.compilation import region_compilations

        approved = s.exec(
            select(YearEndCompilation).where(YearEndCompilation.approved_at.is_not(None))  # type: ignore[union-attr]
        ).all()
        assert approved
        for c in approved:
            assert c.content and c.decided_on == c.approved_at.astimezone(UTC).date()  # type: ignore[union-attr]
        rolled = region_compilations(s, "stockholm", None, "sv")
        assert len([r for r in rolled if r.get("approved_at")]) == len(approved)


def test_the_readme_signs_in_as_make_run_prints_and_admin_has_what_it_promises() -> None:
    """The README's sign-in section and `make run`'s accounts agree (issue 25: the README
    signed in as Farsta while `make run` printed Hässelby), and `/admin` has every section the
    README names (it once promised a tokens section that was not there)."""
    import re
    from pathlib import Path

    from application.demo import SHOWN

    root = Path(__file__).resolve().parents[1]
    readme = " ".join((root / "README.md").read_text(encoding="utf-8").split())
    shown = [email for _role, email, _what in SHOWN]
    logins = re.findall(r"lofte login (\S+@\S+\.example\.se)", readme)
    assert logins and logins[0] == shown[0] and set(logins) <= set(shown)
    assert "demo-lofte-2026" in readme
    # "people, access tokens, dead letters and ... the local mailbox at `/admin`"
    assert re.search(r"people, access tokens, dead letters and .* mailbox at `/admin`", readme)
    admin = (root / "web" / "templates" / "admin.html").read_text(encoding="utf-8")
    for heading in ("Personer", "Åtkomstnycklar", "Olevererade meddelanden"):
        assert f'_("{heading}")' in admin
    assert any(path == "/admin/lokal-post" for path in _routes())


def _routes() -> list[str]:
    from web.pages.mailbox import router

    return [getattr(r, "path", "") for r in router.routes]


def test_the_words_follow_the_figures() -> None:
    """The summary, the plan and a round's feedback say what the values say, in Swedish."""
    from application.demo_texts import (
        GoalOutcome,
        next_year_plan,
        round_feedback,
        survey_value,
        year_summary,
    )

    goals = [
        GoalOutcome("Anmälda rån", "antal", 20, 12, 12),
        GoalOutcome("Andel otrygga", "procent", 30, 25, 31),
        GoalOutcome("Mopedkontroller", "antal", 4, 20, 4),
        GoalOutcome("Unga i SSPF", "personer", 3, 10, None),
    ]
    summary = year_summary("Bromma", ["Brommaplan", "Ängbyplan"], goals)
    assert summary.startswith("Arbetet i Bromma samlades kring Brommaplan och Ängbyplan.")
    assert "Anmälda rån minskade från 20 till 12 (målet 12 nåddes)." in summary
    assert "Andel otrygga ökade från 30 % till 31 % (målet var 25 %)." in summary
    assert "Mopedkontroller låg kvar på 4 (målet var 20)." in summary
    assert "Unga i SSPF: inga mätvärden rapporterades under året." in summary
    plan = next_year_plan(goals, ["Riktad närvaro", "Fältassistenter"])
    assert plan.startswith("Behåll riktad närvaro och fältassistenter.")
    assert "andel otrygga, mopedkontroller och unga i SSPF" in plan
    told = round_feedback(2, ["polisen har varit på plats"], ["Belysningen blev försenad."])
    assert told == (
        "Det här har hänt under sommaren: polisen har varit på plats. "
        "Det här blev inte gjort: Belysningen blev försenad."
    )
    # each of the demo's areas its own survey level every year
    for year in (2024, 2025, 2026):
        assert len({survey_value(i, year, 0) for i in range(16)}) == 16
