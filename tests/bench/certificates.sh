#!/usr/bin/env bash
# tests/bench/certificates.sh: the issue-9 benchmark of the certificates service, in one run.
#
# Brings up a throwaway stack in a mktemp directory (its own PostgreSQL 15 cluster run by the `postgres`
# OS user; certcycle-identity, -scheduling, -findings and -certificates; the packaged h2o as the gateway,
# rendered from deploy/h2o.conf) on free ports in 26000-26999. The benchmark's own address (127.0.0.1)
# is exempt from the public rate limit (CC_PUBLIC_RATE_EXEMPT) except in (e). Through the API: a client,
# an ISMS programme, Stage 1 and Stage 2 conducted and completed by the demo lead auditor, and an
# initial grant by the demo decision maker: one active certificate. Then, measured in the same run:
#   (a) the baseline: the packaged h2o serving the same public answer as a static file (file.dir), run
#       before (b) and after (c); the ratios use the mean of the two
#   (b) GET /public/v1/cbs/{slug}/certificates/{number} direct to the service     (target >= 0.60 x a)
#   (c) the same through the gateway                                             (target >= 0.30 x a)
#       p99 of (b) and (c) at CONNS connections                                  (target < 5 ms)
#   (d) with BENCH_CERTIFICATES (100,000) certificates loaded by SQL and the service restarted: the
#       index's load time, the service's RSS, and (b), (c) over random numbers of them
#   (e) the limiter's own cost: (b) again with the address NOT exempt and a limit too high to bite
#   (f) POST /v1/decisions (initial grant issuing a certificate) per second, over programmes whose
#       Stage 1 and Stage 2 are completed (copied by SQL from one made through the API)
#   (g) staleness: suspend (POST .../suspend) until the public lookup says `suspended`, and restore
#       until it says `active` again: median and max of BENCH_TRIALS (50) trials each, from the moment
#       the write's answer arrived (and from the moment it was sent)
# A missed target is a result, not a failure: the exit status is non-zero only when something failed to
# run. A trap stops everything the script started (by pid) on any exit.
#
# Usage: tests/bench/certificates.sh      (as root; needs build/bin/* — builds them if missing)
# Environment (all optional):
#   BENCH_DURATION      seconds per wrk run (default 10)
#   BENCH_CONNS         connections (default 64)
#   BENCH_CERTIFICATES  certificates loaded for (d) (default 100000)
#   BENCH_PROGRAMMES    programmes ready for a decision in (f) (default 3000)
#   BENCH_TRIALS        staleness trials (default 50)
#   BENCH_KEEP=1        keep the temp directory (logs, responses) after the run
#   CC_BIN              directory of the binaries (default <repo>/build/bin)
set -euo pipefail
# shellcheck source=tests/bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=${CC_BIN:-$ROOT/build/bin}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
DUR=${BENCH_DURATION:-10}
CONNS=${BENCH_CONNS:-64}
NCERTS=${BENCH_CERTIFICATES:-100000}
NPROG=${BENCH_PROGRAMMES:-3000}
TRIALS=${BENCH_TRIALS:-50}
TENANT=northcert
PASSWORD=demo-password-1
STANDARD="ISO/IEC 27001:2022"
EXEMPT="127.0.0.1/32,::1/128"

[ "$(id -u)" -eq 0 ] || die "run as root (the cluster runs as the postgres OS user via runuser)"
for tool in wrk curl jq openssl ss awk runuser h2o /usr/bin/python3 "$PGBIN/initdb" "$PGBIN/pg_ctl"; do
    command -v "$tool" >/dev/null || die "missing tool: $tool"
done
id postgres >/dev/null 2>&1 || die "no postgres OS user"
for b in certcycle certcycle-identity certcycle-scheduling certcycle-findings certcycle-certificates; do
    [ -x "$BIN/$b" ] && continue
    log "binaries missing in $BIN; building"
    cmake -S "$ROOT" -B "$ROOT/build" >/dev/null
    cmake --build "$ROOT/build" -j2 >/dev/null
    break
done

# ---------------------------------------------------------------------------------------------
# Cleanup: everything started is recorded by pid and stopped on any exit.

