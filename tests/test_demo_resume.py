"""``lofte demo`` killed half-way (SIGKILL) is finished by the next ``lofte demo``."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.timeout(600)
def test_kill_9_of_demo_then_demo_completes(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "LOFTE_DATA_DIR": str(tmp_path),
        "LOFTE_DATABASE_URL": f"sqlite:///{tmp_path}/lofte.db",
        "PYTHONPATH": str(ROOT),
        # The demo is built by date; the day the other demo tests describe.
        "LOFTE_NOW": "2026-11-22T09:00:00+01:00",
    }
    lofte = [sys.executable, "-m", "cli.main"]
    subprocess.run([*lofte, "init"], env=env, check=True, capture_output=True)

    def promises() -> int:
        with sqlite3.connect(tmp_path / "lofte.db") as db:
            return int(db.execute("select count(*) from promise").fetchone()[0])

    first = subprocess.Popen(
        [*lofte, "demo"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 300
    while promises() < 3 and time.monotonic() < deadline and first.poll() is None:
        time.sleep(0.1)
    assert first.poll() is None, "the demo finished before it could be interrupted"
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    interrupted = promises()
    done = subprocess.run([*lofte, "demo", "--json"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    complete = subprocess.run([*lofte, "demo", "--json"], env=env, capture_output=True, text=True)
    import json

    report, again = json.loads(done.stdout), json.loads(complete.stdout)
    assert again["already_loaded"] and again["promises"] == report["promises"] >= 16 > interrupted
    assert all(count >= 1 for count in report["by_stage"].values())
