"""The signed medborgarlöfte as PDF/A and .docx, read back with other libraries (issue 23)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from application.documents import (
    PromiseDocumentRequest,
    public_promise_document,
    signed_promise_document,
)
from application.transitions import advance_promise
from lifecycle.errors import Forbidden, InputError, NotAuthenticated, NotFound
from lifecycle.permissions import system_principal
from lifecycle.stages import CYCLE, Stage
from tests.documents.readback import (
    assert_no_catalogue_ids,
    assert_nothing_doubled,
    read_docx,
    read_pdf,
)
from tests.helpers import ACTOR, complete_stage, new_promise, promise, register

START = date(2027, 1, 1)
TITLE = "Medborgarlöfte för Sollentuna 2027"
AUTHOR = "Sollentuna kommun och Lokalpolisområde Sollentuna, Polisregion Stockholm"


def walk_to(pid: int, stage: Stage) -> None:
    """Do each stage's work and advance (the promise is signed in its action-plan stage)."""
    for current in CYCLE:
        if current is stage:
            return
        complete_stage(pid, current)
        p = promise(pid)
        when = p.term_end + timedelta(days=40) if current.position >= 6 else p.term_start
        assert advance_promise(pid, ACTOR, now=datetime.combine(when, time(7), tzinfo=UTC)).ok


def _set_text(pid: int, **texts: str) -> None:
    """Change the promise text in place (as a revision before publication would)."""
    from sqlmodel import select

    from models import PromiseText
    from models.db import session_scope

    with session_scope() as s:
        row = s.exec(select(PromiseText).where(PromiseText.promise_id == pid)).one()
        for key, value in texts.items():
            setattr(row, key, value)
        s.add(row)


def _name_problems(pid: int) -> None:
    """Problems named as coordinators name them (the helper's titles carry catalogue ids)."""
    from sqlmodel import select

    from models import Problem
    from models.db import session_scope

    with session_scope() as s:
        for n, row in enumerate(s.exec(select(Problem).where(Problem.promise_id == pid)).all()):
            row.title = f"Otrygghet vid stationen, del {n + 1}"
            s.add(row)


def _request(pid: int, fmt: str, language: str = "sv") -> PromiseDocumentRequest:
    return PromiseDocumentRequest(promise_id=pid, format=fmt, language=language)  # type: ignore[arg-type]


def test_the_signed_promise_as_pdf_a_and_docx(db) -> None:
    pid = new_promise(start=START)
    register("trygghet@sollentuna.se", organisation="Sollentuna")  # the municipal coordinator
    walk_to(pid, Stage.CONTINUOUS_EVALUATION)  # signed, and so published
    _set_text(pid, joint_promises="hålla en trygghetsvandring varje månad.")
    _name_problems(pid)
    signed = START - timedelta(days=10)
    pdf = signed_promise_document(ACTOR, _request(pid, "pdf"))
    assert pdf.media_type == "application/pdf" and pdf.filename.endswith(".pdf")
    pages = read_pdf(
        pdf.content, title=TITLE, author=AUTHOR, language="sv-SE", created=signed.isoformat()
    )
    text = "\n".join(pages)
    assert len(pages) <= 2  # the customary one or two pages
    assert TITLE in text
    assert "Sollentuna kommun" in text and "Lokalpolisområde Sollentuna" in text
    # The texts open with their party's promise already: the opening is not written twice.
    assert "Polisen lovar att vara på plats vid stationen." in text
    assert "Kommunen lovar bättre belysning i centrum." in text
    # A text that does not say who promises gets the customary opening.
    assert "Tillsammans lovar vi att hålla en trygghetsvandring varje månad." in text
    assert "Vad löftet bygger på" in text and "Så kan du följa löftet" in text
    assert f"/offentligt/loften/{pid}" in text and "Kontakt" in text
    assert "LPO-chef" in text and "KS" in text and signed.isoformat() in text
    assert_no_catalogue_ids(text)

    docx = signed_promise_document(ACTOR, _request(pid, "docx"))
    package = read_docx(
        docx.content, title=TITLE, author=AUTHOR, language="sv-SE", created=signed.isoformat()
    )
    body = package.text()
    assert TITLE in body and "Polisen lovar att vara på plats vid stationen." in body
    assert "Underskrifter" in body and "LPO-chef" in body
    assert_no_catalogue_ids(body)
    assert_nothing_doubled(body)

    english = signed_promise_document(ACTOR, _request(pid, "pdf", "en"))
    en_pages = read_pdf(
        english.content,
        title="Citizen promise for Sollentuna 2027",
        author="Sollentuna Municipality",
        language="en-GB",
        created=signed.isoformat(),
    )
    assert "How you can follow the promise" in "\n".join(en_pages)
    en_docx = signed_promise_document(ACTOR, _request(pid, "docx", "en"))
    read_docx(
        en_docx.content,
        title="Citizen promise for Sollentuna 2027",
        author="Sollentuna Municipality",
        language="en-GB",
        created=signed.isoformat(),
    )

    assert "trygghet@sollentuna.se" in text  # the parties' own copy names the coordinator

    # Public once published: anyone may download it, signed in or not; it names the parties
    # to contact, not people's addresses (docs/public.md).
    public = public_promise_document(pid, "pdf")
    public_text = "\n".join(
        read_pdf(
            public.content, title=TITLE, author=AUTHOR, language="sv-SE", created=signed.isoformat()
        )
    )
    assert (
        "trygghet@sollentuna.se" not in public_text and "Kontakta Sollentuna kommun" in public_text
    )
    assert "LPO-chef" in public_text  # the signatures are the published document's
    stranger = signed_promise_document(None, _request(pid, "docx"))
    assert stranger.filename.endswith(".docx")


