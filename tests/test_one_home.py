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
from typing import Any

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
        "Uppgifterna stämmer inte: Fyll i day; Count måste vara ett heltal (angivet: 'many')."
    )
    said = InputError.said("inget att ändra: ange de fält i {kind} som ska ändras", kind="goal")
    assert str(said) == "nothing to change: give the fields of the goal to change"
    assert said.message("sv") == "inget att ändra: ange de fält i goal som ska ändras"


def _a_promise_and_its_coordinators_api() -> tuple[int, Any]:
    """A new promise, and an API client acting as its coordinator (the operator's key)."""
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
    return pid, client


def test_the_api_says_a_wrong_input_in_both_languages(db) -> None:
    pid, client = _a_promise_and_its_coordinators_api()
    answer = client.post(
        f"/api/promises/{pid}/artefacts/dialogue",
        json={"fields": {"method": "survey", "participants": "många"}},
    )
    assert answer.status_code == 422
    body = answer.json()
    assert body["error"].startswith("invalid dialogue: ")  # English as it always was
    # the fields by their Swedish labels (lifecycle/fields.py), not their names
    assert "Antal deltagare måste vara ett heltal (angivet: 'många')" in body["error_sv"]
    assert "Fyll i datum" in body["error_sv"] and "held_from" not in body["error_sv"]
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
    assert "Uppgifterna stämmer inte: Inlämnad av är för kort" in sv.text
    en = client.post(f"/loften/{pid}/uppfoljning/1?lang=en", data={**form, "submitted_by": ""})
    assert en.status_code == 422
    assert "invalid evaluation: submitted_by: String should have at least" in en.text
    # A refused right: one sentence, in the page's language.
    refused = client.get("/admin/personer/ny?lang=sv")  # (the page above remembered en)
    assert refused.status_code == 403
    assert "Du saknar rätt att hantera personer och konton." in refused.text
    refused_en = client.get("/admin/personer/ny?lang=en")
    assert "You do not have the right to manage people and accounts." in refused_en.text
    # An input the application refuses (not its model): a stage that does not exist.
    back = token(client.get(f"/loften/{pid}?lang=sv").text)
    again = client.post(
        f"/loften/{pid}/tillbaka?lang=sv", data={**back, "to": "nowhere", "reason": "Fel steg"}
    )
    assert "okänt steg &#39;nowhere&#39;; giltiga steg: resident_dialogue" in again.text
    assert "unknown stage" not in again.text


# The errors a person reads (the exceptions of lifecycle/errors.py and the command line's own).
PERSON_ERRORS = {
    "InputError",
    "NotFound",
    "Conflict",
    "Forbidden",
    "NotAuthenticated",
    "Unavailable",
    "Busy",
    "TooManyRequests",
    "ServiceFailed",
}
# The calls whose first argument (Refused: second) is a sentence written in Swedish.
SAYING = {"said", "InvalidValue", "Phrase", "Denied"}


def _module_constants(tree: ast.Module) -> dict[str, str]:
    """The module's NAME = "text" constants (a sentence said in several places)."""
    constants = {}
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            constants[node.targets[0].id] = node.value.value
    return constants


def _said_sentences() -> list[tuple[str, str]]:
    """(where, Swedish sentence) of every sentence the code says through the catalogue."""
    shared = _module_constants(ast.parse((ROOT / "lifecycle" / "errors.py").read_text()))
    found = []
    for path in sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = {**shared, **_module_constants(tree)}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in SAYING and node.args:
                argument = node.args[0]
            elif name == "Refused" and len(node.args) > 1:
                argument = node.args[1]
            else:
                continue
            branches = (
                [argument.body, argument.orelse] if isinstance(argument, ast.IfExp) else [argument]
            )
            for branch in branches:
                if isinstance(branch, ast.Constant) and isinstance(branch.value, str):
                    text = branch.value
                elif isinstance(branch, ast.Name) and branch.id in constants:
                    text = constants[branch.id]
                else:
                    continue  # said from a variable: a sentence made elsewhere
                if text in ("sv", "en"):
                    continue  # phrase.said("sv"): a phrase said in a language
                found.append((f"{path.relative_to(ROOT)}:{node.lineno}", text))
    return found


