#!/usr/bin/env bash
# Restore one database from a dump made by backup.sh, into an EMPTY database:
#   deploy/restore.sh FILE.dump postgresql://USER@HOST:PORT/DB
# Stop everything that writes to it first (systemctl stop 'lofte-*' prefect-worker; for the
# Prefect database also prefect-server). Then `lofte init` (a no-op when the dump's schema is
# current) and start the units again. Refuses a database that already has tables.
set -euo pipefail
file="${1:?usage: restore.sh FILE.dump DATABASE_URL}"
url="$(sed -E 's#^postgresql\+[a-z0-9]+://#postgresql://#' <<<"${2:?usage: restore.sh FILE.dump DATABASE_URL}")"
[[ -r "$file" ]] || { echo "restore: cannot read $file" >&2; exit 2; }
tables="$(psql "$url" -X -tAc "select count(*) from pg_tables where schemaname = 'public'")"
if [[ "$tables" != "0" ]]; then
  echo "restore: the target database has $tables tables; restore into an empty one (createdb)" >&2
  exit 1
fi
pg_restore --exit-on-error --no-owner --no-privileges --single-transaction --dbname="$url" "$file"
echo "restored $file"