def test_no_document_before_both_parties_sign_and_none_public_before_publication(db) -> None:
    pid = new_promise(start=START)
    walk_to(pid, Stage.ACTION_PLAN)
    complete_stage(pid, Stage.ACTION_PLAN)  # both sign, but the promise is not yet published
    # The parties have it as soon as both have signed ...
    assert signed_promise_document(ACTOR, _request(pid, "docx")).content[:2] == b"PK"
    # ... residents only once it is published, and someone else's coordinator not at all.
    with pytest.raises(NotFound):
        public_promise_document(pid, "pdf")
    with pytest.raises(NotAuthenticated):
        signed_promise_document(None, _request(pid, "pdf"))
    outsider = register("samordnare@jarfalla.se", organisation="Järfälla")
    with pytest.raises(Forbidden):
        signed_promise_document(outsider, _request(pid, "pdf"))

    other = new_promise(start=START, municipality="Järfälla")
    walk_to(other, Stage.ACTION_PLAN)
    with pytest.raises(InputError, match="no signed medborgarlöfte yet"):
        signed_promise_document(system_principal("x@jarfalla.se"), _request(other, "pdf"))
    with pytest.raises(NotFound):
        public_promise_document(other, "docx")


def test_hostile_text_stays_text_in_every_format(db) -> None:
    pid = new_promise(start=START)
    walk_to(pid, Stage.ACTION_PLAN)
    complete_stage(pid, Stage.ACTION_PLAN)
    hostile = 'Polisen lovar att <img src="http://example.com/x"> "}</style><script>x</script> \\'
    _set_text(pid, police_promises=hostile)
    html = signed_promise_document(ACTOR, _request(pid, "html")).content.decode()
    assert "<script>" not in html and "<img src=" not in html
    pdf = signed_promise_document(ACTOR, _request(pid, "pdf"))
    text = "\n".join(
        read_pdf(
            pdf.content,
            title=TITLE,
            author=AUTHOR,
            language="sv-SE",
            created=(START - timedelta(days=10)).isoformat(),
        )
    )
    assert '<img src="http://example.com/x">' in text  # shown as typed, never fetched
    docx = signed_promise_document(ACTOR, _request(pid, "docx"))
    assert (
        hostile
        in read_docx(
            docx.content,
            title=TITLE,
            author=AUTHOR,
            language="sv-SE",
            created=(START - timedelta(days=10)).isoformat(),
        ).text()
    )


def test_a_configured_logo_is_embedded_and_a_missing_one_is_no_error(
    db, tmp_path, monkeypatch
) -> None:
    import base64
    import io

    import pikepdf

    from config.settings import reset_settings

    pid = new_promise(start=START)
    walk_to(pid, Stage.ACTION_PLAN)
    complete_stage(pid, Stage.ACTION_PLAN)
    # A 1×1 PNG named after the organisation (docs/configuration.md).
    png = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    )
    (tmp_path / "sollentuna.png").write_bytes(png)
    monkeypatch.setenv("LOFTE_LOGO_DIR", str(tmp_path))
    reset_settings()
    pdf = signed_promise_document(ACTOR, _request(pid, "pdf"))
    document = pikepdf.open(io.BytesIO(pdf.content))
    images = {
        x.objgen  # pages may share one resource dictionary: each picture once
        for page in document.pages
        for x in page.Resources.get("/XObject", {}).values()
        if x.get("/Subtype") == "/Image"
    }
    assert len(images) == 1
    monkeypatch.setenv("LOFTE_LOGO_DIR", str(tmp_path / "none"))
    reset_settings()
    assert signed_promise_document(ACTOR, _request(pid, "pdf")).content[:5] == b"%PDF-"


def test_the_public_copy_leaves_out_a_problem_marked_not_public(db) -> None:
    """Issue 21 meets issue 23: "publiceras inte" holds in the residents' document too."""
    from sqlmodel import select

    from models import Problem
    from models.db import session_scope

    pid = new_promise(start=START)
    walk_to(pid, Stage.CONTINUOUS_EVALUATION)  # signed and published
    _name_problems(pid)
    with session_scope() as s:
        row = s.exec(select(Problem).where(Problem.promise_id == pid, Problem.selected)).first()
        assert row is not None
        row.title, row.not_public_reason = "HEMLIGT problem vid adressen", "Pekar ut en adress"
        s.add(row)

    def text(content: bytes) -> str:
        import io

        from pypdf import PdfReader

        return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)

    assert "HEMLIGT" not in text(public_promise_document(pid, "pdf").content)
    assert "HEMLIGT" in text(signed_promise_document(ACTOR, _request(pid, "pdf")).content)
