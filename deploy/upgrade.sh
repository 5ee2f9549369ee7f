#!/usr/bin/env bash
# Upgrade Löfte on a server installed from deploy/ (docs/operations.md, "Upgrading"):
#   sudo -u lofte deploy/upgrade.sh            (with the new version checked out in LOFTE_HOME)
# 1. back up, 2. migrations first (lofte init: applies new Alembic migrations; a no-op when
# current; the old code keeps running meanwhile, so migrations are additive), 3. apply the
# deployments of the new prefect.yaml, 4. rolling restart: one service process at a time,
# each healthy before the next, then the dispatchers and the worker.
set -euo pipefail
set -a; source /etc/lofte/lofte.env; set +a
venv="${LOFTE_VENV:-/opt/lofte/venv}"
cd "$LOFTE_HOME"
"$(dirname "$0")/backup.sh" "${LOFTE_BACKUP_DIR:-/var/backups/lofte}"
"$venv/bin/pip" install --quiet .
"$venv/bin/lofte" init
"$venv/bin/python" scripts/prefect_deploy.py --all
for unit in $(systemctl list-units --plain --no-legend 'lofte-serve@*.service' | awk '{print $1}'); do
  port="${unit#lofte-serve@}"; port="${port%.service}"
  sudo systemctl restart "$unit"
  for _ in $(seq 1 90); do
    curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
    sleep 1
  done
  curl -fsS "http://127.0.0.1:$port/health" >/dev/null || { echo "upgrade: $unit not healthy" >&2; exit 1; }
  echo "restarted $unit"
done
sudo systemctl restart 'lofte-dispatcher@*.service' prefect-worker.service
echo "upgrade done"
