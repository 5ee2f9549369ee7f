"""Hostile input gets a sentence (exit 2 / HTTP 422) and writes nothing; it never ends in a
traceback or a 500. Generated values (Hypothesis) for every field of every input model, and
the same classes through the HTTP API and the CLI."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError
from sqlalchemy import func, select
from sqlmodel import SQLModel
from typer.testing import CliRunner

from cli.main import app as cli_app
from config.operator_key import ensure_operator_key
from lifecycle.safe_text import control_character_in
from models.db import session_scope
from models.kinds import KINDS, OTHER_SCHEMAS
from tests.helpers import new_promise, register
from web.api import create_app

MODELS: list[type[BaseModel]] = [k.input for k in KINDS.values()] + list(OTHER_SCHEMAS.values())
HOSTILE_TEXT = [
    "x" * 20_000,
    "Rån\x1b[2J",
    "klocka\x07",
    "rad\rrad",
    "\x00",
    "=1+1",
    "<script>alert(1)</script>",
    "🙂" * 400,
    "",
]
HOSTILE_NUMBERS = [2**64, -(2**64), 10**30, float("inf"), float("nan"), 1e300, -1]
HOSTILE_DATES = ["0001-01-01", "9999-12-31", "2026-02-30", "igår"]
hostile = st.one_of(
    st.sampled_from(HOSTILE_TEXT + HOSTILE_NUMBERS + HOSTILE_DATES),
    st.text(max_size=50),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.lists(st.text(max_size=5), max_size=3),
    st.none(),
)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, BaseModel):
        return [s for v in value.__dict__.values() for s in _strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_every_field_of_every_input_model(model: type[BaseModel], data: st.DataObject) -> None:
    fields = {name: data.draw(hostile, label=name) for name in model.model_fields}
    try:
        parsed = model.model_validate(fields)
    except ValidationError as exc:
        assert exc.errors()  # refused, with the field named
        return
    for text in _strings(parsed):  # what is accepted is within bounds and clean
        assert len(text) <= 10_000
        assert control_character_in(text, multiline=True) is None


def row_counts() -> dict[str, int]:
    import models  # noqa: F401

    with session_scope() as s:
        return {
            n: s.execute(select(func.count()).select_from(t)).scalar_one()
            for n, t in SQLModel.metadata.tables.items()
        }


BASE = {"method": "survey", "held_from": "2025-10-01", "participants": 12, "results": "Otryggt"}
BAD_FIELDS = [
    {"results": "x" * 20_000},
    {"results": "Rån\x1b[2J"},
    {"target_group": "rad\nrad"},
    {"participants": 2**64},
    {"participants": -5},
    {"held_from": "9999-12-31"},
    {"held_from": "0001-01-01"},
    {"themes": ["t"] * 5_000},
    {"unknown_field": 1},
]


def test_hostile_fields_through_the_api_are_422_and_write_nothing(db) -> None:
    pid = new_promise()
    register("samordnare@sollentuna.se")
    client = TestClient(create_app(warm=False))
    client.headers.update(
        {
            "Authorization": f"Operator {ensure_operator_key()}",
            "X-Lofte-Actor": "samordnare@sollentuna.se",
        }
    )
    before = row_counts()
    for bad in BAD_FIELDS:
        answer = client.post(
            f"/api/promises/{pid}/artefacts/dialogue", json={"fields": {**BASE, **bad}}
        )
        assert answer.status_code == 422, (bad, answer.status_code, answer.text[:200])
        assert answer.json()["error"].startswith("invalid dialogue")
        assert len(answer.text) < 2_000  # the value is quoted short, never echoed whole
    for path in (
        f"/api/promises/{2**64}",
        "/api/promises/0",
        "/api/promises/-1",
        "/api/promises/x",
    ):
        answer = client.get(path)
        assert answer.status_code in (404, 422), (path, answer.status_code)
    as_json = {"Content-Type": "application/json"}
    huge = client.post(
        f"/api/promises/{pid}/artefacts/dialogue",
        content=b"{" + b" " * 1_100_000 + b"}",
        headers=as_json,
    )
    assert huge.status_code == 422 and "bytes" in huge.json()["error"]
    broken = client.post(f"/api/promises/{pid}/advance", content=b"{not json", headers=as_json)
    assert broken.status_code == 422
    # JSON only: a body sent as a form or as text is refused before it is read.
    for content_type in ("application/x-www-form-urlencoded", "text/plain", None):
        headers = {"Content-Type": content_type} if content_type else {}
        form = client.post(f"/api/promises/{pid}/advance", content=b"{}", headers=headers)
        assert form.status_code == 415, (content_type, form.status_code)
    assert row_counts() == before


def test_hostile_files_and_values_through_the_cli_are_exit_2_and_write_nothing(
    db, tmp_path: Path
) -> None:
    pid = new_promise()
    register("samordnare@sollentuna.se")
    runner = CliRunner(env={"LOFTE_ACTOR": "samordnare@sollentuna.se"})
    laughs = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    for n in "bcdefghi":
        prev = chr(ord(n) - 1)
        laughs += f"{n}: &{n} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
    files = {
        "bomb.yaml": laughs.encode(),
        "latin1.yaml": "results: Rån på torget".encode("latin-1"),
        "deep.json": (b"[" * 5_000) + (b"]" * 5_000),
        "big.yaml": b"results: " + b"x" * 1_100_000,
        "list.yaml": b"- a\n- b\n",
    }
    before = row_counts()
    for name, content in files.items():
        path = tmp_path / name
        path.write_bytes(content)
        started = time.perf_counter()
        result = runner.invoke(cli_app, ["add", str(pid), "dialogue", "--file", str(path)])
        assert result.exit_code == 2, (name, result.output[:300])
        assert time.perf_counter() - started < 5  # refused, not expanded
        assert "Traceback" not in result.output and len(result.output) < 1_000
    for args in (
        ["promise", "show", str(2**64)],
        [
            "add",
            str(pid),
            "dialogue",
            "--set",
            "results=\x1b[2J",
            "--set",
            "method=survey",
            "--set",
            "held_from=2025-10-01",
        ],
        ["promise", "list", "--region", "stockhlm"],
    ):
        result = runner.invoke(cli_app, args)
        assert result.exit_code == 2, (args, result.output[:300])
    assert row_counts() == before


def test_a_database_never_initialised_or_unreachable_is_one_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from config.settings import reset_settings
    from models.db import get_engine, get_read_engine

    register_env = {"LOFTE_ACTOR": "a@b.se"}
    monkeypatch.setenv("LOFTE_DATABASE_URL", f"sqlite:///{tmp_path}/empty.db")
    reset_settings(), get_engine.cache_clear(), get_read_engine.cache_clear()
    result = CliRunner(env=register_env).invoke(cli_app, ["promise", "list"])
    assert result.exit_code == 2 and "lofte init" in result.output, result.output
    monkeypatch.setenv("LOFTE_DATABASE_URL", "postgresql+psycopg://lofte:hemligt@127.0.0.1:1/lofte")
    reset_settings(), get_engine.cache_clear(), get_read_engine.cache_clear()
    result = CliRunner(env=register_env).invoke(cli_app, ["promise", "list", "--json"])
    assert result.exit_code == 2 and "cannot reach the database" in result.output, result.output
    assert "hemligt" not in result.output and "lofte:***@" in json.loads(result.output)["error"]
    get_engine.cache_clear(), get_read_engine.cache_clear()
