#!/usr/bin/env bash
# tests/bench/scheduling.sh: the issue-3 benchmark of the scheduling service, in one run.
#
# Brings up a throwaway stack in a mktemp directory (its own PostgreSQL 15 cluster run by the
# `postgres` OS user, certcycle-identity for the logins, certcycle-scheduling, the packaged h2o as
# static file server) on free ports in 26000-26999, then measures:
#   (a) h2o serving a ~100-byte static file (wrk -t2 -c64 -d10s --latency)
#   (b) POST /v1/audit-time direct to scheduling, 64 connections, a scheme_manager token
#       (wrk with tests/bench/audit-time.lua)
#   (c) pgbench -S -M prepared -c 64 -j 2 -T 10 on a separate `bench` database (same cluster, s=10)
#   (d) GET /v1/audits/{id} direct to scheduling, 64 connections, the Stage 1 audit of a programme
#       created through the API first
#   (e) 10,000 client organisations (POST /v1/clients), then one programme each
#       (POST /v1/programmes), through the API, 32 at a time (curl --parallel), each phase timed
#       and every response checked for 201
#   (f) VmRSS / VmHWM of identity and scheduling
# Prints every figure and the ratios against the issue's targets ("meets"/"misses"). A missed
# target is a result, not a failure: the exit status is non-zero only when something failed to
# run. A trap stops everything the script started (by pid) on any exit.
#
# Usage: tests/bench/scheduling.sh          (as root; needs build/bin/* — builds them if missing)
# Environment (all optional):
#   BENCH_DURATION   seconds per wrk/pgbench run (default 10)
#   BENCH_CONNS      connections for the throughput runs (default 64)
#   BENCH_CLIENTS    client organisations (and programmes) to create (default 10000)
#   BENCH_PARALLEL   concurrent requests while creating them (default 32)
#   BENCH_KEEP=1     keep the temp directory (logs, responses) after the run
#   CC_BIN           directory of the binaries (default <repo>/build/bin)
set -euo pipefail
# shellcheck source=tests/bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=${CC_BIN:-$ROOT/build/bin}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
H2O=${H2O:-/usr/sbin/h2o}
[ -x "$H2O" ] || H2O=$(command -v h2o)
DUR=${BENCH_DURATION:-10}
CONNS=${BENCH_CONNS:-64}
NCLIENTS=${BENCH_CLIENTS:-10000}
PAR=${BENCH_PARALLEL:-32}
LUA=$ROOT/tests/bench/audit-time.lua
TENANT=northcert
EMAIL=scheme_manager@northcert.example
PASSWORD=demo-password-1
STANDARD="ISO/IEC 27001:2022"


[ "$(id -u)" -eq 0 ] || die "run as root (the cluster runs as the postgres OS user via runuser)"
for tool in wrk curl jq openssl ss awk runuser "$PGBIN/initdb" "$PGBIN/pg_ctl" /usr/bin/pgbench "$H2O"; do
    command -v "$tool" >/dev/null || die "missing tool: $tool"
done
[ -r "$LUA" ] || die "missing $LUA"
id postgres >/dev/null 2>&1 || die "no postgres OS user"
[[ "$NCLIENTS" =~ ^[1-9][0-9]*$ ]] || die "BENCH_CLIENTS must be a positive integer"
if [ ! -x "$BIN/certcycle" ] || [ ! -x "$BIN/certcycle-identity" ] || [ ! -x "$BIN/certcycle-scheduling" ]; then
    log "binaries missing in $BIN; building"
    cmake -S "$ROOT" -B "$ROOT/build" >/dev/null
    cmake --build "$ROOT/build" -j2 >/dev/null
fi

# ---------------------------------------------------------------------------------------------
# Cleanup: everything started is recorded by pid and stopped on any exit.

LOADAVG=$(cut -d" " -f1-3 /proc/loadavg)
TMP=$(mktemp -d /tmp/cc-bench.XXXXXX)
chmod 711 "$TMP"
PG_PID=""
ID_PID=""
SC_PID=""
H2O_PID=""
BG_PIDS=() # running wrk, curl, samplers (removed once reaped: no recycled pid is signalled)


# shellcheck disable=SC2317  # invoked by the trap
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    set +e
    stop_background
    stop_pid "$H2O_PID" h2o
    stop_pid "$SC_PID" certcycle-scheduling
    stop_pid "$ID_PID" certcycle-identity
    stop_cluster
    wait 2>/dev/null
    finish_tmp "$rc"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------
