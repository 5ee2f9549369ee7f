"""``lofte demo``: loads config/demo.yaml, a realistic Stockholm region with promises in every
stage, by the same use cases people use, each step as the person who would take it (the
district's coordinator writes, the steering group signs and approves) on the day it was taken,
so every row is valid, audited and dated as it happened."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlmodel import Session, select

from application.access import principal_of
from application.artefacts import ArtefactRequest, record_artefact
from application.compilation import ApprovalRequest, approve
from application.demo_texts import (
    SURVEY_QUESTIONS,
    SURVEY_SOURCE,
    GoalOutcome,
    behind,
    listed,
    next_year_plan,
    round_feedback,
    survey_sentence,
    survey_value,
    year_summary,
)
from application.promises import add_person, create_promise_as
from application.transitions import AdvanceRequest, advance
from config.calendar import get_calendars
from config.clock import acting_at, local_today
from effects.audit import audit
from lifecycle.calendar import previous_working_day
from lifecycle.names import organisation_title
from lifecycle.permissions import Principal, system_principal
from lifecycle.renewal import renewal_date
from lifecycle.stages import CYCLE, Stage
from lifecycle.term import term_end
from lifecycle.vocabulary import OrganisationKind
from models import (
    Activity,
    AuditEvent,
    CauseAnalysis,
    EvaluationRound,
    Goal,
    IndicatorValue,
    LocalPassword,
    Person,
    Problem,
    Promise,
)
from models.db import session_scope
from models.inputs import PersonInput, PromiseCreate

DEMO_FILE = Path(__file__).resolve().parent.parent / "config" / "demo.yaml"
# The daily run (it opens each next cycle on its renewal day) and the loader's own bookkeeping;
# everything a person does is done as that person.
ACTOR = system_principal("demo@lofte.local", "Löfte demo")


def _at(day: date) -> datetime:
    return datetime.combine(day, time(9, 0), tzinfo=UTC)


@contextmanager
def _on(day: date) -> Iterator[datetime]:
    """The working day ``day``: every use case, and every effect of it, is dated then."""
    moment = _at(day)
    with acting_at(moment):
        yield moment


def _slug(name: str) -> str:
    table = str.maketrans("åäöéÅÄÖ -", "aaoeaao..")
    return name.translate(table).lower()


@dataclass(frozen=True)
class _Cast:
    """The people of one promise: who writes for each party, and who signs for each
    organisation of each party (its steering group)."""

    coordinator: Principal  # the municipal party's trygghetssamordnare
    police: Principal  # the kommunpolis of the lead police area
    signers: dict[str, Principal]  # organisation name -> the one who signs for it

    def signer(self, organisation: str) -> Principal:
        """Who signs for ``organisation``."""
        return self.signers[organisation]


def _add(pid: int, kind: str, data: dict[str, Any], on: date, actor: Principal) -> int:
    """Record an artefact through the use case, as ``actor``, on the day ``on``."""
    with _on(on) as moment:
        recorded = record_artefact(
            actor, ArtefactRequest(promise_id=pid, kind=kind, fields=data), now=moment
        )
    assert recorded.id is not None
    return recorded.id


def _ids(pid: int, model: Any) -> list[int]:
    with session_scope() as s:
        return list(
            s.exec(select(model.id).where(model.promise_id == pid).order_by(model.id)).all()
        )


# Approximate coordinates (WGS84) of the demo's places, so their export to GIS has points.
COORDINATES = {
    "Vällingby centrum": (59.3632, 17.8721),
    "Hässelby gårds tunnelbanestation": (59.3669, 17.8436),
    "Brommaplan": (59.3385, 17.9395),
    "Ängbyplan": (59.3420, 17.9070),
    "Rinkeby torg": (59.3880, 17.9286),
    "Husby centrum": (59.4100, 17.9270),
    "Tensta centrum": (59.3945, 17.9010),
    "Tensta träff": (59.3950, 17.9040),
    "Hjulsta torg": (59.3960, 17.8880),
    "Skärholmstorget": (59.2770, 17.9070),
    "Bredängs centrum": (59.2950, 17.9340),
    "Vårbergs centrum": (59.2760, 17.8900),
    "Rågsveds centrum": (59.2566, 18.0283),
    "Högdalens centrum": (59.2637, 18.0430),
    "Årsta torg": (59.2990, 18.0520),
    "Farsta centrum": (59.2436, 18.0931),
    "Hökarängsplan": (59.2577, 18.0824),
    "Medborgarplatsen": (59.3143, 18.0735),
    "Björns trädgård": (59.3150, 18.0770),
    "Skanstull": (59.3078, 18.0762),
    "Sergels torg": (59.3326, 18.0649),
    "Sollentuna station": (59.4280, 17.9484),
    "Edsvikens strandpromenad": (59.4300, 17.9600),
    "Jakobsbergs centrum": (59.4228, 17.8336),
    "Kallhälls centrum": (59.4530, 17.8050),
    "Fittja centrum": (59.2475, 17.8610),
    "Alby centrum": (59.2390, 17.8450),
    "Ronna centrum": (59.2060, 17.6050),
    "Hovsjö centrum": (59.1850, 17.6050),
    "Flemingsbergs station": (59.2194, 17.9466),
    "Visättra": (59.2250, 17.9300),
    "Orminge centrum": (59.3275, 18.2560),
    "Fisksätra station": (59.2940, 18.2560),
    "Östercentrum i Visby": (57.6380, 18.3000),
    "Gutevägen": (57.6290, 18.3000),
}


def _place(name: str) -> dict[str, Any]:
    """A place with its coordinates where the demo knows them."""
    if name in COORDINATES:
        lat, lon = COORDINATES[name]
        return {"name": name, "lat": lat, "lon": lon}
    return {"name": name}


def _indicator(baseline: float, target: float, round_number: int, index: int) -> int:
    """A plausible value: every other goal reaches its target by the year's second round (the
    third tertial is reported in the compilation), the rest get only part of the way."""
    pace = 1.5 if index % 2 == 0 else 0.5
    return round(baseline + (target - baseline) * pace * round_number / 3)


# When each stage is left, in days from the term's start (the calendar's deadlines, a few
# days early); the year's follow-up and compilation are left after the year has ended.
LEAVE_STAGE = {
    Stage.RESIDENT_DIALOGUE: -72,
    Stage.JOINT_ANALYSIS: -51,
    Stage.ROOT_CAUSE_ANALYSIS: -37,
    Stage.GOALS: -23,
    Stage.ACTION_PLAN: -4,
}

# Counts grow with the size of the area; shares (%) and people in a programme do not.
SCALED_UNITS = frozenset({"antal", "antal per år", "adresser"})


class _Builder:
    """Builds one promise stage by stage, each on its own (working) day, never after today."""

    def __init__(
        self,
        spec: dict[str, Any],
        templates: dict[str, Any],
        pid: int,
        today: date,
        cast: _Cast,
    ):
        self.spec, self.templates, self.pid, self.today = spec, templates, pid, today
        self.cast = cast
        self.start: date = spec["start"]
        self.end: date = term_end(self.start, spec["years"])
        self.early = timedelta(days=int(spec.get("early", 0)))

    def leave_day(self, stage: Stage) -> date:
        """The day the promise moves out of ``stage`` (a working day)."""
        if stage in LEAVE_STAGE:
            day = self.start + timedelta(days=LEAVE_STAGE[stage]) - self.early
        elif stage is Stage.CONTINUOUS_EVALUATION:
            day = self.end + timedelta(days=5)
        else:
            day = self.end + timedelta(days=35)
        return previous_working_day(day)

    def work_day(self, stage: Stage) -> date:
        """The day a stage's work is recorded: two working days before it is left."""
        return previous_working_day(self.leave_day(stage) - timedelta(days=2))

    def compilation_day(self) -> date:
        """The day the year-end compilation is written: three weeks after the year ends."""
        return previous_working_day(self.end + timedelta(days=20))

    def fill(self, stage: Stage) -> None:
        """Record the work of ``stage`` on its work day."""
        getattr(self, f"_{stage.value}")(self.work_day(stage))

    def advance(self, on: date) -> None:
        """The coordinator moves the promise on, on the day ``on``."""
        with _on(on) as moment:
            advance(self.cast.coordinator, AdvanceRequest(promise_id=self.pid), now=moment)

    # --- what a problem of the promise says ---------------------------------------------------

    def _areas(self) -> list[str]:
        return list(self.spec["problems"])

    def _fill_in(self, text: str, key: str) -> str:
        """A template's text for this promise: its place, its landlord, its own baseline."""
        return text.format(
            place=self.place_of(key),
            landlord=self.spec["landlord"],
            baseline=self._number(self._goal(key)["baseline"]),
        )

    @staticmethod
    def _number(value: float) -> str:
        from lifecycle.words import number

        return number(value)

    def place_of(self, key: str) -> str:
        """Where the problem ``key`` is, for a place-bound one (else the promise's place)."""
        return str((self.spec.get("places") or {}).get(key, self.spec["place"]))

    def place_bound(self, key: str) -> bool:
        """Whether the problem happens at a place (its title names one)."""
        return "{place}" in self.templates[key]["title"]

    def places(self) -> list[str]:
        """The places of the promise's place-bound problems, in order, each once."""
        found: list[str] = []
        for key in self._areas():
            if self.place_bound(key) and self.place_of(key) not in found:
                found.append(self.place_of(key))
        return found

    def _goal(self, key: str) -> dict[str, Any]:
        """The goal for problem ``key`` with this promise's own figures: counts scaled to the
        area, a safety-survey share from the area's own survey the autumn before."""
        goal = dict(self.templates[key]["goal"])
        if goal.get("unit") == "procent" and "baseline" not in goal:
            baseline = survey_value(self.spec["index"], self.start.year - 1, 0)
            goal.update(baseline=baseline, target=baseline - 5)
        elif goal.get("unit") in SCALED_UNITS:
            size = float(self.spec.get("size", 1.0))
            goal["baseline"] = max(round(goal["baseline"] * size), 2)
            goal["target"] = max(round(goal["target"] * size), 1)
        return goal

    def _activity(self, key: str) -> dict[str, Any]:
        activity = dict(self.templates[key]["activity"])
        for field in ("title", "owner_other", "funding_source"):
            if field in activity:
                activity[field] = self._fill_in(str(activity[field]), key)
        return activity

    def _responsible(self, activity: dict[str, Any]) -> str:
        """Who answers for the activity, by name (another actor: with the coordinator)."""
        police = f"{self.cast.police.name} (kommunpolis)"
        coordinator = f"{self.cast.coordinator.name} (trygghetssamordnare)"
        return {
            "police": police,
            "municipality": coordinator,
            "joint": f"{police} och {coordinator}",
            "other": f"{activity.get('owner_other')}; samordnare: {coordinator}",
        }[activity["owner_party"]]

    # --- the stages ---------------------------------------------------------------------------

    def _resident_dialogue(self, on: date) -> None:
        themes = [self._fill_in(self.templates[k]["title"], k) for k in self._areas()[:3]]
        for n, dialogue in enumerate(self.spec.get("dialogues") or []):
            held = previous_working_day(on - timedelta(days=30 - 14 * n))
            survey_year = max(
                (y for y in range(2024, held.year + 1) if date(y, 9, 30) <= held), default=None
            )
            _add(
                self.pid,
                "dialogue",
                {
                    "method": dialogue["method"],
                    "held_from": held,
                    "target_group": dialogue["target_group"],
                    "participants": dialogue["participants"],
                    "unsafe_places": [
                        {"place": place, "when": self.when_unsafe(place)}
                        for place in dialogue.get("unsafe", [])
                    ],
                    "themes": themes,
                    "results": dialogue["results"],
                    "safety_survey": survey_sentence(self.spec["index"], survey_year)
                    if survey_year
                    else "",
                },
                on,
                self.cast.coordinator,
            )

    def when_unsafe(self, place: str) -> str:
        """When residents feel unsafe at ``place``: as its problem says, else in the evening."""
        for key in self._areas():
            if self.place_bound(key) and self.place_of(key) == place:
                return str(self.templates[key]["when"])
        return "kvällar"

    def _joint_analysis(self, on: date) -> None:
        bound = [k for k in self._areas() if self.place_bound(k)]
        unbound = [k for k in self._areas() if not self.place_bound(k)]
        titles = [self._fill_in(self.templates[k]["title"], k) for k in bound]
        police = (
            f"Polisens lägesbild pekar ut {listed([t[:1].lower() + t[1:] for t in titles])}."
            if titles
            else f"Anmälningarna i {self.spec['area']} är inte knutna till någon enskild plats."
        )
        _add(
            self.pid,
            "situation_picture",
            {"party": "police", "summary": police, "sources": ["RAR-data", "underrättelser"]},
            on,
            self.cast.police,
        )
        municipal = " ".join(self.templates[k]["description"] for k in unbound)
        _add(
            self.pid,
            "situation_picture",
            {
                "party": "municipality",
                "summary": f"Socialtjänsten och skolan i {self.spec['area']}: {municipal}",
                "sources": ["trygghetsmätningen", "skolans elevhälsa", "socialtjänsten"],
                "frame_areas": self._frame_notes(),
            },
            on,
            self.cast.coordinator,
        )
        _add(
            self.pid,
            "situation_picture",
            {
                "party": "joint",
                "summary": f"Gemensam lägesbild: brotten och otryggheten samlas kring "
                f"{listed(self.places()) or self.spec['place']}; det som inte är platsbundet "
                "(våld i hemmet, rekrytering) syns i socialtjänstens ärenden, inte på gatan.",
                "sources": ["polisens lägesbild", "förvaltningens lägesbild", "trygghetsmätningen"],
            },
            on,
            self.cast.coordinator,
        )
        for key in self._areas():
            t = self.templates[key]
            _add(
                self.pid,
                "problem",
                {
                    "title": self._fill_in(t["title"], key),
                    "description": t["description"],
                    "when": t["when"],
                    "scale": self._fill_in(t["scale"], key),
                    "trend": t["trend"],
                    "selected": True,
                    "priority_area": t.get("priority_area"),
                    "also_priority_areas": t.get("also", []),
                    "agreement_focus_area": t.get("agreement_focus_area"),
                    "local_reason": t.get("local_reason", ""),
                    "places": [_place(self.place_of(key))] if self.place_bound(key) else [],
                },
                on,
                self.cast.coordinator,
            )
        # what residents raised that the promise does not take up: each area its own, and why
        set_aside = self.spec["set_aside"]
        _add(
            self.pid,
            "problem",
            {"title": set_aside["title"], "description": set_aside["description"]},
            on,
            self.cast.coordinator,
        )

    def _frame_notes(self) -> list[dict[str, Any]]:
        """What the picture says about each of the city's five areas (a city district): the
        district's own note from its entry's ``frame``, or "ej aktuellt här" with the reason
        its ``not_relevant_here`` gives."""
        from views.snapshot import priority_scope

        with session_scope() as s:
            promise = s.get(Promise, self.pid)
            assert promise is not None
            frame = priority_scope(s, promise).frame
        not_here = self.spec.get("not_relevant_here") or {}
        notes = self.spec.get("frame") or {}
        # a note the entry lacks would have to be made up here, the same for every district
        missing = [a for a in frame if a not in not_here and a not in notes]
        if missing:
            raise ValueError(
                f"{self.spec['municipality']}: demo.yaml has no frame note for {missing}"
            )
        return [
            {"area": a, "not_relevant": True, "reason": not_here[a]}
            if a in not_here
            else {"area": a, "note": notes[a]}
            for a in frame
        ]

    def _selected(self) -> list[tuple[int, str]]:
        """(problem id, template key) of this promise's focus areas, in order."""
        with session_scope() as s:
            ids = s.exec(
                select(Problem.id)
                .where(Problem.promise_id == self.pid, Problem.selected)
                .order_by(Problem.id)  # type: ignore[arg-type]
            ).all()
        return list(zip(ids, self._areas(), strict=False))  # type: ignore[arg-type]

    def _root_cause_analysis(self, on: date) -> None:
        for problem_id, key in self._selected():
            _add(
                self.pid,
                "cause_analysis",
                {"problem_id": problem_id, **self.templates[key]["cause"]},
                on,
                self.cast.coordinator,
            )

    def _goals(self, on: date) -> None:
        for problem_id, key in self._selected():
            goal = self._goal(key)
            survey = "trygghetsmätningen" in goal["indicator"]
            _add(
                self.pid,
                "goal",
                {
                    "problem_id": problem_id,
                    "target_date": self.end,
                    "indicator_source": SURVEY_SOURCE
                    if survey
                    else "polisens och förvaltningens statistik",
                    "baseline_date": previous_working_day(self.start - timedelta(days=120)),
                    "frequency": "årligen" if survey else "tertialvis",
                    **goal,
                },
                on,
                self.cast.coordinator,
            )

    def _action_plan(self, on: date) -> None:
        keys = dict(self._selected())
        with session_scope() as s:
            goals = [
                (g.id, g.problem_id)
                for g in s.exec(
                    select(Goal).where(Goal.promise_id == self.pid).order_by(Goal.id)  # type: ignore[arg-type]
                ).all()
            ]
            causes = {
                c.problem_id: c.id
                for c in s.exec(
                    select(CauseAnalysis).where(CauseAnalysis.promise_id == self.pid)
                ).all()
            }
        for goal_id, problem_id in goals:
            activity = self._activity(keys[problem_id])
            _add(
                self.pid,
                "activity",
                {
                    "goal_id": goal_id,
                    "cause_analysis_id": causes.get(problem_id),
                    "responsible": self._responsible(activity),
                    "start": self.start,
                    "end": self.end,
                    **activity,
                },
                on,
                self.cast.coordinator,
            )
        own = self.spec["texts"]
        texts = {
            "police_promises": own["police"],
            "municipality_promises": own["municipality"],
            "joint_promises": self.spec.get("joint_text", ""),
        }
        _add(
            self.pid,
            "promise_text",
            {**texts, "backing": self._backing(texts)},
            on,
            self.cast.coordinator,
        )
        self._sign(on)

    def _sign(self, on: date) -> None:
        """Each organisation of each party signs the text, by its steering group, that day."""
        municipality = self.spec["municipality"]
        for organisation in (self.spec["police_area"], *_also(self.spec)):
            signer = self.cast.signer(organisation)
            _add(
                self.pid,
                "signoff",
                {
                    "party": "police",
                    "organisation": organisation,
                    "signed_by": signer.name,
                    "signed_as": "Lokalpolisområdeschef, "
                    + organisation_title(organisation, OrganisationKind.LOCAL_POLICE_AREA, "sv"),
                    "signed_on": on,
                },
                on,
                signer,
            )
        signer = self.cast.signer(municipality)
        _add(
            self.pid,
            "signoff",
            {
                "party": "municipality",
                "signed_by": signer.name,
                "signed_as": _signatory_title(self.spec),
                "signed_on": on,
            },
            on,
            signer,
        )

    def update_ahead(self) -> None:
        """A multi-year promise reviews its analysis for year 2 during year 1's follow-up,
        from the renewal day (seed 004: "erfarenheterna ligger till grund när analysen och
        prioriteringarna uppdateras"), a few weeks after it and never after today."""
        if self.spec["years"] < 2:
            return
        opens = renewal_date(self.start, 1, get_calendars().rules("stockholm").renewal)
        on = previous_working_day(opens + timedelta(days=45))
        if on > self.today:
            return
        index, year = self.spec["index"], on.year
        now, before = survey_value(index, year, 0), survey_value(index, year - 1, 0)
        trend = "färre" if now < before else "lika många" if now == before else "fler"
        _add(
            self.pid,
            "analysis_update",
            {
                "survey_results": f"Trygghetsmätningen {year}: {now} % känner sig otrygga ute "
                f"sent på kvällen i området, mot {before} % året före ({trend}).",
                "situation_picture": self._picture_so_far(),
                "priorities": "Styrgruppen behåller fokusområdena för år 2 och lägger mer av "
                "arbetet där målen ännu inte är nådda.",
                "reviewed_by": f"Styrgruppen i {self.spec['area']}",
                "reviewed_on": on,
                "for_next_year": True,
            },
            on,
            self.cast.coordinator,
        )

    def _picture_so_far(self) -> str:
        """The situation after the year's rounds so far, as the goals' values show it."""
        where = listed(self.places()) or self.spec["area"]
        if not (missed := behind(self.outcomes())):
            return f"Kring {where} är årets mål nådda efter uppföljningarna hittills."
        return (
            f"Kring {where} efter uppföljningarna hittills: målen är ännu inte nådda för "
            f"{listed(missed)}."
        )

    def _backing(self, texts: dict[str, str]) -> list[dict[str, Any]]:
        """Each statement of the text backed by the activities of the party that makes it
        (its own where it has any, else the joint ones): what sign-off checks."""
        from lifecycle.statements import split_statements

        with session_scope() as s:
            owned = [
                (a.id, a.owner_party.value)
                for a in s.exec(select(Activity).where(Activity.promise_id == self.pid)).all()
            ]
        backing = []
        for party in ("police", "municipality", "joint"):
            own = [i for i, owner in owned if owner == party]
            joint = [i for i, owner in owned if owner == "joint"]
            for n, _words in enumerate(split_statements(texts[f"{party}_promises"]), start=1):
                backing.append({"party": party, "statement": n, "activities": own or joint})
        return backing

    def _continuous_evaluation(self, _on: date) -> None:
        limit = self.spec.get("rounds", 99)
        activities = _ids(self.pid, Activity)
        keys = [key for _, key in self._selected()]  # one activity per focus problem, in order
        with session_scope() as s:
            goals = [
                (g.id, g.baseline or 0.0, g.target or 0.0)
                for g in s.exec(
                    select(Goal).where(Goal.promise_id == self.pid).order_by(Goal.id)  # type: ignore[arg-type]
                ).all()
            ]
            due = [
                (r.number, r.due)
                for r in s.exec(
                    select(EvaluationRound)
                    .where(EvaluationRound.promise_id == self.pid)
                    .order_by(EvaluationRound.number)  # type: ignore[arg-type]
                ).all()
            ]
        for number, due_on in due[:limit]:
            submitted = previous_working_day(due_on - timedelta(days=3))
            if submitted > self.today:
                break
            statuses, done, missed, analysis = [], [], [], {}
            for i, (activity_id, key) in enumerate(zip(activities, keys, strict=False)):
                t = self.templates[key]
                if number >= 2 and i == 1:  # the second activity stalls from round 2 on
                    statuses.append(
                        {"activity_id": activity_id, "status": "not_done", "reason": t["not_done"]}
                    )
                    missed.append(t["not_done"])
                    analysis = {"deviations": t["deviation"], "decisions": t["decision"]}
                else:
                    status = "done" if number == 3 else "ongoing"
                    statuses.append({"activity_id": activity_id, "status": status})
                    done.append(self._fill_in(t["feedback"], key))
            values = [
                {
                    "goal_id": g_id,
                    "value": _indicator(baseline, target, number, i),
                    "measured_on": previous_working_day(due_on - timedelta(days=5)),
                }
                for i, (g_id, baseline, target) in enumerate(goals)
            ]
            _add(
                self.pid,
                "evaluation",
                {
                    "round": number,
                    "submitted_by": self.cast.coordinator.name,
                    "activities": statuses,
                    "indicators": values,
                    "feedback_to_residents": round_feedback(number, done, missed),
                    "feedback_channel": "webbplatsen och lokaltidningen",
                    **analysis,
                },
                submitted,
                self.cast.coordinator,
            )

    def outcomes(self) -> list[GoalOutcome]:
        """Each goal of the year with its baseline, target and last reported value."""
        with session_scope() as s:
            promise = s.get(Promise, self.pid)
            assert promise is not None
            goals = s.exec(
                select(Goal).where(Goal.promise_id == self.pid).order_by(Goal.id)  # type: ignore[arg-type]
            ).all()
            found = []
            for g in goals:
                last = s.exec(
                    select(IndicatorValue.value)
                    .join(EvaluationRound, IndicatorValue.round_id == EvaluationRound.id)  # type: ignore[arg-type]
                    .where(
                        IndicatorValue.goal_id == g.id,
                        EvaluationRound.cycle_year == promise.cycle_year,
                    )
                    .order_by(EvaluationRound.number.desc())  # type: ignore[attr-defined]
                ).first()
                found.append(
                    GoalOutcome(g.indicator, g.unit, g.baseline or 0.0, g.target or 0.0, last)
                )
        return found

    def _year_end_compilation(self, on: date, approve_it: bool = True) -> None:
        outcomes = self.outcomes()
        activities = [self._activity(k)["title"] for _, k in self._selected()]
        _add(
            self.pid,
            "compilation",
            {
                "summary": year_summary(self.spec["area"], self.places(), outcomes),
                "next_year_plan": next_year_plan(outcomes, activities),
                "official": f"{self.cast.coordinator.name}, trygghetssamordnare, "
                f"{self.spec['municipality']}",
            },
            self.compilation_day(),
            self.cast.coordinator,
        )
        if approve_it:
            # The steering group decides at its meeting: the municipal party's signatory.
            signer = self.cast.signer(self.spec["municipality"])
            with _on(on) as moment:
                approve(
                    signer,
                    ApprovalRequest(
                        promise_id=self.pid,
                        approved_by=f"Styrgruppen för medborgarlöftet i {self.spec['area']}",
                        decided_on=on,
                    ),
                    now=moment,
                )


