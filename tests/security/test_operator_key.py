"""The command line proves it reached its own data folder's service before it sends the
operator key (issue 18, point 5): whatever answers on the configured port, a service of
another data folder or a stranger posing as Löfte, never sees the key."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _lofte(data_dir: Path, port: int, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOFTE_")}
    env.update(
        LOFTE_DATA_DIR=str(data_dir),
        LOFTE_API_PORT=str(port),
        LOFTE_DATABASE_URL=os.environ.get("LOFTE_DATABASE_URL", ""),
        PYTHONPATH=str(ROOT),
    )
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _key_of(data_dir: Path) -> str:
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "operator.key"
    if not path.exists():
        path.write_text("k" + os.urandom(16).hex(), encoding="ascii")
    return path.read_text(encoding="ascii")


@pytest.fixture
def stranger() -> Iterator[tuple[int, list[str]]]:
    """Something on the port that looks like Löfte's /health and keeps every header."""
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            seen.append(str(self.headers) + self.path)
            body = json.dumps({"service": "lofte", "ok": True, "proof": "0" * 64}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:  # the name http.server calls
            self._answer()

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", 0))
            seen.append(self.rfile.read(length).decode(errors="replace"))
            self._answer()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield int(server.server_address[1]), seen
    server.shutdown()


def test_a_stranger_on_the_port_never_gets_the_key(tmp_path: Path, stranger) -> None:
    port, seen = stranger
    key = _key_of(tmp_path / "mine")
    done = _lofte(tmp_path / "mine", port, "promise", "list", "--actor", "anna@sollentuna.se")
    assert done.returncode == 3, done.stdout + done.stderr
    said = done.stdout + done.stderr
    assert f"127.0.0.1:{port}" in said and "was not sent" in said
    assert "could not prove" in said and "Traceback" not in said
    assert seen and not any(key in request for request in seen)


@pytest.fixture
def other_service(db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """A real service of another data folder on a free port."""
    import uvicorn

    from config.client import client_settings
    from web.api import create_app

    monkeypatch.setenv("LOFTE_DATA_DIR", str(tmp_path / "theirs"))
    client_settings.cache_clear()
    app = create_app(warm=False)
    client_settings.cache_clear()
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    yield port
    server.should_exit = True
    thread.join(10)


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_a_service_of_another_data_folder_is_named_and_gets_no_key(
    db, tmp_path: Path, other_service: int
) -> None:
    from config.operator_key import instance_id

    theirs = (tmp_path / "theirs" / "operator.key").read_text(encoding="ascii")
    _key_of(tmp_path / "mine")
    done = _lofte(tmp_path / "mine", other_service, "promise", "list", "--actor", "a@b.se")
    assert done.returncode == 3, done.stdout + done.stderr
    assert f"another data folder (instance {instance_id(theirs)}" in done.stdout + done.stderr


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_its_own_service_is_used(db, tmp_path: Path, other_service: int) -> None:
    """The same data folder's key: the proof matches and the command runs there."""
    from tests.helpers import register

    register("samordnare@sollentuna.se")
    done = _lofte(
        tmp_path / "theirs",
        other_service,
        "promise",
        "list",
        "--json",
        "--actor",
        "samordnare@sollentuna.se",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout) == []


def test_the_proof_needs_a_fresh_nonce(db, tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from web.api import create_app

    client = TestClient(create_app(warm=False))
    assert client.get("/api/operator/proof").status_code == 422
    assert client.get("/api/operator/proof?nonce=short").status_code == 422
    answer = client.get("/api/operator/proof?nonce=" + "a1" * 16)
    assert answer.status_code == 200 and len(answer.json()["proof"]) == 64