# Ports

CHOSEN=" "
PG_PORT=$(pick_port)
ID_PORT=$(pick_port)
SC_PORT=$(pick_port)
GW_PORT=$(pick_port)


# ---------------------------------------------------------------------------------------------
# PostgreSQL: a private cluster, trust on loopback, default durability settings (lib.sh).
start_cluster
for step in migrate "keys rotate" seed-demo; do
    # shellcheck disable=SC2086  # "keys rotate" is two words on purpose
    "$BIN/certcycle" $step >>"$TMP/cli.log" 2>&1 || {
        cat "$TMP/cli.log" >&2
        die "certcycle $step failed"
    }
done

# ---------------------------------------------------------------------------------------------
# identity, scheduling and h2o

DEATHS=()
# start_service NAME PORT LOGFILE: prints nothing; sets ID_PID or SC_PID. CC_LOG_LEVEL=warn.
start_service() {
    local name=$1 port=$2 logf=$3 pid
    # run from $TMP with core dumps allowed: if it crashes, the core (core_pattern permitting) stays there
    (cd "$TMP" && { ulimit -c unlimited 2>/dev/null || true; } &&
        CC_LISTEN="127.0.0.1:$port" CC_LOG_LEVEL=warn exec "$BIN/certcycle-$name") >>"$logf" 2>&1 &
    pid=$!
    case "$name" in
    identity) ID_PID=$pid ;;
    scheduling) SC_PID=$pid ;;
    esac
    wait_http "http://127.0.0.1:$port/readyz" "certcycle-$name" "$pid"
}
# check_service NAME RUN: after a run, make sure the service still lives; if it died, record how
# and restart it so the remaining runs happen.
check_service() {
    local name=$1 run=$2 pid port logf st=0 how
    case "$name" in
    identity) pid=$ID_PID port=$ID_PORT logf=$TMP/identity.log ;;
    scheduling) pid=$SC_PID port=$SC_PORT logf=$TMP/scheduling.log ;;
    esac
    kill -0 "$pid" 2>/dev/null && [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ] && return 0
    wait "$pid" 2>/dev/null || st=$?
    if [ "$st" -gt 128 ]; then how="killed by SIG$(kill -l $((st - 128)))"; else how="exit status $st"; fi
    if [ -e "$TMP/core" ]; then
        mv "$TMP/core" "$TMP/core.$pid"
        how="$how, core dump $TMP/core.$pid"
    fi
    DEATHS+=("certcycle-$name (pid $pid) DIED during run '$run': $how")
    log "certcycle-$name DIED during run '$run' ($how); last log lines:"
    tail -5 "$logf" | cut -c1-300 | sed 's/^/    /' >&2
    echo "---- $name died here ($how); restarted ----" >>"$logf"
    start_service "$name" "$port" "$logf"
}
check_services() { # check_services RUN
    check_service identity "$1"
    check_service scheduling "$1"
}

log "certcycle-identity on 127.0.0.1:$ID_PORT, certcycle-scheduling on 127.0.0.1:$SC_PORT (CC_LOG_LEVEL=warn)"
start_service identity "$ID_PORT" "$TMP/identity.log"
start_service scheduling "$SC_PORT" "$TMP/scheduling.log"

mkdir -p "$TMP/static" "$TMP/h2o"
chmod 755 "$TMP/static"
printf '%s\n' "certcycle benchmark static file: about one hundred bytes of plain text served by h2o." \
    >"$TMP/static/small.txt"
chmod 644 "$TMP/static/small.txt"
chown nobody: "$TMP/h2o"
STATIC_BYTES=$(stat -c %s "$TMP/static/small.txt")
cat >"$TMP/h2o.conf" <<EOF
# generated by tests/bench/scheduling.sh; no access log
user: nobody
pid-file: $TMP/h2o/h2o.pid
error-log: $TMP/h2o/error.log
listen:
  host: 127.0.0.1
  port: $GW_PORT
hosts:
  default:
    paths:
      /static:
        file.dir: $TMP/static