LOADAVG=$(cut -d" " -f1-3 /proc/loadavg)
TMP=$(mktemp -d /tmp/cc-bench.XXXXXX)
chmod 711 "$TMP"
PG_PID=""
SERVICE_PIDS=()
CE_PID=""
BG_PIDS=()

# shellcheck disable=SC2317  # invoked by the trap
cleanup() {
    local rc=$? p
    trap - EXIT INT TERM
    set +e
    stop_background
    stop_pid "$CE_PID" certcycle-certificates
    for p in "${SERVICE_PIDS[@]}"; do stop_pid "$p" service; done
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
CE_PORT=$(pick_port)
GW_PORT=$(pick_port)
ST_PORT=$(pick_port)

start_cluster
"$BIN/certcycle" migrate >>"$TMP/cli.log" 2>&1 || die "certcycle migrate failed: $(cat "$TMP/cli.log")"
"$BIN/certcycle" keys rotate >>"$TMP/cli.log" 2>&1 || die "certcycle keys rotate failed: $(cat "$TMP/cli.log")"
"$BIN/certcycle" keys rotate --purpose attestation >>"$TMP/cli.log" 2>&1 ||
    log "no attestation key (certcycle keys rotate --purpose attestation failed); attestations are not measured"
"$BIN/certcycle" seed-demo >>"$TMP/cli.log" 2>&1 || die "certcycle seed-demo failed: $(cat "$TMP/cli.log")"

log "identity :$ID_PORT, scheduling :$SC_PORT, findings :$FI_PORT, certificates :$CE_PORT, gateway :$GW_PORT"
SERVICE_PIDS+=("$(start_service identity "$ID_PORT")")
SERVICE_PIDS+=("$(start_service scheduling "$SC_PORT")")
SERVICE_PIDS+=("$(start_service findings "$FI_PORT")")
# (re)starts certificates with the extra environment given (the index loads at start)
start_certificates() {
    stop_pid "$CE_PID" certcycle-certificates
    CE_PID=$(start_service certificates "$CE_PORT" "$@")
}
start_certificates CC_PUBLIC_RATE_EXEMPT="$EXEMPT"

mkdir -p "$TMP/log" "$TMP/run"
# shellcheck source=deploy/lib.sh
. "$ROOT/deploy/lib.sh"
# shellcheck disable=SC2317  # called by cc_gateway_render
port_of() {
    case $1 in
    identity) echo "$ID_PORT" ;; scheduling) echo "$SC_PORT" ;; findings) echo "$FI_PORT" ;;
    certificates) echo "$CE_PORT" ;; *) echo "$2" ;;
    esac
}
cc_gateway_render "$TMP" "$GW_PORT" port_of
(exec "$(command -v h2o)" -c "$TMP/h2o.conf") >>"$TMP/gateway.log" 2>&1 &
BG_PIDS+=("$!")
wait_http "http://127.0.0.1:$GW_PORT/.well-known/jwks.json" h2o-gateway "$!"

# ---------------------------------------------------------------------------------------------
# One certificate through the API

