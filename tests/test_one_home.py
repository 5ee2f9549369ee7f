"""One home for every fact (issue 19): each test fails when a fact gains a second home.

The calendar's defaults live in ``config/calendar.yaml`` only; the two databases' spelling of
INSERT ... ON CONFLICT in ``models/db.py`` only; a notification's subject in its template only;
an artefact kind's traits on its ``ArtefactKind`` object only; a sentence's English in the one
catalogue only.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = (
    "config",
    "models",
    "lifecycle",
    "application",
    "effects",
    "views",
    "jobs",
    "flows",
    "notifications",
    "cli",
    "web",
    "reports",
)


def sources() -> list[Path]:
    """Every Python module of the application (migrations are history, not homes)."""
    return [
        path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
    ]


def code_of(path: Path) -> str:
    """The module without its docstrings and comments: only what the program says."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(body, list)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            body[0] = ast.Pass()
    return ast.unparse(tree)


# The calendar's defaults as literals: the renewal day, the reminder ladder, the escalation
# step, the default rhythm (round periods). Their home is config/calendar.yaml.
CALENDAR_FACTS = {
    "renewal day": re.compile(r"\(9, 1\)|'09-01'"),
    "reminder ladder": re.compile(r"14, 7, 1"),
    "escalation step": re.compile(r"after_working_days.{0,40}default=5|escalate_after.{0,20}= 5"),
    "default rhythm": re.compile(r"(rhythm|rule)[^=\n]{0,40}= 'tertial'"),
    "escalation roles": re.compile(r"default_factory=lambda: \['regional_coordinator'\]"),
}


@pytest.mark.parametrize("fact", list(CALENDAR_FACTS))
def test_each_calendar_default_is_written_only_in_the_calendar_file(fact: str) -> None:
    pattern = CALENDAR_FACTS[fact]
    found = [str(p.relative_to(ROOT)) for p in sources() if pattern.search(code_of(p))]
    assert found == [], f"the {fact} has a home besides config/calendar.yaml: {found}"


def test_the_calendar_file_has_one_reader_and_holds_every_default() -> None:
    from config.calendar import DEFAULT_FILE, load_calendars

    text = DEFAULT_FILE.read_text(encoding="utf-8")
    assert 'renewal: "09-01"' in text and "before: [14, 7, 1]" in text
    assert "rhythm: tertial" in text and "after_working_days: 5" in text
    readers = [str(p.relative_to(ROOT)) for p in sources() if "calendar.yaml" in code_of(p)]
    assert readers == ["config/calendar.py"]
    # A region without a calendar file of its own gets the defaults (Stockholm's own file,
    # config/calendars/stockholm.yaml, reports by tertial with its own cut-offs: issue 22).
    rules = load_calendars(known_regions={"stockholm", "uppsala"}).rules("uppsala")
    assert rules.renewal == (9, 1) and rules.ladder.before == (14, 7, 1)
    assert rules.evaluation.rhythm == "tertial" and rules.ladder.escalate_after == 5


def test_the_database_dialect_switch_has_one_home() -> None:
    spelled = [
        str(p.relative_to(ROOT))
        for p in sources()
        if re.search(r"on_conflict_do_nothing|dialects\.(postgresql|sqlite)", code_of(p))
    ]
    assert spelled == ["models/db.py"]


def test_no_notification_subject_is_built_in_python() -> None:
    import inspect

    from notifications.outbox import enqueue
    from notifications.render import Renderer

    assert "subject" not in inspect.signature(enqueue).parameters
    assert "subject" not in inspect.signature(Renderer.render).parameters
    for path in sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "render":
                assert not any(k.arg == "subject" for k in node.keywords), path


def test_every_kind_that_builds_a_subject_has_its_subject_template() -> None:
    from notifications.render import KINDS, LANGUAGES, TEMPLATE_DIR

    for kind in (*KINDS, "agreement_expiry"):
        for language in LANGUAGES:
            assert (TEMPLATE_DIR / f"{kind}.{language}.subject.j2").exists(), (kind, language)


def test_the_reminder_digest_says_the_same_in_its_subject_whatever_its_kind() -> None:
    from notifications.render import Renderer

    items = [{"overdue": True, "escalation": False}, {"overdue": False, "escalation": False}]
    for kind in ("digest", "escalation"):
        assert Renderer().subject(kind, "sv", {"items": items}) == (
            "Löfte: 2 tidsfrister att bevaka, 1 försenad"
        )
        assert Renderer().subject(kind, "en", {"items": items[1:]}) == (
            "Löfte: 1 deadline to watch"
        )


