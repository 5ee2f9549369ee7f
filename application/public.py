"""What residents may read: published promises and what came of what they said (docs/public.md).

A promise is published once its action plan is signed (its promise text then has a publishing
date); until then it does not exist for the public (404). Only the fields listed in
``docs/public.md`` leave this module: no names or e-mail addresses of staff, no situation
pictures or cause analyses (police intelligence, victims and offenders), no reasons given
internally, no candidate problems, nothing unsigned. These reads need no sign-in and change
nothing; every field is chosen here, never copied whole from a row.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from config.clock import local_day, local_today
from config.settings import get_settings
from lifecycle.calendar import long_day
from lifecycle.deadlines import KIND_STAGE
from lifecycle.errors import NO_PUBLISHED_PROMISE, UNKNOWN_POLICE_REGION, InputError, NotFound
from lifecycle.i18n import Phrase, in_context, translate
from lifecycle.names import joined, organisation_title
from lifecycle.public_status import (
    ROUND,
    YEAR_END,
    PublicState,
    Report,
    public_state,
    shown_count,
)
from lifecycle.stages import Stage
from lifecycle.vocabulary import Party, label
from lifecycle.words import counted
from models import (
    Activity,
    Deadline,
    EvaluationRound,
    IndicatorValue,
    Organisation,
    PartyOrganisation,
    Promise,
    PromiseStatus,
    PromiseText,
    PublicVersion,
    Region,
    YearEndCompilation,
)
from models.base import as_utc
from models.db import read_scope
from views.lookup import organisation_names, party_organisations, party_titles
from views.public_plan import area_names, latest_versions, public_plan, still_public

SCHEMA = "lofte-public/1"
LICENCE = "CC0 1.0 (https://creativecommons.org/publicdomain/zero/1.0/)"


def _published_ids(session: Session, region: str | None = None) -> dict[int, Promise]:
    query = (
        select(Promise)
        .where(
            col(Promise.id).in_(
                select(PromiseText.promise_id).where(col(PromiseText.published_at).is_not(None))
            )
        )
        .order_by(col(Promise.area_name), col(Promise.term_start))
    )
    if region:
        query = query.where(Promise.region_id == region)
    return {p.id: p for p in session.exec(query).all() if p.id is not None}


def is_published(session: Session, promise_id: int) -> bool:
    """Whether residents may see the promise (a year of it has a published promise text)."""
    return (
        session.exec(
            select(PromiseText.id).where(
                PromiseText.promise_id == promise_id, col(PromiseText.published_at).is_not(None)
            )
        ).first()
        is not None
    )


def _local(moment: datetime) -> date:
    """The local day of a stored timestamp (SQLite gives it back without its zone: UTC)."""
    return local_day(as_utc(moment))


def _reports(session: Session, promises: dict[int, Promise]) -> dict[int, list[Report]]:
    """Every report the promises owe residents (rounds and year-end results), read at once."""
    ids = list(promises)
    found: dict[int, list[Report]] = defaultdict(list)
    for r in session.exec(
        select(EvaluationRound).where(col(EvaluationRound.promise_id).in_(ids))
    ).all():
        reported = _local(r.submitted_at) if r.submitted_at else None
        found[r.promise_id].append(Report(ROUND, r.cycle_year, r.number, r.due, reported))
    approved = {
        (c.promise_id, c.cycle_year): _local(c.approved_at)
        for c in session.exec(
            select(YearEndCompilation).where(
                col(YearEndCompilation.promise_id).in_(ids),
                col(YearEndCompilation.approved_at).is_not(None),
            )
        ).all()
        if c.approved_at is not None
    }
    for d in session.exec(
        select(Deadline).where(
            col(Deadline.promise_id).in_(ids),
            Deadline.kind == KIND_STAGE,
            Deadline.stage == Stage.YEAR_END_COMPILATION.value,
        )
    ).all():
        reported = approved.get((d.promise_id, d.cycle_year))
        found[d.promise_id].append(Report(YEAR_END, d.cycle_year, None, d.due, reported))
    return found


def _calendar_year(promise: Promise, cycle_year: int) -> int:
    """The calendar year a cycle year starts in (what residents call "2026")."""
    return promise.term_start.year + cycle_year - 1


def _overdue_words(state: PublicState, language: str) -> str:
    """ "1 uppföljning och årets resultat" / "2 follow-ups": what has not come."""
    rounds = sum(1 for r in state.overdue if r.kind == ROUND)
    years = sum(1 for r in state.overdue if r.kind == YEAR_END)
    parts = []
    if rounds:
        parts.append(counted(rounds, "follow_up", language))
    if years:
        result = (
            Phrase("årets resultat") if years == 1 else Phrase("{n} års resultat", {"n": years})
        )
        parts.append(result.said(language))
    what = joined(parts, language)
    if rounds + years > 1:  # English says "have" of more than one, Swedish "har" of any
        return in_context("many", "{what} har inte kommit", language, what=what)
    return translate("{what} har inte kommit", language, what=what)


def _status_words(promise: Promise, state: PublicState, language: str = "sv") -> str:
    """Where it stands, in a few words: "Gäller från 1 januari 2027", "Försenat: 1
    uppföljning har inte kommit", "Uppföljt 2 av 3 gånger", "Pågår", "Avslutat"."""
    if state.starts_on is not None:
        return translate("Gäller från {day}", language, day=long_day(state.starts_on, language))
    if state.closed:
        if state.late:
            what = _overdue_words(state, language)
            return translate("Avslutat, men {what}", language, what=what)
        return in_context(STATUS, "Avslutat", language)
    if state.late:
        return translate("Försenat: {what}", language, what=_overdue_words(state, language))
    if state.rounds_done:
        done, planned = state.rounds_done, state.rounds_planned
        return translate(
            "Uppföljt {done} av {planned} gånger", language, done=done, planned=planned
        )
    return in_context(STATUS, "Pågår", language)


