"""``lofte demo``: loads config/demo.yaml, a realistic Stockholm region with promises in every
stage, by the same functions coordinators use (so every row is valid and audited)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlmodel import Session, select

from application.artefacts import add_artefact
from application.promises import add_person, create_promise
from application.transitions import advance_promise
from config.calendar import get_calendars
from config.clock import local_today
from effects.audit import audit
from effects.hooks import after_create
from lifecycle.calendar import previous_working_day
from lifecycle.permissions import system_principal
from lifecycle.renewal import renewal_date
from lifecycle.stages import CYCLE, Stage
from lifecycle.term import term_end
from lifecycle.vocabulary import OrganisationKind
from models import (
    Activity,
    AuditEvent,
    EvaluationRound,
    Goal,
    LocalPassword,
    Person,
    Problem,
    Promise,
)
from models.db import session_scope
from models.inputs import PersonInput, PromiseCreate

DEMO_FILE = Path(__file__).resolve().parent.parent / "config" / "demo.yaml"
ACTOR = system_principal("demo@lofte.local", "Löfte demo")


def _at(day: date) -> datetime:
    return datetime.combine(day, time(9, 0), tzinfo=UTC)


def _slug(name: str) -> str:
    table = str.maketrans("åäöéÅÄÖ -", "aaoeaao..")
    return name.translate(table).lower()


def _add(pid: int, kind: str, data: dict[str, Any], on: date) -> Any:
    """Record an artefact as the coordinators did, on the day ``on``."""
    with session_scope() as s:
        return add_artefact(s, pid, kind, data, ACTOR, now=_at(on)).id  # type: ignore[attr-defined]


def _ids(pid: int, model: Any) -> list[int]:
    with session_scope() as s:
        return list(
            s.exec(select(model.id).where(model.promise_id == pid).order_by(model.id)).all()
        )


# Approximate coordinates (WGS84) of the demo's places, so their export to GIS has points.
COORDINATES = {
    "Vällingby centrum": (59.3632, 17.8721),
    "Brommaplan": (59.3385, 17.9395),
    "Rinkeby torg": (59.3880, 17.9286),
    "Tensta centrum": (59.3945, 17.9010),
    "Skärholmens centrum": (59.2770, 17.9070),
    "Rågsveds centrum": (59.2566, 18.0283),
    "Farsta centrum": (59.2436, 18.0931),
    "Medborgarplatsen": (59.3143, 18.0735),
    "Sergels torg": (59.3326, 18.0649),
    "Sollentuna station": (59.4280, 17.9484),
    "Jakobsbergs centrum": (59.4228, 17.8336),
    "Fittja centrum": (59.2475, 17.8610),
    "Ronna": (59.2060, 17.6050),
    "Flemingsbergs station": (59.2194, 17.9466),
    "Orminge centrum": (59.3275, 18.2560),
    "Östercentrum i Visby": (57.6380, 18.3000),
}


def _place(name: str) -> dict[str, Any]:
    """A place with its coordinates where the demo knows them."""
    if name in COORDINATES:
        lat, lon = COORDINATES[name]
        return {"name": name, "lat": lat, "lon": lon}
    return {"name": name}


def _indicator(baseline: float, target: float, round_number: int, index: int) -> int:
    """A plausible count: every other goal on track, the rest getting only part of the way."""
    pace = 1.05 if index % 2 == 0 else 0.5
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


class _Builder:
    """Builds one promise stage by stage, each on its own (working) day, never after today."""

    def __init__(self, spec: dict[str, Any], templates: dict[str, Any], pid: int, today: date):
        self.spec, self.templates, self.pid, self.today = spec, templates, pid, today
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
        getattr(self, f"_{stage.value}")(self.work_day(stage))

    def _areas(self) -> list[str]:
        return list(self.spec["problems"])

    def _resident_dialogue(self, on: date) -> None:
        place = self.spec["place"]
        for n in range(self.spec.get("dialogues", 2)):
            held = previous_working_day(on - timedelta(days=30 - 14 * n))
            _add(
                self.pid,
                "dialogue",
                {
                    "method": ["safety_walk", "survey"][n % 2],
                    "held_from": held,
                    "target_group": ["Boende och föreningar", "Alla invånare 16 år och äldre"][
                        n % 2
                    ],
                    "participants": [34, 612][n % 2],
                    "unsafe_places": [
                        {"place": place, "when": "kvällar"},
                        {"place": "gångtunneln vid skolan", "when": "eftermiddag"},
                    ],
                    "themes": [
                        self.templates[key]["title"].format(place=place).split(" vid ")[0]
                        for key in self._areas()[:3]
                    ],
                    "results": f"Invånarna känner sig otrygga vid {place} kvällstid och efterfrågar mer synlig närvaro.",
                    "safety_survey": "Trygghetsmätningen: 38 % känner sig otrygga ute sent på kvällen i området.",
                },
                on,
            )

    def _joint_analysis(self, on: date) -> None:
        place = self.spec["place"]
        _add(
            self.pid,
            "situation_picture",
            {
                "party": "police",
                "summary": f"Narkotikabrott och personrån koncentrerade till {place}.",
                "sources": ["RAR-data", "underrättelser"],
            },
            on,
        )
        _add(
            self.pid,
            "situation_picture",
            {
                "party": "municipality",
                "summary": "Skola och socialtjänst ser fler unga i riskzon; fältassistenter rapporterar grupperingar.",
                "sources": ["trygghetsmätningen", "skolans elevhälsa"],
                "frame_areas": self._frame_notes(),
            },
            on,
        )
        _add(
            self.pid,
            "situation_picture",
            {
                "party": "joint",
                "summary": f"Gemensam lägesbild: otryggheten och brotten samlas kring {place} "
                "kvällstid; unga i riskzon rekryteras där.",
                "sources": ["polisens lägesbild", "förvaltningens lägesbild", "trygghetsmätningen"],
            },
            on,
        )
        for key in self._areas():
            t = self.templates[key]
            _add(
                self.pid,
                "problem",
                {
                    "title": t["title"].format(place=place),
                    "description": t["description"],
                    "when": t["when"],
                    "scale": t["scale"],
                    "trend": t["trend"],
                    "selected": True,
                    "priority_area": t.get("priority_area"),
                    "also_priority_areas": t.get("also", []),
                    "agreement_focus_area": t.get("agreement_focus_area"),
                    "local_reason": t.get("local_reason", ""),
                    "places": [_place(place)],
                },
                on,
            )
        _add(
            self.pid,
            "problem",
            {
                "title": "Nedskräpning i parker",
                "description": "Lyftes i dialogen men prioriteras inte i år.",
            },
            on,
        )

    def _frame_notes(self) -> list[dict[str, Any]]:
        """What the picture says about each of the city's five areas (a city district), or
        "ej aktuellt här" with the reason the entry gives."""
        from views.snapshot import priority_scope

        with session_scope() as s:
            promise = s.get(Promise, self.pid)
            assert promise is not None
            frame, names = priority_scope(s, promise).frame, priority_scope(s, promise).names
        not_here = self.spec.get("not_relevant_here") or {}
        return [
            {"area": a, "not_relevant": True, "reason": not_here[a]}
            if a in not_here
            else {
                "area": a,
                "note": f"{names.get(a, a)}: se trygghetsmätningen och polisens lägesbild för "
                f"{self.spec['place']}.",
            }
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
            )

    def _goals(self, on: date) -> None:
        for problem_id, key in self._selected():
            _add(
                self.pid,
                "goal",
                {
                    "problem_id": problem_id,
                    "target_date": self.end,
                    "indicator_source": "trygghetsmätningen"
                    if "trygghetsmätningen" in self.templates[key]["goal"]["indicator"]
                    else "polisens och förvaltningens statistik",
                    "baseline_date": previous_working_day(self.start - timedelta(days=120)),
                    "frequency": "årligen"
                    if "trygghetsmätningen" in self.templates[key]["goal"]["indicator"]
                    else "tertialvis",
                    **self.templates[key]["goal"],
                },
                on,
            )

    def _action_plan(self, on: date) -> None:
        from models import CauseAnalysis

        keys = dict(self._selected())
        with session_scope() as s:
            goals = [
                (g.id, g.problem_id)
                for g in s.exec(select(Goal).where(Goal.promise_id == self.pid)).all()
            ]
            causes = {
                c.problem_id: c.id
                for c in s.exec(
                    select(CauseAnalysis).where(CauseAnalysis.promise_id == self.pid)
                ).all()
            }
        responsible = {
            "police": "Kommunpolis",
            "municipality": "Trygghetssamordnare",
            "joint": "Kommunpolis och trygghetssamordnare",
            "other": "Samordnare hos den ansvariga aktören",
        }
        for goal_id, problem_id in goals:
            a = self.templates[keys[problem_id]]["activity"]
            _add(
                self.pid,
                "activity",
                {
                    "goal_id": goal_id,
                    "cause_analysis_id": causes.get(problem_id),
                    "responsible": responsible[a["owner_party"]],
                    "start": self.start,
                    "end": self.end,
                    **a,
                },
                on,
            )
        place = self.spec["place"]
        texts = {
            "police_promises": f"Polisen lovar att vara synlig vid {place} minst tre kvällar i veckan.",
            "municipality_promises": f"{self.spec['party_word']} lovar bättre belysning vid {place}, fältassistenter på kvällstid och stöd till den som vill lämna kriminalitet.",
            "joint_promises": self.spec.get("joint_text", ""),
        }
        _add(self.pid, "promise_text", {**texts, "backing": self._backing(texts)}, on)
        _add(
            self.pid,
            "signoff",
            {
                "party": "police",
                "organisation": self.spec["police_area"],
                "signed_by": "Anders Lind",
                "signed_as": f"Lokalpolisområdeschef, {self.spec['police_area']}",
                "signed_on": on,
            },
            on,
        )
        for other in _also(self.spec):  # a district in two police areas: each LPO signs
            _add(
                self.pid,
                "signoff",
                {
                    "party": "police",
                    "organisation": other,
                    "signed_by": "Sara Lindqvist",
                    "signed_as": f"Lokalpolisområdeschef, {other}",
                    "signed_on": on,
                },
                on,
            )
        _add(
            self.pid,
            "signoff",
            {
                "party": "municipality",
                "signed_by": "Maria Holm",
                "signed_as": f"Styrgruppens ordförande, {self.spec['municipality']}",
                "signed_on": on,
            },
            on,
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
        place = self.spec["place"]
        _add(
            self.pid,
            "analysis_update",
            {
                "survey_results": f"Trygghetsmätningen {on.year}: 34 % känner sig otrygga ute sent "
                f"på kvällen i området, mot 38 % året före; kring {place} är andelen oförändrad.",
                "situation_picture": f"Narkotikabrotten vid {place} har minskat sedan närvaron "
                "ökade; fältassistenterna ser nya grupperingar vid skolan på eftermiddagarna.",
                "priorities": "Styrgruppen behåller fokusområdena för år 2 och flyttar en del "
                "av kvällsnärvaron till skolans närhet på eftermiddagarna.",
                "reviewed_by": "Styrgruppen",
                "reviewed_on": on,
                "for_next_year": True,
            },
            on,
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
            statuses = []
            for i, activity_id in enumerate(activities):
                if number >= 2 and i == 1:
                    statuses.append(
                        {
                            "activity_id": activity_id,
                            "status": "not_done",
                            "reason": "Fältassistenterna saknades under sommaren på grund av vakanser.",
                        }
                    )
                else:
                    statuses.append(
                        {"activity_id": activity_id, "status": "done" if number == 3 else "ongoing"}
                    )
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
                    "submitted_by": "Trygghetssamordnare",
                    "activities": statuses,
                    "indicators": values,
                    "feedback_to_residents": f"Uppföljning {number}: vi har haft närvaro vid {self.spec['place']} och bytt belysning; fältassistenterna har inte kunnat arbeta i full omfattning.",
                    "feedback_channel": "webbplatsen och lokaltidningen",
                    **(
                        {
                            "deviations": "Fältassistenterna arbetade inte under sommaren "
                            "(vakanser); kvällsnärvaron höll planen.",
                            "decisions": "Styrgruppen lånar in fältassistenter från "
                            "grannstadsdelen till hösten.",
                        }
                        if number >= 2
                        else {}
                    ),
                },
                submitted,
            )

    def _year_end_compilation(self, on: date, approve: bool = True) -> None:
        _add(
            self.pid,
            "compilation",
            {
                "summary": f"Narkotikabrotten vid {self.spec['place']} minskade; personrånen ligger kvar på samma nivå.",
                "next_year_plan": "Behåll närvaron, förstärk fältarbetet och följ upp avhopparverksamheten.",
                "official": f"Trygghetssamordnaren, {self.spec['municipality']}",
            },
            self.compilation_day(),
        )
        if approve:
            _add(self.pid, "approval", {"approved_by": "Styrgruppen"}, on)


def _people(session: Session, entry: dict[str, Any]) -> None:
    slug = _slug(entry["municipality"])
    municipal_kind = (
        OrganisationKind.CITY_DISTRICT
        if entry.get("city_district")
        else OrganisationKind.MUNICIPALITY
    )
    add_person(
        session,
        PersonInput(
            email=f"trygghetssamordnare@{slug}.example.se",
            name=f"Trygghetssamordnare {entry['municipality']}",
            organisation=entry["municipality"],
            organisation_kind=municipal_kind,
            region="stockholm",
            role="coordinator",  # type: ignore[arg-type]
        ),
    )
    add_person(
        session,
        PersonInput(
            email=f"styrgrupp@{slug}.example.se",
            name=f"Styrgruppen {entry['municipality']}",
            organisation=entry["municipality"],
            organisation_kind=municipal_kind,
            region="stockholm",
            role="steering_group",  # type: ignore[arg-type]
        ),
    )
    # Each local police area's head signs the promise for the police (its steering group);
    # a district in two police areas has a kommunpolis and a head in each.
    for police_area in (entry["police_area"], *_also(entry)):
        add_person(
            session,
            PersonInput(
                email=f"chef.{_slug(police_area)}@polisen.example.se",
                name=f"Lokalpolisområdeschef {police_area}",
                organisation=police_area,
                organisation_kind=OrganisationKind.LOCAL_POLICE_AREA,
                region="stockholm",
                role="steering_group",  # type: ignore[arg-type]
            ),
        )
        add_person(
            session,
            PersonInput(
                email=f"kommunpolis.{slug}.{_slug(police_area)}@polisen.example.se"
                if police_area != entry["police_area"]
                else f"kommunpolis.{slug}@polisen.example.se",
                name=f"Kommunpolis {police_area}",
                organisation=police_area,
                organisation_kind=OrganisationKind.LOCAL_POLICE_AREA,
                region="stockholm",
                role="coordinator",  # type: ignore[arg-type]
            ),
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
            add_person(
                s,
                PersonInput(
                    email="brottsforebyggande@polisen.example.se",
                    name="Regional samordnare, Polisregion Stockholm",
                    organisation="Polisregion Stockholm",
                    region="stockholm",
                    role="regional_coordinator",  # type: ignore[arg-type]
                ),
            )
            add_person(
                s,
                PersonInput(
                    email="samordnare@lansstyrelsen.example.se",
                    name="Länsstyrelsen i Stockholms län",
                    organisation="Länsstyrelsen i Stockholms län",
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
        for entry in data["promises"]:
            if _entry_key(entry) in done:
                continue
            _remove_half_built(entry)
            entry = {**entry, "vulnerable": entry["municipality"] in data["vulnerable_areas"]}
            _load_promise(entry, data["problems"], today, agreements)
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
            find_or_create_organisation(
                s, data["region"], OrganisationKind.LOCAL_POLICE_AREA, entry["police_area"]
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

    questions = ("Otrygg ute sent på kvällen i området", "Avstår från aktiviteter av otrygghet")
    with session_scope() as s:
        if s.exec(select(SurveyResult).where(SurveyResult.region_id == data["region"])).first():
            return
        for index, entry in enumerate(data["promises"]):
            area = entry.get("area", entry["municipality"])
            for year in range(2024, today.year + 1):
                if date(year, 9, 30) > today:
                    continue
                for q, question in enumerate(questions):
                    base = 24 + (index * 7) % 19 + q * -6
                    s.add(
                        SurveyResult(
                            region_id=data["region"],
                            source="Polisregion Stockholms trygghetsmätning",
                            year=year,
                            area=area,
                            question=question,
                            value=float(base - (year - 2024) * (1 + index % 3)),
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
    entry: dict[str, Any], templates: dict[str, Any], today: date, agreements: dict[str, int]
) -> None:
    """Build one area's promises (the first, then each renewal), then mark it complete."""
    spec = _spec(entry, agreements)
    pid = _create_first(spec, today)
    _build(pid, spec, templates, today)
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
NEXT_ONLY = ("stop", "rounds", "dialogues", "early", "next")


