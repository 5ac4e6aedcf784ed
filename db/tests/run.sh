#!/usr/bin/env bash
# Runs the pgTAP tests of the schema, row-level security and triggers.
#
# Usage: db/tests/run.sh <superuser-conninfo> <dbname>
#
#   <superuser-conninfo>  libpq connection string of a superuser of the cluster,
#                         keyword/value or URI, e.g. "host=/tmp/cc-pg port=5433 user=postgres"
#                         or "postgresql://postgres@127.0.0.1:5433/postgres". Any dbname in it
#                         is only used for the first connection.
#   <dbname>              the database the migrations were applied to (certcycle, or a test copy).
#
# What it does:
#   1. as the superuser, in <dbname>: CREATE EXTENSION IF NOT EXISTS pgtap, and
#      GRANT cc_app TO the owner role (so the tests can SET ROLE cc_app; the owner
#      already holds every privilege cc_app has, so this gives it nothing new);
#   2. runs pg_prove over db/tests/*.sql as the owner role on the same host and port
#      (trust auth assumed, as in the deploy cluster).
# Each test file runs in one transaction and rolls back, so the database is left as found.
# Exits non-zero if anything fails.
#
# Environment: CC_DB_OWNER  owner role to run the tests as (default cc_owner)
#              PG_PROVE_ARGS extra arguments for pg_prove (e.g. "--verbose")
set -euo pipefail

if [ "$#" -ne 2 ]; then
    echo "usage: $0 <superuser-conninfo> <dbname>" >&2
    exit 2
fi
super=$1
db=$2
owner=${CC_DB_OWNER:-cc_owner}
here=$(cd "$(dirname "$0")" && pwd)

# Host (or socket directory) and port of the superuser connection, for pg_prove.
hostport=$(printf '\\echo :HOST\n\\echo :PORT\n' | psql -X -q -v ON_ERROR_STOP=1 -d "$super")
host=$(printf '%s\n' "$hostport" | sed -n 1p)
port=$(printf '%s\n' "$hostport" | sed -n 2p)
if [ -z "$host" ] || [ -z "$port" ]; then
    echo "$0: could not determine host and port from the superuser connection" >&2
    exit 1
fi

# \connect with just a dbname reuses the other parameters of the superuser connection.
psql -X -q -v ON_ERROR_STOP=1 -v db="$db" -v owner="$owner" -d "$super" <<'EOF'
\connect :"db"
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
GRANT cc_app TO :"owner";
EOF

shopt -s nullglob
tests=("$here"/*.sql)
if [ "${#tests[@]}" -eq 0 ]; then
    echo "$0: no tests in $here" >&2
    exit 1
fi

# shellcheck disable=SC2086
exec pg_prove --host "$host" --port "$port" --username "$owner" --dbname "$db" ${PG_PROVE_ARGS:-} "${tests[@]}"