def _signatory_title(spec: dict[str, Any]) -> str:
    """What the municipal party's signatory is: the head of its administration."""
    name = spec["municipality"]
    if spec.get("city_district"):
        return f"Stadsdelsdirektör, {name} stadsdelsförvaltning"
    if name.startswith("Region "):
        return f"Regiondirektör, {name}"
    return f"Kommundirektör, {name} kommun"


def _municipal_kind(entry: dict[str, Any]) -> OrganisationKind:
    return (
        OrganisationKind.CITY_DISTRICT
        if entry.get("city_district")
        else OrganisationKind.MUNICIPALITY
    )


def _police_coordinator_email(entry: dict[str, Any], police_area: str) -> str:
    slug = _slug(entry["municipality"])
    if police_area == entry["police_area"]:
        return f"kommunpolis.{slug}@polisen.example.se"
    return f"kommunpolis.{slug}.{_slug(police_area)}@polisen.example.se"


def _people(session: Session, entry: dict[str, Any], chiefs: dict[str, str]) -> None:
    """The promise's people, by name: the municipal coordinator and signatory, and for each
    police area its kommunpolis and its head (who signs for it)."""
    slug = _slug(entry["municipality"])
    people = entry["people"]
    for email, name, role in (
        (f"trygghetssamordnare@{slug}.example.se", people["coordinator"], "coordinator"),
        (f"styrgrupp@{slug}.example.se", people["signs"], "steering_group"),
    ):
        add_person(
            session,
            PersonInput(
                email=email,
                name=name,
                organisation=entry["municipality"],
                organisation_kind=_municipal_kind(entry),
                region="stockholm",
                role=role,  # type: ignore[arg-type]
            ),
        )
    # Each local police area's head signs the promise for the police (its steering group);
    # a district in two police areas has a kommunpolis and a head in each.
    for police_area in (entry["police_area"], *_also(entry)):
        lead = police_area == entry["police_area"]
        for email, name, role in (
            (
                f"chef.{_slug(police_area)}@polisen.example.se",
                chiefs[police_area],
                "steering_group",
            ),
            (
                _police_coordinator_email(entry, police_area),
                people["police"] if lead else people["police_also"],
                "coordinator",
            ),
        ):
            add_person(
                session,
                PersonInput(
                    email=email,
                    name=name,
                    organisation=police_area,
                    organisation_kind=OrganisationKind.LOCAL_POLICE_AREA,
                    region="stockholm",
                    role=role,  # type: ignore[arg-type]
                ),
            )