EOF
log "h2o static file server on 127.0.0.1:$GW_PORT"
(cd "$TMP" && exec "$H2O" -c "$TMP/h2o.conf") >"$TMP/h2o.out" 2>&1 &
H2O_PID=$!
wait_http "http://127.0.0.1:$GW_PORT/static/small.txt" h2o "$H2O_PID"

# A scheme_manager access token (valid 15 minutes: taken again before the long phases).
LOGIN_BODY=$(jq -cn --arg t "$TENANT" --arg e "$EMAIL" --arg p "$PASSWORD" '{tenant:$t,email:$e,password:$p}')
login() {
    TOKEN=$(curl -fsS --max-time 30 -H 'content-type: application/json' -d "$LOGIN_BODY" \
        "http://127.0.0.1:$ID_PORT/v1/auth/login" | jq -er .access_token) || die "login as $EMAIL failed"
    AUTH="Authorization: Bearer $TOKEN"
}
login

SC=http://127.0.0.1:$SC_PORT
# api METHOD PATH [BODY] -> body on stdout; dies unless 2xx
api() {
    local code args=(-sS -o "$TMP/api.json" -w '%{http_code}' --max-time 30 -X "$1" -H "$AUTH")
    [ $# -lt 3 ] || args+=(-H 'content-type: application/json' -d "$3")
    code=$(curl "${args[@]}" "$SC$2") || die "$1 $2: curl failed"
    [[ "$code" =~ ^2 ]] || die "$1 $2 answered $code: $(cat "$TMP/api.json")"
    cat "$TMP/api.json"
}

AT_BODY='{"standard":"ISO/IEC 27001:2022","personnel":250,"sites":5}'
api POST /v1/audit-time "$AT_BODY" | jq -e '.' >"$TMP/audit-time.json" || die "audit-time: no JSON answer"

# The programme whose Stage 1 audit (d) reads.
CLIENT_ID=$(api POST /v1/clients "$(jq -cn '{legal_name:"Bench Probe Ltd",
    address:{street:"1 Bench Street",city:"Leeds",country:"GB"},personnel:250}')" | jq -er .id) ||
    die "POST /v1/clients: no id"
PROG_JSON=$(api POST /v1/programmes "$(jq -cn --arg c "$CLIENT_ID" --arg s "$STANDARD" \
    '{client_id:$c,standards:[$s],scope:"Benchmark scope: design and operation of payroll software"}')")
AUDIT_ID=$(jq -er '.audits[] | select(.type == "stage1") | .id' <<<"$PROG_JSON") ||
    die "the programme has no stage1 audit: $PROG_JSON"
api GET "/v1/audits/$AUDIT_ID" | jq -e --arg id "$AUDIT_ID" '.id == $id' >/dev/null ||
    die "GET /v1/audits/$AUDIT_ID does not answer that audit"
AUDIT_BYTES=$(curl -sS -o /dev/null -w '%{size_download}' -H "$AUTH" "$SC/v1/audits/$AUDIT_ID")
AT_BYTES=$(curl -sS -o /dev/null -w '%{size_download}' -H "$AUTH" -H 'content-type: application/json' \
    -d "$AT_BODY" "$SC/v1/audit-time")

# ---------------------------------------------------------------------------------------------
# Measurement helpers

WARNINGS=()

# run_wrk NAME CONNS URL [wrk options...]: runs wrk, keeps its output in $TMP/wrk-NAME.txt.
run_wrk() {
    local name=$1 conns=$2 url=$3 out=$TMP/wrk-$1.txt pid
    shift 3
    local args=(-t2 -c"$conns" -d"${DUR}s" --latency "$@")
    log "wrk $name: ${conns} connections, ${DUR} s, $url"
    CC_BENCH_TOKEN=${TOKEN:-} wrk "${args[@]}" "$url" >"$out" 2>&1 &
    pid=$!
    BG_PIDS+=("$pid")
    wait "$pid" || die "wrk $name failed: $(cat "$out")"
    forget "$pid"
    sed 's/^/    /' "$out" >&2
    local bad sock
    bad=$(wrk_bad "$name")
    sock=$(grep -o 'Socket errors:.*' "$out" || true)
    if [ "$bad" != 0 ]; then
        WARNINGS+=("$name: $bad non-2xx/3xx responses out of $(wrk_total "$name")")
    fi
    if [ -n "$sock" ]; then
        WARNINGS+=("$name: $sock")
    fi
}
# wrk_p99 NAME: the 99% line of the latency distribution, in milliseconds.
wrk_p99() {
    awk '/Latency Distribution/ {d = 1} d && $1 == "99%" {
        v = $2; u = v; sub(/^[0-9.]+/, "", u); sub(/[a-z]+$/, "", v)
        f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : (u == "h") ? 3600000 : -1
        if (f < 0) { print "NaN"; exit }
        printf "%.3f\n", v * f; exit }' "$TMP/wrk-$1.txt"
}

