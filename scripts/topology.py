"""Löfte's production topology on one machine: ``scripts/topology up|down|status``.

A Prefect server on PostgreSQL, a Prefect worker on the process work pool, two ``lofte serve``
processes against one Löfte PostgreSQL database, two dispatchers (``lofte outbox dispatch
--every``), and the deployments of ``prefect.yaml`` applied. Everything listens on 127.0.0.1.

Each process is started in its own session (its own process group) with its pid in
``<state>/<name>.pid`` and its output in ``<state>/logs/<name>.log``; ``down`` stops each
group (SIGTERM, then SIGKILL after a grace period) and then sweeps for any process still
carrying this state dir's marker (``LOFTE_TOPOLOGY`` in its environment), so nothing is left
behind. ``up`` on a healthy topology does nothing; on a half-running one it fails and says to
run ``down`` first. Every wait has a timeout; every failure exits non-zero with the log tail.

Settings (environment, defaults in brackets):
  TOPOLOGY_DIR [<repo>/.topology]          state: pidfiles, logs, data dir, channels file
  TOPOLOGY_PG [postgresql://postgres@127.0.0.1:5432]   server for both databases
  TOPOLOGY_LOFTE_DB [topology_lofte]       TOPOLOGY_PREFECT_DB [topology_prefect]
  TOPOLOGY_PREFECT_PORT [4290]             TOPOLOGY_SERVE_PORTS [8481,8482]
  TOPOLOGY_DISPATCHERS [2]                 TOPOLOGY_CHANNELS_FILE [<state>/channels.yaml:
                                           every message to a webhook on 127.0.0.1:8489]
  TOPOLOGY_BIN [directory of this Python]  where lofte and prefect are installed
Standard library only, so it runs before anything else works.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
WORK_POOL = "lofte-process"


class TopologyError(RuntimeError):
    """Something did not come up (or go down); the message says what and where to look."""


@dataclass(frozen=True)
class Config:
    """Where everything lives and listens, from TOPOLOGY_* variables."""

    state: Path
    pg: str
    lofte_db: str
    prefect_db: str
    prefect_port: int
    serve_ports: tuple[int, ...]
    dispatchers: int
    channels_file: str
    bin: Path

    @classmethod
    def from_env(cls) -> Config:
        """Read the TOPOLOGY_* environment (module docstring); a bad value raises."""
        env = os.environ
        try:
            ports = tuple(int(p) for p in env.get("TOPOLOGY_SERVE_PORTS", "8481,8482").split(","))
            prefect_port = int(env.get("TOPOLOGY_PREFECT_PORT", "4290"))
            dispatchers = int(env.get("TOPOLOGY_DISPATCHERS", "2"))
        except ValueError as exc:
            raise TopologyError(f"TOPOLOGY_* ports and counts are integers: {exc}") from exc
        return cls(
            state=Path(env.get("TOPOLOGY_DIR", str(REPO / ".topology"))).resolve(),
            pg=env.get("TOPOLOGY_PG", "postgresql://postgres@127.0.0.1:5432").rstrip("/"),
            lofte_db=env.get("TOPOLOGY_LOFTE_DB", "topology_lofte"),
            prefect_db=env.get("TOPOLOGY_PREFECT_DB", "topology_prefect"),
            prefect_port=prefect_port,
            serve_ports=ports,
            dispatchers=dispatchers,
            channels_file=env.get("TOPOLOGY_CHANNELS_FILE", ""),
            bin=Path(env.get("TOPOLOGY_BIN", str(Path(sys.executable).parent))),
        )

    @property
    def prefect_api(self) -> str:
        """The Prefect server's API address."""
        return f"http://127.0.0.1:{self.prefect_port}/api"

    def serve_url(self, index: int) -> str:
        """The address of service process ``index`` (0-based)."""
        return f"http://127.0.0.1:{self.serve_ports[index]}"

    @property
    def logs(self) -> Path:
        """The folder of the processes' logs."""
        return self.state / "logs"

    def lofte_env(self) -> dict[str, str]:
        """The environment of every Löfte and Prefect client process (service, worker, CLI)."""
        env = dict(os.environ)
        env.update(
            LOFTE_TOPOLOGY=str(self.state),
            LOFTE_DATABASE_URL=f"{self.pg.replace('postgresql://', 'postgresql+psycopg://')}/"
            f"{self.lofte_db}",
            LOFTE_DATA_DIR=str(self.state / "data"),
            LOFTE_HOME=str(REPO),
            PYTHONPATH=str(REPO),
            PREFECT_API_URL=self.prefect_api,
            PREFECT_HOME=str(self.state / "prefect-home"),
            PREFECT_SERVER_ANALYTICS_ENABLED="false",
            PREFECT_WORKER_QUERY_SECONDS="2",
            PREFECT_WORKER_PREFETCH_SECONDS="2",
        )
        env.pop("PREFECT_API_DATABASE_CONNECTION_URL", None)
        env["LOFTE_CHANNELS_FILE"] = self.channels_file or str(self.state / "channels.yaml")
        env.setdefault("LOFTE_TOPOLOGY_HOOK_SECRET", self.hook_secret())
        return env

    def hook_secret(self) -> str:
        """The default webhook's signing secret: random, kept in the state dir (mode 0600)."""
        path = self.state / "hook.secret"
        if not path.exists():
            self.state.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(secrets.token_urlsafe(32))
        return path.read_text(encoding="ascii").strip()

    def server_env(self) -> dict[str, str]:
        """The Prefect server's environment: its own database, no UI, no telemetry."""
        env = self.lofte_env()
        env.pop("PREFECT_API_URL")
        env.update(
            PREFECT_API_DATABASE_CONNECTION_URL=(
                f"{self.pg.replace('postgresql://', 'postgresql+asyncpg://')}/{self.prefect_db}"
            ),
            PREFECT_UI_ENABLED="false",
            PREFECT_SERVER_API_HOST="127.0.0.1",
            PREFECT_SERVER_API_PORT=str(self.prefect_port),
        )
        return env


