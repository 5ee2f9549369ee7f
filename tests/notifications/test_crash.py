"""A dispatcher killed (SIGKILL) in the middle of a batch loses nothing when it is restarted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from tests.notifications.conftest import FAST_DELIVERY, SECRETS
from tests.notifications.helpers import add, rows
from tests.notifications.receiver import Reply

pytestmark = pytest.mark.timeout(90)
ROOT = Path(__file__).resolve().parents[2]


def _worker(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.notifications.dispatch_worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_dispatcher_killed_mid_batch_loses_nothing(db, receiver, tmp_path):
    n = 60
    for i in range(n):
        add(db.engine, f"crash-{i:03d}")
    channels = tmp_path / "channels.yaml"
    delivery = {
        **FAST_DELIVERY,
        "concurrency": 4,
        "lease_seconds": 2,
        "wait_for_retries_seconds": 10,
    }
    channels.write_text(
        yaml.safe_dump(
            {
                "delivery": delivery,
                "channels": {
                    "hook": {
                        "type": "webhook",
                        "url": receiver.url("/hook"),
                        "secret_env": "LOFTE_TEST_HOOK_SECRET",
                    }
                },
            }
        )
    )
    env = {
        **os.environ,
        **SECRETS,
        "LOFTE_DATABASE_URL": db.url,
        "LOFTE_CHANNELS_FILE": str(channels),
    }

    receiver.default = Reply(delay=0.1)  # slow enough to kill it half-way
    first = _worker(env)
    deadline = time.monotonic() + 30
    while len(receiver.requests) < 12 and time.monotonic() < deadline:
        time.sleep(0.02)
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    assert first.returncode == -signal.SIGKILL
    before = {r.status for r in rows(db.engine)}
    assert "pending" in before  # it really died mid-way

    receiver.default = Reply()
    second = _worker(env)
    _out, err = second.communicate(timeout=60)
    assert second.returncode == 0, err

    assert {r.status for r in rows(db.engine)} == {"sent"}
    by_id: dict[str, set[str | None]] = defaultdict(set)
    for req in receiver.on("/hook"):
        by_id[req.json()["id"]].add(req.header("Idempotency-Key"))
        assert req.header("webhook-id") == req.json()["id"]
    assert set(by_id) == {f"crash-{i:03d}" for i in range(n)}  # every message arrived at least once
    assert all(keys == {key} for key, keys in by_id.items())  # a duplicate carries the same key
    duplicates = len(receiver.on("/hook")) - n
    print(f"{duplicates} duplicate deliveries after the kill (same idempotency key)")