def _also(entry: dict[str, Any]) -> list[str]:
    """The further police areas of a district split between two (``also_police_area``)."""
    also = entry.get("also_police_area")
    return [also] if also else []


def _spec(entry: dict[str, Any], agreements: dict[str, int]) -> dict[str, Any]:
    """An entry with its defaults: area, problems, the word for the municipal party."""
    spec = dict(entry)
    spec.setdefault("area", entry["municipality"])
    if "problems" not in spec:
        spec["problems"] = [
            *(["fewer-vulnerable-areas"] if entry.get("vulnerable") else []),
            *DEFAULT_PROBLEMS,
            *(["city-unsafe-places"] if entry.get("city_district") else []),
        ]
    if entry.get("city_district"):
        spec["party_word"] = "Stadsdelsnämnden"
    elif entry["municipality"].startswith("Region "):
        spec["party_word"] = entry["municipality"]
    else:
        spec["party_word"] = "Kommunen"
    spec["agreement_id"] = agreements.get(entry.get("agreement", ""))
    return spec


def _create_first(spec: dict[str, Any], today: date) -> int:
    """The area's first promise, created the spring before its term (or today, if later)."""
    created = min(previous_working_day(spec["start"] - timedelta(days=130)), today)
    with session_scope() as s:
        promise = create_promise(
            s,
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
            ACTOR,
            now=_at(created),
        )
        after_create(s, promise, created)
        _people(s, spec)
        return promise.id  # type: ignore[return-value]


