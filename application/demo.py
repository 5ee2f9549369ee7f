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
from config.clock import local_today
from effects.audit import audit
from effects.hooks import after_create
from lifecycle.permissions import system_principal
from lifecycle.stages import CYCLE, Stage
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
MANDATORY = [
    "fewer-vulnerable-areas",
    "fewer-young-at-risk",
    "fewer-criminals-exit",
    "vulnerable-victims-offenders",
]


def _at(day: date) -> datetime:
    return datetime.combine(day, time(9, 0), tzinfo=UTC)


def _slug(name: str) -> str:
    table = str.maketrans("åäöéÅÄÖ -", "aaoeaao..")
    return name.translate(table).lower()


def _add(pid: int, kind: str, data: dict[str, Any]) -> Any:
    with session_scope() as s:
        return add_artefact(s, pid, kind, data, ACTOR).id  # type: ignore[attr-defined]


def _ids(pid: int, model: Any) -> list[int]:
    with session_scope() as s:
        return list(
            s.exec(select(model.id).where(model.promise_id == pid).order_by(model.id)).all()
        )


def _indicator(baseline: float, target: float, round_number: int, index: int) -> float:
    """A plausible value: every other goal on track, the rest getting only part of the way."""
    pace = 1.05 if index % 2 == 0 else 0.5
    return round(baseline + (target - baseline) * pace * round_number / 3, 1)


