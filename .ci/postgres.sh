#!/usr/bin/env bash
# Install (if needed) and start a local PostgreSQL for the store tests, then print the
# URL to export as TPA_TEST_POSTGRES_URL. Safe to run more than once.
#   export TPA_TEST_POSTGRES_URL="$(bash .ci/postgres.sh | tail -n 1)"
set -euo pipefail

DB_NAME="${TPA_PG_DB:-tpa_test}"
DB_USER="${TPA_PG_USER:-tpa}"
DB_PASS="${TPA_PG_PASSWORD:-tpa-local-test}"
PORT="${TPA_PG_PORT:-5432}"

log() { echo "postgres.sh: $*" >&2; }

if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  log "installing PostgreSQL from Debian packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
fi

VERSION="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$VERSION main"; then
  log "creating cluster $VERSION/main on port $PORT"
  pg_createcluster --port "$PORT" "$VERSION" main >&2
fi

STATUS="$(pg_lsclusters -h | awk -v v="$VERSION" '$1==v && $2=="main" {print $4}')"
if [ "$STATUS" != "online" ]; then
  log "starting cluster $VERSION/main"
  pg_ctlcluster "$VERSION" main start >&2
fi
PORT="$(pg_lsclusters -h | awk -v v="$VERSION" '$1==v && $2=="main" {print $3}')"

for _ in $(seq 1 30); do
  if su postgres -c "pg_isready -q -h 127.0.0.1 -p $PORT"; then break; fi
  sleep 1
done
su postgres -c "pg_isready -h 127.0.0.1 -p $PORT" >&2

psql_admin() { su postgres -c "psql -v ON_ERROR_STOP=1 -qAt -p $PORT -c \"$1\""; }

if [ "$(psql_admin "SELECT 1 FROM pg_roles WHERE rolname='$DB_USER'")" != "1" ]; then
  psql_admin "CREATE ROLE $DB_USER LOGIN PASSWORD '$DB_PASS'" >&2
else
  psql_admin "ALTER ROLE $DB_USER LOGIN PASSWORD '$DB_PASS'" >&2
fi
if [ "$(psql_admin "SELECT 1 FROM pg_database WHERE datname='$DB_NAME'")" != "1" ]; then
  psql_admin "CREATE DATABASE $DB_NAME OWNER $DB_USER" >&2
fi

echo "postgresql+psycopg://$DB_USER:$DB_PASS@127.0.0.1:$PORT/$DB_NAME"