def _cast(entry: dict[str, Any]) -> _Cast:
    """The principals of the promise's people (as if each had signed in)."""
    slug = _slug(entry["municipality"])

    def of(session: Session, email: str) -> Principal:
        person = session.exec(select(Person).where(Person.email == email)).one()
        return principal_of(session, person, "demo")

    with session_scope() as s:
        signers = {entry["municipality"]: of(s, f"styrgrupp@{slug}.example.se")}
        for police_area in (entry["police_area"], *_also(entry)):
            signers[police_area] = of(s, f"chef.{_slug(police_area)}@polisen.example.se")
        return _Cast(
            coordinator=of(s, f"trygghetssamordnare@{slug}.example.se"),
            police=of(s, _police_coordinator_email(entry, entry["police_area"])),
            signers=signers,
        )


def load_demo(today: date | None = None, path: Path = DEMO_FILE) -> dict[str, Any]:
    """Create the demo promises (once: a second run reports what is there and adds nothing).

    Each promise is marked when it is complete; a run that was interrupted (even by SIGKILL)
    is finished by the next one, which removes the half-built promise and builds it again.
    """
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    today = today or local_today()
    done = _loaded_entries()
    already = len(done) == len(data["promises"])
    if not already:
        with session_scope() as s:
            for email, name, organisation in (
                ("brottsforebyggande@polisen.example.se", "Katarina Lund", "Polisregion Stockholm"),
                (
                    "samordnare@lansstyrelsen.example.se",
                    "Göran Westin",
                    "Länsstyrelsen i Stockholms län",
                ),
            ):
                add_person(
                    s,
                    PersonInput(
                        email=email,
                        name=name,
                        organisation=organisation,
                        region="stockholm",
                        role="regional_coordinator",  # type: ignore[arg-type]
                    ),
                )
            add_person(
                s,
                PersonInput(
                    email=DEMO_ADMIN,
                    name="Administratör (demo)",
                    role="admin",  # type: ignore[arg-type]
                ),
            )
        agreements = _organisations_and_agreements(data)
        _survey(data, today)
        for index, entry in enumerate(data["promises"]):
            if _entry_key(entry) in done:
                continue
            _remove_half_built(entry)
            entry = {
                **entry,
                "index": index,
                "vulnerable": entry["municipality"] in data["vulnerable_areas"],
            }
            _load_promise(entry, data["problems"], today, agreements, data["police_chiefs"])
        _demo_passwords()
    with session_scope() as s:
        promises = s.exec(select(Promise).where(Promise.region_id == data["region"])).all()
        orgs = {p.municipality_id for p in promises} | {p.police_area_id for p in promises}
        by_stage = Counter(p.stage.value for p in promises)
    return {
        "already_loaded": bool(already),
        "promises": len(promises),
        "organisations": len(orgs),
        "by_stage": {stage.value: by_stage.get(stage.value, 0) for stage in Stage},
        "sign_in": _sign_in_lines(),
    }