class _Builder:
    """Fills one promise's stages with the demo content."""

    def __init__(self, entry: dict[str, Any], problems: dict[str, Any], pid: int):
        self.entry, self.templates, self.pid = entry, problems, pid
        self.start: date = entry["start"]
        self.end: date = self.start.replace(year=self.start.year + entry["years"]) - timedelta(
            days=1
        )
        self.areas = [*MANDATORY, "city-unsafe-places"] if entry.get("city_district") else MANDATORY

    def fill(self, stage: Stage) -> None:
        getattr(self, f"_{stage.value}")()

    def _resident_dialogue(self) -> None:
        place = self.entry["place"]
        for n in range(self.entry.get("dialogues", 2)):
            _add(
                self.pid,
                "dialogue",
                {
                    "method": ["safety_walk", "survey"][n % 2],
                    "held_from": self.start - timedelta(days=100 - 14 * n),
                    "target_group": ["Boende och föreningar", "Alla invånare 16 år och äldre"][
                        n % 2
                    ],
                    "participants": [34, 612][n % 2],
                    "unsafe_places": [
                        {"place": place, "when": "kvällar"},
                        {"place": "gångtunneln vid skolan", "when": "eftermiddag"},
                    ],
                    "themes": ["belysning", "narkotikaförsäljning", "ungdomsgrupper"],
                    "results": f"Invånarna känner sig otrygga vid {place} kvällstid och efterfrågar mer synlig polis.",
                },
            )

    def _joint_analysis(self) -> None:
        _add(
            self.pid,
            "situation_picture",
            {
                "party": "police",
                "summary": f"Narkotikabrott och personrån koncentrerade till {self.entry['place']}.",
                "sources": ["RAR-data", "underrättelser"],
            },
        )
        _add(
            self.pid,
            "situation_picture",
            {
                "party": "municipality",
                "summary": "Skola och socialtjänst ser fler unga i riskzon; fältassistenter rapporterar grupperingar.",
                "sources": ["trygghetsmätningen", "skolans elevhälsa"],
            },
        )
        for area in self.areas:
            t = self.templates[area]
            _add(
                self.pid,
                "problem",
                {
                    "title": t["title"].format(place=self.entry["place"]),
                    "description": t["description"],
                    "when": t["when"],
                    "scale": t["scale"],
                    "trend": t["trend"],
                    "selected": True,
                    "priority_area": area,
                    "places": [{"name": self.entry["place"]}],
                },
            )
        _add(
            self.pid,
            "problem",
            {
                "title": "Nedskräpning i parker",
                "description": "Lyftes i dialogen men prioriteras inte i år.",
            },
        )

    def _root_cause_analysis(self) -> None:
        with session_scope() as s:
            problems = s.exec(
                select(Problem).where(Problem.promise_id == self.pid, Problem.selected)
            ).all()  # type: ignore[arg-type]
            pairs = [(p.id, p.priority_area_id or "") for p in problems]
        for problem_id, area in pairs:
            _add(
                self.pid,
                "cause_analysis",
                {"problem_id": problem_id, **self.templates[area]["cause"]},
            )

    def _goals(self) -> None:
        with session_scope() as s:
            problems = s.exec(
                select(Problem).where(Problem.promise_id == self.pid, Problem.selected)
            ).all()  # type: ignore[arg-type]
            pairs = [(p.id, p.priority_area_id or "") for p in problems]
        for problem_id, area in pairs:
            _add(
                self.pid,
                "goal",
                {"problem_id": problem_id, "target_date": self.end, **self.templates[area]["goal"]},
            )

    def _action_plan(self) -> None:
        from models import CauseAnalysis

        with session_scope() as s:
            goals = s.exec(select(Goal).where(Goal.promise_id == self.pid)).all()
            problem_area = {
                p.id: p.priority_area_id
                for p in s.exec(select(Problem).where(Problem.promise_id == self.pid)).all()
            }
            causes = {
                c.problem_id: c.id
                for c in s.exec(
                    select(CauseAnalysis).where(CauseAnalysis.promise_id == self.pid)
                ).all()
            }
            rows = [(g.id, g.problem_id, problem_area[g.problem_id] or "") for g in goals]
        for goal_id, problem_id, area in rows:
            a = self.templates[area]["activity"]
            responsible = "Kommunpolis" if a["owner_party"] == "police" else "Trygghetssamordnare"
            _add(
                self.pid,
                "activity",
                {
                    "goal_id": goal_id,
                    "cause_analysis_id": causes.get(problem_id),
                    "responsible": responsible,
                    "start": self.start,
                    "end": self.end,
                    **a,
                },
            )
        place = self.entry["place"]
        _add(
            self.pid,
            "promise_text",
            {
                "police_promises": f"Polisen lovar att vara synlig vid {place} minst tre kvällar i veckan och att följa upp varje anmält personrån mot unga.",
                "municipality_promises": f"Kommunen lovar bättre belysning vid {place}, fältassistenter på kvällstid och stöd till den som vill lämna kriminalitet.",
            },
        )
        signed = self.start - timedelta(days=12)
        _add(
            self.pid,
            "signoff",
            {
                "party": "police",
                "signed_by": f"Lokalpolisområdeschef, {self.entry['police_area']}",
                "signed_on": signed,
            },
        )
        _add(
            self.pid,
            "signoff",
            {
                "party": "municipality",
                "signed_by": f"Styrgruppens ordförande, {self.entry['municipality']}",
                "signed_on": signed,
            },
        )

    def _continuous_evaluation(self, rounds: int | None = None) -> None:
        count = self.entry.get("submitted_rounds", 3) if rounds is None else rounds
        activities = _ids(self.pid, Activity)
        with session_scope() as s:
            goals = [
                (g.id, g.baseline or 0.0, g.target or 0.0)
                for g in s.exec(
                    select(Goal).where(Goal.promise_id == self.pid).order_by(Goal.id)  # type: ignore[arg-type]
                ).all()
            ]  # type: ignore[arg-type]
        with session_scope() as s:
            due = [
                (r.number, r.due)
                for r in s.exec(
                    select(EvaluationRound)
                    .where(EvaluationRound.promise_id == self.pid)
                    .order_by(EvaluationRound.number)  # type: ignore[arg-type]
                ).all()
            ]  # type: ignore[arg-type]
        for number, due_on in due[:count]:
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
                    "measured_on": due_on - timedelta(days=5),
                }
                for i, (g_id, baseline, target) in enumerate(goals)
            ]
            round_id = _add(
                self.pid,
                "evaluation",
                {
                    "round": number,
                    "submitted_by": "Trygghetssamordnare",
                    "activities": statuses,
                    "indicators": values,
                    "feedback_to_residents": f"Uppföljning {number}: vi har haft närvaro vid {self.entry['place']} och bytt belysning; fältassistenterna har inte kunnat arbeta i full omfattning.",
                    "feedback_channel": "kommunens webbplats och lokaltidningen",
                },
            )
            with session_scope() as s:
                rnd = s.get(EvaluationRound, round_id)
                assert rnd is not None
                rnd.submitted_at = _at(due_on - timedelta(days=3))
                s.add(rnd)

    def _year_end_compilation(self) -> None:
        _add(
            self.pid,
            "compilation",
            {
                "summary": f"Narkotikabrotten vid {self.entry['place']} minskade; personrånen ligger kvar på samma nivå.",
                "next_year_plan": "Behåll närvaron, förstärk fältarbetet och följ upp avhopparverksamheten.",
            },
        )
        _add(self.pid, "approval", {"approved_by": "Styrgruppen"})

    def transition_day(self, stage: Stage) -> date:
        """When the demo moves the promise out of ``stage``."""
        offsets = {
            Stage.RESIDENT_DIALOGUE: -70,
            Stage.JOINT_ANALYSIS: -56,
            Stage.ROOT_CAUSE_ANALYSIS: -42,
            Stage.GOALS: -28,
            Stage.ACTION_PLAN: -10,
        }
        if stage in offsets:
            return self.start + timedelta(days=offsets[stage])
        if stage is Stage.CONTINUOUS_EVALUATION:
            return self.start.replace(year=self.start.year + 1) + timedelta(days=2)
        return self.start.replace(year=self.start.year + 1) + timedelta(days=20)