# The catalogue's context of a promise's public status ("Pågår" is "Ongoing" here).
STATUS = "public.status"


def _situation(promise: Promise, state: PublicState, language: str) -> list[str]:
    """The facts behind the status, one sentence each: what did not come, what came late,
    what comes next, and when the term begins."""
    lines: list[Phrase] = []
    if state.starts_on is not None:
        lines.append(Phrase("Gäller från {day}.", {"day": long_day(state.starts_on, language)}))
    for r in state.overdue:
        due = long_day(r.due, language)
        year = _calendar_year(promise, r.year)
        if r.kind == ROUND:
            lines.append(
                Phrase(
                    "Uppföljningen som skulle ha redovisats senast {due} har inte kommit.",
                    {"due": due},
                )
            )
        else:
            lines.append(
                Phrase(
                    "Resultatet för {year}, som skulle ha redovisats senast {due}, har inte "
                    "kommit.",
                    {"year": year, "due": due},
                )
            )
    for r in state.reported_late:
        due, on = long_day(r.due, language), long_day(r.reported_on, language)  # type: ignore[arg-type]
        year = _calendar_year(promise, r.year)
        if r.kind == ROUND:
            lines.append(
                Phrase(
                    "Uppföljning {number} för {year} redovisades {on}, efter sista dagen {due}.",
                    {"number": r.number, "year": year, "on": on, "due": due},
                )
            )
        else:
            lines.append(
                Phrase(
                    "Resultatet för {year} redovisades {on}, efter sista dagen {due}.",
                    {"year": year, "on": on, "due": due},
                )
            )
    if state.next_due is not None:
        due = long_day(state.next_due.due, language)
        if state.next_due.kind == ROUND:
            lines.append(Phrase("Nästa uppföljning ska redovisas senast {due}.", {"due": due}))
        else:
            year = _calendar_year(promise, state.next_due.year)
            lines.append(
                Phrase(
                    "Resultatet för {year} ska redovisas senast {due}.", {"year": year, "due": due}
                )
            )
    return [line.said(language) for line in lines]


def _state_fields(promise: Promise, reports: list[Report], today: date) -> dict[str, Any]:
    """The public status of a promise in Swedish and English, and the facts behind it."""
    state = public_state(
        promise.term_start, promise.stage is Stage.CLOSED, promise.cycle_year, reports, today
    )
    return {
        "status": _status_words(promise, state),
        "status_en": _status_words(promise, state, "en"),
        "late": state.late,
        "starts_on": state.starts_on.isoformat() if state.starts_on else None,
        "next_due": state.next_due.due.isoformat() if state.next_due else None,
        "situation": _situation(promise, state, "sv"),
        "situation_en": _situation(promise, state, "en"),
        "reports": [
            r.as_dict(today) for r in sorted(reports, key=lambda r: (r.year, r.due, r.kind))
        ],
    }


def _region(session: Session, region: str) -> Region:
    found = session.get(Region, region)
    if found is None:
        known = ", ".join(sorted(session.exec(select(Region.id)).all()))
        raise InputError.said(UNKNOWN_POLICE_REGION, region=region, known=known)
    return found