login() { # login EMAIL -> an access token
    curl -fsS --max-time 30 -H 'content-type: application/json' \
        -d "$(jq -cn --arg t "$TENANT" --arg e "$1" --arg p "$PASSWORD" '{tenant:$t,email:$e,password:$p}')" \
        "http://127.0.0.1:$ID_PORT/v1/auth/login" | jq -er .access_token || die "login as $1 failed"
}
SM_TOKEN=$(login scheme_manager@northcert.example)
DM_TOKEN=$(login decision_maker@northcert.example)
GW=http://127.0.0.1:$GW_PORT
CE=http://127.0.0.1:$CE_PORT
# api TOKEN METHOD PATH [BODY [HEADER]] -> body on stdout (through the gateway); dies unless 2xx
api() {
    local code args=(-sS -o "$TMP/api.json" -w '%{http_code}' --max-time 30 -X "$2" -H "Authorization: Bearer $1")
    [ $# -lt 4 ] || args+=(-H 'content-type: application/json' -d "$4")
    [ $# -lt 5 ] || args+=(-H "$5")
    code=$(curl "${args[@]}" "$GW$3") || die "$2 $3: curl failed"
    [[ "$code" =~ ^2 ]] || die "$2 $3 answered $code: $(cat "$TMP/api.json")"
    cat "$TMP/api.json"
}
day() { date -u -d "$1 days" +%F; }
LEAD=$(api "$SM_TOKEN" GET "/v1/auditors?limit=500" |
    jq -er '.items[] | select(.email == "auditor1@northcert.example") | .id')
CLIENT_ID=$(api "$SM_TOKEN" POST /v1/clients "$(jq -cn '{legal_name:"Bench Certificates Ltd",
    address:{street:"1 Bench Street",city:"Leeds",country:"GB"},personnel:120}')" | jq -er .id)
conduct() { # conduct AUDIT START END OUTCOME
    api "$SM_TOKEN" PATCH "/v1/audits/$1" "$(jq -cn --arg s "$2" --arg e "$3" '{start_date:$s,end_date:$e}')" >/dev/null
    api "$SM_TOKEN" POST "/v1/audits/$1/team" "$(jq -cn --arg a "$LEAD" '{auditor_id:$a,role:"lead"}')" >/dev/null
    api "$SM_TOKEN" POST "/v1/audits/$1/schedule" >/dev/null
    api "$SM_TOKEN" POST "/v1/audits/$1/start" >/dev/null
    api "$SM_TOKEN" POST "/v1/audits/$1/complete" "$4" >/dev/null
}
ready_programme() { # ready_programme DAYS_AGO -> "programme stage1 stage2", both stages completed by then
    local prog s1 s2 ago=$1
    prog=$(api "$SM_TOKEN" POST /v1/programmes "$(jq -cn --arg c "$CLIENT_ID" --arg s "$STANDARD" \
        '{client_id:$c,standards:[$s],scope:"Benchmark scope: payroll software"}')")
    s1=$(jq -er '.audits[] | select(.type == "stage1") | .id' <<<"$prog")
    s2=$(jq -er '.audits[] | select(.type == "stage2") | .id' <<<"$prog")
    conduct "$s1" "$(day $((-ago - 30)))" "$(day $((-ago - 29)))" '{"ready_for_stage2":true,"areas_of_concern":[]}'
    conduct "$s2" "$(day "-$ago")" "$(day $((-ago + 2)))" '{"summary":"Conducted by the benchmark"}'
    echo "$(jq -er .id <<<"$prog") $s1 $s2"
}
decision_body() { # decision_body PROGRAMME STAGE1 STAGE2
    jq -cn --arg p "$1" --arg a "$2" --arg b "$3" --arg d "$(day 0)" '{programme_id:$p,type:"initial",
        outcome:"grant",audit_ids:[$a,$b],decided_on:$d,effective_date:$d,soa_version:"SoA v1",notes:"bench"}'
}
read -r PROG S1 S2 <<<"$(ready_programme 30)"
[ -n "${S2:-}" ] || die "could not make a programme ready for a decision"
GRANT=$(api "$DM_TOKEN" POST /v1/decisions "$(decision_body "$PROG" "$S1" "$S2")")
CERT_ID=$(jq -er .certificate.id <<<"$GRANT")
NUMBER=$(jq -er .certificate.number <<<"$GRANT")
PUB=/public/v1/cbs/$TENANT/certificates/$NUMBER
curl -fsS "$CE$PUB" >"$TMP/public.json" || die "the public lookup of $NUMBER failed"
jq -e '.status == "active" and .valid == true' "$TMP/public.json" >/dev/null ||
    die "the public lookup did not show an active, valid certificate: $(cat "$TMP/public.json")"
PUB_BYTES=$(stat -c %s "$TMP/public.json")
log "certificate $NUMBER issued; its public answer is $PUB_BYTES bytes"

# ---------------------------------------------------------------------------------------------
# Measurement helpers

WARNINGS=()
run_wrk() { # run_wrk NAME URL [wrk options...]: output in $TMP/wrk-NAME.txt
    local name=$1 url=$2 out=$TMP/wrk-$1.txt pid
    shift 2
    log "wrk $name: ${CONNS} connections, ${DUR} s, $url"
    wrk -t2 -c"$CONNS" -d"${DUR}s" --latency "$@" "$url" >"$out" 2>&1 &
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
# p99 in ms from wrk --latency
wrk_p99() {
    awk '$1 == "99%" {v = $2; if (v ~ /us$/) {sub(/us$/, "", v); v /= 1000} else if (v ~ /ms$/) {sub(/ms$/, "", v)}
         else if (v ~ /s$/) {sub(/s$/, "", v); v *= 1000}; printf "%.2f", v}' "$TMP/wrk-$1.txt"
}
vm() { awk -v f="$2:" '$1 == f {v = $2} END {print v + 0}' "/proc/$1/status" 2>/dev/null || echo 0; }

# (a) the baseline: the packaged h2o serving the same bytes as a static file
mkdir -p "$TMP/static/h2o" "$TMP/static/www"
cp "$TMP/public.json" "$TMP/static/www/cert.json"
chmod -R a+rX "$TMP/static/www"
chown nobody: "$TMP/static/h2o"
cat >"$TMP/static/h2o.conf" <<EOF
user: nobody
error-log: $TMP/static/h2o/error.log
listen:
  host: 127.0.0.1
  port: $ST_PORT
hosts:
  default:
    paths:
      /:
        file.dir: $TMP/static/www
EOF
(exec "$(command -v h2o)" -c "$TMP/static/h2o.conf") >>"$TMP/static.log" 2>&1 &
ST_PID=$!
BG_PIDS+=("$ST_PID")
wait_http "http://127.0.0.1:$ST_PORT/cert.json" h2o-static "$ST_PID"
run_wrk static "http://127.0.0.1:$ST_PORT/cert.json"

# (b), (c): one certificate
run_wrk direct "$CE$PUB"
run_wrk gateway "$GW$PUB"
# the baseline again: this machine is shared, so the ratios use the mean of the runs before and after
run_wrk static2 "http://127.0.0.1:$ST_PORT/cert.json"

# (e) the limiter's own cost: not exempt, a limit that never bites
start_certificates CC_PUBLIC_RATE=1000000000 CC_PUBLIC_BURST=1000000000
run_wrk limited "$CE$PUB"
start_certificates CC_PUBLIC_RATE_EXEMPT="$EXEMPT"
run_wrk direct2 "$CE$PUB"

# ---------------------------------------------------------------------------------------------
# (d) BENCH_CERTIFICATES certificates, loaded by SQL as the owner, then the service restarted

log "loading $NCERTS certificates"
TENANT_ID=$("${PSQL[@]}" -d certcycle -tAc "SELECT cc_tenant_id('$TENANT')")
"${PSQL[@]}" -d certcycle -v t="$TENANT_ID" -v c="$CLIENT_ID" -v p="$PROG" -v n="$NCERTS" >/dev/null <<'SQL'
BEGIN;
SELECT set_config('app.tenant_id', :'t', true);
INSERT INTO certifications (id, client_id, standard, sequence, base_number, original_issue_date)
SELECT md5('bench' || i)::uuid, :'c', 'ISO27001:2022', 1000000 + i, 'BENCH-27001-' || lpad(i::text, 6, '0'),
       current_date - 30
  FROM generate_series(1, :n) i;
INSERT INTO certificates (certification_id, revision, number, client_id, programme_id, standard, scope, sites,
                         soa_version, original_issue_date, issue_date, effective_date, expiry_date, status)
SELECT md5('bench' || i)::uuid, 0, 'BENCH-27001-' || lpad(i::text, 6, '0'), :'c', :'p', 'ISO27001:2022',
       'Benchmark scope: payroll software and its hosting, number ' || i,
       '[{"site_id":"00000000-0000-4000-8000-000000000000","name":"HQ","street":"1 Bench Street","city":"Leeds","state":null,"post_code":null,"country":"GB","central":true,"scope":"All activities"}]',
       'SoA v1', current_date - 30, current_date - 30, current_date - 30, current_date + 1000, 'active'
  FROM generate_series(1, :n) i;
COMMIT;
SQL
LOAD_START=$(date +%s.%N)
start_certificates CC_PUBLIC_RATE_EXEMPT="$EXEMPT"
LAST=$CE/public/v1/cbs/$TENANT/certificates/BENCH-27001-$(printf '%06d' "$NCERTS")
for ((i = 0; i < 600; i++)); do
    curl -fsS -o /dev/null "$LAST" 2>/dev/null && break
    sleep 0.1
done
LOAD_S=$(awk -v a="$LOAD_START" -v b="$(date +%s.%N)" 'BEGIN {printf "%.2f", b - a}')
curl -fsS -o /dev/null "$LAST" || die "the index did not serve certificate $NCERTS within 60 s"
RSS_LOADED=$(vm "$CE_PID" VmRSS)
cat >"$TMP/random.lua" <<EOF
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
request = function()
  return wrk.format("GET", string.format("/public/v1/cbs/$TENANT/certificates/BENCH-27001-%06d", math.random(1, $NCERTS)))
end
EOF
run_wrk direct-100k "$CE/" -s "$TMP/random.lua"
run_wrk gateway-100k "$GW/" -s "$TMP/random.lua"
RSS_AFTER=$(vm "$CE_PID" VmRSS)

# ---------------------------------------------------------------------------------------------
# (f) POST /v1/decisions: NPROG programmes ready for a grant, copied by SQL from one made through the API

read -r TPROG _ T2 <<<"$(ready_programme 90)"
[ -n "${T2:-}" ] || die "could not make the template programme"
log "copying programme $TPROG $NPROG times"
AUDIT_COLS=$("${PSQL[@]}" -d certcycle -tAc "SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position)
    FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'audits'
     AND column_name NOT IN ('id', 'programme_id')")
PROG_COLS=$("${PSQL[@]}" -d certcycle -tAc "SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position)
    FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'programmes'
     AND column_name NOT IN ('id')")
"${PSQL[@]}" -d certcycle -v t="$TENANT_ID" -v p="$TPROG" -v n="$NPROG" >/dev/null <<SQL
BEGIN;
SELECT set_config('app.tenant_id', :'t', true);
CREATE TEMPORARY TABLE bench_programmes AS SELECT gen_random_uuid() AS id, i FROM generate_series(1, :n) i;
INSERT INTO programmes (id, $PROG_COLS) SELECT b.id, $PROG_COLS FROM programmes, bench_programmes b WHERE programmes.id = :'p';
INSERT INTO audits (programme_id, $AUDIT_COLS) SELECT b.id, $AUDIT_COLS FROM audits, bench_programmes b WHERE audits.programme_id = :'p';
COMMIT;
SQL
"${PSQL[@]}" -d certcycle -tA -F ' ' -v t="$TENANT_ID" -v p="$TPROG" >"$TMP/programmes.txt" <<'SQL'
SELECT set_config('app.tenant_id', :'t', false) \g /dev/null
SELECT p.id, s1.id, s2.id FROM programmes p
  JOIN audits s1 ON s1.tenant_id = p.tenant_id AND s1.programme_id = p.id AND s1.type = 'stage1'
  JOIN audits s2 ON s2.tenant_id = p.tenant_id AND s2.programme_id = p.id AND s2.type = 'stage2'
 WHERE p.client_id = (SELECT client_id FROM programmes WHERE id = :'p') AND p.decision_date IS NULL
   AND NOT EXISTS (SELECT 1 FROM certification_decisions d WHERE d.tenant_id = p.tenant_id AND d.programme_id = p.id)
 ORDER BY p.id;
SQL
NREADY=$(grep -c . "$TMP/programmes.txt")
[ "$NREADY" -ge "$NPROG" ] || die "only $NREADY programmes are ready for a decision"
cat >"$TMP/decisions.lua" <<EOF
local threads, counter = {}, 1
function setup(thread) thread:set("id", counter); counter = counter + 1 end
function init(args)
  rows, nextrow = {}, id
  for line in io.lines("$TMP/programmes.txt") do
    local p, a, b = line:match("(%S+) (%S+) (%S+)")
    if p then rows[#rows + 1] = string.format('{"programme_id":"%s","type":"initial","outcome":"grant","audit_ids":["%s","%s"],"decided_on":"$(day 0)","effective_date":"$(day 0)","soa_version":"SoA v1","notes":"bench-load"}', p, a, b) end
  end
end
request = function()
  local body = rows[nextrow] or rows[1]
  nextrow = nextrow + 2
  return wrk.format("POST", "/v1/decisions", {["Authorization"] = "Bearer $DM_TOKEN", ["Content-Type"] = "application/json"}, body)
end
EOF
DEC_START=$("${PSQL[@]}" -d certcycle -tAc "SELECT count(*) FROM certification_decisions")
run_wrk decisions "$CE/" -s "$TMP/decisions.lua"
DEC_END=$("${PSQL[@]}" -d certcycle -tAc "SELECT count(*) FROM certification_decisions")
CERTS_ISSUED=$("${PSQL[@]}" -d certcycle -tAc "SELECT count(*) FROM certificates c JOIN certification_decisions d
    ON d.tenant_id = c.tenant_id AND d.id = c.decision_id WHERE d.notes = 'bench-load'")
DEC_RPS=$(awk -v n="$((DEC_END - DEC_START))" -v d="$DUR" 'BEGIN {printf "%.1f", n / d}')

# ---------------------------------------------------------------------------------------------
# (g) staleness: suspend / restore until the public lookup shows it

log "staleness: $TRIALS suspend/restore trials"
/usr/bin/python3 - "$GW" "$CE" "$CERT_ID" "$PUB" "$DM_TOKEN" "$TRIALS" >"$TMP/staleness.txt" <<'PY'
import http.client, json, statistics, sys, time, urllib.parse
gw, ce, cert, pub, token, trials = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6])
def conn(base):
    u = urllib.parse.urlparse(base)
    return http.client.HTTPConnection(u.hostname, u.port, timeout=10)
api, public = conn(gw), conn(ce)
def call(method, path, body=None, headers=None):
    h = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
    h.update(headers or {})
    api.request(method, path, json.dumps(body) if body is not None else None, h)
    r = api.getresponse()
    data = r.read()
    if r.status >= 300:
        sys.exit(f"{method} {path}: {r.status} {data[:300]!r}")
    return r, json.loads(data)
def wait_for(status):
    while True:
        public.request("GET", pub)
        r = public.getresponse()
        body = json.loads(r.read())
        if body.get("status") == status:
            return time.monotonic()
        time.sleep(0.0005)
def trial(action, body, status):
    r, cur = call("GET", f"/v1/certificates/{cert}")
    sent = time.monotonic()
    r, _ = call("POST", f"/v1/certificates/{cert}/{action}", body, {"If-Match": r.getheader("ETag")})
    answered = time.monotonic()
    seen = wait_for(status)
    return (seen - answered) * 1000, (seen - sent) * 1000
res = {"suspend": [], "restore": []}
for i in range(trials):
    res["suspend"].append(trial("suspend", {"reason": "bench", "trigger": "other"}, "suspended"))
    res["restore"].append(trial("restore", {"reason": "bench"}, "active"))
for k, v in res.items():
    a = [x[0] for x in v]; s = [x[1] for x in v]
    print(f"{k} {statistics.median(a):.1f} {max(a):.1f} {statistics.median(s):.1f} {max(s):.1f}")
PY
kill -0 "$CE_PID" 2>/dev/null || die "certcycle-certificates died during the runs (see $TMP/certificates.log)"

# ---------------------------------------------------------------------------------------------
# Report

S_RPS=$(awk -v a="$(wrk_rps static)" -v b="$(wrk_rps static2)" 'BEGIN {printf "%.2f", (a + b) / 2}')
D_RPS=$(wrk_rps direct)
G_RPS=$(wrk_rps gateway)
L_RPS=$(wrk_rps limited)
D2_RPS=$(wrk_rps direct2)
D100=$(wrk_rps direct-100k)
G100=$(wrk_rps gateway-100k)
R_D=$(ratio "$D_RPS" "$S_RPS")
R_G=$(ratio "$G_RPS" "$S_RPS")
R_D100=$(ratio "$D100" "$S_RPS")
R_G100=$(ratio "$G100" "$S_RPS")
R_L=$(ratio "$L_RPS" "$D2_RPS")
read -r _ SUS_MED SUS_MAX SUS_MED_SENT SUS_MAX_SENT <<<"$(grep '^suspend' "$TMP/staleness.txt")"
read -r _ RES_MED RES_MAX _ _ <<<"$(grep '^restore' "$TMP/staleness.txt")"
WARN_LINES=$(grep -c . "$TMP/certificates.log" || true)
row() { printf '  %-64s %s\n' "$1" "$2"; }
target() { printf '  %-64s %-10s %-10s %s\n' "$1" "$2" "$3 $4" "$(verdict "$2" "$3" "$4")"; }
{
    echo
    echo "== certcycle certificates benchmark ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, loopback; wrk -t2 -c$CONNS -d${DUR}s)"
    echo "   wrk, h2o, the services and PostgreSQL share the same $(nproc) cores; load average at start: $LOADAVG,"
    echo "   at end: $(cut -d' ' -f1-3 /proc/loadavg). Services CC_LOG_LEVEL=warn, 127.0.0.1 exempt from the public"
    echo "   rate limit except in (e); PostgreSQL 15 default settings (fsync on)."
    echo
    echo "Figures"
    row "(a) packaged h2o, the public answer as a static file ($PUB_BYTES B)" "$S_RPS req/s (mean of $(wrk_rps static) before (b) and $(wrk_rps static2) after (c)), p99 $(wrk_p99 static) ms"
    row "(b) public lookup direct to certificates, 1 certificate" "$D_RPS req/s, p99 $(wrk_p99 direct) ms, non-2xx $(wrk_bad direct)"
    row "(c) public lookup through the gateway, 1 certificate" "$G_RPS req/s, p99 $(wrk_p99 gateway) ms, non-2xx $(wrk_bad gateway)"
    row "(d) $NCERTS certificates: index loaded (restart to first answer)" "$LOAD_S s; certificates VmRSS $(kib "$RSS_LOADED") MiB (after the runs $(kib "$RSS_AFTER") MiB)"
    row "    public lookup direct, random numbers" "$D100 req/s, p99 $(wrk_p99 direct-100k) ms, non-2xx $(wrk_bad direct-100k)"
    row "    public lookup through the gateway, random numbers" "$G100 req/s, p99 $(wrk_p99 gateway-100k) ms, non-2xx $(wrk_bad gateway-100k)"
    row "(e) direct, limiter active (not exempt) / exempt, same run" "$L_RPS / $D2_RPS req/s (ratio $R_L)"
    row "(f) POST /v1/decisions (initial grant + certificate), $CONNS conns" "$DEC_RPS decisions/s ($CERTS_ISSUED certificates issued; wrk non-2xx $(wrk_bad decisions))"
    row "(g) staleness suspend -> public 'suspended' (from answer)" "median $SUS_MED ms, max $SUS_MAX ms ($TRIALS trials)"
    row "    (from the request sent)" "median $SUS_MED_SENT ms, max $SUS_MAX_SENT ms"
    row "    staleness restore -> public 'active' (from answer)" "median $RES_MED ms, max $RES_MAX ms"
    echo
    echo "Targets"
    printf '  %-64s %-10s %-10s %s\n' "" "value" "target" "verdict"
    target "public direct / static h2o (1 certificate)" "$R_D" ">=" 0.60
    target "public via gateway / static h2o (1 certificate)" "$R_G" ">=" 0.30
    target "p99 ms direct (1 certificate)" "$(wrk_p99 direct)" "<" 5
    target "p99 ms via gateway (1 certificate)" "$(wrk_p99 gateway)" "<" 5
    target "public direct / static h2o ($NCERTS certificates)" "$R_D100" ">=" 0.60
    target "public via gateway / static h2o ($NCERTS certificates)" "$R_G100" ">=" 0.30
    target "p99 ms direct ($NCERTS certificates)" "$(wrk_p99 direct-100k)" "<" 5
    target "p99 ms via gateway ($NCERTS certificates)" "$(wrk_p99 gateway-100k)" "<" 5
    target "staleness max ms (suspend, from answer)" "$SUS_MAX" "<" 1000
    echo
    if [ "${#WARNINGS[@]}" -gt 0 ]; then
        echo "!! ERRORS UNDER LOAD (the decisions run expects none: every programme is decided once)"
        for w in "${WARNINGS[@]}"; do echo "!!   $w"; done
    fi
    if [ "$WARN_LINES" -gt 0 ]; then
        echo "certificates logged $WARN_LINES warn/error lines; first ones:"
        head -5 "$TMP/certificates.log" | cut -c1-300 | sed 's/^/    /'
    fi
}
exit 0