def _people(session: Session, entry: dict[str, Any]) -> None:
    slug = _slug(entry["municipality"])
    add_person(
        session,
        PersonInput(
            email=f"trygghetssamordnare@{slug}.example.se",
            name=f"Trygghetssamordnare {entry['municipality']}",
            organisation=entry["municipality"],
            region="stockholm",
            role="coordinator",  # type: ignore[arg-type]
        ),
    )  # type: ignore[arg-type]
    add_person(
        session,
        PersonInput(
            email=f"styrgrupp@{slug}.example.se",
            name=f"Styrgruppen {entry['municipality']}",
            organisation=entry["municipality"],
            region="stockholm",
            role="steering_group",  # type: ignore[arg-type]
        ),
    )
    add_person(
        session,
        PersonInput(
            email=f"kommunpolis.{slug}@polisen.example.se",
            name=f"Kommunpolis {entry['police_area']}",
            organisation=entry["police_area"],
            region="stockholm",
            role="coordinator",  # type: ignore[arg-type]
        ),
    )  # type: ignore[arg-type]


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
            )  # type: ignore[arg-type]
            add_person(
                s,
                PersonInput(
                    email="samordnare@lansstyrelsen.example.se",
                    name="Länsstyrelsen i Stockholms län",
                    organisation="Länsstyrelsen i Stockholms län",
                    region="stockholm",
                    role="regional_coordinator",  # type: ignore[arg-type]
                ),
            )  # type: ignore[arg-type]
            add_person(
                s,
                PersonInput(
                    email=DEMO_ADMIN,
                    name="Administratör (demo)",
                    role="admin",  # type: ignore[arg-type]
                ),
            )
        for entry in data["promises"]:
            if _entry_key(entry) in done:
                continue
            _remove_half_built(entry)
            _load_promise(entry, data["problems"], today)
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