vm() { # vm PID VmRSS -> KiB
    awk -v f="$2:" '$1 == f {v = $2} END {print v + 0}' "/proc/$1/status" 2>/dev/null || echo 0
}

# RSS sampler: the largest VmRSS of identity and of scheduling seen while running (every 0.2 s),
# written as "identity scheduling" (KiB) to FILE.
SAMPLER_PID=""
start_sampler() { # start_sampler FILE
    (
        mi=0 ms=0
        while kill -0 "$SC_PID" 2>/dev/null; do
            a=$(vm "$ID_PID" VmRSS)
            b=$(vm "$SC_PID" VmRSS)
            if [ "$a" -gt "$mi" ] || [ "$b" -gt "$ms" ]; then
                [ "$a" -le "$mi" ] || mi=$a
                [ "$b" -le "$ms" ] || ms=$b
                echo "$mi $ms" >"$1"
            fi
            sleep 0.2
        done
    ) &
    SAMPLER_PID=$!
    BG_PIDS+=("$SAMPLER_PID")
}
stop_sampler() {
    kill -TERM "$SAMPLER_PID" 2>/dev/null || true
    wait "$SAMPLER_PID" 2>/dev/null || true
    forget "$SAMPLER_PID"
}
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", b - a}'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN {printf "%.1f", (s > 0) ? n / s : 0}'; }

RSS_ID_START=$(vm "$ID_PID" VmRSS)
RSS_SC_START=$(vm "$SC_PID" VmRSS)

# ---------------------------------------------------------------------------------------------
# (a) h2o static

run_wrk static "$CONNS" "http://127.0.0.1:$GW_PORT/static/small.txt"

# (b) POST /v1/audit-time direct
login
start_sampler "$TMP/rss-audit-time"
run_wrk audit-time "$CONNS" "$SC/v1/audit-time" -s "$LUA"
check_services audit-time
stop_sampler

# (c) pgbench -S on a separate database of the same cluster
log "pgbench -i -s 10 bench"
PGB=(/usr/bin/pgbench -h 127.0.0.1 -p "$PG_PORT" -U postgres)
"${PGB[@]}" -i -s 10 -q bench >"$TMP/pgbench-init.log" 2>&1 || {
    cat "$TMP/pgbench-init.log" >&2
    die "pgbench -i failed"
}
log "pgbench -S -M prepared -c $CONNS -j 2 -T $DUR"
"${PGB[@]}" -S -M prepared -c "$CONNS" -j 2 -T "$DUR" bench >"$TMP/pgbench.txt" 2>&1 || {
    cat "$TMP/pgbench.txt" >&2
    die "pgbench failed"
}
sed 's/^/    /' "$TMP/pgbench.txt" >&2
PGB_TPS=$(awk '/^tps = / && /without initial connection time/ {print $3}' "$TMP/pgbench.txt")
[ -n "$PGB_TPS" ] || PGB_TPS=$(awk '/^tps = / {v = $3} END {print v}' "$TMP/pgbench.txt")
[ -n "$PGB_TPS" ] || die "could not read tps from pgbench output"

# (d) GET /v1/audits/{id} direct
login
start_sampler "$TMP/rss-audit-get"
run_wrk audit-get "$CONNS" "$SC/v1/audits/$AUDIT_ID" -H "$AUTH"
check_services audit-get
stop_sampler

# ---------------------------------------------------------------------------------------------
# (e) NCLIENTS client organisations, then one programme each, through the API.
#
# curl --parallel runs every request of a config file, PAR at a time over kept-alive connections;
# each answer's status and Location are written as "<index> <status> <location>", each body to
# its own file (kept for the failures).