def _stored_reports(text: str) -> list[Report]:
    """The reports a promise owes residents, as its stored status holds them."""
    return [
        Report(
            kind,
            year,
            number,
            date.fromisoformat(due),
            date.fromisoformat(reported) if reported else None,
        )
        for kind, year, number, due, reported in json.loads(text)
    ]


def _late_now(text: str, today_text: str) -> bool:
    """Whether a report owed to residents is past due and not made (``PublicState.late``)."""
    return any(reported is None and due < today_text for _, _, _, due, reported in json.loads(text))


def published_promises(
    region: str,
    query: str = "",
    *,
    year: int | None = None,
    current: bool = False,
    late_first: bool = False,
    offset: int = 0,
    limit: int | None = None,
) -> dict[str, Any]:
    """The region's published promises by municipality or district, optionally searched.

    Every published promise by default (open data). ``current`` keeps the promises still
    running (not closed), ``year`` those whose current cycle year starts in that calendar year,
    and ``offset``/``limit`` one page of them (by municipality, area and start; the late first
    with ``late_first``). Reads each promise's stored status (``models.status``): the words of
    where it stands are made only for the page shown; ``total`` and ``late`` count them all.
    """
    wanted = query.strip().casefold()[:100]
    with read_scope() as session:
        found = _region(session, region)
        today = local_today()
        today_text = today.isoformat()
        # The parties' names joined in: not every organisation of the region loaded.
        municipality_org, police_org = aliased(Organisation), aliased(Organisation)
        chosen = (
            sa_select(
                col(Promise.id),
                col(Promise.area_name),
                col(municipality_org.name),
                col(police_org.name),
                col(Promise.term_start),
                col(Promise.term_end),
                col(PromiseStatus.current_year),
                col(PromiseStatus.public_reports),
            )
            .select_from(PromiseStatus)
            .join(Promise, col(Promise.id) == col(PromiseStatus.promise_id))
            .join(municipality_org, col(municipality_org.id) == col(Promise.municipality_id))
            .join(police_org, col(police_org.id) == col(Promise.police_area_id))
            .where(col(PromiseStatus.region_id) == region, col(PromiseStatus.published).is_(True))
        )
        if current:
            chosen = chosen.where(col(PromiseStatus.closed).is_(False))
        if year is not None:
            chosen = chosen.where(col(PromiseStatus.current_year) == year)
        # A city district split between two police areas has a second LPO (few rows: read
        # the region's at once, so the list and its search name both).
        also_police: dict[int | None, list[str]] = {}
        for split_id, name in session.connection().execute(
            sa_select(col(PartyOrganisation.promise_id), col(Organisation.name))
            .join(Organisation, col(Organisation.id) == col(PartyOrganisation.organisation_id))
            .join(PromiseStatus, col(PromiseStatus.promise_id) == col(PartyOrganisation.promise_id))
            .where(
                col(PromiseStatus.region_id) == region,
                col(PartyOrganisation.party) == Party.POLICE,
            )
            .order_by(col(PartyOrganisation.organisation_id))
        ):
            also_police.setdefault(split_id, []).append(name)
        listed = []
        for (
            pid,
            area,
            municipality_name,
            police_name,
            start,
            end,
            _year,
            reports,
        ) in session.connection().execute(chosen):
            row = {
                "id": pid,
                "area": area,
                "municipality": municipality_name,
                "police_area": " och ".join([police_name, *also_police.get(pid, [])]),
                "term_start": start.isoformat(),
                "term_end": end.isoformat(),
            }
            if wanted and wanted not in " ".join(str(v) for v in row.values()).casefold():
                continue
            listed.append((row, _late_now(reports, today_text), reports))
        listed.sort(key=lambda r: (r[0]["municipality"], r[0]["area"], r[0]["term_start"]))
        if late_first:
            listed.sort(key=lambda r: not r[1])  # stable: by municipality within each
        shown = listed[offset : None if limit is None else offset + limit]
        promises: dict[Any, Promise] = {
            p.id: p
            for p in session.exec(
                select(Promise).where(col(Promise.id).in_([r[0]["id"] for r in shown]))
            ).all()
        }
        rows = []
        for row, _late, reports in shown:
            state = _state_fields(promises[row["id"]], _stored_reports(reports), today)
            row.update(
                {k: state[k] for k in ("status", "status_en", "late", "starts_on", "next_due")}
            )
            rows.append(row)
        return {
            "region": region,
            "region_name": found.name_sv,
            "promises": rows,
            "total": len(listed),
            "late": sum(1 for r in listed if r[1]),
        }


