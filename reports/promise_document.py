"""The medborgarlöfte itself as the parties publish it: one or two A4 pages, PDF/A and .docx.

The customary layout: "Medborgarlöfte för Skärholmen 2027", the parties by their full names,
"Polisen lovar att …", "Stadsdelsnämnden lovar att …" (or Kommunen, Regionen), "Tillsammans
lovar vi att …", what the promise builds on (dialogues, the joint situation picture, the
agreement), how residents can follow it, whom to contact and who signed it, when and as what.
It exists once both parties have signed a year's plan (``document_data`` returns None before).
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlmodel import Session, col, select

from lifecycle.i18n import AND, REPORT, in_context
from lifecycle.safe_text import clean
from lifecycle.statements import promise_paragraphs
from lifecycle.term import cycle_year_bounds
from lifecycle.vocabulary import OrganisationKind, Party, Role, label
from models import (
    Agreement,
    Dialogue,
    EvaluationRound,
    Organisation,
    Person,
    PriorityArea,
    Problem,
    Promise,
    PromiseText,
    Region,
    SignOff,
)
from reports.compilation import _environment
from reports.i18n import Words, in_language, long_date, words
from reports.logos import logo_data_uri
from reports.office import DocumentInfo, docx_bytes, docx_table, language_tag, new_docx
from reports.parties import full_name, signed_year
from reports.pdf import FONT_STACK, html_to_pdf
from views.lookup import party_organisations


def municipality_lead(org: Organisation | None, language: str) -> str:
    """The municipal party's promise opening: Stadsdelsnämnden, Regionen or Kommunen lovar att."""
    if org is not None and org.kind is OrganisationKind.CITY_DISTRICT:
        return in_context(REPORT, "Stadsdelsnämnden lovar att", language)
    if org is not None and org.name.startswith("Region "):
        return in_context(REPORT, "Regionen lovar att", language)
    return in_context(REPORT, "Kommunen lovar att", language)


def _promise_lines(lead: str, text: str) -> list[dict[str, str]]:
    """One entry per paragraph of a promise text: its bold opening and the rest; a text that
    already says who promises keeps its own opening (``lifecycle/statements.py``)."""
    return [{"lead": own or lead, "text": rest} for own, rest in promise_paragraphs(text)]