def _organisations_and_agreements(data: dict[str, Any]) -> dict[str, int]:
    """Register the parties (with their vulnerable-areas flag) and the agreements, once."""
    from application.promises import create_agreement, find_or_create_organisation
    from models import Agreement, Organisation
    from models.inputs import AgreementCreate

    with session_scope() as s:
        for entry in data["promises"]:
            kind = (
                OrganisationKind.CITY_DISTRICT
                if entry.get("city_district")
                else OrganisationKind.MUNICIPALITY
            )
            org: Organisation = find_or_create_organisation(
                s, data["region"], kind, entry["municipality"]
            )
            org.has_vulnerable_areas = entry["municipality"] in data["vulnerable_areas"]
            s.add(org)
            for police_area in (entry["police_area"], *_also(entry)):
                find_or_create_organisation(
                    s, data["region"], OrganisationKind.LOCAL_POLICE_AREA, police_area
                )
        ids: dict[str, int] = {}
        for a in data["agreements"]:
            existing = s.exec(select(Agreement).where(Agreement.title == a["title"])).first()
            if existing is None:
                existing = create_agreement(
                    s,
                    AgreementCreate(
                        region=data["region"],
                        municipality=a["districts"][0],
                        other_municipalities=a["districts"][1:],
                        police_area=a["police_area"],
                        municipality_is_city_district=bool(a.get("city_district")),
                        start=a["start"],
                        years=a["years"],
                        title=a["title"],
                        focus_areas=a["focus_areas"],
                        goals=a["goals"],
                        follow_up=a["follow_up"],
                        decided_by=a["decided_by"],
                        decided_on=a["decided_on"],
                        diarienummer=a.get("diarienummer", ""),
                        steering_group=a.get("steering_group", ""),
                        preparation_group=a.get("preparation_group", ""),
                        meeting_rhythm=a.get("meeting_rhythm", ""),
                        decisions=a.get("decisions", []),
                    ),
                )
            ids[a.get("key", a["police_area"])] = existing.id  # type: ignore[assignment]
        return ids