def _fields(text: str) -> set[str]:
    import string

    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_no_error_a_person_reads_is_built_from_an_english_literal() -> None:
    """An error is one sentence written in Swedish (``InputError.said("...")``), its English
    in the catalogue: never ``InputError("English ...")`` nor an f-string headline."""
    found = []
    for path in sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            name, args = node.func.id, node.args
            literal = (ast.Constant, ast.JoinedStr)
            if name in {*PERSON_ERRORS, "fail"} and args and isinstance(args[0], literal):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}")
            if name == "Refused" and len(args) > 1 and isinstance(args[1], ast.JoinedStr):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} Refused headline")
            if name == "ValueError" and path.parent.name == "models" and args:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} ValueError (InvalidValue)")
    assert found == [], "write these with .said(...) and an en.po entry:\n" + "\n".join(found)


# The errors of a configuration and of a document (config/errors.py, config/documents.py):
# said with ``.said(...)`` / ``.of(...)``, whose ``cls(...)`` is the one direct call.
SAID_ONLY = {"ConfigError", "DocumentError"}


def _built_from_text(tree: ast.AST) -> list[str]:
    """``line name (literal|text)`` of each ``ConfigError(...)`` / ``DocumentError(...)``
    (or ``errors.ConfigError(...)``) given a text of its own."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not (node.args or node.keywords):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in SAID_ONLY:
            first = node.args[0] if node.args else node.keywords[0].value
            kind = "literal" if isinstance(first, ast.Constant | ast.JoinedStr) else "text"
            found.append(f"{node.lineno} {name} ({kind})")
    return found


def test_no_configuration_or_document_error_is_built_from_a_text_of_its_own() -> None:
    """``ConfigError.said("{path}: ... finns inte", ...)``, its English in the catalogue: never
    ``ConfigError(f"{path}: ... does not exist")`` nor ``DocumentError("...")``, an English
    literal, an f-string or a text put together ahead (``ConfigError(message)``)."""
    found = [
        f"{path.relative_to(ROOT)}:{where}"
        for path in sources()
        for where in _built_from_text(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert found == [], "write these with .said(...) and an en.po entry:\n" + "\n".join(found)
    # the walk sees what it looks for (a broken walk would pass on nothing)
    written = 'raise ConfigError(f"{p}: not an http(s) URL")\nraise errors.DocumentError(why)\n'
    assert _built_from_text(ast.parse(written)) == [
        "1 ConfigError (literal)",
        "2 DocumentError (text)",
    ]
    assert _built_from_text(ast.parse('raise ConfigError.said("{p}: finns inte", p=1)')) == []


def test_every_sentence_said_has_its_english_with_the_same_values() -> None:
    from lifecycle.i18n import english

    table = english()
    said = _said_sentences()
    assert len(said) > 150  # the walk finds them (a broken walk would pass on nothing)
    missing = sorted({text for _, text in said if text not in table})
    assert missing == [], "add to lifecycle/translations/en.po:\n" + "\n".join(missing)
    for where, text in said:
        assert _fields(text) == _fields(table[text]), (where, text, table[text])


def test_a_refused_right_is_one_sentence_said_in_either_language() -> None:
    from application.access import require_action
    from lifecycle.errors import Forbidden
    from lifecycle.permissions import Action, Denied, Principal, decide
    from lifecycle.vocabulary import Role

    coordinator = Principal(1, "s@kommun.se", "S", Role.COORDINATOR, 1, "stockholm", "token")
    denied = decide(coordinator, Action.MANAGE_PEOPLE)
    assert isinstance(denied, Denied)
    assert denied.said("sv") == "Du saknar rätt att hantera personer och konton."
    assert denied.said("en") == "You do not have the right to manage people and accounts."
    with pytest.raises(Forbidden) as refused:
        require_action(coordinator, Action.MANAGE_PEOPLE)
    assert refused.value.message("sv") == denied.said("sv")
    assert str(refused.value) == denied.said("en")
    assert not hasattr(refused.value, "message_sv")  # one sentence, not two messages


def test_a_value_that_says_itself_is_said_in_the_sentences_language() -> None:
    from lifecycle.errors import InputError, Refused
    from lifecycle.i18n import AND, Phrase, joined
    from lifecycle.stages import Stage

    listed = joined(
        [Phrase("mål {ids}", {"ids": "3"}), Phrase("aktiviteter {ids}", {"ids": "4"})], AND
    )
    error = InputError.said(
        "{kind} {id} kan inte tas bort medan {resting} vilar på den; ta bort eller ändra dem först",
        kind="problem",
        id=2,
        resting=listed,
    )
    assert error.message("sv") == (
        "problem 2 kan inte tas bort medan mål 3 och aktiviteter 4 vilar på den; ta bort eller "
        "ändra dem först"
    )
    assert str(error) == (
        "problem 2 cannot be removed while goals 3 and activities 4 rest on it; remove or "
        "change those first"
    )
    refused = Refused([], "löfte {id} kan inte gå till {target}", id=7, target=Stage.GOALS)
    assert refused.message("sv") == "löfte 7 kan inte gå till Mål"
    assert refused.headline == refused.message("en") == "promise 7 cannot move to Goals"


def test_the_command_line_says_an_error_in_swedish_and_in_english(db, monkeypatch) -> None:
    import json

    from typer.testing import CliRunner

    from cli.main import app
    from tests.helpers import register

    register("samordnare@jarfalla.se", organisation="Järfälla")
    monkeypatch.setenv("LOFTE_ACTOR", "samordnare@jarfalla.se")
    result = CliRunner().invoke(app, ["promise", "show", "9999"])
    assert result.exit_code == 2
    assert (
        "Fel / error: inget löfte med id 9999; `lofte promise list` visar dem / "
        "no promise with id 9999; `lofte promise list` shows them"
    ) in result.output
    as_json = CliRunner().invoke(app, ["promise", "show", "9999", "--json"])
    body = json.loads(as_json.stdout)
    assert body["error"] == "no promise with id 9999; `lofte promise list` shows them"
    assert body["error_sv"] == "inget löfte med id 9999; `lofte promise list` visar dem"
    assert body["error_kind"] == "NotFound"


def test_the_api_says_an_application_error_in_both_languages(db) -> None:
    pid, client = _a_promise_and_its_coordinators_api()
    answer = client.post(
        f"/api/promises/{pid}/artefacts/goal",
        json={
            "fields": {
                "problem_id": 9999,
                "kind": "outcome",
                "description": "Färre rån vid stationen",
                "indicator": "anmälda rån",
                "indicator_source": "polisens statistik",
                "target_date": "2027-06-01",
            }
        },
    )
    body = answer.json()
    # a refusal's headline in both languages (the promise is still in its first stage)
    assert answer.status_code == 409, body
    assert (body["error"], body["error_sv"]) == (
        "cannot add goal now",
        "kan inte lägga till mål nu",
    )
    assert body["unmet"][0]["code"] == "artefact.wrong_stage"
    missing = client.get(f"/api/promises/{pid + 1000}").json()
    assert missing["error"] == (f"no promise with id {pid + 1000}; `lofte promise list` shows them")
    assert missing["error_sv"] == (
        f"inget löfte med id {pid + 1000}; `lofte promise list` visar dem"
    )


# Where a Swedish and an English value may stand side by side (``x_sv`` and ``x_en``): data
# that comes in both languages (the catalogues' names and goals), the result model that
# carries an unmet criterion's sentence in both for the API's clients, and the API's
# deadline rows, which give a stage's name in both for their clients.
PAIRS_ALLOWED = {
    "config/catalogue.py": {"name", "text"},
    "models/catalogue_loader.py": {"name"},
    "models/organisation.py": {"name"},
    "application/promise_results.py": {"message"},
    "application/deadlines.py": {"stage_name"},
    # the glossary holds docs/glossary.md, whose table names each term in both languages
    "lifecycle/glossary.py": {"name"},
}


def test_no_sentence_is_written_twice_as_a_swedish_and_an_english_pair() -> None:
    """A sentence is written once, in Swedish, its English in the catalogue: no ``done_sv``
    beside ``done_en`` built in code outside the homes of data that comes in both."""
    found = {}
    for path in sources():
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    for part in ast.walk(target):
                        if isinstance(part, ast.Name):
                            names.add(part.id)
                        elif isinstance(part, ast.Attribute):
                            names.add(part.attr)
            elif isinstance(node, ast.arg):
                names.add(node.arg)
        pairs = {n[:-3] for n in names if n.endswith("_sv") and n[:-3] + "_en" in names}
        where = str(path.relative_to(ROOT))
        if pairs - PAIRS_ALLOWED.get(where, set()):
            found[where] = sorted(pairs - PAIRS_ALLOWED.get(where, set()))
    assert found == {}, f"write these once in Swedish, their English in en.po: {found}"


def test_the_reports_say_their_words_through_the_catalogue() -> None:
    """``in_language((sv, en), ...)`` is for data that comes in both languages (a region's
    name); a word the code writes is written once, in Swedish, with ``in_context``."""
    from reports.action_plan import headers
    from reports.i18n import words

    found = []
    for path in sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "in_language"
                and node.args
                and isinstance(node.args[0], ast.Tuple)
                and any(isinstance(e, ast.Constant | ast.JoinedStr) for e in node.args[0].elts)
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == []
    # A report's own English, apart from a page's: "Uppnått" is "Met" in a compilation.
    assert (words("sv").met, words("en").met) == ("Uppnått", "Met")
    assert headers("en", ("goal", "owner")) == ["Goal", "Carried out by"]


def test_an_unmet_criterion_is_one_sentence_not_two_literals() -> None:
    """``Unmet(code, Phrase("...", {...}))``: the criterion's Swedish with its values named,
    its English in the catalogue; never ``Unmet(code, "svenska", "English")``."""
    found = []
    for path in sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "Unmet"
                and any(isinstance(a, ast.Constant | ast.JoinedStr) for a in node.args[1:])
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == [], "say these with Phrase(...) and an en.po entry:\n" + "\n".join(found)


# The homes where a text may be chosen by the language: the mechanism itself, the counting
# home, the glossary (bilingual data equal to docs/glossary.md) and ``in_language`` (data
# that comes in both languages from the database or the catalogues).
LANGUAGE_CHOICE_HOMES = {
    "lifecycle/i18n.py",
    "lifecycle/words.py",
    "lifecycle/glossary.py",
    "reports/i18n.py",
}
# A locale or a language's own code ("sv_SE" if ... else "en_GB") is not a text a person reads.
_CODE = re.compile(r"^(sv|en)([-_][A-Z]{2})?$")


def _is_language_test(node: ast.expr) -> bool:
    """``language == "en"``, ``lang != "sv"``, ``request.language == "sv"``, ``english`` ..."""
    if isinstance(node, ast.Name):
        return node.id == "english"
    if not isinstance(node, ast.Compare) or not isinstance(node.ops[0], ast.Eq | ast.NotEq):
        return False
    sides = [node.left, *node.comparators]
    named = any(
        getattr(s, "id", None) in {"language", "lang"}
        or getattr(s, "attr", None) in {"language", "lang"}
        for s in sides
    )
    return named and any(isinstance(s, ast.Constant) and s.value in ("sv", "en") for s in sides)


def _is_text(node: ast.AST | None) -> bool:
    """A literal text (or a tuple of them), one side of a pair (``pair[0]``), or a text
    unpacked from one (``sv``, ``en``)."""
    if isinstance(node, ast.Name):
        return node.id in ("sv", "en")
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and not _CODE.match(node.value)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.Tuple):
        return bool(node.elts) and all(_is_text(e) for e in node.elts)
    return isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant)


def test_no_module_chooses_between_two_texts_by_the_language() -> None:
    """``"Sida" if language == "sv" else "Page"`` writes a sentence twice: write it once in
    Swedish and say it with ``translate`` / ``in_context`` / a ``Phrase``."""
    found = []
    for path in sources():
        where = str(path.relative_to(ROOT))
        if where in LANGUAGE_CHOICE_HOMES:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.IfExp) and _is_language_test(node.test):
                if _is_text(node.body) and _is_text(node.orelse):
                    found.append(f"{where}:{node.lineno}")
            elif isinstance(node, ast.If) and _is_language_test(node.test):
                first = node.body[0]
                if isinstance(first, ast.Return | ast.Assign) and _is_text(first.value):
                    found.append(f"{where}:{node.lineno}")
    assert found == [], "write these once in Swedish, their English in en.po:\n" + "\n".join(found)


def test_an_enum_or_literal_left_empty_says_choose_in_the_applications_errors() -> None:
    """Issue 25: the API and the command line ask for a choice with "Välj ...", in lists
    and nested parts too, once they know the input model that refused."""
    from typing import Literal

    from pydantic import BaseModel, ValidationError

    from lifecycle.errors import describe_validation_error
    from lifecycle.vocabulary import ActivityStatus

    class Row(BaseModel):
        status: ActivityStatus

    class Round(BaseModel):
        trend: ActivityStatus | None
        party: Literal["police", "municipality"]
        participants: int
        activities: list[Row]

    try:
        Round.model_validate({"activities": [{}]})
    except ValidationError as exc:
        error = describe_validation_error(exc, "round", Round)
    said = error.message("sv")
    assert "Välj utveckling" in said and "Välj part" in said, said
    assert "Välj status (activities.0.status)" in said, said
    assert "Fyll i antal deltagare" in said, said
    assert "Fyll i utveckling" not in said and "Fyll i part" not in said