RUN_TAG=$(date +%s)-$$
# bulk NAME CONFIG OUT: runs the config; sets BULK_SECS, BULK_OK, BULK_FAIL, BULK_CODES.
bulk() {
    local name=$1 cfg=$2 out=$3 t0 t1 pid
    log "$name: $(grep -c '^url' "$cfg") requests, $PAR at a time"
    t0=$(now)
    curl --parallel --parallel-immediate --parallel-max "$PAR" -sS -K "$cfg" >"$out" 2>"$TMP/$name.err" &
    pid=$!
    BG_PIDS+=("$pid")
    wait "$pid" || WARNINGS+=("$name: curl exited with status $? ($(head -c 300 "$TMP/$name.err"))")
    forget "$pid"
    t1=$(now)
    BULK_SECS=$(elapsed "$t0" "$t1")
    BULK_OK=$(awk '$2 == 201' "$out" | wc -l)
    BULK_FAIL=$(awk '$2 != 201' "$out" | wc -l)
    BULK_CODES=$(awk '{print $2}' "$out" | sort | uniq -c | awk '{printf "%s×%s ", $2, $1}')
    local missing
    missing=$(($(grep -c '^url' "$cfg") - BULK_OK - BULK_FAIL))
    BULK_FAIL=$((BULK_FAIL + missing))
    if [ "$BULK_FAIL" -ne 0 ]; then
        local first
        first=$(awk '$2 != 201 {print $1; exit}' "$out")
        WARNINGS+=("$name: $BULK_FAIL of $(grep -c '^url' "$cfg") requests did not answer 201 (statuses: ${BULK_CODES:-none}; $missing without an answer)")
        [ -z "$first" ] || WARNINGS+=("$name: first failure (#$first): $(head -c 300 "$TMP/$name/$first.json" 2>/dev/null)")
    fi
    log "$name: $BULK_OK × 201, $BULK_FAIL failed, ${BULK_SECS} s"
}

# config entries: the token goes in each entry (per-transfer options reset at `next`).
login
mkdir -p "$TMP/clients" "$TMP/programmes"
awk -v n="$NCLIENTS" -v tag="$RUN_TAG" -v url="$SC/v1/clients" -v auth="$AUTH" -v dir="$TMP/clients" 'BEGIN {
    for (i = 1; i <= n; i++) {
        if (i > 1) print "next"
        printf "url = \"%s\"\nrequest = \"POST\"\nheader = \"%s\"\nheader = \"Content-Type: application/json\"\n", url, auth
        printf "data = \"{\\\"legal_name\\\":\\\"Bench Client %s-%05d Ltd\\\",\\\"address\\\":{\\\"street\\\":\\\"%d Bench Road\\\",\\\"city\\\":\\\"Leeds\\\",\\\"country\\\":\\\"GB\\\"},\\\"personnel\\\":%d}\"\n", tag, i, i, 10 + (i * 37) % 2000
        printf "output = \"%s/%d.json\"\nwrite-out = \"%d %%{http_code} %%header{location}\\n\"\n", dir, i, i
    }
}' >"$TMP/clients.cfg"

SC_HWM_BEFORE_BULK=$(vm "$SC_PID" VmHWM)
start_sampler "$TMP/rss-bulk"
bulk clients "$TMP/clients.cfg" "$TMP/clients.out"
C_SECS=$BULK_SECS C_OK=$BULK_OK C_FAIL=$BULK_FAIL C_CODES=$BULK_CODES
check_services clients

# the ids, from the Location headers (/v1/clients/<id>) of the 201 answers
awk '$2 == 201 {sub(/\r$/, "", $3); n = split($3, p, "/"); print p[n]}' "$TMP/clients.out" >"$TMP/client-ids"
NIDS=$(grep -cE '^[0-9a-f-]{36}$' "$TMP/client-ids" || true)
[ "$NIDS" -eq "$C_OK" ] || die "read $NIDS client ids from $C_OK created clients (Location headers missing?)"