def _survey(data: dict[str, Any], today: date) -> None:
    """The police region's safety survey for every demo area, as a series: each autumn's
    results (presented at the end of September) up to the day the demo is loaded."""
    from models import SurveyResult

    with session_scope() as s:
        if s.exec(select(SurveyResult).where(SurveyResult.region_id == data["region"])).first():
            return
        for index, entry in enumerate(data["promises"]):
            area = entry.get("area", entry["municipality"])
            for year in range(2024, today.year + 1):
                if date(year, 9, 30) > today:
                    continue
                for q, question in enumerate(SURVEY_QUESTIONS):
                    s.add(
                        SurveyResult(
                            region_id=data["region"],
                            source=SURVEY_SOURCE,
                            year=year,
                            area=area,
                            question=question,
                            value=float(survey_value(index, year, q)),
                            unit="%",
                        )
                    )


DEMO_PASSWORD = "demo-lofte-2026"  # the only password Löfte ships: demo accounts only
DEMO_ADMIN = "admin@lofte.example.se"
DEMO_DOMAIN = ".example.se"
# The accounts `make run` prints, one per role, with what each can try (issue 25): Norrmalm's
# promise starts in 2027 and stands in its first stage, so a new coordinator can take it through
# the whole cycle; its steering groups sign for the city district and for the police.
SHOWN: tuple[tuple[str, str, str], ...] = (
    (
        "coordinator",
        "trygghetssamordnare@norrmalm.example.se",
        "Norrmalms löfte för 2027 står i första steget, Medborgardialog: registrera dialoger "
        "och ta det vidare steg för steg, eller skapa ett nytt löfte",
    ),
    (
        "coordinator",
        "kommunpolis.norrmalm@polisen.example.se",
        "kommunpolisen, den andra parten i samma löfte",
    ),
    (
        "steering_group",
        "styrgrupp@norrmalm.example.se",
        "skriver under löftet för stadsdelsnämnden och godkänner årssammanställningen",
    ),
    (
        "steering_group",
        "chef.lpo.norrmalm@polisen.example.se",
        "lokalpolisområdeschefen: skriver under löftet för polisen",
    ),
    (
        "regional_coordinator",
        "brottsforebyggande@polisen.example.se",
        "polisregionen: översikten över vem som är sen, /oversikt/stockholm",
    ),
    ("admin", DEMO_ADMIN, "personer, nycklar och den lokala brevlådan, /admin"),
)