@dataclass(frozen=True)
class Proc:
    """One long-running process of the topology."""

    name: str
    argv: tuple[str, ...]
    health: str | None  # an HTTP address that answers 200 when it is ready

    def pidfile(self, cfg: Config) -> Path:
        """Where its process id is kept."""
        return cfg.state / f"{self.name}.pid"

    def log(self, cfg: Config) -> Path:
        """Where its output goes."""
        return cfg.logs / f"{self.name}.log"


def processes(cfg: Config) -> list[Proc]:
    """Every process of the topology, in start order."""
    lofte, prefect = str(cfg.bin / "lofte"), str(cfg.bin / "prefect")
    procs = [
        Proc(
            "prefect-server",
            (prefect, "server", "start", "--host", "127.0.0.1", "--port", str(cfg.prefect_port)),
            f"{cfg.prefect_api}/health",
        )
    ]
    for i, port in enumerate(cfg.serve_ports):
        procs.append(
            Proc(
                f"serve-{i + 1}",
                (lofte, "serve", "--host", "127.0.0.1", "--port", str(port), "--no-scheduler"),
                f"{cfg.serve_url(i)}/health",
            )
        )
    for i in range(cfg.dispatchers):
        procs.append(
            Proc(
                f"dispatcher-{i + 1}",
                (lofte, "outbox", "dispatch", "--every", "2", "--max-seconds", "20"),
                None,
            )
        )
    procs.append(
        Proc(
            "worker",
            (prefect, "worker", "start", "--pool", WORK_POOL, "--type", "process", "--limit", "4"),
            None,
        )
    )
    return procs


def by_name(cfg: Config, name: str) -> Proc:
    """The process called ``name`` (KeyError naming the known ones)."""
    for proc in processes(cfg):
        if proc.name == name:
            return proc
    raise KeyError(f"no process {name!r}; known: {', '.join(p.name for p in processes(cfg))}")