def _kind_tables(path: Path, names: set[str]) -> list[int]:
    """Lines of ``path`` holding a collection keyed or filled by three or more kind names."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Dict):
            items = node.keys
        elif isinstance(node, ast.Set | ast.List | ast.Tuple):
            items = node.elts
        else:
            continue
        keyed = {i.value for i in items if isinstance(i, ast.Constant) and i.value in names}
        if len(keyed) >= 3:
            lines.append(node.lineno)
    return lines


# Collections whose keys only look like kinds: a row of the action plan's table ("focus_area",
# "goal", ...: its columns) and the reports' words ("problem", "goal", "activity": headings).
NOT_KIND_TABLES = {"reports/action_plan.py", "reports/i18n.py"}


def test_an_artefact_kind_is_keyed_only_on_its_object() -> None:
    from models.kinds import KINDS

    names = set(KINDS)
    tables = {
        name: lines
        for p in sources()
        if p.name != "kinds.py"
        and (name := str(p.relative_to(ROOT))) not in NOT_KIND_TABLES
        and (lines := _kind_tables(p, names))
    }
    assert tables == {}, f"a table keyed by artefact kind outside models/kinds.py: {tables}"


def test_every_kind_carries_what_varies_by_kind_and_has_its_handler() -> None:
    import application.artefacts  # noqa: F401 - binds the handlers
    from models.kinds import KINDS

    for kind in KINDS.values():
        assert kind.bound and callable(kind.handler), kind.name
        assert kind.title and kind.noun, kind.name
        assert kind.first_stage.position <= kind.last_stage.position, kind.name
        assert not kind.changeable or kind.table is not None, kind.name
        assert not kind.revokes_signoffs or kind.changeable, kind.name
    assert [k.name for k in KINDS.values() if k.withholdable] == ["problem", "goal", "activity"]


def test_the_web_forms_live_with_the_pages() -> None:
    assert not (ROOT / "application" / "forms.py").exists()
    assert (ROOT / "web" / "forms.py").exists()


def test_one_catalogue_holds_the_english_of_every_sentence() -> None:
    from lifecycle.errors import FIELD_MESSAGES
    from lifecycle.i18n import CATALOGUE, english
    from lifecycle.permissions import RIGHTS, WHERE
    from models.kinds import KINDS

    assert sorted(ROOT.rglob("*.po"), key=str) == [CATALOGUE] or all(
        ".venv" in p.parts or p == CATALOGUE for p in ROOT.rglob("*.po")
    )
    table = english()
    rights = [*RIGHTS.values(), *WHERE.values()]
    for text in [*FIELD_MESSAGES.values(), *(k.title for k in KINDS.values()), *rights]:
        assert text in table, text
    for kind in KINDS.values():
        assert kind.noun in table, kind.noun


def test_an_input_error_reads_in_swedish_and_in_english() -> None:
    from pydantic import BaseModel, ValidationError

    from lifecycle.errors import InputError, describe_validation_error

    class Shape(BaseModel):
        day: __import__("datetime").date
        count: int

    try:
        Shape.model_validate({"count": "many"})
    except ValidationError as exc:
        error = describe_validation_error(exc, "goal")
    assert str(error).startswith("invalid goal: day: Field required; count: Input should be")
    assert error.message("en") == str(error)
    assert error.message("sv") == (
        "Ogiltig goal: Fyll i day; Count måste vara ett heltal (angivet: 'many')."
    )
    said = InputError.said("inget att ändra: ange de fält i {kind} som ska ändras", kind="goal")
    assert str(said) == "nothing to change: give the fields of the goal to change"
    assert said.message("sv") == "inget att ändra: ange de fält i goal som ska ändras"


def test_the_api_says_a_wrong_input_in_both_languages(db) -> None:
    from fastapi.testclient import TestClient

    from config.operator_key import ensure_operator_key
    from tests.helpers import new_promise, register
    from web.api import create_app

    pid = new_promise()
    register("samordnare@sollentuna.se")
    client = TestClient(create_app(warm=False))
    client.headers.update(
        {
            "Authorization": f"Operator {ensure_operator_key()}",
            "X-Lofte-Actor": "samordnare@sollentuna.se",
        }
    )
    answer = client.post(
        f"/api/promises/{pid}/artefacts/dialogue",
        json={"fields": {"method": "survey", "participants": "många"}},
    )
    assert answer.status_code == 422
    body = answer.json()
    assert body["error"].startswith("invalid dialogue: ")  # English as it always was
    assert "Participants måste vara ett heltal (angivet: 'många')" in body["error_sv"]
    assert "Fyll i held_from" in body["error_sv"]
    nothing = client.post(f"/api/promises/{pid}/artefacts/dialogue", json={"fields": {}})
    assert nothing.json()["error_sv"] == (
        "inget att lägga till: ange fälten för dialogue (se: lofte schema dialogue)"
    )


def test_a_wrong_input_reads_in_swedish_on_a_swedish_page_and_in_english_on_an_english_one(
    db,
) -> None:
    from fastapi.testclient import TestClient

    from lifecycle.stages import Stage
    from tests.helpers import new_promise
    from tests.test_method import walk_to
    from tests.web.conftest import PASSWORD, account
    from web.api import create_app

    pid = new_promise()
    walk_to(pid, Stage.CONTINUOUS_EVALUATION)
    account("samordnare@sollentuna.se", "Sollentuna")
    client = TestClient(create_app(warm=False), base_url="https://testserver")

    def token(html: str) -> dict[str, str]:
        name, value = re.search(r'type="hidden" name="([^"]+)" value="([^"]+)"', html).groups()  # type: ignore[union-attr]
        return {name: value}

    signin = client.get("/logga-in").text
    client.post(
        "/logga-in",
        data={"email": "samordnare@sollentuna.se", "password": PASSWORD, **token(signin)},
        follow_redirects=False,
    )
    form = token(client.get(f"/loften/{pid}/uppfoljning/1").text)
    # A round sent without who submits it: the application's input model refuses it.
    sv = client.post(f"/loften/{pid}/uppfoljning/1", data={**form, "submitted_by": ""})
    assert sv.status_code == 422
    assert "Ogiltig evaluation: Submitted_by är för kort" in sv.text
    en = client.post(f"/loften/{pid}/uppfoljning/1?lang=en", data={**form, "submitted_by": ""})
    assert en.status_code == 422
    assert "invalid evaluation: submitted_by: String should have at least" in en.text
