"""Issue 23: the staff page links every document, the public page the signed promise; each
link downloads a file that opens (read back with other libraries than the writers)."""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from lifecycle.stages import Stage
from tests.documents.readback import read_docx, read_pdf, read_xlsx_sheet
from tests.documents.test_promise_document import walk_to
from tests.helpers import complete_stage, new_promise
from tests.web.conftest import PASSWORD, account, axe_violations

pytestmark = pytest.mark.timeout(300)


def test_the_staff_page_links_every_document_and_the_public_page_the_signed_one(page) -> None:
    pid = new_promise(start=date(2026, 1, 1))
    walk_to(pid, Stage.YEAR_END_COMPILATION)
    complete_stage(pid, Stage.YEAR_END_COMPILATION)
    account("samordnare@sollentuna.se", "Sollentuna")
    page.goto("/logga-in")
    page.fill("#email", "samordnare@sollentuna.se")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.goto(f"/loften/{pid}")
    section = page.locator("#dokument + ul")
    links = section.locator("a").evaluate_all("(as) => as.map(a => a.getAttribute('href'))")
    for name in (
        "medborgarlofte.pdf",
        "medborgarlofte.docx",
        "atgardsplan.xlsx",
        "atgardsplan.docx",
        "sammanstallning.pdf",
        "sammanstallning.docx",
    ):
        assert f"/loften/{pid}/dokument/{name}" in links, links
    assert axe_violations(page) == []
    files = {}
    for href in links:
        answer = page.request.get(href)
        assert answer.status == 200, (href, answer.status)
        files[href.rsplit("/", 1)[-1]] = answer
    assert "attachment" in files["medborgarlofte.pdf"].headers["content-disposition"]
    read_pdf(
        files["medborgarlofte.pdf"].body(),
        title="Medborgarlöfte för Sollentuna 2026",
        author="Sollentuna kommun",
        language="sv-SE",
        created="2025-12-22",
    )
    read_docx(
        files["atgardsplan.docx"].body(),
        title="Åtgärdsplan 2026: Sollentuna",
        author="Sollentuna kommun",
        language="sv-SE",
        created=str(date.today().year),
        landscape=True,
    )
    assert read_xlsx_sheet(files["atgardsplan.xlsx"].body())["orientation"] == "landscape"
    assert files["sammanstallning.pdf"].body()[:5] == b"%PDF-"
    missing = page.request.get(f"/loften/{pid}/dokument/annat.pdf")
    assert missing.status == 404

    # The public page links the signed promise; anyone downloads it without signing in.
    server = page.url.split("/loften")[0]
    public = httpx.get(f"{server}/offentligt/loften/{pid}", timeout=30).text
    assert f'href="/offentligt/loften/{pid}/medborgarlofte.pdf"' in public
    assert f'href="/offentligt/loften/{pid}/medborgarlofte.docx"' in public
    for fmt, magic in (("pdf", b"%PDF-"), ("docx", b"PK")):
        answer = httpx.get(f"{server}/offentligt/loften/{pid}/medborgarlofte.{fmt}", timeout=60)
        assert answer.status_code == 200 and answer.content.startswith(magic)
    draft = new_promise(start=date(2027, 1, 1), municipality="Järfälla")
    absent = httpx.get(f"{server}/offentligt/loften/{draft}/medborgarlofte.pdf", timeout=30)
    assert absent.status_code == 404
    wrong = httpx.get(f"{server}/offentligt/loften/{pid}/medborgarlofte.exe", timeout=30)
    assert wrong.status_code == 404
