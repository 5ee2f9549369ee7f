"""Issue 21: every public page, in Swedish and in English, passes the Nu Html Checker (vnu)
with 0 errors. The checker is npm's ``vnu-jar`` run on a Java runtime (Debian's
``default-jre-headless``): ``npm ci --ignore-scripts`` here installs it from package.json
into ``node_modules/``, or point ``VNU_JAR`` at a ``vnu.jar``. Without it the test is skipped
and says why."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import httpx
import pytest

from lifecycle.stages import Stage
from tests.helpers import new_promise
from tests.test_method import walk_to

pytestmark = pytest.mark.timeout(600)
ROOT = Path(__file__).resolve().parents[2]


def _vnu() -> Path:
    configured = os.environ.get("VNU_JAR")
    jar = Path(configured) if configured else ROOT / "node_modules/vnu-jar/build/dist/vnu.jar"
    if not jar.exists():
        pytest.skip(f"no Nu Html Checker at {jar}: npm install vnu-jar, set VNU_JAR")
    if shutil.which("java") is None:
        pytest.skip("no Java runtime for the Nu Html Checker: apt-get install default-jre-headless")
    return jar


def test_every_public_page_passes_the_nu_html_checker(server, tmp_path) -> None:
    jar = _vnu()
    from sqlmodel import select

    from application.organisations import OrganisationContactInput, set_contact
    from lifecycle.permissions import system_principal
    from models import Organisation
    from models.db import session_scope
    from tests.notifications.test_residents import submit_round

    pid = new_promise(start=date(2026, 1, 1))
    walk_to(pid, Stage.CONTINUOUS_EVALUATION)
    submit_round(pid, 1, "Belysningen är lagad.")
    with session_scope() as s:
        org = s.exec(select(Organisation).where(Organisation.name == "Sollentuna")).first()
        assert org is not None and org.id is not None
        org_id = org.id
    set_contact(
        system_principal("admin@lofte.local"),
        OrganisationContactInput(id=org_id, public_contact="08-579 210 00"),
    )
    gets = [
        "/offentligt/stockholm",
        "/offentligt/stockholm?ordning=forsenade",
        "/offentligt/stockholm?sok=ingenting-alls",
        f"/offentligt/loften/{pid}",
        f"/offentligt/loften/{pid}/bevaka",
        "/offentligt/loften/999999",
        "/offentligt/bekrafta/en-lank",
        "/offentligt/avsluta/en-lank",
        "/tillganglighet",
        "/personuppgifter",
    ]
    pages: dict[str, str] = {}
    with httpx.Client(base_url=server, timeout=30) as client:
        for lang in ("sv", "en"):
            for path in gets:
                sep = "&" if "?" in path else "?"
                pages[f"{path}{sep}lang={lang}"] = client.get(f"{path}{sep}lang={lang}").text
            posts = {
                f"/offentligt/loften/{pid}/bevaka": {"epost": "fel", "samtycke": ""},
                "/offentligt/bekrafta/okand": {},
                "/offentligt/avsluta/okand": {},
            }
            for path, form in posts.items():
                pages[f"POST {path}?lang={lang}"] = client.post(
                    f"{path}?lang={lang}", data=form
                ).text
    files = []
    for n, (name, html) in enumerate(pages.items()):
        file = tmp_path / f"page{n}.html"
        file.write_text(html, encoding="utf-8")
        files.append((name, file))
    result = subprocess.run(
        [
            "java",
            "-jar",
            str(jar),
            "--errors-only",
            "--format",
            "json",
            *map(str, (f for _, f in files)),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    by_file = {f"file:{f}": name for name, f in files}
    errors = [
        f"{by_file.get(m.get('url', ''), m.get('url'))}: {m.get('message')} ({m.get('extract', '')!r})"
        for m in messages
        if m.get("type") == "error"
    ]
    assert errors == [], "\n".join(errors)
    assert result.returncode == 0, result.stderr[-2000:]
    assert len(pages) == 26
