"""deploy/: the systemd units are valid for systemd, the environment template has no secrets,
the scripts are executable and say how to use them."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
UNITS = sorted(DEPLOY.glob("*.service"))


def test_the_units_we_document_exist() -> None:
    names = {u.name for u in UNITS}
    assert names == {
        "prefect-server.service",
        "prefect-worker.service",
        "lofte-serve@.service",
        "lofte-dispatcher@.service",
    }


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
@pytest.mark.parametrize("unit", UNITS, ids=lambda u: u.name)
def test_unit_verifies(unit: Path, tmp_path: Path) -> None:
    # The installed paths, pointed at this machine's virtualenv, so only the unit is judged.
    venv = str(Path(sys.executable).parent.parent)
    text = unit.read_text(encoding="utf-8").replace("/opt/lofte/venv", venv)
    name = unit.name.replace("@.service", "@8471.service")
    (tmp_path / name).write_text(text, encoding="utf-8")
    done = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(tmp_path / name)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "SYSTEMD_LOG_LEVEL": "warning"},
    )
    problems = [
        line
        for line in (done.stdout + done.stderr).splitlines()
        # Nothing on this machine is installed where the unit expects it.
        if line.strip() and "/opt/lofte/app" not in line and "User" not in line
    ]
    assert not problems, problems


def test_env_template_holds_no_secrets() -> None:
    text = (DEPLOY / "lofte.env.example").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        if re.search(r"TOKEN|SECRET|PASSWORD", key):
            pytest.fail(f"{key} has a value in the template")
        if "://" in value and "@" in value:
            assert ":CHANGE-ME@" in value, f"{key}: a password in the template"


@pytest.mark.parametrize("script", ["backup.sh", "restore.sh", "upgrade.sh"])
def test_scripts_are_executable_and_refuse_without_arguments(script: str) -> None:
    path = DEPLOY / script
    assert os.access(path, os.X_OK)
    if script == "upgrade.sh":
        return  # needs /etc/lofte/lofte.env and systemd as init: not run on this machine
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LOFTE_", "PREFECT_"))}
    done = subprocess.run(
        [str(path)], capture_output=True, text=True, timeout=30, check=False, env=env
    )
    assert done.returncode != 0 and "usage" in done.stderr