# -- process bookkeeping ---------------------------------------------------------------------


def read_pid(path: Path) -> int | None:
    """The pid in ``path`` if that process is alive (and not a zombie), else None."""
    try:
        pid = int(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return None
    return pid if alive(pid) else None


def alive(pid: int) -> bool:
    """Whether ``pid`` is a running (non-zombie) process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def http_ok(url: str, timeout: float = 3.0) -> bool:
    """Whether ``url`` answers 200 (only ever 127.0.0.1 here)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError, ValueError):
        return False


def wait_for(what: str, check: Any, timeout: float, log: Path | None = None) -> None:
    """Poll ``check()`` until true; raise TopologyError with the log's tail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.5)
    raise TopologyError(f"{what}: not ready after {timeout:.0f} s{tail(log)}")


def tail(log: Path | None, lines: int = 25) -> str:
    """The last lines of a log, for an error message."""
    if log is None or not log.exists():
        return ""
    text = log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
    return f"\n--- last lines of {log} ---\n" + "\n".join(text)


def start(cfg: Config, proc: Proc, env: dict[str, str]) -> int:
    """Start ``proc`` in its own session (its own process group); returns its pid."""
    cfg.logs.mkdir(parents=True, exist_ok=True)
    with proc.log(cfg).open("ab") as log:
        child = subprocess.Popen(  # our own binaries, fixed arguments
            proc.argv,
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    proc.pidfile(cfg).write_text(str(child.pid), encoding="ascii")
    return child.pid


def run(argv: list[str], env: dict[str, str], what: str, timeout: float = 180) -> str:
    """Run a one-off command; TopologyError with its output if it fails or hangs."""
    try:
        done = subprocess.run(
            argv, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise TopologyError(f"{what}: timed out after {timeout:.0f} s") from exc
    if done.returncode != 0:
        raise TopologyError(f"{what} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


def stop_group(pid: int, grace: float = 15.0) -> None:
    """SIGTERM the process group of ``pid``, then SIGKILL what is left after ``grace``."""
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if not group_alive(pid):
            return
        time.sleep(0.2)
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        return


def group_alive(pgid: int) -> bool:
    """Whether any live process is still in process group ``pgid``."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if fields[0] != "Z" and int(fields[2]) == pgid:
                return True
    return False


def marked_processes(cfg: Config) -> list[int]:
    """Live processes (of any group) whose environment carries this topology's marker."""
    marker = f"LOFTE_TOPOLOGY={cfg.state}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if marker in environ.split(b"\0") and alive(int(entry.name)):
            found.append(int(entry.name))
    return found


# -- databases ---------------------------------------------------------------------------------


