#!/usr/bin/env bash
# Back up both databases (Löfte's and Prefect's) with pg_dump, custom format, one file each:
#   deploy/backup.sh DIR
# Reads LOFTE_DATABASE_URL and PREFECT_API_DATABASE_CONNECTION_URL (e.g. from
# /etc/lofte/lofte.env); passwords from them or ~/.pgpass. Safe while everything runs: each
# dump is one consistent snapshot of its database. Löfte's is the one that matters (promises,
# audit trail, outbox); Prefect's holds run history and deployments (re-creatable with
# prefect deploy, but the audit trail's flow run ids point into it).
set -euo pipefail
dir="${1:?usage: backup.sh DIR}"
: "${LOFTE_DATABASE_URL:?set LOFTE_DATABASE_URL (source /etc/lofte/lofte.env)}"
: "${PREFECT_API_DATABASE_CONNECTION_URL:?set PREFECT_API_DATABASE_CONNECTION_URL}"
libpq() { sed -E 's#^postgresql\+[a-z0-9]+://#postgresql://#' <<<"$1"; }
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$dir"
umask 077
for pair in "lofte:$LOFTE_DATABASE_URL" "prefect:$PREFECT_API_DATABASE_CONNECTION_URL"; do
  name="${pair%%:*}"; url="$(libpq "${pair#*:}")"
  out="$dir/$name-$stamp.dump"
  pg_dump --format=custom --no-owner --no-privileges --file="$out.partial" "$url"
  mv "$out.partial" "$out"
  echo "$out"
done