def _demo_passwords() -> None:
    """Give every demo person (and only them: an ``.example.se`` address) the demo password."""
    from application.identity import hash_password

    hashed = hash_password(DEMO_PASSWORD)  # hashed once: argon2id is slow on purpose
    with session_scope() as s:
        for person in s.exec(select(Person)).all():
            if person.email.endswith(DEMO_DOMAIN) and s.get(LocalPassword, person.id) is None:
                s.add(LocalPassword(person_id=person.id, password_hash=hashed))  # type: ignore[arg-type]


def _sign_in_lines() -> list[str]:
    from config.settings import get_settings

    lines = [
        f"Logga in / sign in: {get_settings().service_url}/logga-in "
        f"(demo, lösenord / password: {DEMO_PASSWORD})",
    ]
    for role, email, what in SHOWN:
        lines += [f"  {email:<52} {role}", f"      {what}"]
    lines += [
        "  CLI: lofte login EMAIL    HTTP API: POST /api/session, or a token (lofte token create)",
        f"  alla / everyone: lofte person list --actor {DEMO_ADMIN}",
    ]
    return lines


LOADED = "demo_promise_loaded"


def _entry_key(entry: dict[str, Any]) -> str:
    return f"{entry['municipality']}|{entry['start']}"


def _loaded_entries() -> set[str]:
    with session_scope() as s:
        events = s.exec(select(AuditEvent).where(AuditEvent.action == LOADED)).all()
        return {str(e.details.get("entry")) for e in events}


