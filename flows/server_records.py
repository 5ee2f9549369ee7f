"""Which temporary Prefect server belongs to which live process of this data folder.

A service (or a command that ran a flow in its own process) that starts Prefect's temporary
server writes one record into ``<data folder>/prefect-servers/``: the server's process id and
start time, and the owning process's id and start time. A service killed with SIGKILL cannot
stop its server; the next start stops it, but only when the record's owner is gone. A record
whose owner is still alive is never touched: an earlier version read one shared pid file and
stopped the live server of the service that had just written it (issue 18).

A process is identified by its id *and* its start time (``/proc/<pid>/stat``), so a recycled
process id is never mistaken for the process that wrote the record. Where ``/proc`` is missing
the owner is taken to be alive: a leftover server then stays, which is safe.
"""

from __future__ import annotations

import json
import os
import signal
import time
from dataclasses import asdict, dataclass
from pathlib import Path

RECORDS_DIR = "prefect-servers"
SERVER_MARK = "prefect.server.api.server"


def process_start_time(pid: int) -> int | None:
    """The process's start time in clock ticks since boot, or None if it does not exist."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    fields = stat.rsplit(")", 1)[-1].split()
    try:
        return int(fields[19])
    except (IndexError, ValueError):
        return None


def _has_proc() -> bool:
    return Path("/proc/self/stat").exists()


@dataclass(frozen=True)
class ServerRecord:
    """A temporary Prefect server and the process that owns it."""

    server_pid: int
    server_started: int | None
    owner_pid: int
    owner_started: int | None

    def owner_alive(self) -> bool:
        """True while the owning process runs (or when that cannot be told)."""
        if not _has_proc():
            return True
        return _same_process(self.owner_pid, self.owner_started)

    def server_alive(self) -> bool:
        """True while the recorded server process runs and is still a Prefect server."""
        if not _same_process(self.server_pid, self.server_started):
            return False
        try:
            command = Path(f"/proc/{self.server_pid}/cmdline").read_bytes()
        except OSError:
            return False
        return SERVER_MARK in command.decode(errors="replace")


def _same_process(pid: int, started: int | None) -> bool:
    now = process_start_time(pid)
    return now is not None and (started is None or now == started)


def records_dir(data_dir: Path) -> Path:
    """The folder of server records in ``data_dir``."""
    return data_dir / RECORDS_DIR


def write_record(data_dir: Path, server_pid: int) -> Path:
    """Record that this process owns the temporary server ``server_pid``; returns the file."""
    owner = os.getpid()
    record = ServerRecord(
        server_pid=server_pid,
        server_started=process_start_time(server_pid),
        owner_pid=owner,
        owner_started=process_start_time(owner),
    )
    folder = records_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{owner}.json"
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(asdict(record)), encoding="utf-8")
    temporary.replace(path)
    return path


def forget_own_record(data_dir: Path) -> None:
    """Remove this process's record (its server has been stopped)."""
    (records_dir(data_dir) / f"{os.getpid()}.json").unlink(missing_ok=True)


def _read(path: Path) -> ServerRecord | None:
    try:
        return ServerRecord(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def stop_orphaned_servers(data_dir: Path, *, wait_seconds: float = 10.0) -> list[int]:
    """Stop every recorded server whose owner is gone; returns the ids of those stopped.

    Records of live owners are left alone; records of dead owners whose server has gone too
    are removed.
    """
    stopped: list[int] = []
    folder = records_dir(data_dir)
    if not folder.is_dir():
        return stopped
    for path in sorted(folder.glob("*.json")):
        record = _read(path)
        if record is None:
            path.unlink(missing_ok=True)  # half-written by a process killed while writing
            continue
        if record.owner_alive():
            continue
        if record.server_alive():
            os.kill(record.server_pid, signal.SIGTERM)
            _wait_gone(record, wait_seconds)
            stopped.append(record.server_pid)
        path.unlink(missing_ok=True)
    return stopped


def _wait_gone(record: ServerRecord, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not record.server_alive():
            return
        time.sleep(0.1)
    if record.server_alive():
        os.kill(record.server_pid, signal.SIGKILL)
