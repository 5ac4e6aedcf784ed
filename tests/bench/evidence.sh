#!/usr/bin/env bash
# tests/bench/evidence.sh: the evidence-file figures of issue 8 against a running stack (deploy/up's,
# or the one tests/bench/findings.sh brought up, which calls this script with its variables):
#   (a) baseline, the same run: the packaged h2o on a free port receiving a 20 MiB body (its static
#       handler reads it whole, then refuses the POST) and serving the same file statically
#   (b) one 20 MiB upload through the gateway (POST /v1/findings/{id}/evidence): MB/s, best of
#       BENCH_REPEAT, and its ratio to (a)
#   (c) its download (GET /v1/evidence/{id}, streamed from PostgreSQL): MB/s and the ratio to (a)
#   (d) certcycle-findings' peak RSS during one upload and during BENCH_UPLOADS (8) concurrent
#       uploads: VmHWM after resetting it (echo 5 > /proc/<pid>/clear_refs) and, as a cross-check,
#       the highest VmRSS sampled every 10 ms; against the issue's targets (one upload holds at most
#       two copies of the file above the idle RSS; 8 uploads stay under 256 MiB)
# Prints every figure with "meets"/"misses". No figure fails the script: the exit status is non-zero
# only when something failed to run (an upload not answered 201, a download that differs).
# A trap stops what the script started (by pid) on any exit.
#
# Usage: tests/bench/evidence.sh      (as root: clear_refs and the findings process need it)
# Environment (all optional):
#   BENCH_GATEWAY_URL   the gateway (default http://127.0.0.1:${CC_GATEWAY_PORT:-8080})
#   BENCH_FINDINGS_PID  certcycle-findings' pid (default: the first field of <repo>/.state/run/findings.pid)
#   BENCH_FINDING_ID    a finding of northcert's client1 organisation to upload to; without one the
#                       script makes a programme, conducts its Stage 1 (auditor1 as lead) and raises an
#                       area of concern on it, all through the API (POST /v1/findings)
#   BENCH_MIB           the file's size in MiB (default 20); BENCH_UPLOADS (8); BENCH_REPEAT (3)
#   BENCH_KEEP=1        keep the temp directory
set -euo pipefail
# shellcheck source=tests/bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
H2O=${H2O:-/usr/sbin/h2o}
[ -x "$H2O" ] || H2O=$(command -v h2o)
GW=${BENCH_GATEWAY_URL:-http://127.0.0.1:${CC_GATEWAY_PORT:-8080}}
MIB=${BENCH_MIB:-20}
UPLOADS=${BENCH_UPLOADS:-8}
REPEAT=${BENCH_REPEAT:-3}
FPID=${BENCH_FINDINGS_PID:-}
if [ -z "$FPID" ] && [ -r "$ROOT/.state/run/findings.pid" ]; then
    FPID=$(cut -d' ' -f1 "$ROOT/.state/run/findings.pid")
fi

[ "$(id -u)" -eq 0 ] || die "run as root (clear_refs of the findings process)"
for tool in curl jq psql ss "$H2O"; do
    command -v "$tool" >/dev/null || die "missing tool: $tool"
done
if [ -z "$FPID" ] || [ ! -r "/proc/$FPID/status" ]; then
    die "no certcycle-findings process (set BENCH_FINDINGS_PID)"
fi

TMP=$(mktemp -d /tmp/cc-bench-evidence.XXXXXX)
chmod 711 "$TMP"
H2O_PID=""
BG_PIDS=()

# shellcheck disable=SC2317  # invoked by the trap
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    set +e
    stop_background
    stop_pid "$H2O_PID" h2o
    wait 2>/dev/null
    if [ "${BENCH_KEEP:-0}" = 1 ]; then log "kept $TMP"; else rm -rf "$TMP"; fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

BYTES=$((MIB * 1024 * 1024))
mb_s() { awk -v b="$BYTES" -v t="$1" 'BEGIN {printf "%.1f", (t > 0) ? b / t / 1e6 : 0}'; }
mib_of_kib() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }
status_kib() { awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status"; }

# ---------------------------------------------------------------------------------------------
# The file: a PDF header and random bytes (incompressible, like most evidence).
mkdir -p "$TMP/static" "$TMP/h2o"
chmod 755 "$TMP/static"
chown nobody "$TMP/h2o" 2>/dev/null || true
{
    printf '%%PDF-1.7\n'
    head -c $((BYTES - 9)) /dev/urandom
} >"$TMP/static/evidence.pdf"
chmod 644 "$TMP/static/evidence.pdf"
FILE=$TMP/static/evidence.pdf
SHA=$(sha256sum "$FILE" | cut -d' ' -f1)

# ---------------------------------------------------------------------------------------------
# (a) the baseline: h2o alone, on a free port.
CHOSEN=" "
BASE_PORT=$(pick_port)
cat >"$TMP/h2o.conf" <<EOF
user: nobody
pid-file: $TMP/h2o/h2o.pid
error-log: $TMP/h2o/error.log
listen:
  host: 127.0.0.1
  port: $BASE_PORT
limit-request-body: 25165824
hosts:
  default:
    paths:
      /static:
        file.dir: $TMP/static
EOF
(cd "$TMP" && exec "$H2O" -c "$TMP/h2o.conf") >"$TMP/h2o.out" 2>&1 &
H2O_PID=$!
wait_http "http://127.0.0.1:$BASE_PORT/static/evidence.pdf" h2o "$H2O_PID"

best_time() { sort -g | head -1; } # the fastest of several curl time_total lines
BASE_UP_T=$(for _ in $(seq "$REPEAT"); do
    curl -sS -o /dev/null -w '%{time_total}\n' -H 'content-type: application/pdf' \
        --data-binary @"$FILE" "http://127.0.0.1:$BASE_PORT/static/upload"
done | best_time)
BASE_DOWN_T=$(for _ in $(seq "$REPEAT"); do
    curl -sS -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$BASE_PORT/static/evidence.pdf"
done | best_time)

# ---------------------------------------------------------------------------------------------
# Callers and the finding.
token() {
    curl -fsS "$GW/v1/auth/login" -H 'content-type: application/json' \
        -d "{\"tenant\":\"northcert\",\"email\":\"$1@northcert.example\",\"password\":\"demo-password-1\"}" |
        jq -r .access_token
}
CLIENT=$(token client1)
if [ -z "$CLIENT" ] || [ "$CLIENT" = null ]; then
    die "cannot log in as client1@northcert.example at $GW"
fi
FINDING=${BENCH_FINDING_ID:-}
if [ -z "$FINDING" ]; then
    SM=$(token scheme_manager)
    ORG=$(curl -fsS "$GW/v1/me" -H "authorization: Bearer $CLIENT" | jq -r .client_id)
    PROGRAMME=$(curl -fsS "$GW/v1/programmes" -H "authorization: Bearer $SM" -H 'content-type: application/json' \
        -d "{\"client_id\":\"$ORG\",\"standards\":[\"ISO/IEC 27001:2022\"],\"scope\":\"evidence bench $$ $RANDOM\",\"sector_codes\":[]}")
    AUDIT=$(printf '%s' "$PROGRAMME" | jq -r '.audits[] | select(.type == "stage1") | .id')
    [ -n "$AUDIT" ] || die "could not make a programme: $PROGRAMME"
    # Stage 1 conducted by auditor1 (ISMS lead) on two days of its own (random, in the past, so as not to
    # meet its other bookings), and an area of concern raised on it by the scheme manager.
    sm_api() { # sm_api METHOD PATH [BODY] -> the body; dies unless 2xx
        local args=(-sS -o "$TMP/api.json" -w '%{http_code}' -X "$1" -H "authorization: Bearer $SM")
        [ $# -lt 3 ] || args+=(-H 'content-type: application/json' -d "$3")
        local code
        code=$(curl "${args[@]}" "$GW$2") || die "$1 $2: curl failed"
        [[ "$code" =~ ^2 ]] || die "$1 $2 answered $code: $(cat "$TMP/api.json")"
        cat "$TMP/api.json"
    }
    LEAD=$(sm_api GET "/v1/auditors?limit=500" | jq -er '.items[] | select(.email == "auditor1@northcert.example") | .id')
    OFFSET=$((400 + RANDOM % 3000))
    START=$(date -u -d "-$OFFSET days" +%F)
    sm_api PATCH "/v1/audits/$AUDIT" "{\"start_date\":\"$START\",\"end_date\":\"$START\"}" >/dev/null
    sm_api POST "/v1/audits/$AUDIT/team" "{\"auditor_id\":\"$LEAD\",\"role\":\"lead\"}" >/dev/null
    sm_api POST "/v1/audits/$AUDIT/schedule" >/dev/null
    sm_api POST "/v1/audits/$AUDIT/start" >/dev/null
    FINDING=$(sm_api POST /v1/findings "{\"audit_id\":\"$AUDIT\",\"grade\":\"area_of_concern\",\"client_requirement\":\"Benchmark requirement\",\"statement\":\"Benchmark.\",\"evidence\":\"Benchmark.\"}" | jq -r .id)
fi
[ -n "$FINDING" ] || die "no finding to upload to"
log "uploading to finding $FINDING (findings pid $FPID, gateway $GW)"

upload() { # upload OUT: one upload; writes "status time_total" to OUT and the body to OUT.body
    curl -sS -o "$1.body" -w '%{http_code} %{time_total}\n' -X POST "$GW/v1/findings/$FINDING/evidence" \
        -H "authorization: Bearer $CLIENT" -H 'content-type: application/pdf' \
        -H "content-disposition: attachment; filename*=UTF-8''bench-evidence.pdf" --data-binary @"$FILE" >"$1"
}

# A sampler of VmRSS (KiB) every 10 ms while $TMP/sampling exists; its highest value goes to $1.
sample_rss() {
    local max=0 v
    while [ -e "$TMP/sampling" ]; do
        v=$(status_kib "$FPID" VmRSS)
        [ "${v:-0}" -gt "$max" ] && max=$v
        sleep 0.01
    done
    echo "$max" >"$1"
}

# peak_during NAME CMD...: runs CMD with VmHWM reset and the sampler on; sets PEAK_HWM and PEAK_SAMPLED (KiB).
peak_during() {
    local name=$1
    shift
    echo 5 >"/proc/$FPID/clear_refs" # resets VmHWM to the current RSS
    touch "$TMP/sampling"
    sample_rss "$TMP/peak-$name" &
    local sampler=$!
    BG_PIDS+=("$sampler")
    "$@"
    rm -f "$TMP/sampling"
    wait "$sampler" 2>/dev/null || true
    forget "$sampler"
    PEAK_HWM=$(status_kib "$FPID" VmHWM)
    PEAK_SAMPLED=$(cat "$TMP/peak-$name")
}

# ---------------------------------------------------------------------------------------------
# (b) one upload, with its peak RSS, then the best of BENCH_REPEAT for the throughput.
sleep 1
IDLE_KIB=$(status_kib "$FPID" VmRSS)
peak_during one upload "$TMP/up-0"
ONE_HWM=$PEAK_HWM ONE_SAMPLED=$PEAK_SAMPLED
read -r st _ <"$TMP/up-0"
[ "$st" = 201 ] || die "upload answered $st: $(cat "$TMP/up-0.body")"
[ "$(jq -r .sha256 "$TMP/up-0.body")" = "$SHA" ] || die "the stored SHA-256 differs"
EVIDENCE=$(jq -r .id "$TMP/up-0.body")
for i in $(seq "$REPEAT"); do
    upload "$TMP/up-r$i"
    read -r st _ <"$TMP/up-r$i"
    [ "$st" = 201 ] || die "upload answered $st"
done
UP_T=$(for f in "$TMP/up-0" $(seq -f "$TMP/up-r%g" "$REPEAT"); do awk '{print $2}' "$f"; done | best_time)

# (c) the download, checked byte for byte once.
curl -fsS -o "$TMP/down.pdf" "$GW/v1/evidence/$EVIDENCE" -H "authorization: Bearer $CLIENT"
cmp -s "$TMP/down.pdf" "$FILE" || die "the download differs from the upload"
rm -f "$TMP/down.pdf"
DOWN_T=$(for _ in $(seq "$REPEAT"); do
    curl -fsS -o /dev/null -w '%{time_total}\n' "$GW/v1/evidence/$EVIDENCE" -H "authorization: Bearer $CLIENT"
done | best_time)

# (d) BENCH_UPLOADS concurrent uploads.
concurrent() {
    local pids=() i
    for i in $(seq "$UPLOADS"); do
        upload "$TMP/up-c$i" &
        pids+=($!)
    done
    for i in "${pids[@]}"; do wait "$i"; done
}
sleep 1
peak_during many concurrent
MANY_HWM=$PEAK_HWM MANY_SAMPLED=$PEAK_SAMPLED
for i in $(seq "$UPLOADS"); do
    read -r st _ <"$TMP/up-c$i"
    [ "$st" = 201 ] || die "concurrent upload $i answered $st: $(cat "$TMP/up-c$i.body")"
done
AFTER_KIB=$(status_kib "$FPID" VmRSS)

# ---------------------------------------------------------------------------------------------
BASE_UP=$(mb_s "$BASE_UP_T")
BASE_DOWN=$(mb_s "$BASE_DOWN_T")
UP=$(mb_s "$UP_T")
DOWN=$(mb_s "$DOWN_T")
ONE_PEAK=$((ONE_HWM > ONE_SAMPLED ? ONE_HWM : ONE_SAMPLED))
MANY_PEAK=$((MANY_HWM > MANY_SAMPLED ? MANY_HWM : MANY_SAMPLED))
COPIES=$(awk -v p="$ONE_PEAK" -v i="$IDLE_KIB" -v b="$BYTES" 'BEGIN {printf "%.2f", (p - i) * 1024 / b}')

echo
echo "==== evidence files: ${MIB} MiB file, load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
printf '  %-56s %s\n' "(a) baseline: h2o receives the body (static, POST)" "$BASE_UP MB/s"
printf '  %-56s %s\n' "(a) baseline: h2o serves the file (static, GET)" "$BASE_DOWN MB/s"
printf '  %-56s %s\n' "(b) upload through the gateway (best of $((REPEAT + 1)))" "$UP MB/s ($(ratio "$UP" "$BASE_UP") x baseline)"
printf '  %-56s %s\n' "(c) download through the gateway (best of $REPEAT)" "$DOWN MB/s ($(ratio "$DOWN" "$BASE_DOWN") x baseline)"
printf '  %-56s %s\n' "(d) findings RSS idle / after" "$(mib_of_kib "$IDLE_KIB") / $(mib_of_kib "$AFTER_KIB") MiB"
printf '  %-56s %s\n' "(d) peak RSS, one upload (VmHWM / sampled)" \
    "$(mib_of_kib "$ONE_HWM") / $(mib_of_kib "$ONE_SAMPLED") MiB: $COPIES copies of the file above idle"
printf '  %-56s %s\n' "(d) peak RSS, $UPLOADS concurrent uploads (VmHWM / sampled)" \
    "$(mib_of_kib "$MANY_HWM") / $(mib_of_kib "$MANY_SAMPLED") MiB"
echo "  targets:"
printf '    %-54s %-10s %s\n' "one upload: at most 2 copies above idle" "$COPIES" "$(verdict "$COPIES" "<" 2.0001)"
printf '    %-54s %-10s %s\n' "$UPLOADS concurrent uploads: peak RSS under 256 MiB" "$(mib_of_kib "$MANY_PEAK") MiB" \
    "$(verdict "$MANY_PEAK" "<" $((256 * 1024)))"