def _remove_half_built(entry: dict[str, Any]) -> None:
    """Delete what an interrupted run left of this entry's promise (and its successor), with
    every row that points at them, so it can be built again from the start."""
    from sqlalchemy import delete
    from sqlmodel import SQLModel, col

    with session_scope() as s:
        starts = (
            [entry["start"]]
            if isinstance(entry["start"], date)
            else [date.fromisoformat(str(entry["start"]))]
        )
        area = entry.get("area", entry["municipality"])
        ids = [
            p.id
            for p in s.exec(
                select(Promise).where(
                    Promise.area_name == area, col(Promise.term_start).in_(starts)
                )
            ).all()
        ]
        if not ids:
            return
        frontier = list(ids)
        while frontier:  # every renewal built from it, and theirs
            frontier = [
                p.id
                for p in s.exec(
                    select(Promise).where(col(Promise.previous_promise_id).in_(frontier))
                ).all()
            ]
            ids += frontier
        tables = SQLModel.metadata.sorted_tables
        owned: dict[str, list[Any]] = {"promise": ids}  # table -> ids of its rows to delete
        for table in tables:  # parents before children: collect every row that hangs on them
            for fk in table.foreign_keys:
                parent = fk.column.table.name
                if parent in owned and owned[parent] and table.name != "promise":
                    key = table.primary_key.columns.values()[0]
                    rows = (
                        s.execute(select(key).where(fk.parent.in_(owned[parent]))).scalars().all()
                    )
                    owned.setdefault(table.name, []).extend(rows)
        for table in reversed(tables):  # children first
            if owned.get(table.name):
                key = table.primary_key.columns.values()[0]
                s.execute(delete(table).where(key.in_(owned[table.name])))