login
awk -v url="$SC/v1/programmes" -v auth="$AUTH" -v dir="$TMP/programmes" -v std="$STANDARD" '{
    if (NR > 1) print "next"
    printf "url = \"%s\"\nrequest = \"POST\"\nheader = \"%s\"\nheader = \"Content-Type: application/json\"\n", url, auth
    printf "data = \"{\\\"client_id\\\":\\\"%s\\\",\\\"standards\\\":[\\\"%s\\\"],\\\"scope\\\":\\\"Design and support of software, client %d\\\"}\"\n", $1, std, NR
    printf "output = \"%s/%d.json\"\nwrite-out = \"%d %%{http_code} %%header{location}\\n\"\n", dir, NR, NR
}' "$TMP/client-ids" >"$TMP/programmes.cfg"
bulk programmes "$TMP/programmes.cfg" "$TMP/programmes.out"
P_SECS=$BULK_SECS P_OK=$BULK_OK P_FAIL=$BULK_FAIL P_CODES=$BULK_CODES
check_services programmes
stop_sampler
T_SECS=$(awk -v a="$C_SECS" -v b="$P_SECS" 'BEGIN {printf "%.2f", a + b}')
# the planned audits now in the database (5 per programme: stage 1, stage 2, 2 surveillance, recert.)
NAUDITS=$("${PSQL[@]}" -d certcycle -tAc "SELECT count(*) FROM audits" 2>/dev/null || echo "?")
NPROGS=$("${PSQL[@]}" -d certcycle -tAc "SELECT count(*) FROM programmes" 2>/dev/null || echo "?")

sleep 1
RSS_ID_END=$(vm "$ID_PID" VmRSS)
HWM_ID_END=$(vm "$ID_PID" VmHWM)
RSS_SC_END=$(vm "$SC_PID" VmRSS)
HWM_SC_END=$(vm "$SC_PID" VmHWM)
rss_pair() { cat "$1" 2>/dev/null || echo "0 0"; }
read -r RSS_ID_AT RSS_SC_AT < <(rss_pair "$TMP/rss-audit-time")
read -r RSS_ID_AG RSS_SC_AG < <(rss_pair "$TMP/rss-audit-get")
read -r RSS_ID_BULK RSS_SC_BULK < <(rss_pair "$TMP/rss-bulk")
WARN_LINES=$(cat "$TMP/identity.log" "$TMP/scheduling.log" | grep -c . || true)

# ---------------------------------------------------------------------------------------------
# Report

STATIC_RPS=$(wrk_rps static)
AT_RPS=$(wrk_rps audit-time)
AG_RPS=$(wrk_rps audit-get)
P99_STATIC=$(wrk_p99 static)
P99_AT=$(wrk_p99 audit-time)
P99_AG=$(wrk_p99 audit-get)
for v in STATIC_RPS AT_RPS AG_RPS P99_STATIC P99_AT P99_AG; do
    [[ "${!v}" =~ ^[0-9.]+$ ]] || die "could not parse $v from the wrk output (got '${!v}')"
done


R_AT=$(ratio "$AT_RPS" "$STATIC_RPS")
R_AG=$(ratio "$AG_RPS" "$PGB_TPS")
MISSES=0
line() { # line LABEL VALUE TARGET VERDICT
    printf '  %-60s %-22s %-24s %s\n' "$1" "$2" "$3" "$4"
    [ "$4" != misses ] || MISSES=$((MISSES + 1))
}
BULK_DONE=misses
[ "$C_FAIL" -eq 0 ] && [ "$P_FAIL" -eq 0 ] && [ "$P_OK" -eq "$NCLIENTS" ] && BULK_DONE=meets

