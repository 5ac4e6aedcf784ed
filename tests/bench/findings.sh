#!/usr/bin/env bash
# tests/bench/findings.sh: the issue-8 benchmark of the findings service (raising and listing), in one run.
#
# Brings up a throwaway stack in a mktemp directory (its own PostgreSQL 15 cluster run by the `postgres`
# OS user, certcycle-identity for the logins, certcycle-scheduling to set up the audit,
# certcycle-findings) on free ports in 26000-26999. Through the API: a client organisation, an ISMS
# programme, its Stage 1 conducted and completed and its Stage 2 started, both led by the demo lead
# auditor (auditor1). Then, with the baselines measured in the same run on a separate `bench` database
# of the same cluster (pgbench -i -s 10):
#   (a) pgbench -N -M prepared -c CONNS -j 2 -T DUR   (the write baseline)
#   (b) POST /v1/findings direct to findings as the lead, CONNS connections (wrk with
#       tests/bench/findings.lua: minors and majors on the Stage 2, each a new finding)
#   (c) pgbench -S -M prepared -c CONNS -j 2 -T DUR   (the read baseline)
#   (d) GET /v1/findings?audit_id=<Stage 2> direct, CONNS connections: a page of 50 findings (checked)
#   (e) VmRSS / VmHWM of findings
# Prints every figure and the ratios against the issue's targets (POST >= 0.30 x pgbench -N,
# GET >= 0.25 x pgbench -S) with "meets"/"misses". A missed target is a result, not a failure: the exit
# status is non-zero only when something failed to run. A trap stops everything the script started (by
# pid) on any exit. At the end it runs tests/bench/evidence.sh, when present (the evidence benchmark).
#
# Usage: tests/bench/findings.sh          (as root; needs build/bin/* — builds them if missing)
# Environment (all optional):
#   BENCH_DURATION   seconds per wrk/pgbench run (default 10)
#   BENCH_CONNS      connections for the runs (default 64)
#   BENCH_KEEP=1     keep the temp directory (logs, responses) after the run
#   BENCH_NO_EVIDENCE=1  do not run tests/bench/evidence.sh afterwards
#   CC_BIN           directory of the binaries (default <repo>/build/bin)
set -euo pipefail
# shellcheck source=tests/bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=${CC_BIN:-$ROOT/build/bin}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
DUR=${BENCH_DURATION:-10}
CONNS=${BENCH_CONNS:-64}
LUA=$ROOT/tests/bench/findings.lua
TENANT=northcert
SM_EMAIL=scheme_manager@northcert.example
LEAD_EMAIL=auditor1@northcert.example
PASSWORD=demo-password-1
STANDARD="ISO/IEC 27001:2022"

[ "$(id -u)" -eq 0 ] || die "run as root (the cluster runs as the postgres OS user via runuser)"
for tool in wrk curl jq openssl ss awk runuser "$PGBIN/initdb" "$PGBIN/pg_ctl" /usr/bin/pgbench; do
    command -v "$tool" >/dev/null || die "missing tool: $tool"
done
[ -r "$LUA" ] || die "missing $LUA"
id postgres >/dev/null 2>&1 || die "no postgres OS user"
if [ ! -x "$BIN/certcycle" ] || [ ! -x "$BIN/certcycle-identity" ] || [ ! -x "$BIN/certcycle-scheduling" ] ||
    [ ! -x "$BIN/certcycle-findings" ]; then
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
FI_PID=""
BG_PIDS=()

# shellcheck disable=SC2317  # invoked by the trap
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    set +e
    stop_background
    stop_pid "$FI_PID" certcycle-findings
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

CHOSEN=" "
PG_PORT=$(pick_port)
ID_PORT=$(pick_port)
SC_PORT=$(pick_port)
FI_PORT=$(pick_port)

start_cluster
for step in migrate "keys rotate" seed-demo; do
    # shellcheck disable=SC2086  # "keys rotate" is two words on purpose
    "$BIN/certcycle" $step >>"$TMP/cli.log" 2>&1 || {
        cat "$TMP/cli.log" >&2
        die "certcycle $step failed"
    }
done

