"""scripts/topology without a topology: misuse, a half-running one, and down's sweep."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _script(state: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LOFTE_", "PREFECT_"))}
    env.update(
        TOPOLOGY_DIR=str(state),
        TOPOLOGY_BIN=str(Path(sys.executable).parent),
        TOPOLOGY_PREFECT_PORT="1",  # nothing listens there: status finds nothing healthy
        TOPOLOGY_SERVE_PORTS="2,3",
    )
    return subprocess.run(
        [str(ROOT / "scripts" / "topology"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_misuse_is_exit_2_with_usage(tmp_path: Path) -> None:
    done = _script(tmp_path, "sideways")
    assert done.returncode == 2 and "usage" in done.stderr


def test_up_refuses_a_half_running_topology_and_down_stops_it(tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir()
    # A stand-in "worker" in its own process group, with a child, as the script starts them.
    marker = {**os.environ, "LOFTE_TOPOLOGY": str(state)}
    worker = subprocess.Popen(
        ["sh", "-c", "sleep 60 & sleep 60; wait"], env=marker, start_new_session=True
    )
    (state / "worker.pid").write_text(str(worker.pid))
    try:
        up = _script(state, "up")
        assert up.returncode == 1 and "partly running (worker)" in up.stderr
        assert "topology down" in up.stderr
        status = _script(state, "status")
        assert status.returncode == 1 and "stopped" in status.stdout
        down = _script(state, "down")
        assert down.returncode == 0, down.stderr
        assert f"stopped worker ({worker.pid})" in down.stdout
        worker.wait(timeout=10)
        time.sleep(0.2)
        left = [
            p.name
            for p in Path("/proc").iterdir()
            if p.name.isdigit() and _marked(p, f"LOFTE_TOPOLOGY={state}".encode())
        ]
        assert not left, f"down left {left}"
        assert not (state / "worker.pid").exists()
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, 9)


def _marked(proc: Path, marker: bytes) -> bool:
    try:
        return marker in (proc / "environ").read_bytes().split(b"\0")
    except OSError:
        return False
