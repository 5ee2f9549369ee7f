"""Issue 25: no page, refusal, mail or document in Swedish contains an English sentence or a
raw field name. The checker (``tests/swedish.py``) reads every text a Swedish reader gets:

- every page the demo's people reach from their start page by following links, signed in as
  each role, and the public pages a resident reaches (with each form's refusal, sent empty);
- every Swedish sentence of the catalogue (the pages' texts and every error written with
  ``said``: the refusals);
- every mail the demo queued and every kind of mail, rendered in Swedish;
- the Word documents of the demo's promises (the signed promise and the compilation).
"""

from __future__ import annotations

import io
import re
from collections import Counter
from typing import Any

import pytest

from tests.swedish import problems_in, visible_text

pytestmark = pytest.mark.timeout(900)

# Links not followed: signing out, files, other languages, the API, forms that write.
_SKIP = re.compile(
    r"/logga-ut|/static/|/api/|\.(?:pdf|xlsx|csv|json|atom|geojson|xml|txt|png)\b|[?&]lang=en"
)
PAGES_PER_SHAPE = 3  # /loften/12 and /loften/13 are the same page: a few of each shape suffice
MAX_PAGES = 220


def test_the_checker_finds_english_sentences_and_raw_field_names() -> None:
    """The checker itself: what it must find, and Swedish it must leave alone."""
    assert problems_in("invalid evaluation: activities.3: activity 4 is marked not_done")
    assert problems_in("Start: end 2026-01-01 is before start")
    assert problems_in("Fyll i late_start_reason.")
    assert not problems_in("Be en administratör lägga till den som skriver under.")
    assert not problems_in("Se https://lofte.example/loften/4_5 och skriv till a_b@x.se.")
    # wording officials would not write (issue 25), and what is fine
    assert problems_in("Se regionens översikt.") and not problems_in("Se polisregionens översikt.")
    assert problems_in("3: Uppföljning 1 152 ad") and problems_in("Ej gj.")
    assert problems_in("Dialogen hölls 2026-09-15 i Vällingby centrum.")
    assert not problems_in("Till exempel 2026-09-15") and not problems_in("2026-09-15")
    assert not problems_in("Dialogen hölls 15 september 2026 i Vällingby centrum.")
    assert problems_in("Chefen för LPO Järva", for_residents=True)
    assert not problems_in("Chefen för LPO Järva") and not problems_in("LPOS", for_residents=True)
    html = '<p>Hej</p><a lang="en" href="?lang=en">English version of the page</a><code>a_b</code>'
    assert visible_text(html) == "Hej"


def test_every_swedish_sentence_of_the_catalogue() -> None:
    """The pages' texts and the errors written with ``said`` (refusals included) live in one
    catalogue: its Swedish side is Swedish."""
    from lifecycle.i18n import read_catalogue

    # a sentence's {values} are filled in later, and a word's context (msgctxt) is not text
    found = {
        sv: problems_in(re.sub(r"\{[^}]*\}", "X", sv.split("\x04")[-1])) for sv in read_catalogue()
    }
    assert {sv: p for sv, p in found.items() if p} == {}


def test_every_kind_of_mail_in_swedish() -> None:
    from notifications.render import KINDS, Renderer
    from tests.notifications.helpers import SAMPLE

    renderer = Renderer()
    found = {}
    for kind in KINDS:
        mail = renderer.render(kind, "sv", SAMPLE)
        text = "\n".join([mail.subject, mail.text, visible_text(mail.html)])
        found[kind] = problems_in(text)
    assert {k: p for k, p in found.items() if p} == {}


def _docx_text(content: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(content))
    cells = (c.text for t in document.tables for row in t.rows for c in row.cells)
    return "\n".join([*(p.text for p in document.paragraphs), *cells])


def _crawl(
    tab: Any, start: str, server: str, read: Counter[str], *, for_residents: bool = False
) -> dict[str, list[str]]:
    """Follow the links of ``start`` and on, a few pages (and Word files) of each shape; what
    each says wrong, and every page that did not answer."""
    seen_shapes: Counter[str] = Counter()
    queue, visited, found = [start], set(), {}
    while queue and len(visited) < MAX_PAGES:
        path = queue.pop(0)
        shape = re.sub(r"\d+", "N", path.split("#")[0])
        if path in visited or seen_shapes[shape] >= PAGES_PER_SHAPE:
            continue
        visited.add(path)
        seen_shapes[shape] += 1
        answer = tab.request.get(server + path)
        if answer.status != 200:
            if answer.status >= 500 or path == start:
                found[path] = [f"HTTP {answer.status}"]
            continue
        if path.endswith(".docx"):
            text = _docx_text(answer.body())
        elif "text/html" in answer.headers.get("content-type", ""):
            html = answer.text()
            if '<html lang="sv"' not in html:
                continue
            text = visible_text(html)
            for href in re.findall(r'href="(/[^"#]*)', html):
                href = href.replace("&amp;", "&")
                if not _SKIP.search(href) and href not in visited:
                    queue.append(href)
        else:
            continue
        read["docx" if path.endswith(".docx") else "page"] += 1
        read[path] += 1  # the paths read: the forms among them are sent empty afterwards
        problems = problems_in(text, for_residents=for_residents)
        if problems:
            found[path] = problems
    return found


