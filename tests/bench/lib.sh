#!/usr/bin/env bash
# tests/bench/lib.sh: what the benchmarks share, sourced by identity.sh and scheduling.sh: logging,
# stopping what they started, free ports, waiting for HTTP, a private PostgreSQL cluster, and
# reading wrk's output. The callers define TMP, BIN, PGBIN, BG_PIDS, CHOSEN and PG_* as documented
# in each script.
# shellcheck disable=SC2034  # the variables set here are read by the sourcing script

log() { printf '[bench] %s\n' "$*" >&2; }

die() {
    printf '[bench] error: %s\n' "$*" >&2
    exit 1
}

forget() {
    local p new=()
    for p in "${BG_PIDS[@]}"; do [ "$p" = "$1" ] || new+=("$p"); done
    BG_PIDS=("${new[@]}")
}

stop_pid() { # stop_pid PID NAME [SIGNAL]: signal, wait up to 10 s, then SIGKILL
    local pid=$1 name=$2 sig=${3:-TERM} i
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
    kill -"$sig" "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        # a zombie child of ours counts as stopped
        [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ] || return 0
        sleep 0.1
    done
    log "$name (pid $pid) did not stop; SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
}

pick_port() {
    local p i
    for ((i = 0; i < 200; i++)); do
        p=$((26000 + RANDOM % 1000))
        case "$CHOSEN" in *" $p "*) continue ;; esac
        [ -z "$(ss -Hltn "sport = :$p" 2>/dev/null)" ] || continue
        CHOSEN="$CHOSEN$p "
        echo "$p"
        return 0
    done
    die "no free port in 26000-26999"
}

wait_http() { # wait_http URL WHAT PID
    local i
    for ((i = 0; i < 100; i++)); do
        curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null && return 0
        kill -0 "$3" 2>/dev/null || die "$2 exited during start-up"
        sleep 0.1
    done
    die "$2 did not answer at $1"
}

# start_service NAME PORT [VAR=VALUE...]: certcycle-NAME on 127.0.0.1:PORT from $TMP, CC_LOG_LEVEL=warn,
# with the extra environment given, its log in $TMP/NAME.log; waits for /readyz and prints the pid.
start_service() {
    local name=$1 port=$2 pid
    shift 2
    (cd "$TMP" && CC_LISTEN="127.0.0.1:$port" CC_LOG_LEVEL=warn exec env "$@" "$BIN/certcycle-$name") \
        >>"$TMP/$name.log" 2>&1 &
    pid=$!
    wait_http "http://127.0.0.1:$port/readyz" "certcycle-$name" "$pid"
    echo "$pid"
}

wrk_rps() { awk '/^Requests\/sec:/ {print $2}' "$TMP/wrk-$1.txt"; }

wrk_total() { awk '/requests in/ {print $1}' "$TMP/wrk-$1.txt"; }

wrk_bad() {
    local n
    n=$(awk -F: '/Non-2xx or 3xx responses/ {gsub(/ /, "", $2); print $2}' "$TMP/wrk-$1.txt")
    echo "${n:-0}"
}

kib() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; } # KiB -> MiB text

verdict() { awk -v a="$1" -v b="$3" -v op="$2" 'BEGIN {ok = (op == ">=") ? (a >= b) : (a < b); print ok ? "meets" : "misses"}'; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", (b > 0) ? a / b : 0}'; }

# stop_background: every pid in BG_PIDS (wrk runs, login loops, samplers) and their children.
stop_background() {
    local p
    for p in "${BG_PIDS[@]}"; do
        [ -n "$p" ] || continue
        pkill -TERM -P "$p" 2>/dev/null # the curl/sleep child of a loop or sampler
        kill -TERM "$p" 2>/dev/null
    done
    for p in "${BG_PIDS[@]}"; do stop_pid "$p" "background job"; done
}

# stop_cluster: a fast shutdown of PG_PID, then an immediate one after 30 s.
stop_cluster() {
    local i
    if [ -n "$PG_PID" ] && kill -0 "$PG_PID" 2>/dev/null; then
        kill -INT "$PG_PID" 2>/dev/null # fast shutdown
        for ((i = 0; i < 300; i++)); do
            kill -0 "$PG_PID" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$PG_PID" 2>/dev/null; then
            kill -QUIT "$PG_PID" 2>/dev/null || true # immediate
        fi
    fi
    return 0 # a cluster that stopped in time is success (callers run under set -e)
}

# finish_tmp RC: keeps $TMP when asked (BENCH_KEEP=1) or after a failure, else removes it.
finish_tmp() {
    if [ "${BENCH_KEEP:-0}" = 1 ] || [ "$1" -ne 0 ]; then
        log "logs kept in $TMP"
    else
        rm -rf "$TMP"
    fi
}

# start_cluster: PostgreSQL as the postgres OS user under $TMP, trust on loopback, default durability.
start_cluster() {

    log "PostgreSQL cluster on 127.0.0.1:$PG_PORT in $TMP/pg"
    mkdir -p "$TMP/pg" "$TMP/pgsock"
    chown postgres: "$TMP/pg" "$TMP/pgsock"
    chmod 700 "$TMP/pg"
    (cd / && runuser -u postgres -- "$PGBIN/initdb" -D "$TMP/pg" -U postgres -A trust -E UTF8 --locale=C.UTF-8) \
        >"$TMP/initdb.log" 2>&1 || {
        tail -20 "$TMP/initdb.log" >&2
        die "initdb failed"
    }
    {
        echo "listen_addresses = '127.0.0.1'"
        echo "port = $PG_PORT"
        echo "unix_socket_directories = '$TMP/pgsock'"
        echo "max_connections = 200"
        # diagnostics only (e.g. "synchronous_commit = off"): the published figures use the defaults
        [ -z "${BENCH_PG_SETTINGS:-}" ] || printf '%s\n' "$BENCH_PG_SETTINGS"
    } | runuser -u postgres -- tee -a "$TMP/pg/postgresql.conf" >/dev/null
    touch "$TMP/postgres.log"
    chown postgres: "$TMP/postgres.log"
    (cd / && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$TMP/pg" -l "$TMP/postgres.log" -w -t 60 -s start) || {
        tail -20 "$TMP/postgres.log" >&2
        die "PostgreSQL did not start"
    }
    PG_PID=$(head -1 "$TMP/pg/postmaster.pid")

    PSQL=("$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres)
    "${PSQL[@]}" -c "CREATE ROLE cc_owner LOGIN"
    "${PSQL[@]}" -c "CREATE ROLE cc_app LOGIN"
    "${PSQL[@]}" -c "CREATE DATABASE certcycle OWNER cc_owner"
    "${PSQL[@]}" -c "CREATE DATABASE bench"

    export DATABASE_URL="postgresql://cc_owner@127.0.0.1:$PG_PORT/certcycle"
    export CC_APP_DATABASE_URL="postgresql://cc_app@127.0.0.1:$PG_PORT/certcycle"
    CC_MASTER_KEY=$(openssl rand -hex 32)
    export CC_MASTER_KEY
    export CC_MIGRATIONS_DIR="$ROOT/db/migrations"

    log "migrate, keys rotate, seed-demo"
}