DEMO_PASSWORD = "demo-lofte-2026"  # the only password Löfte ships: demo accounts only
DEMO_ADMIN = "admin@lofte.example.se"
DEMO_DOMAIN = ".example.se"
SHOWN = {
    "coordinator": "trygghetssamordnare@hasselby.vallingby.example.se",
    "steering_group": "styrgrupp@hasselby.vallingby.example.se",
    "regional_coordinator": "brottsforebyggande@polisen.example.se",
    "admin": DEMO_ADMIN,
}


def _demo_passwords() -> None:
    """Give every demo person (and only them: an ``.example.se`` address) the demo password."""
    from application.identity import hash_password

    hashed = hash_password(DEMO_PASSWORD)  # hashed once: argon2id is slow on purpose
    with session_scope() as s:
        for person in s.exec(select(Person)).all():
            if person.email.endswith(DEMO_DOMAIN) and s.get(LocalPassword, person.id) is None:
                s.add(LocalPassword(person_id=person.id, password_hash=hashed))  # type: ignore[arg-type]


def _sign_in_lines() -> list[str]:
    lines = [
        f"Logga in / sign in (demo, lösenord / password: {DEMO_PASSWORD}), e.g.:",
        *(f"  {email:<52} {role}" for role, email in SHOWN.items()),
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
        ids = [
            p.id
            for p in s.exec(
                select(Promise).where(
                    Promise.area_name == entry["municipality"], col(Promise.term_start).in_(starts)
                )
            ).all()
        ]
        if not ids:
            return
        ids += [
            p.id
            for p in s.exec(select(Promise).where(col(Promise.previous_promise_id).in_(ids))).all()
        ]
        tables = SQLModel.metadata.sorted_tables
        owned: dict[str, list[Any]] = {"promise": ids}  # table -> ids of its rows to delete
        for table in tables:  # parents before children: collect every row that hangs on them
            for fk in table.foreign_keys:
                parent = fk.column.table.name
                if parent in owned and owned[parent] and table.name != "promise":
                    key = table.primary_key.columns.values()[0]
                    rows = (
                        s.execute(
                            select(key).where(fk.parent.in_(owned[parent]))  # type: ignore[call-overload]
                        )
                        .scalars()
                        .all()
                    )
                    owned.setdefault(table.name, []).extend(rows)
        for table in reversed(tables):  # children first
            if table.name in owned and owned[table.name]:
                key = table.primary_key.columns.values()[0]
                s.execute(delete(table).where(key.in_(owned[table.name])))


def _load_promise(entry: dict[str, Any], problems: dict[str, Any], today: date) -> None:
    """Build one demo promise, then mark it complete (in the audit trail)."""
    pid = _build_promise(entry, problems, today)
    with session_scope() as s:
        audit(s, promise_id=pid, actor=ACTOR, action=LOADED, details={"entry": _entry_key(entry)})


def _build_promise(entry: dict[str, Any], problems: dict[str, Any], today: date) -> int:
    with session_scope() as s:
        promise = create_promise(
            s,
            PromiseCreate(
                region="stockholm",
                municipality=entry["municipality"],
                police_area=entry["police_area"],
                area_name=entry["municipality"],
                start=entry["start"],
                years=entry["years"],
                municipality_is_city_district=bool(entry.get("city_district")),
            ),
            ACTOR,
        )
        after_create(s, promise, today)
        _people(s, entry)
        pid: int = promise.id  # type: ignore[assignment]
    builder = _Builder(entry, problems, pid)
    target = Stage(entry["stage"])
    for stage in CYCLE:
        if stage is target:
            if stage is Stage.CONTINUOUS_EVALUATION or stage is Stage.RESIDENT_DIALOGUE:
                builder.fill(stage)
            return pid
        builder.fill(stage)
        when = min(builder.transition_day(stage), today)
        advance_promise(pid, ACTOR, now=_at(when))
    # target is closed: the loop advanced out of year_end_compilation, which closed it
    from application.next_cycle import open_next_cycle

    open_next_cycle(
        pid, ACTOR, now=_at(min(builder.transition_day(Stage.YEAR_END_COMPILATION), today))
    )
    return pid