def published_promise(promise_id: int) -> dict[str, Any]:
    """One published promise for residents: what is promised, what they said and what came of it."""
    with read_scope() as session:
        promise = session.get(Promise, promise_id)
        if promise is None or not is_published(session, promise_id):
            raise NotFound.said(NO_PUBLISHED_PROMISE, id=promise_id)
        return _public_view(session, promise)


def _contacts(organisations: dict[Party, list[Organisation]]) -> list[dict[str, str]]:
    """How residents reach each party (a functional mailbox or phone, set per organisation)."""
    found = []
    for org in (o for orgs in organisations.values() for o in orgs):
        if org.public_contact:
            title = organisation_title(org.name, org.kind, "sv")
            found.append({"organisation": title, "contact": org.public_contact})
    return found


def _public_view(
    session: Session,
    promise: Promise,
    published: dict[int, Promise] | None = None,
    areas: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The public fields of one promise: its plan as signed (the latest frozen version, see
    ``views/public_plan.py``) with what has been reported since. ``published`` (the region's
    published promises) and ``areas`` (priority area names) are read once by a caller that
    shows many promises."""
    pid: int = promise.id or 0
    reports = _reports(session, {pid: promise})[pid]
    year_end_due = {r.year: r.due.isoformat() for r in reports if r.kind == YEAR_END}
    municipality, police = organisation_names(session, promise)
    organisations = party_organisations(session, promise)
    version = latest_versions(session, [pid]).get(pid)
    if version is None:  # published before versions were kept, and not revised since
        plan = public_plan(session, promise, areas)
    else:
        plan = still_public(session, version.content)
    rounds = session.exec(
        select(EvaluationRound)
        .where(EvaluationRound.promise_id == pid)
        .order_by(col(EvaluationRound.cycle_year), col(EvaluationRound.number))
    ).all()
    values = session.exec(
        select(IndicatorValue)
        .where(col(IndicatorValue.round_id).in_([r.id for r in rounds]))
        .order_by(col(IndicatorValue.measured_on))
    ).all()
    status_now = {
        a.id: label(a.status)
        for a in session.exec(select(Activity).where(Activity.promise_id == pid)).all()
    }
    approved = session.exec(
        select(YearEndCompilation)
        .where(
            YearEndCompilation.promise_id == pid,
            col(YearEndCompilation.approved_at).is_not(None),
        )
        .order_by(col(YearEndCompilation.cycle_year))
    ).all()
    earlier = []
    previous = promise.previous_promise_id
    while previous:
        before = session.get(Promise, previous)
        if before is None:
            break
        # An earlier year that was never signed is not shown. One promise's page asks about
        # its own predecessors only, not every published promise of the region.
        shown = before.id in published if published is not None else is_published(session, previous)
        if shown:
            earlier.append({"id": before.id, "term_start": before.term_start.isoformat()})
        previous = before.previous_promise_id
    threshold = get_settings().public_min_count
    what_we_do = []
    for work in plan["what_we_do"]:
        goals = []
        for goal in work["goals"]:
            baseline = shown_count(goal["baseline"], goal["unit"], threshold)
            goals.append(
                {
                    **goal,
                    "baseline": baseline["value"],
                    "baseline_below": baseline.get("below"),
                    "values": [
                        {
                            "on": v.measured_on.isoformat(),
                            **shown_count(v.value, goal["unit"], threshold),
                        }
                        for v in values
                        if v.goal_id == goal["id"]
                    ],
                }
            )
        activities = [
            {**a, "status": status_now.get(a.get("id"), a.get("status", ""))}
            for a in work["activities"]
        ]
        what_we_do.append({**work, "goals": goals, "activities": activities})
    revised = version.revised_since if version is not None else None
    return {
        "schema": SCHEMA,
        "id": pid,
        "area": promise.area_name,
        "region": promise.region_id,
        "municipality": municipality,
        "police_area": police,
        # the parties by their full names, for the sentences residents read
        "parties": party_titles(organisations, "sv"),
        "parties_en": party_titles(organisations, "en"),
        # a city district's stadsdelsnämnd promises, not a kommun
        "municipality_kind": organisations[Party.MUNICIPALITY][0].kind.value,
        "term_start": promise.term_start.isoformat(),
        "term_end": promise.term_end.isoformat(),
        **_state_fields(promise, reports, local_today()),
        "signed_on": _local(version.signed_at).isoformat() if version is not None else None,
        "revised_since": _local(revised).isoformat() if revised is not None else None,
        "signatories": plan.get("signatories", []),
        "contacts": _contacts(organisations),
        "promise_text": plan["promise_text"],
        "what_you_said": plan["what_you_said"],
        "what_we_do": what_we_do,
        "feedback": [
            {
                "year": r.cycle_year,
                "round": r.number,
                "due": r.due.isoformat(),
                "submitted_on": _local(r.submitted_at).isoformat(),
                "text": r.feedback_to_residents,
            }
            for r in rounds
            if r.submitted_at is not None and r.feedback_to_residents
        ],
        "year_end": [
            {
                "year": c.cycle_year,
                "due": year_end_due.get(c.cycle_year),
                "approved_on": _local(c.approved_at).isoformat(),  # type: ignore[arg-type]
                "summary": c.summary,
            }
            for c in approved
        ],
        "earlier_years": earlier,
    }


def open_data(region: str) -> dict[str, Any]:
    """The region's published promises as open data: versioned schema, CC0 licence."""
    listing = published_promises(region)
    with read_scope() as session:
        promises = _published_ids(session, region)
        areas = area_names(session)
        full = [_public_view(session, p, promises, areas) for p in promises.values()]
    return {
        "schema": SCHEMA,
        "licence": LICENCE,
        "region": region,
        "region_name": listing["region_name"],
        "promises": full,
    }


def updates(region: str | None = None, promise_id: int | None = None) -> list[dict[str, Any]]:
    """What happened to published promises, newest first (the Atom feeds): each publication,
    each follow-up with feedback to residents, each approved year-end result."""
    with read_scope() as session:
        if region is not None:
            _region(session, region)
        promises = _published_ids(session, region)
        if promise_id is not None:
            if promise_id not in promises:
                raise NotFound.said(NO_PUBLISHED_PROMISE, id=promise_id)
            promises = {promise_id: promises[promise_id]}
        ids = list(promises)
        found: list[dict[str, Any]] = []
        signed: dict[tuple[int, int], dict[str, Any]] = {}
        for v in session.exec(
            select(PublicVersion)
            .where(col(PublicVersion.promise_id).in_(ids))
            .order_by(col(PublicVersion.id))
        ).all():  # the latest version of each year: what was signed, not what is being edited
            signed[(v.promise_id, v.cycle_year)] = v.content.get("promise_text", {})
        for t in session.exec(
            select(PromiseText).where(
                col(PromiseText.promise_id).in_(ids), col(PromiseText.published_at).is_not(None)
            )
        ).all():
            p = promises[t.promise_id]
            words = signed.get(
                (t.promise_id, t.cycle_year),
                {
                    "joint": t.joint_promises,
                    "police": t.police_promises,
                    "municipality": t.municipality_promises,
                },
            )
            found.append(
                {
                    "key": f"promise-{p.id}-text-{t.cycle_year}",
                    "promise_id": p.id,
                    "title": f"{p.area_name} {p.term_start.year}: löftet är undertecknat",
                    "at": t.published_at,
                    "summary": " ".join(
                        words.get(k, "")
                        for k in ("joint", "police", "municipality")
                        if words.get(k)
                    ),
                }
            )
        for r in session.exec(
            select(EvaluationRound).where(
                col(EvaluationRound.promise_id).in_(ids),
                col(EvaluationRound.submitted_at).is_not(None),
            )
        ).all():
            if r.feedback_to_residents:
                p = promises[r.promise_id]
                found.append(
                    {
                        "key": f"promise-{p.id}-round-{r.cycle_year}-{r.number}",
                        "promise_id": p.id,
                        "title": f"{p.area_name} {p.term_start.year}: uppföljning {r.number}",
                        "at": r.submitted_at,
                        "summary": r.feedback_to_residents,
                    }
                )
        for c in session.exec(
            select(YearEndCompilation).where(
                col(YearEndCompilation.promise_id).in_(ids),
                col(YearEndCompilation.approved_at).is_not(None),
            )
        ).all():
            p = promises[c.promise_id]
            found.append(
                {
                    "key": f"promise-{p.id}-year-{c.cycle_year}",
                    "promise_id": p.id,
                    "title": f"{p.area_name} {p.term_start.year}: årets resultat",
                    "at": c.approved_at,
                    "summary": c.summary,
                }
            )
    return sorted(found, key=lambda u: u["at"], reverse=True)[:200]


def public_pages() -> list[str]:
    """The paths of every public page worth finding (the sitemap): each police region with a
    published promise, and each published promise."""
    with read_scope() as session:
        promises = _published_ids(session)
        regions = sorted({p.region_id for p in promises.values()})
    return [f"/offentligt/{r}" for r in regions] + [
        f"/offentligt/loften/{pid}" for pid in sorted(promises)
    ]