def document_data(
    session: Session, promise: Promise, language: str = "sv", published_only: bool = False
) -> dict[str, Any] | None:
    """Everything the signed promise document shows, or None while it is not signed.

    With ``published_only``: the published year's document as residents get it (None while
    none is published), without the coordinators' addresses and the feedback channels.
    """
    from config.settings import get_settings

    year = signed_year(session, promise, published_only)
    if year is None:
        return None
    first, last = cycle_year_bounds(promise.term_start, year)
    text = session.exec(
        select(PromiseText).where(
            PromiseText.promise_id == promise.id, PromiseText.cycle_year == year
        )
    ).one()
    signoffs = session.exec(
        select(SignOff)
        .where(
            SignOff.promise_id == promise.id,
            SignOff.cycle_year == year,
            col(SignOff.revoked_at).is_(None),
        )
        .order_by(col(SignOff.party))
    ).all()
    region = session.get(Region, promise.region_id)
    parties = party_organisations(session, promise)
    municipality, police = parties[Party.MUNICIPALITY][0], parties[Party.POLICE][0]
    # each organisation by its full name; a party of two (a city district in two police
    # areas) is named by both, and each signs under its own name
    org_names = {o.id: full_name(o, region, language) for orgs in parties.values() for o in orgs}
    conjunction = f" {AND.said(language)} "
    names = {
        party: conjunction.join(org_names[o.id] for o in orgs) for party, orgs in parties.items()
    }
    t = words(language)
    promises = [
        *_promise_lines(t.police_lead, text.police_promises),
        *_promise_lines(municipality_lead(municipality, language), text.municipality_promises),
        *_promise_lines(t.joint_lead, text.joint_promises),
    ]
    dialogues = session.exec(
        select(Dialogue)
        .where(Dialogue.promise_id == promise.id, Dialogue.cycle_year <= year)
        .order_by(col(Dialogue.held_from))
    ).all()
    areas = {a.id: a for a in session.exec(select(PriorityArea)).all()}
    problems = [
        p
        for p in session.exec(
            select(Problem)
            .where(Problem.promise_id == promise.id, col(Problem.selected))
            .order_by(col(Problem.id))
        ).all()
        # A problem marked "publiceras inte" stays out of the residents' copy (docs/public.md).
        if not (published_only and p.not_public_reason)
    ]
    agreement = session.get(Agreement, promise.agreement_id) if promise.agreement_id else None
    rounds = session.exec(
        select(EvaluationRound)
        .where(EvaluationRound.promise_id == promise.id, EvaluationRound.cycle_year == year)
        .order_by(col(EvaluationRound.number))
    ).all()
    contacts = session.exec(
        select(Person)
        .where(
            col(Person.organisation_id).in_(list(org_names)),
            Person.role == Role.COORDINATOR,
        )
        .order_by(col(Person.organisation_id), col(Person.name))
    ).all()
    signed_on = max(s.signed_on for s in signoffs)
    settings = get_settings()

    def area_name(area_id: str | None) -> str:
        area = areas.get(area_id or "")
        return "" if area is None else in_language((area.name_sv, area.name_en), language)

    return clean(
        {
            "language": language,
            "lang_tag": language_tag(language),
            "title": f"{t.promise_for} {promise.area_name} {first.year}",
            "area": promise.area_name,
            "year": first.year,
            "cycle_year": year,
            "period": {"from": first.isoformat(), "to": last.isoformat()},
            "parties": [names[Party.MUNICIPALITY], names[Party.POLICE]],
            "author": conjunction.join([names[Party.MUNICIPALITY], names[Party.POLICE]]),
            "organisation": names[Party.MUNICIPALITY],
            "promises": promises,
            "dialogues": [
                {
                    "method": label(d.method.value, language),
                    "held_from": d.held_from.isoformat(),
                    "participants": d.participants,
                    "themes": d.themes,
                }
                for d in dialogues
            ],
            "focus_areas": [
                {"title": p.title, "priority_area": area_name(p.priority_area_id)} for p in problems
            ],
            "agreement": None
            if agreement is None
            else {
                "title": agreement.title,
                # said in a sentence ("what the promise builds on"): dates as words
                "term": f"{long_date(agreement.term_start.isoformat(), language)} – "
                f"{long_date(agreement.term_end.isoformat(), language)}",
                "decided_by": agreement.decided_by,
                "decided_on": agreement.decided_on.isoformat() if agreement.decided_on else "",
                "diarienummer": agreement.diarienummer,
                "follow_up": agreement.follow_up,
            },
            "rounds": [r.due.isoformat() for r in rounds],
            # The public version names no people's addresses and no internal channels
            # (docs/public.md): residents are pointed to the parties and the public page.
            "channels": []
            if published_only
            else sorted({r.feedback_channel for r in rounds if r.feedback_channel}),
            "public_url": f"{settings.public_base_url}/offentligt/loften/{promise.id}",
            "contacts": []
            if published_only
            else [
                {
                    "name": p.name,
                    "email": p.email,
                    "organisation": org_names.get(p.organisation_id or 0, ""),
                }
                for p in contacts
            ],
            "signatories": [
                {
                    "party": org_names.get(s.organisation_id, names[s.party]),
                    "name": s.signed_by,
                    "function": s.signed_as,
                    "signed_on": s.signed_on.isoformat(),
                }
                for s in signoffs
            ],
            "signed_on": signed_on.isoformat(),
            "logos": [
                uri
                for uri in (logo_data_uri(municipality), logo_data_uri(police))
                if uri is not None
            ],
        }
    )


def _info(d: dict[str, Any]) -> DocumentInfo:
    created = datetime.combine(date.fromisoformat(d["signed_on"]), time(12, 0))
    return DocumentInfo(
        title=d["title"], organisation=d["author"], created=created, language=d["language"]
    )