def _build(pid: int, spec: dict[str, Any], templates: dict[str, Any], today: date) -> None:
    """Work the promise through its stages by date; open and build its renewal when due."""
    builder = _Builder(spec, templates, pid, today)
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
            _renew(pid, spec, templates, today, renew_on)
            renewed = True
        advance_promise(pid, ACTOR, now=_at(leave))
    if not renewed and renew_on <= today:
        _renew(pid, spec, templates, today, renew_on)


def _partial(builder: _Builder, stage: Stage, stop: Stage | None) -> None:
    """What is done of the current stage by today (a stopped promise: what was done in time)."""
    if stage is Stage.CONTINUOUS_EVALUATION:
        builder.fill(stage)  # the rounds that are due (and, for a late promise, fewer)
        builder.update_ahead()
    elif stage is Stage.YEAR_END_COMPILATION and builder.compilation_day() <= builder.today:
        builder._year_end_compilation(builder.today, approve=False)  # written, not yet approved
    elif (
        stage is Stage.RESIDENT_DIALOGUE
        and stage is not stop
        and builder.work_day(stage) <= builder.today
    ):
        builder.fill(stage)


def _renew(
    pid: int, spec: dict[str, Any], templates: dict[str, Any], today: date, on: date
) -> None:
    """Open the next cycle on its renewal day, then build it by date (as ``next`` says)."""
    from application.next_cycle import open_next_cycle

    new = open_next_cycle(pid, ACTOR, now=_at(on))
    nxt = {k: v for k, v in spec.items() if k not in NEXT_ONLY}
    nxt.update(spec.get("next") or {})
    nxt["start"] = new.term_start
    _build(new.id, nxt, templates, today)  # type: ignore[arg-type]
