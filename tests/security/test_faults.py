"""Faults with real processes: the service stopped by SIGTERM (as systemd does) or killed
with SIGKILL leaves no Prefect server behind once restarted; a write lock held by another
process does not stop reads."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped by its parent) counts as gone.
    status = Path(f"/proc/{pid}/status").read_text() if Path(f"/proc/{pid}/status").exists() else ""
    return "State:\tZ" not in status


def _wait(condition, seconds: float = 60.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def _serve(data_dir: Path, port: int, *scheduler: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "LOFTE_DATA_DIR": str(data_dir),
        "LOFTE_DATABASE_URL": f"sqlite:///{data_dir}/lofte.db",
        "PYTHONPATH": str(ROOT),
        "PREFECT_HOME": str(data_dir / "prefect"),
    }
    env.pop("PREFECT_API_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "serve", *scheduler, "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def healthy() -> bool:
        try:
            return httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    assert _wait(healthy, 120), "lofte serve did not come up"
    return process


def _prefect_pid(data_dir: Path, owner: int) -> int:
    # The service answers before Prefect is warm (issue 24): its server's record is written
    # when the background warm-up has started it, which on a loaded machine takes a while.
    path = data_dir / "prefect-servers" / f"{owner}.json"
    assert _wait(path.exists, 180), "the service never recorded its Prefect server"
    return int(json.loads(path.read_text())["server_pid"])


@pytest.mark.timeout(300)
def test_sigterm_and_sigkill_leave_no_prefect_server_behind(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "cli.main", "init"],
        env={
            **os.environ,
            "LOFTE_DATA_DIR": str(tmp_path),
            "PYTHONPATH": str(ROOT),
            "LOFTE_DATABASE_URL": f"sqlite:///{tmp_path}/lofte.db",
        },
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    port = _free_port()
    service = _serve(tmp_path, port, "--no-scheduler")
    prefect = _prefect_pid(tmp_path, service.pid)
    service.send_signal(signal.SIGTERM)  # what systemd and container runtimes send
    service.wait(30)
    assert _wait(lambda: not _alive(prefect), 15), "SIGTERM left Prefect's server running"

    # With the embedded scheduler (the default, what `make run` starts): the scheduler warms
    # Prefect first, and the API's start-up must not take that live server for an orphan.
    service = _serve(tmp_path, port)
    prefect = _prefect_pid(tmp_path, service.pid)
    time.sleep(1)
    assert _alive(prefect), "the service stopped its own Prefect server"
    service.kill()  # SIGKILL: no chance to clean up
    service.wait(10)
    assert _alive(prefect)  # orphaned, as expected after SIGKILL ...
    service = _serve(tmp_path, port)  # ... and the next start cleans it up
    assert _wait(lambda: not _alive(prefect), 15), "the restart left the orphan running"
    assert _alive(_prefect_pid(tmp_path, service.pid)), "the restart stopped its own server"
    service.send_signal(signal.SIGTERM)
    service.wait(30)


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)  # PostgreSQL readers never wait
def test_a_held_write_lock_does_not_stop_reads(db, tmp_path: Path) -> None:
    from application.promises import PromiseRequest, show_promise
    from tests.helpers import new_promise, register

    pid = new_promise()
    me = register("samordnare@sollentuna.se")
    path = db.url.removeprefix("sqlite:///")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process is writing, and takes its time
    try:
        started = time.perf_counter()
        view = show_promise(me, PromiseRequest(promise_id=pid))
        assert view.id == pid and time.perf_counter() - started < 2
    finally:
        other.execute("ROLLBACK")
        other.close()