def _load_promise(
    entry: dict[str, Any],
    templates: dict[str, Any],
    today: date,
    agreements: dict[str, int],
    chiefs: dict[str, str],
) -> None:
    """Build one area's promises (the first, then each renewal), then mark it complete."""
    spec = _spec(entry, agreements)
    with session_scope() as s:
        _people(s, spec, chiefs)
    cast = _cast(spec)
    pid = _create_first(spec, today, cast)
    _build(pid, spec, templates, today, cast)
    with session_scope() as s:
        audit(
            s,
            promise_id=pid,
            actor=ACTOR,
            action=LOADED,
            details={"entry": _entry_key(entry)},
            at=_at(today),  # the demo's "today", not the machine's
        )


DEFAULT_PROBLEMS = ["fewer-young-at-risk", "fewer-criminals-exit", "vulnerable-victims-offenders"]
NEXT_ONLY = ("stop", "rounds", "early", "next")


def _also(entry: dict[str, Any]) -> list[str]:
    """The further police areas of a district split between two (``also_police_area``)."""
    also = entry.get("also_police_area")
    return [also] if also else []


def _spec(entry: dict[str, Any], agreements: dict[str, int]) -> dict[str, Any]:
    """An entry with its defaults: area, problems."""
    spec = dict(entry)
    spec.setdefault("area", entry["municipality"])
    if "problems" not in spec:
        spec["problems"] = [
            *(["fewer-vulnerable-areas"] if entry.get("vulnerable") else []),
            *DEFAULT_PROBLEMS,
            *(["city-unsafe-places"] if entry.get("city_district") else []),
        ]
    spec["agreement_id"] = agreements.get(entry.get("agreement", ""))
    return spec


def _create_first(spec: dict[str, Any], today: date, cast: _Cast) -> int:
    """The area's first promise, created by its coordinator the spring before its term (or
    today, if later)."""
    created = min(previous_working_day(spec["start"] - timedelta(days=130)), today)
    with _on(created):
        promise = create_promise_as(
            cast.coordinator,
            PromiseCreate(
                region="stockholm",
                municipality=spec["municipality"],
                police_area=spec["police_area"],
                area_name=spec["area"],
                start=spec["start"],
                years=spec["years"],
                municipality_is_city_district=bool(spec.get("city_district")),
                also_police_areas=_also(spec),
                agreement_id=spec["agreement_id"],
            ),
        )
    return promise.id


def _build(
    pid: int, spec: dict[str, Any], templates: dict[str, Any], today: date, cast: _Cast
) -> None:
    """Work the promise through its stages by date; open and build its renewal when due."""
    builder = _Builder(spec, templates, pid, today, cast)
    stop = Stage(spec["stop"]) if spec.get("stop") else None
    renew_on = renewal_date(
        spec["start"], spec["years"], get_calendars().rules("stockholm").renewal
    )
    renewed = False
    for stage in CYCLE:
        leave = builder.leave_day(stage)
        if stage is stop or leave > today:
            _partial(builder, stage, stop)
            break
        builder.fill(stage)
        if not renewed and renew_on <= today and leave > renew_on:
            _renew(pid, spec, templates, today, renew_on, cast)
            renewed = True
        builder.advance(leave)
    if not renewed and renew_on <= today:
        _renew(pid, spec, templates, today, renew_on, cast)


def _partial(builder: _Builder, stage: Stage, stop: Stage | None) -> None:
    """What is done of the current stage by today (a stopped promise: what was done in time)."""
    if stage is Stage.CONTINUOUS_EVALUATION:
        builder.fill(stage)  # the rounds that are due (and, for a late promise, fewer)
        builder.update_ahead()
    elif stage is Stage.YEAR_END_COMPILATION and builder.compilation_day() <= builder.today:
        builder._year_end_compilation(builder.today, approve_it=False)  # written, not approved
    elif (
        stage is Stage.RESIDENT_DIALOGUE
        and stage is not stop
        and builder.work_day(stage) <= builder.today
    ):
        builder.fill(stage)


def _next_dialogues(dialogues: list[dict[str, Any]], year: int) -> list[dict[str, Any]]:
    """The next cycle's dialogues: the same ways of asking a year later, with more taking part
    (residents have seen something come of the last ones) and the last year's results told."""
    return [
        {
            **d,
            "participants": min(d["participants"] + 2, 25)
            if d["method"] == "safety_walk"  # a walk stays a group that can walk together
            else round(d["participants"] * 1.15),
            "results": f"{d['results']} Deltagarna fick höra vad som gjordes {year - 1}.",
        }
        for d in dialogues
    ]


def _renew(
    pid: int,
    spec: dict[str, Any],
    templates: dict[str, Any],
    today: date,
    on: date,
    cast: _Cast,
) -> None:
    """Open the next cycle on its renewal day (the daily run), then build it by date (as
    ``next`` says)."""
    from application.next_cycle import open_next_cycle

    with _on(on) as moment:
        new = open_next_cycle(pid, ACTOR, now=moment)
    nxt = {k: v for k, v in spec.items() if k not in NEXT_ONLY}
    nxt["dialogues"] = _next_dialogues(spec.get("dialogues") or [], new.term_start.year)
    nxt.update(spec.get("next") or {})
    nxt["start"] = new.term_start
    _build(new.id, nxt, templates, today, cast)  # type: ignore[arg-type]
