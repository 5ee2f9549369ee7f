"""The year-end compilation as a committee paper in HTML, PDF/A and .docx (issue 23, part 2)."""

from __future__ import annotations

import zipfile
from datetime import UTC, date, datetime
from io import BytesIO

import pytest
from sqlmodel import select

from application.compilation import CompilationRequest, record_approval, show_compilation
from config.clock import local_today
from lifecycle.errors import InputError
from lifecycle.stages import Stage
from models import Activity, Problem
from models.db import session_scope
from tests.documents.readback import (
    Docx,
    W,
    assert_no_catalogue_ids,
    assert_nothing_doubled,
    read_docx,
    read_pdf,
)
from tests.documents.test_promise_document import walk_to
from tests.helpers import ACTOR, add, complete_stage, new_promise

APPROVED = datetime(2027, 1, 20, 9, 0, tzinfo=UTC)
TITLE = "Årssammanställning 2026 av medborgarlöftet för Sollentuna"


def _year_with_resources() -> int:
    """A 2026 promise through its year: named problems, resources on the activities."""
    pid = new_promise(start=date(2026, 1, 1))
    walk_to(pid, Stage.YEAR_END_COMPILATION)
    with session_scope() as s:
        for n, row in enumerate(s.exec(select(Problem).where(Problem.promise_id == pid)).all()):
            row.title = f"Otrygghet vid stationen, del {n + 1}"
            s.add(row)
        for n, row in enumerate(s.exec(select(Activity).where(Activity.promise_id == pid)).all()):
            row.hours, row.kronor = 100.0 + n, 20000 * (n + 1)
            row.funding_source = "Brottsförebyggande rådets bidrag" if n % 2 else "Egen budget"
            row.owner_party = "municipality" if n % 2 else "police"  # type: ignore[assignment]
            s.add(row)
    return pid


def _show(pid: int, fmt: str, language: str = "sv") -> bytes:
    request = CompilationRequest(promise_id=pid, format=fmt, language=language)  # type: ignore[arg-type]
    return show_compilation(ACTOR, request).content  # type: ignore[no-any-return]


def test_the_committee_paper_in_html_pdf_and_docx_frozen_at_approval(db) -> None:
    pid = _year_with_resources()
    add(
        pid,
        "compilation",
        _on=APPROVED.date(),
        summary="Året gav färre rån vid stationen.",
        next_year_plan="Fortsätt med närvaron och byt belysning vid busstorget.",
        official="Eva Ek, trygghetssamordnare",
    )
    record_approval(
        ACTOR,
        pid,
        "Kommunstyrelsen i Sollentuna",
        APPROVED,
        diarienummer="KS 2027/0031",
        paragraph="§ 14",
        decided_on=date(2027, 1, 19),
    )
    html = _show(pid, "html").decode()
    assert '<html lang="sv-SE">' in html and "<svg" in html
    for heading in (
        "Förslag till beslut",
        "Sammanfattning",
        "Bakgrund",
        "Lägesbild",
        "Bedömning per prioriterat område",
        "Mål, värden och utveckling mot måldatum",
        "Aktiviteter per part och preventionsnivå, med resurser",
        "Invånarnas delaktighet",
        "Så fick invånarna veta vad som hände",
        "Plan för kommande år",
        "Bilagor",
        "Beslutet",
    ):
        assert f">{heading}</h" in html, heading

    pages = read_pdf(
        _show(pid, "pdf"),
        title=TITLE,
        author="Sollentuna kommun",
        language="sv-SE",
        created="2027-01-20",
    )
    text = "\n".join(pages)
    assert len(pages) >= 2
    assert "Kommunstyrelsen i Sollentuna godkänner årssammanställningen 2026" in text
    assert "Eva Ek, trygghetssamordnare" in text and "KS 2027/0031" in text
    assert "§ 14" in text and "2027-01-19" in text
    assert "Minskat antal utsatta områden där sådana finns" in text  # an area assessed
    assert "Det som fungerade" in text and "Det som ändras" in text
    assert "Egen budget" in text and "Brottsförebyggande rådets bidrag" in text
    assert "Medborgarlöfte för Sollentuna 2026 (undertecknat)" in text  # an attachment
    assert_no_catalogue_ids(text)

    docx = _show(pid, "docx")
    package = read_docx(
        docx, title=TITLE, author="Sollentuna kommun", language="sv-SE", created="2027-01-20"
    )
    body = package.text()
    assert_no_catalogue_ids(body)
    assert_nothing_doubled(body)
    assert "Förslag till beslut" in body and "Fortsätt med närvaron" in body
    assert "Uppföljning 1\n" in body  # the round once, its feedback beside it
    media = [n for n in zipfile.ZipFile(BytesIO(docx)).namelist() if n.startswith("word/media/")]
    drawings = list(package.document.iter(f"{W}drawing"))
    assert media and len(drawings) == 4  # a chart per goal with values (alike ones stored once)
    hours = sum(100 + n for n in range(4))
    assert f"{hours}" in body and "80000" in body.replace(" ", "")  # hours and kronor summed

    # Frozen at approval: later changes to the records do not change the decided paper.
    with session_scope() as s:
        for row in s.exec(select(Activity).where(Activity.promise_id == pid)).all():
            row.title = "Ändrad efter beslutet"
            s.add(row)
    assert "Ändrad efter beslutet" not in _show(pid, "html").decode()

    english = _show(pid, "docx", "en")
    read_docx(
        english,
        title="Year-end compilation 2026 of the citizen promise for Sollentuna",
        author="Sollentuna",
        language="en-GB",
        created=local_today().isoformat(),
    )


def test_approval_needs_the_plan_for_the_coming_year(db) -> None:
    pid = _year_with_resources()
    add(pid, "compilation", _on=APPROVED.date(), summary="Året gav färre rån vid stationen.")
    with pytest.raises(InputError, match="no plan for the coming year"):
        record_approval(ACTOR, pid, "Styrgruppen", APPROVED)
    unapproved = read_docx(
        _show(pid, "docx"),
        title=TITLE,
        author="Sollentuna kommun",
        language="sv-SE",
        created=local_today().isoformat(),
    ).text()
    assert "Planen för kommande år är inte skriven än" in unapproved
    assert "Ännu inte godkänd" in unapproved


def test_old_stored_records_without_the_new_facts_still_render(db) -> None:
    """A compilation approved before the committee paper existed has no header facts."""
    from reports.compilation import render
    from reports.compilation_docx import render_docx

    pid = _year_with_resources()
    complete_stage(pid, Stage.YEAR_END_COMPILATION)
    from application.compilation import current_compilation
    from models import Promise

    with session_scope() as s:
        data = current_compilation(s, s.get(Promise, pid), "sv")  # type: ignore[arg-type]
    for key in ("organisation", "police_full", "official", "agreement", "situation", "decision"):
        data.pop(key, None)
    assert "Förslag till beslut" in render(data, "html")
    assert render_docx(data)[:2] == b"PK"
    # Feedback that names its round itself is not prefixed with the round again.
    data["feedback"][0]["text"] = "Uppföljning 1: vi har haft vandringar varje månad."
    assert_nothing_doubled(render(data, "md"))
    assert_nothing_doubled(Docx(render_docx(data)).text())
