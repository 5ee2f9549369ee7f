"""The clean-up of temporary Prefect servers stops only servers whose owner is gone
(issue 18: the service's API start-up stopped the live server its scheduler had just started)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from flows.server_records import (
    SERVER_MARK,
    process_start_time,
    records_dir,
    stop_orphaned_servers,
    write_record,
)


def _fake_server() -> subprocess.Popen[bytes]:
    """A process whose command line looks like Prefect's temporary server."""
    return subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(120)", SERVER_MARK],
    )


def _running(process: subprocess.Popen[bytes]) -> bool:
    return process.poll() is None


def test_a_live_owners_server_is_never_stopped(tmp_path: Path) -> None:
    server = _fake_server()
    try:
        write_record(tmp_path, server.pid)  # owned by this (live) test process
        assert stop_orphaned_servers(tmp_path) == []
        time.sleep(0.2)
        assert _running(server)
        assert (records_dir(tmp_path) / f"{os.getpid()}.json").exists()
    finally:
        server.kill()
        server.wait()


def test_a_dead_owners_server_is_stopped_and_its_record_removed(tmp_path: Path) -> None:
    server = _fake_server()
    owner = subprocess.Popen([sys.executable, "-c", "pass"])
    owner.wait()  # the owner was killed: its id no longer runs
    record = records_dir(tmp_path) / f"{owner.pid}.json"
    record.parent.mkdir(parents=True)
    record.write_text(
        json.dumps(
            {
                "server_pid": server.pid,
                "server_started": process_start_time(server.pid),
                "owner_pid": owner.pid,
                "owner_started": 1,
            }
        )
    )
    try:
        assert stop_orphaned_servers(tmp_path) == [server.pid]
        assert server.wait(10) is not None
        assert not record.exists()
    finally:
        if _running(server):
            server.kill()


def test_a_recycled_owner_id_counts_as_gone(tmp_path: Path) -> None:
    """The owner's id now belongs to another process (started at another time)."""
    server = _fake_server()
    record = records_dir(tmp_path) / "1.json"
    record.parent.mkdir(parents=True)
    started = process_start_time(os.getpid())
    assert started is not None
    record.write_text(
        json.dumps(
            {
                "server_pid": server.pid,
                "server_started": process_start_time(server.pid),
                "owner_pid": os.getpid(),
                "owner_started": started + 12345,
            }
        )
    )
    try:
        assert stop_orphaned_servers(tmp_path) == [server.pid]
    finally:
        if _running(server):
            server.kill()
        server.wait()


def test_a_recycled_server_id_is_left_alone(tmp_path: Path) -> None:
    """The recorded server is gone and its id belongs to an unrelated process now."""
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    record = records_dir(tmp_path) / "1.json"
    record.parent.mkdir(parents=True)
    record.write_text(
        json.dumps(
            {"server_pid": other.pid, "server_started": 1, "owner_pid": 999999, "owner_started": 1}
        )
    )
    try:
        assert stop_orphaned_servers(tmp_path) == []
        time.sleep(0.2)
        assert _running(other)
        assert not record.exists()
    finally:
        other.kill()
        other.wait()