def psql(cfg: Config, sql: str, db: str = "postgres") -> str:
    """Run one SQL statement with psql against the topology's PostgreSQL server."""
    return run(
        ["psql", f"{cfg.pg}/{db}", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-c", sql],
        dict(os.environ),
        f"psql {sql!r}",
        timeout=60,
    ).strip()


def ensure_databases(cfg: Config) -> None:
    """Create the two databases if they do not exist yet."""
    if shutil.which("psql") is None:
        raise TopologyError("psql is not installed (apt-get install postgresql-client)")
    for db in (cfg.lofte_db, cfg.prefect_db):
        if not db.replace("_", "").isalnum():
            raise TopologyError(f"database name {db!r}: letters, digits and _ only")
        if psql(cfg, f"SELECT 1 FROM pg_database WHERE datname = '{db}'") != "1":
            psql(cfg, f'CREATE DATABASE "{db}"')


def drop_databases(cfg: Config) -> None:
    """Drop the two databases (``down --drop``; the tests' own databases)."""
    for db in (cfg.lofte_db, cfg.prefect_db):
        psql(cfg, f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


# -- the commands ------------------------------------------------------------------------------


def states(cfg: Config) -> list[tuple[Proc, int | None, bool]]:
    """Each process with its pid (None: not running) and whether it is healthy."""
    out = []
    for proc in processes(cfg):
        pid = read_pid(proc.pidfile(cfg))
        healthy = pid is not None and (proc.health is None or http_ok(proc.health))
        out.append((proc, pid, healthy))
    return out


def status(cfg: Config) -> int:
    """Print every process, its pid and health; 0 when all are up and healthy."""
    rows = states(cfg)
    for proc, pid, healthy in rows:
        where = proc.health or "-"
        state = "healthy" if healthy else ("unhealthy" if pid else "stopped")
        print(f"{proc.name:<15} {pid or '-':>8}  {state:<9}  {where}")
    workers = online_workers(cfg)
    print(f"{'work pool':<15} {WORK_POOL}: {workers} worker(s) online")
    return 0 if all(h for _p, _pid, h in rows) else 1


def online_workers(cfg: Config) -> int:
    """How many workers the Prefect server sees online on the pool (0 when it is down)."""
    request = urllib.request.Request(
        f"{cfg.prefect_api}/work_pools/{WORK_POOL}/workers/filter",
        data=b"{}",
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=3) as response:
            workers = json.loads(response.read())
    except (urllib.error.URLError, OSError, ValueError):
        return 0
    return sum(1 for w in workers if w.get("status") == "ONLINE")


def up(cfg: Config) -> int:
    """Start whatever is needed; a no-op when all is healthy, an error when half of it runs."""
    rows = states(cfg)
    if all(h for _p, _pid, h in rows):
        print("topology already up")
        return status(cfg)
    running = [p.name for p, pid, _h in rows if pid is not None]
    if running:
        raise TopologyError(
            f"partly running ({', '.join(running)}): run `scripts/topology down` first"
        )
    leftovers = marked_processes(cfg)
    if leftovers:
        raise TopologyError(f"processes of {cfg.state} still run ({leftovers}): run down first")
    cfg.state.mkdir(parents=True, exist_ok=True)
    (cfg.state / "data").mkdir(exist_ok=True)
    started = time.monotonic()
    try:
        _bring_up(cfg)
    except BaseException:
        down(cfg, quiet=True)
        raise
    print(f"topology up in {time.monotonic() - started:.0f} s (state in {cfg.state})")
    return status(cfg)


DEFAULT_CHANNELS = """\
# Written by scripts/topology: every message to one webhook on this machine. Nothing listens
# there unless you start a receiver; messages then retry and are dead-lettered (lofte outbox
# list --failed). Set TOPOLOGY_CHANNELS_FILE to use your own file.
delivery: {max_attempts: 4, backoff_base_seconds: 1, backoff_max_seconds: 10}
default_channel: hook
channels:
  hook: {type: webhook, url: "http://127.0.0.1:8489/inbox", secret_env: LOFTE_TOPOLOGY_HOOK_SECRET}
"""


def _bring_up(cfg: Config) -> None:
    if not cfg.channels_file:
        (cfg.state / "channels.yaml").write_text(DEFAULT_CHANNELS, encoding="utf-8")
    ensure_databases(cfg)
    env = cfg.lofte_env()
    procs = {p.name: p for p in processes(cfg)}
    server = procs.pop("prefect-server")
    start(cfg, server, cfg.server_env())
    # Meanwhile the Löfte schema (migrations are idempotent: a no-op when current).
    run([str(cfg.bin / "lofte"), "init"], env, "lofte init (migrations)")
    wait_for("prefect server", lambda: http_ok(server.health or ""), 180, server.log(cfg))
    prefect = str(cfg.bin / "prefect")
    if not http_ok(f"{cfg.prefect_api}/work_pools/{WORK_POOL}"):
        run(
            [prefect, "work-pool", "create", WORK_POOL, "--type", "process"],
            env,
            "create the work pool",
            timeout=60,
        )
    deploy = [str(cfg.bin / "python"), str(REPO / "scripts" / "prefect_deploy.py"), "--all"]
    run(deploy, env, "prefect deploy --all", timeout=300)
    services = [p for name, p in procs.items() if name.startswith("serve-")]
    # The first service writes the operator key; the others then read the same file.
    start(cfg, services[0], env)
    key = cfg.state / "data" / "operator.key"
    wait_for("operator key", key.exists, 120, services[0].log(cfg))
    for proc in services[1:]:
        start(cfg, proc, env)
    for name, proc in procs.items():
        if not name.startswith("serve-"):
            start(cfg, proc, env)
    for proc in services:
        wait_for(proc.name, lambda p=proc: http_ok(p.health or ""), 180, proc.log(cfg))
    wait_for("worker online", lambda: online_workers(cfg) >= 1, 120, procs["worker"].log(cfg))
    for name, proc in procs.items():
        if read_pid(proc.pidfile(cfg)) is None:
            raise TopologyError(f"{name} exited at start{tail(proc.log(cfg))}")


def down(cfg: Config, *, quiet: bool = False, drop: bool = False) -> int:
    """Stop every process group this topology started, then anything still marked as ours."""
    for proc in reversed(processes(cfg)):
        pidfile = proc.pidfile(cfg)
        try:
            pid = int(pidfile.read_text(encoding="ascii").strip())
        except (OSError, ValueError):
            continue
        if group_alive(pid):
            stop_group(pid)
            if not quiet:
                print(f"stopped {proc.name} ({pid})")
        pidfile.unlink(missing_ok=True)
    for pid in marked_processes(cfg):
        # A flow run's process, or a child that left its group: ours by its environment.
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            continue
        if not quiet:
            print(f"killed leftover process {pid}")
    deadline = time.monotonic() + 10
    while marked_processes(cfg) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = marked_processes(cfg)
    if left:
        raise TopologyError(f"processes left behind after down: {left}")
    if drop:
        drop_databases(cfg)
    if not quiet:
        print("topology down")
    return 0


def restart(cfg: Config, name: str, *, hard: bool = False) -> int:
    """Stop one process (SIGTERM, or SIGKILL with ``hard``) and start it again, healthy.

    One service at a time is a rolling restart: the other keeps answering meanwhile.
    """
    proc = by_name(cfg, name)
    pid = read_pid(proc.pidfile(cfg))
    if pid is not None:
        if hard:
            os.killpg(pid, signal.SIGKILL)
        stop_group(pid)
    env = cfg.server_env() if name == "prefect-server" else cfg.lofte_env()
    start(cfg, proc, env)
    if proc.health:
        wait_for(name, lambda: http_ok(proc.health or ""), 180, proc.log(cfg))
    else:
        time.sleep(1.0)
        if read_pid(proc.pidfile(cfg)) is None:
            raise TopologyError(f"{name} exited at start{tail(proc.log(cfg))}")
    print(f"restarted {name} ({read_pid(proc.pidfile(cfg))})")
    return 0


USAGE = "usage: scripts/topology up | down [--drop] | status | restart NAME [--hard]"


def main(argv: list[str]) -> int:
    """Entry point; exit 0 on success, 1 on failure (with the reason on stderr), 2 on misuse."""
    if not argv or argv[0] not in {"up", "down", "status", "restart"}:
        print(USAGE, file=sys.stderr)
        return 2
    try:
        cfg = Config.from_env()
        if argv[0] == "up":
            return up(cfg)
        if argv[0] == "down":
            return down(cfg, drop="--drop" in argv[1:])
        if argv[0] == "restart":
            if len(argv) < 2:
                print(USAGE, file=sys.stderr)
                return 2
            return restart(cfg, argv[1], hard="--hard" in argv[2:])
        return status(cfg)
    except (TopologyError, KeyError) as exc:
        print(f"topology {argv[0]}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