def render_html(d: dict[str, Any]) -> str:
    """The signed promise as a printable HTML page (the source of the PDF)."""
    env = _environment()
    return env.get_template("promise_document.html.j2").render(
        d=d,
        t=words(d["language"]),
        font=FONT_STACK,
        builds_on=builds_on(d),
        follow=follow_sentence(d),
        valid=valid_sentence(d),
    )


def render_pdf(d: dict[str, Any]) -> bytes:
    """The signed promise as PDF/A-2b."""
    return html_to_pdf(render_html(d))


def valid_sentence(d: dict[str, Any]) -> str:
    """ "Gäller 1 januari 2026 – 31 december 2026." (the promise's year, dates as words)."""
    language = d["language"]
    start, end = (long_date(d["period"][k], language) for k in ("from", "to"))
    return words(language).valid.format(start=start, end=end)


def _follow_sentence(d: dict[str, Any], t: Words) -> str:
    rounds = ", ".join(long_date(r, d["language"]) for r in d["rounds"])
    text = t.follow_rounds.format(rounds=rounds) if rounds else t.follow_yearly
    if d["channels"]:
        text += " " + t.follow_channels.format(channels=", ".join(d["channels"]))
    return text


def follow_sentence(d: dict[str, Any]) -> str:
    """How residents learn what came of the promise, in one or two sentences."""
    return _follow_sentence(d, words(d["language"]))


def render_docx(d: dict[str, Any]) -> bytes:
    """The signed promise as a Word document with the same content as the PDF."""
    t = words(d["language"])
    doc = new_docx(_info(d))
    doc.add_heading(d["title"], level=0)
    doc.add_paragraph(t.promise_from.format(a=d["parties"][0], b=d["parties"][1]))
    doc.add_paragraph(valid_sentence(d))
    doc.add_heading(t.our_promises, level=1)
    for line in d["promises"]:
        paragraph = doc.add_paragraph()
        if line["lead"]:
            paragraph.add_run(line["lead"] + " ").bold = True
        paragraph.add_run(line["text"])
    doc.add_heading(t.builds_on, level=1)
    for sentence in builds_on(d):
        doc.add_paragraph(sentence, style="List Bullet")
    doc.add_heading(t.follow_it, level=1)
    doc.add_paragraph(follow_sentence(d))
    doc.add_paragraph(t.follow_online.format(url=d["public_url"]))
    doc.add_heading(t.contact, level=1)
    for c in d["contacts"]:
        doc.add_paragraph(f"{c['name']}, {c['organisation']}, {c['email']}", style="List Bullet")
    if not d["contacts"]:
        doc.add_paragraph(t.contact_parties.format(a=d["parties"][0], b=d["parties"][1]))
    doc.add_heading(t.signatures, level=1)
    docx_table(
        doc,
        [t.party, t.name, t.function, t.signed_on],
        [[s["party"], s["name"], s["function"], s["signed_on"]] for s in d["signatories"]],
        font_size=10,
    )
    return docx_bytes(doc)


def builds_on(d: dict[str, Any]) -> list[str]:
    """The sentences of "what the promise builds on": dialogues, focus areas, the agreement."""
    t = words(d["language"])
    out = []
    for dl in d["dialogues"]:
        out.append(
            t.builds_dialogue.format(
                method=dl["method"],
                on=long_date(dl["held_from"], d["language"]),
                n=dl["participants"],
            )
        )
    for f in d["focus_areas"]:
        area = f" ({f['priority_area']})" if f["priority_area"] else ""
        out.append(f"{t.focus_area}: {f['title']}{area}")
    a = d["agreement"]
    if a:
        on = long_date(a["decided_on"], d["language"])
        decided = f", {a['decided_by']} {on}".rstrip() if a["decided_by"] else ""
        number = f", {t.diarienummer.lower()} {a['diarienummer']}" if a["diarienummer"] else ""
        out.append(f"{a['title'] or t.agreement} ({a['term']}{decided}{number})")
    return out