{
    echo
    echo "== certcycle scheduling benchmark ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, loopback; wrk -t2 -d${DUR}s --latency)"
    echo "   wrk, h2o, identity, scheduling and PostgreSQL share the same $(nproc) cores; load average at start:"
    echo "   $LOADAVG, at end: $(cut -d' ' -f1-3 /proc/loadavg) (anything else running on the machine skews these figures)."
    echo "   identity and scheduling: CC_LOG_LEVEL=warn (no per-request log lines); defaults otherwise"
    echo "   (CC_THREADS=cores, CC_WORKERS=4, CC_DB_POOL=2); PostgreSQL 15 default settings (fsync on),"
    echo "   max_connections=200; h2o $("$H2O" --version | head -1 | awk '{print $3}') without access log. Token: $EMAIL."
    echo
    echo "Figures"
    printf '  %-60s %s\n' "(a) h2o static file (${STATIC_BYTES} B), ${CONNS} conns" "$STATIC_RPS req/s, p99 $P99_STATIC ms"
    printf '  %-60s %s\n' "(b) POST /v1/audit-time direct (${AT_BYTES} B answer), ${CONNS} conns" "$AT_RPS req/s, p99 $P99_AT ms, non-2xx $(wrk_bad audit-time)/$(wrk_total audit-time)"
    printf '  %-60s %s\n' "(c) pgbench -S -M prepared -c $CONNS -j 2 -T $DUR (s=10)" "$PGB_TPS tps"
    printf '  %-60s %s\n' "(d) GET /v1/audits/{id} direct (${AUDIT_BYTES} B answer), ${CONNS} conns" "$AG_RPS req/s, p99 $P99_AG ms, non-2xx $(wrk_bad audit-get)/$(wrk_total audit-get)"
    printf '  %-60s %s\n' "(e) POST /v1/clients x $NCLIENTS, $PAR at a time" "$C_OK × 201 in $C_SECS s = $(rate "$C_OK" "$C_SECS") clients/s (statuses: $C_CODES)"
    printf '  %-60s %s\n' "(e) POST /v1/programmes x $NIDS, $PAR at a time" "$P_OK × 201 in $P_SECS s = $(rate "$P_OK" "$P_SECS") programmes/s (statuses: $P_CODES)"
    printf '  %-60s %s\n' "(e) total: clients + programmes" "$T_SECS s for $NCLIENTS clients with a programme each = $(rate "$P_OK" "$T_SECS") clients+programmes/s"
    printf '  %-60s %s\n' "    rows afterwards" "$NPROGS programmes, $NAUDITS planned audits (incl. the probe's)"
    printf '  %-60s %s\n' "(f) identity VmRSS at start / max during (b) / (d) / (e)" "$(kib "$RSS_ID_START") / $(kib "$RSS_ID_AT") / $(kib "$RSS_ID_AG") / $(kib "$RSS_ID_BULK") MiB"
    printf '  %-60s %s\n' "(f) identity VmRSS / VmHWM at end" "$(kib "$RSS_ID_END") / $(kib "$HWM_ID_END") MiB (the HWM includes argon2id logins: 64 MiB each)"
    printf '  %-60s %s\n' "(f) scheduling VmRSS at start / max during (b) / (d) / (e)" "$(kib "$RSS_SC_START") / $(kib "$RSS_SC_AT") / $(kib "$RSS_SC_AG") / $(kib "$RSS_SC_BULK") MiB"
    printf '  %-60s %s\n' "(f) scheduling VmHWM before (e) / VmRSS / VmHWM at end" "$(kib "$SC_HWM_BEFORE_BULK") / $(kib "$RSS_SC_END") / $(kib "$HWM_SC_END") MiB"
    echo
    echo "Targets"
    printf '  %-60s %-22s %-24s %s\n' "" "value" "target" "verdict"
    line "POST /v1/audit-time / h2o static req/s" "$R_AT" ">= 0.50" "$(verdict "$R_AT" ">=" 0.50)"
    line "GET /v1/audits/{id} / pgbench -S tps" "$R_AG" ">= 0.40" "$(verdict "$R_AG" ">=" 0.40)"
    line "programmes for $NCLIENTS clients through the API" "$P_OK/$NCLIENTS in $T_SECS s" "all 201, finishes" "$BULK_DONE"
    echo
    if [ "${#DEATHS[@]}" -gt 0 ]; then
        echo "!! A SERVICE CRASHED UNDER LOAD; figures of and after those runs are not valid"
        for w in "${DEATHS[@]}"; do echo "!!   $w"; done
        echo
    fi
    if [ "${#WARNINGS[@]}" -gt 0 ]; then
        echo "!! ERRORS UNDER LOAD"
        for w in "${WARNINGS[@]}"; do echo "!!   $w"; done
        echo "!! identity + scheduling warn-level log lines: $WARN_LINES (first ones below)"
        cat "$TMP/identity.log" "$TMP/scheduling.log" | head -5 | cut -c1-300 | sed 's/^/!!     /'
        echo
    elif [ "$WARN_LINES" -gt 0 ]; then
        echo "identity + scheduling logged $WARN_LINES warn/error lines during the runs; first ones:"
        cat "$TMP/identity.log" "$TMP/scheduling.log" | head -5 | cut -c1-300 | sed 's/^/    /'
        echo
    fi
    echo "$MISSES target(s) missed (a benchmark reports; it does not fail on a missed target)."
}
if [ "${#DEATHS[@]}" -gt 0 ]; then
    log "${#DEATHS[@]} service death(s) during the runs: failing"
    exit 3
fi
exit 0