# The error messages of the fields answered by choosing (a select, radio buttons, boxes).
_CHOICE_ERRORS = """() => [...document.querySelectorAll('main .govuk-error-message[id$="-error"]')]
  .filter(p => {
    const field = document.querySelector(`main [name="${p.id.slice(0, -6)}"]`);
    return field && (field.tagName === "SELECT" || ["radio", "checkbox"].includes(field.type));
  })
  .map(p => p.textContent.trim())"""
_FORM = re.compile(r"^/loften/\d+/(?:ny|andra)/[a-z_]+(?:/\d+)?$")


def _refusals(tab: Any, read: Counter[str]) -> dict[str, list[str]]:
    """Each kind of form the person reached, sent as it opens (most of them then refuse): the
    refusal's page is Swedish too."""
    found: dict[str, list[str]] = {}
    for path in sorted(read.keys() - {"page", "docx"}):
        if not _FORM.match(path):
            continue
        tab.goto(path)
        button = tab.locator("main form button[type=submit], main form button:not([type])")
        if button.count() == 0:
            continue
        button.first.click()
        tab.wait_for_load_state()
        read["refusal"] += 1
        problems = problems_in(visible_text(tab.content()))
        # a list, radio buttons or boxes left empty ask for a choice: "Välj ...", not "Fyll i"
        problems += [
            f"a choice asked for with {said!r}"
            for said in tab.evaluate(_CHOICE_ERRORS)
            if not said.removeprefix("Fel:").strip().startswith("Välj ")
        ]
        if problems:
            found[f"{path} (sent)"] = problems
    return found


def test_every_page_document_and_mail_of_the_demo_is_swedish(server: str, browser: Any) -> None:
    """Signed in as each role the demo shows, and as a resident: every page and Word file
    reached by links; and every mail the demo queued, in Swedish."""
    from sqlmodel import select

    from application.demo import DEMO_PASSWORD, SHOWN
    from models.db import session_scope
    from models.operations import OutboxMessage
    from notifications.render import Renderer
    from tests.demo_copy import demo_region

    demo_region()
    found: dict[str, dict[str, list[str]]] = {}
    read: Counter[str] = Counter()
    for _role, email, _what in SHOWN:
        context = browser.new_context(base_url=server, locale="sv-SE")
        tab = context.new_page()
        tab.goto("/logga-in")
        tab.fill("#email", email)
        tab.fill("#password", DEMO_PASSWORD)
        tab.get_by_role("button", name="Logga in").click()
        tab.wait_for_url("**/")
        theirs: Counter[str] = Counter()
        found[email] = _crawl(tab, "/", server, theirs)
        found[email].update(_refusals(tab, theirs))
        read.update(theirs)
        context.close()
    context = browser.new_context(base_url=server, locale="sv-SE")
    found["resident"] = _crawl(
        context.new_page(), "/offentligt/stockholm", server, read, for_residents=True
    )
    context.close()

    renderer = Renderer()
    with session_scope() as s:
        messages = list(s.exec(select(OutboxMessage)).all())
    mails: dict[str, list[str]] = {}
    for message in messages:
        if message.language == "sv":
            mail = renderer.render(message.kind, "sv", message.payload)
            text = "\n".join([mail.subject, mail.text, visible_text(mail.html)])
            if problems := problems_in(text):
                mails[f"{message.kind} {message.id}"] = problems
    found["mail"] = mails
    # the walk read the pages and the Word files people reach, and the demo's mails
    counts = {k: read[k] for k in ("page", "docx", "refusal")}
    assert counts["page"] >= 100 and counts["docx"] >= 4 and counts["refusal"] >= 5, counts
    assert len(messages) >= 10
    # every problem on a line of its own: the whole list, not pytest's shortened diff
    said = [
        f"{who} {path}: {p}"
        for who, pages in found.items()
        for path, ps in pages.items()
        for p in ps
    ]
    assert not said, "\n".join(said)