log "identity :$ID_PORT, scheduling :$SC_PORT, findings :$FI_PORT (CC_LOG_LEVEL=warn)"
ID_PID=$(start_service identity "$ID_PORT")
SC_PID=$(start_service scheduling "$SC_PORT")
FI_PID=$(start_service findings "$FI_PORT")

# login EMAIL -> an access token (valid 15 minutes: taken again before each run)
login() {
    curl -fsS --max-time 30 -H 'content-type: application/json' \
        -d "$(jq -cn --arg t "$TENANT" --arg e "$1" --arg p "$PASSWORD" '{tenant:$t,email:$e,password:$p}')" \
        "http://127.0.0.1:$ID_PORT/v1/auth/login" | jq -er .access_token || die "login as $1 failed"
}
SM_TOKEN=$(login "$SM_EMAIL")

SC=http://127.0.0.1:$SC_PORT
FI=http://127.0.0.1:$FI_PORT
# api BASE METHOD PATH [BODY] -> body on stdout; dies unless 2xx (as the scheme manager)
api() {
    local code args=(-sS -o "$TMP/api.json" -w '%{http_code}' --max-time 30 -X "$2" -H "Authorization: Bearer $SM_TOKEN")
    [ $# -lt 4 ] || args+=(-H 'content-type: application/json' -d "$4")
    code=$(curl "${args[@]}" "$1$3") || die "$2 $3: curl failed"
    [[ "$code" =~ ^2 ]] || die "$2 $3 answered $code: $(cat "$TMP/api.json")"
    cat "$TMP/api.json"
}

# The audit: a Stage 2 in progress, its Stage 1 completed, both led by auditor1 (ISMS lead).
day() { date -u -d "$1 days" +%F; }
CLIENT_ID=$(api "$SC" POST /v1/clients "$(jq -cn '{legal_name:"Bench Findings Ltd",
    address:{street:"1 Bench Street",city:"Leeds",country:"GB"},personnel:120}')" | jq -er .id)
PROG=$(api "$SC" POST /v1/programmes "$(jq -cn --arg c "$CLIENT_ID" --arg s "$STANDARD" \
    '{client_id:$c,standards:[$s],scope:"Benchmark scope: payroll software"}')")
STAGE1=$(jq -er '.audits[] | select(.type == "stage1") | .id' <<<"$PROG")
STAGE2=$(jq -er '.audits[] | select(.type == "stage2") | .id' <<<"$PROG")
LEAD=$(api "$SC" GET "/v1/auditors?limit=500" | jq -er --arg e "$LEAD_EMAIL" '.items[] | select(.email == $e) | .id')
conduct() { # conduct AUDIT START END [COMPLETION BODY]
    api "$SC" PATCH "/v1/audits/$1" "$(jq -cn --arg s "$2" --arg e "$3" '{start_date:$s,end_date:$e}')" >/dev/null
    api "$SC" POST "/v1/audits/$1/team" "$(jq -cn --arg a "$LEAD" '{auditor_id:$a,role:"lead"}')" >/dev/null
    api "$SC" POST "/v1/audits/$1/schedule" >/dev/null
    api "$SC" POST "/v1/audits/$1/start" >/dev/null
    [ $# -lt 4 ] || api "$SC" POST "/v1/audits/$1/complete" "$4" >/dev/null
}
conduct "$STAGE1" "$(day -60)" "$(day -59)" '{"ready_for_stage2":true,"areas_of_concern":[]}'
conduct "$STAGE2" "$(day -30)" "$(day -28)"
LEAD_TOKEN=$(login "$LEAD_EMAIL")
# one finding through the API first: the answer is checked, and its size reported
PROBE=$(curl -sS --max-time 30 -H "Authorization: Bearer $LEAD_TOKEN" -H 'content-type: application/json' \
    -d "$(jq -cn --arg a "$STAGE2" '{audit_id:$a,grade:"major",requirement_id:"ISO27001:2022/6.1.2",
        statement:"probe",evidence:"probe"}')" "$FI/v1/findings")
jq -e '.status == "open" and .decision_blocking_after != null' <<<"$PROBE" >/dev/null ||
    die "POST /v1/findings did not raise an open Stage 2 major: $PROBE"

# ---------------------------------------------------------------------------------------------
# Measurement helpers

WARNINGS=()
run_wrk() { # run_wrk NAME URL [wrk options...]: output in $TMP/wrk-NAME.txt
    local name=$1 url=$2 out=$TMP/wrk-$1.txt pid
    shift 2
    log "wrk $name: ${CONNS} connections, ${DUR} s, $url"
    CC_BENCH_TOKEN=$LEAD_TOKEN CC_BENCH_AUDIT=$STAGE2 wrk -t2 -c"$CONNS" -d"${DUR}s" --latency "$@" "$url" \
        >"$out" 2>&1 &
    pid=$!
    BG_PIDS+=("$pid")
    wait "$pid" || die "wrk $name failed: $(cat "$out")"
    forget "$pid"
    sed 's/^/    /' "$out" >&2
    local bad sock
    bad=$(wrk_bad "$name")
    sock=$(grep -o 'Socket errors:.*' "$out" || true)
    [ "$bad" = 0 ] || WARNINGS+=("$name: $bad non-2xx/3xx responses out of $(wrk_total "$name")")
    [ -z "$sock" ] || WARNINGS+=("$name: $sock")
}
PGB=(/usr/bin/pgbench -h 127.0.0.1 -p "$PG_PORT" -U postgres)
run_pgbench() { # run_pgbench NAME -S|-N: tps on stdout
    log "pgbench $2 -M prepared -c $CONNS -j 2 -T $DUR"
    "${PGB[@]}" "$2" -M prepared -c "$CONNS" -j 2 -T "$DUR" bench >"$TMP/pgbench-$1.txt" 2>&1 || {
        cat "$TMP/pgbench-$1.txt" >&2
        die "pgbench $2 failed"
    }
    sed 's/^/    /' "$TMP/pgbench-$1.txt" >&2
    local tps
    tps=$(awk '/^tps = / && /without initial connection time/ {print $3}' "$TMP/pgbench-$1.txt")
    [ -n "$tps" ] || tps=$(awk '/^tps = / {v = $3} END {print v}' "$TMP/pgbench-$1.txt")
    [ -n "$tps" ] || die "could not read tps from pgbench $2"
    echo "$tps"
}
vm() { awk -v f="$2:" '$1 == f {v = $2} END {print v + 0}' "/proc/$1/status" 2>/dev/null || echo 0; }
RSS_START=$(vm "$FI_PID" VmRSS)

log "pgbench -i -s 10 bench"
"${PGB[@]}" -i -s 10 -q bench >"$TMP/pgbench-init.log" 2>&1 || {
    cat "$TMP/pgbench-init.log" >&2
    die "pgbench -i failed"
}

# (a), (b): writes
N_TPS=$(run_pgbench write -N)
run_wrk raise "$FI/v1/findings" -s "$LUA"
RSS_RAISE=$(vm "$FI_PID" VmRSS)
NFINDINGS=$("${PSQL[@]}" -d certcycle -tAc "SELECT count(*) FROM findings")

# (c), (d): reads
S_TPS=$(run_pgbench read -S)
LEAD_TOKEN=$(login "$LEAD_EMAIL")
LIST_URL="$FI/v1/findings?audit_id=$STAGE2"
NITEMS=$(curl -fsS -H "Authorization: Bearer $LEAD_TOKEN" "$LIST_URL" | jq -er '.items | length')
[ "$NITEMS" = 50 ] || die "GET /v1/findings?audit_id= answered $NITEMS items, not 50"
LIST_BYTES=$(curl -sS -o /dev/null -w '%{size_download}' -H "Authorization: Bearer $LEAD_TOKEN" "$LIST_URL")
run_wrk list "$LIST_URL" -H "Authorization: Bearer $LEAD_TOKEN"
RSS_END=$(vm "$FI_PID" VmRSS)
HWM_END=$(vm "$FI_PID" VmHWM)
kill -0 "$FI_PID" 2>/dev/null || die "certcycle-findings died during the runs (see $TMP/findings.log)"

# ---------------------------------------------------------------------------------------------
# Report

RAISE_RPS=$(wrk_rps raise)
LIST_RPS=$(wrk_rps list)
R_RAISE=$(ratio "$RAISE_RPS" "$N_TPS")
R_LIST=$(ratio "$LIST_RPS" "$S_TPS")
WARN_LINES=$(grep -c . "$TMP/findings.log" || true)
{
    echo
    echo "== certcycle findings benchmark ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, loopback; wrk -t2 -c$CONNS -d${DUR}s)"
    echo "   wrk, the services and PostgreSQL share the same $(nproc) cores; load average at start: $LOADAVG,"
    echo "   at end: $(cut -d' ' -f1-3 /proc/loadavg). Services CC_LOG_LEVEL=warn, defaults otherwise; PostgreSQL"
    echo "   15 default settings (fsync on). Writes as the Stage 2's lead auditor (team check included)."
    echo
    echo "Figures"
    printf '  %-62s %s\n' "(a) pgbench -N -M prepared -c $CONNS -j 2 -T $DUR (s=10)" "$N_TPS tps"
    printf '  %-62s %s\n' "(b) POST /v1/findings direct, $CONNS conns" "$RAISE_RPS req/s, non-2xx $(wrk_bad raise)/$(wrk_total raise) ($NFINDINGS findings afterwards)"
    printf '  %-62s %s\n' "(c) pgbench -S -M prepared -c $CONNS -j 2 -T $DUR (s=10)" "$S_TPS tps"
    printf '  %-62s %s\n' "(d) GET /v1/findings?audit_id= (50 items, $LIST_BYTES B), $CONNS conns" "$LIST_RPS req/s, non-2xx $(wrk_bad list)/$(wrk_total list)"
    printf '  %-62s %s\n' "(e) findings VmRSS at start / after (b) / at end; VmHWM" "$(kib "$RSS_START") / $(kib "$RSS_RAISE") / $(kib "$RSS_END"); $(kib "$HWM_END") MiB"
    echo
    echo "Targets"
    printf '  %-62s %-10s %-10s %s\n' "" "value" "target" "verdict"
    printf '  %-62s %-10s %-10s %s\n' "POST /v1/findings req/s / pgbench -N tps" "$R_RAISE" ">= 0.30" "$(verdict "$R_RAISE" ">=" 0.30)"
    printf '  %-62s %-10s %-10s %s\n' "GET /v1/findings?audit_id= (50) req/s / pgbench -S tps" "$R_LIST" ">= 0.25" "$(verdict "$R_LIST" ">=" 0.25)"
    echo
    if [ "${#WARNINGS[@]}" -gt 0 ]; then
        echo "!! ERRORS UNDER LOAD"
        for w in "${WARNINGS[@]}"; do echo "!!   $w"; done
    fi
    if [ "$WARN_LINES" -gt 0 ]; then
        echo "findings logged $WARN_LINES warn/error lines; first ones:"
        head -5 "$TMP/findings.log" | cut -c1-300 | sed 's/^/    /'
    fi
}

# The evidence benchmark (upload/download throughput, RSS), when it exists: against this stack, behind
# the packaged h2o gateway rendered from deploy/h2o.conf with this run's ports (deploy/lib.sh's renderer).
EVIDENCE=$ROOT/tests/bench/evidence.sh
if [ "${BENCH_NO_EVIDENCE:-0}" != 1 ] && [ -r "$EVIDENCE" ]; then
    GW_PORT=$(pick_port)
    mkdir -p "$TMP/log" "$TMP/run"
    # shellcheck source=deploy/lib.sh
    . "$ROOT/deploy/lib.sh"
    port_of() { case $1 in identity) echo "$ID_PORT" ;; scheduling) echo "$SC_PORT" ;; findings) echo "$FI_PORT" ;; *) echo "$2" ;; esac }
    cc_gateway_render "$TMP" "$GW_PORT" port_of
    (exec "$(command -v h2o)" -c "$TMP/h2o.conf") >>"$TMP/gateway.log" 2>&1 &
    GW_PID=$!
    BG_PIDS+=("$GW_PID")
    wait_http "http://127.0.0.1:$GW_PORT/.well-known/jwks.json" h2o-gateway "$GW_PID"
    log "running $EVIDENCE through the gateway on 127.0.0.1:$GW_PORT"
    BENCH_GATEWAY_URL=http://127.0.0.1:$GW_PORT BENCH_FINDINGS_PID=$FI_PID bash "$EVIDENCE" ||
        die "tests/bench/evidence.sh failed (status $?)"
fi
exit 0
