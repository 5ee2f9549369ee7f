"""The CLI's whole command through a running ``lofte serve``, as a person types it.

Starts a service on the demo region (embedded default: SQLite, Prefect's temporary server),
signs in with tokens and times each command end to end (process start to exit), N times.

    python bench/cli.py [--runs 10]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def _stats(samples: list[float]) -> str:
    samples = sorted(samples)
    p95 = samples[min(len(samples) - 1, int(len(samples) * 0.95))]
    return f"median {statistics.median(samples):.3f} s, p95 {p95:.3f} s, max {samples[-1]:.3f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--port", type=int, default=8497)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="lofte-bench-cli-"))
    env = {
        **os.environ,
        "LOFTE_DATA_DIR": str(data),
        "LOFTE_DATABASE_URL": f"sqlite:///{data}/lofte.db",
        "LOFTE_API_PORT": str(args.port),
        "PYTHONPATH": str(ROOT),
    }
    lofte = [sys.executable, "-m", "cli.main"]
    subprocess.run([*lofte, "demo"], env=env, check=True, capture_output=True)
    service = subprocess.Popen(
        [*lofte, "serve", "--no-scheduler"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(240):
            try:
                if httpx.get(f"http://127.0.0.1:{args.port}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        tokens = {}
        for who in (
            "trygghetssamordnare@farsta.example.se",
            "styrgrupp@nacka.example.se",
            "brottsforebyggande@polisen.example.se",
            "admin@lofte.example.se",
        ):
            out = subprocess.run(
                [*lofte, "token", "create", who, "--json", "--actor", who],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            tokens[who] = json.loads(out.stdout)["token"]
        farsta, nacka = (
            tokens["trygghetssamordnare@farsta.example.se"],
            tokens["styrgrupp@nacka.example.se"],
        )
        listed = subprocess.run(
            [*lofte, "promise", "list", "--json"],
            env={**env, "LOFTE_TOKEN": farsta},
            check=True,
            capture_output=True,
            text=True,
        )
        pid = json.loads(listed.stdout)[0]["id"]
        commands = [
            ("promise list", farsta, ["promise", "list"]),
            ("promise show", farsta, ["promise", "show", str(pid)]),
            ("advance (refused)", farsta, ["advance", str(pid)]),
            ("deadlines", farsta, ["deadlines", str(pid)]),
            ("history", farsta, ["history", str(pid)]),
            ("compilation show", farsta, ["compilation", "show", str(pid)]),
            (
                "overview",
                tokens["brottsforebyggande@polisen.example.se"],
                ["overview", "--format", "json"],
            ),
            (
                "reminders run --dry-run",
                tokens["admin@lofte.example.se"],
                ["reminders", "run", "--dry-run"],
            ),
            (
                "status report",
                tokens["brottsforebyggande@polisen.example.se"],
                ["status", "report", "--region", "stockholm", "--no-deliver"],
            ),
        ]
        for label, token, command in commands:
            samples = []
            for _ in range(args.runs):
                started = time.perf_counter()
                subprocess.run(
                    [*lofte, *command], env={**env, "LOFTE_TOKEN": token}, capture_output=True
                )
                samples.append(time.perf_counter() - started)
            print(f"{label:<26} {_stats(samples)}")
        nacka_list = subprocess.run(
            [*lofte, "promise", "list", "--stage", "year_end_compilation", "--json"],
            env={**env, "LOFTE_TOKEN": nacka},
            capture_output=True,
            text=True,
        )
        year_end = json.loads(nacka_list.stdout)
        if year_end:
            started = time.perf_counter()
            done = subprocess.run(
                [
                    *lofte,
                    "compilation",
                    "approve",
                    str(year_end[0]["id"]),
                    "--by",
                    "Styrgruppen i Nacka",
                ],
                env={**env, "LOFTE_TOKEN": nacka},
                capture_output=True,
                text=True,
            )
            print(
                f"{'compilation approve':<26} {time.perf_counter() - started:.3f} s (once; exit {done.returncode})"
            )
    finally:
        service.terminate()
        service.wait(30)


if __name__ == "__main__":
    main()
