#!/usr/bin/env bash
# tests/bench/registry.sh: the issue-10 benchmark of registry sync (certcycle-registry-sync's workers
# draining certificate changes to IAF CertSearch), in one run.
#
# Brings up a throwaway stack in a mktemp directory (its own PostgreSQL 15 cluster run by the `postgres`
# OS user, certcycle-registry-sync on a free port in 26000-26999) and the IAF CertSearch double
# (tests/fakes/iafcertsearch.py) on 127.0.0.2, the one address CC_OUTBOUND_ALLOW lets the service reach.
# Certificate changes are made by SQL as the owner (consented clients, certifications, active
# certificates and one cc_certificate_record per certificate: an outbox row each, which makes its
# certification pending), in northcert with sync disabled; then northcert is pointed at the double (the
# API key sealed under the master key as the service seals it), pacing 0 (single_interval_s and
# bulk_interval_s), sync enabled, and the backlog timed until it is empty. Measured in the same run:
#   (a) the baseline: the double's raw bulk-upload throughput, BENCH_CHANGES records in calls of 100
#       sent by one curl over one keep-alive connection (what a perfect client could reach)
#   (b) BENCH_SMALL (10,000) changes drained: time, records/s, ratio to (a)
#   (c) BENCH_CHANGES (100,000) changes drained (the first BENCH_SMALL again, the rest new): time,
#       records/s, ratio to (a); the drain-time growth (c)/(b) against the change ratio (linear = 10)
#   (d) the same BENCH_CHANGES with 20 % of the registry's calls failing (fault plan: mode 500,
#       fraction 0.2): time, records/s, ratio to (c); dead letters left
#   (e) certcycle-registry-sync's peak resident memory (VmHWM, reset with clear_refs before each drain)
#       per drain and over the run (target < 64 MiB)
#   (f) CPU seconds spent during each drain by the double, the service and the PostgreSQL backends that
#       lived through it (the worker's connections): whether the Python double could be the bottleneck
# Every drain is checked: the double holds every record, and no certification is left pending. A figure
# is a result, not a failure: the exit status is non-zero only when something failed to run. A trap
# stops everything the script started (by pid) on any exit.
#
# Usage: tests/bench/registry.sh      (as root; needs build/bin/* — builds them if missing)
# Environment (all optional):
#   BENCH_CHANGES       changes of (c) and (d) (default 100000)
#   BENCH_SMALL         changes of (b) (default 10000)
#   BENCH_FRACTION      the failing share of calls in (d) (default 0.2)
#   BENCH_DRAIN_LIMIT   seconds a drain may take before the script gives up (default 3600)
#   BENCH_KEEP=1        keep the temp directory (logs) after the run
#   CC_BIN              directory of the binaries (default <repo>/build/bin)
#   CC_REGISTRY_*       passed to the service (e.g. CC_REGISTRY_WORKERS); defaults are the product's
set -euo pipefail
# shellcheck source=tests/bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=${CC_BIN:-$ROOT/build/bin}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
NBIG=${BENCH_CHANGES:-100000}
NSMALL=${BENCH_SMALL:-10000}
FRACTION=${BENCH_FRACTION:-0.2}
DRAIN_LIMIT=${BENCH_DRAIN_LIMIT:-3600}
TENANT=northcert
FAKE_HOST=127.0.0.2
API_KEY=bench-registry-key-$RANDOM$RANDOM
PY=/usr/bin/python3

[ "$(id -u)" -eq 0 ] || die "run as root (the cluster runs as the postgres OS user via runuser)"
for tool in curl jq openssl ss awk runuser "$PY" "$PGBIN/initdb" "$PGBIN/pg_ctl"; do
    command -v "$tool" >/dev/null || die "missing tool: $tool"
done
"$PY" -c 'import cryptography.hazmat.primitives.ciphers.aead' 2>/dev/null ||
    die "python3-cryptography is needed to seal the API key (apt-get install python3-cryptography)"
id postgres >/dev/null 2>&1 || die "no postgres OS user"
[ "$NSMALL" -lt "$NBIG" ] || die "BENCH_SMALL ($NSMALL) must be below BENCH_CHANGES ($NBIG)"
for b in certcycle certcycle-registry-sync; do
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
RS_PID=""
FAKE_PID=""
BG_PIDS=()

# shellcheck disable=SC2317  # invoked by the trap
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    set +e
    stop_background
    stop_pid "$RS_PID" certcycle-registry-sync
    stop_pid "$FAKE_PID" "the registry double"
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
RS_PORT=$(pick_port)

start_cluster
"$BIN/certcycle" migrate >>"$TMP/cli.log" 2>&1 || die "certcycle migrate failed: $(cat "$TMP/cli.log")"
"$BIN/certcycle" keys rotate >>"$TMP/cli.log" 2>&1 || die "certcycle keys rotate failed: $(cat "$TMP/cli.log")"
"$BIN/certcycle" seed-demo >>"$TMP/cli.log" 2>&1 || die "certcycle seed-demo failed: $(cat "$TMP/cli.log")"
TENANT_ID=$("${PSQL[@]}" -d certcycle -tAc "SELECT cc_tenant_id('$TENANT')")
# sql: owner SQL in northcert (stdin or -c), tuples only
sql() { "${PSQL[@]}" -d certcycle -tA -v t="$TENANT_ID" "$@"; }

# ---------------------------------------------------------------------------------------------
# The double and the service

("$PY" "$ROOT/tests/fakes/iafcertsearch.py" --host "$FAKE_HOST" --port 0 --api-key "$API_KEY" \
    >"$TMP/double.out" 2>"$TMP/double.log") &
FAKE_PID=$!
for ((i = 0; i < 100; i++)); do
    grep -q '^listening ' "$TMP/double.out" 2>/dev/null && break
    kill -0 "$FAKE_PID" 2>/dev/null || die "the registry double exited: $(cat "$TMP/double.log")"
    sleep 0.1
done
FAKE_PORT=$(awk -F: '/^listening / {print $NF}' "$TMP/double.out")
[ -n "$FAKE_PORT" ] || die "the registry double did not print its address"
FAKE=http://$FAKE_HOST:$FAKE_PORT
REGISTRY_URL=$FAKE/api/client/v1
wait_http "$FAKE/_fake/stats" "the registry double" "$FAKE_PID"
fake() { # fake METHOD PATH [BODY]: a control call, its JSON answer on stdout
    local args=(-fsS --max-time 60 -X "$1")
    [ $# -lt 3 ] || args+=(-H 'content-type: application/json' -d "$3")
    curl "${args[@]}" "$FAKE$2" || die "the double's $1 $2 failed"
}

RS_ENV=(CC_OUTBOUND_ALLOW="$FAKE_HOST/32")
while IFS='=' read -r name value; do
    RS_ENV+=("$name=$value")
done < <(env | grep '^CC_REGISTRY_' || true)
log "certcycle-registry-sync :$RS_PORT, the double $FAKE"
RS_PID=$(start_service registry-sync "$RS_PORT" "${RS_ENV[@]}")

# ---------------------------------------------------------------------------------------------
# northcert's registry connection: the key sealed as cc_aead_seal does (AES-256-GCM under the master key,
# nonce || ciphertext || tag), disabled until a drain starts

SEALED=$("$PY" - "$CC_MASTER_KEY" "$API_KEY" <<'PY'
import os, sys
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
nonce = os.urandom(12)
print((nonce + AESGCM(bytes.fromhex(sys.argv[1])).encrypt(nonce, sys.argv[2].encode(), None)).hex())
PY
)
sql -v url="$REGISTRY_URL" -v sealed="$SEALED" >/dev/null <<'SQL'
BEGIN;
SELECT set_config('app.tenant_id', :'t', true);
INSERT INTO registry_settings (enabled, base_url, api_key_sealed, accreditation_body_name,
                               accreditation_body_acronym, single_interval_s, bulk_interval_s)
VALUES (false, :'url', decode(:'sealed', 'hex'), 'United Kingdom Accreditation Service', 'UKAS', 0, 0)
ON CONFLICT (tenant_id) DO UPDATE
   SET enabled = false, base_url = EXCLUDED.base_url, api_key_sealed = EXCLUDED.api_key_sealed,
       accreditation_body_name = EXCLUDED.accreditation_body_name,
       accreditation_body_acronym = EXCLUDED.accreditation_body_acronym, single_interval_s = 0,
       bulk_interval_s = 0, paused_reason = NULL, paused_detail = NULL, paused_at = NULL, retry_after = NULL;
-- What earlier (demo) certifications left pending is not the benchmark's: mark it done.
UPDATE registry_certifications SET done = wanted, claimed = NULL, lease_until = NULL WHERE wanted > done;
COMMIT;
SQL
set_enabled() { # set_enabled true|false: and wake the workers (NOTIFY cc_registry, as a change does)
    sql -v on="$1" >/dev/null <<'SQL'
BEGIN;
SELECT set_config('app.tenant_id', :'t', true);
UPDATE registry_settings SET enabled = :on, retry_after = NULL;
SELECT pg_notify('cc_registry', :'t');
COMMIT;
SQL
}

# ---------------------------------------------------------------------------------------------
# Certificate changes by SQL: changes FROM TO makes certificates FROM..TO (one consented client per 100
# of them), each recorded once (cc_certificate_record 'issued': its outbox row makes it pending); the
# ones that exist already are touched again (cc_registry_touch), as a change of them would.

PROGRAMME=$(sql <<'SQL'
BEGIN;
SELECT set_config('app.tenant_id', :'t', true) \g /dev/null
INSERT INTO clients (id, legal_name, street, city, country, registry_consent_given, registry_consent_date)
VALUES (md5('bench-registry-programme')::uuid, 'Bench Registry Holding Ltd', '1 Bench Street', 'Leeds', 'GB',
        true, current_date);
INSERT INTO programmes (client_id, standards, scope, expiry_date, audit_time)
VALUES (md5('bench-registry-programme')::uuid, '{ISO27001:2022}', 'Benchmark scope', current_date + 1000, '{}')
RETURNING id;
COMMIT;
SQL
)
PROGRAMME=$(grep -Eo '^[0-9a-f-]{36}$' <<<"$PROGRAMME" | head -1)
[ -n "$PROGRAMME" ] || die "could not create the benchmark's programme"

changes() { # changes FROM TO
    sql -v from="$1" -v to="$2" -v p="$PROGRAMME" >/dev/null <<'SQL'
BEGIN;
SELECT set_config('app.tenant_id', :'t', true);
INSERT INTO clients (id, legal_name, street, city, state, post_code, country, registry_consent_given,
                     registry_consent_date, registry_consent_reference)
SELECT md5('bench-registry-client' || k)::uuid, 'Bench Registry Client ' || k || ' Ltd',
       k || ' Bench Street', 'Leeds', 'West Yorkshire', 'LS1 ' || (k % 10) || 'AA', 'GB', true, current_date,
       'bench consent ' || k
  FROM generate_series((:from - 1) / 100, (:to - 1) / 100) k
ON CONFLICT DO NOTHING;
SELECT cc_registry_touch(r.certification_id, r.client_id)
  FROM registry_certifications r
  JOIN certifications f ON f.tenant_id = r.tenant_id AND f.id = r.certification_id
 WHERE f.base_number LIKE 'BREG-%' AND f.sequence - 2000000 BETWEEN :from AND :to;
INSERT INTO certifications (id, client_id, standard, sequence, base_number, original_issue_date)
SELECT md5('bench-registry' || i)::uuid, md5('bench-registry-client' || ((i - 1) / 100))::uuid, 'ISO27001:2022',
       2000000 + i, 'BREG-27001-' || lpad(i::text, 7, '0'), current_date - 30
  FROM generate_series(:from, :to) i
ON CONFLICT DO NOTHING;
CREATE TEMPORARY TABLE bench_new ON COMMIT DROP AS
SELECT gen_random_uuid() AS id, i FROM generate_series(:from, :to) i
 WHERE NOT EXISTS (SELECT 1 FROM certificates c WHERE c.certification_id = md5('bench-registry' || i)::uuid);
INSERT INTO certificates (id, certification_id, revision, number, client_id, programme_id, standard, scope, sites,
                          soa_version, original_issue_date, issue_date, effective_date, expiry_date, status)
SELECT b.id, md5('bench-registry' || b.i)::uuid, 0, 'BREG-27001-' || lpad(b.i::text, 7, '0'),
       md5('bench-registry-client' || ((b.i - 1) / 100))::uuid, :'p', 'ISO27001:2022',
       'Design, development and operation of payroll software, number ' || b.i,
       '[{"site_id":"00000000-0000-4000-8000-000000000000","name":"HQ","street":"1 Bench Street","city":"Leeds","state":null,"post_code":"LS1 1AA","country":"GB","central":true,"scope":"All activities"}]',
       'SoA v1', current_date - 30, current_date - 30, current_date - 30, current_date + 1000, 'active'
  FROM bench_new b;
SELECT cc_certificate_record(b.id, 'issued', NULL, NULL, NULL, NULL, NULL) FROM bench_new b;
COMMIT;
SQL
}

sql_count() { # sql_count QUERY: its one value, in northcert
    printf '%s\n' "SELECT set_config('app.tenant_id', :'t', false) \\g /dev/null" "$1;" | sql
}
# northcert's certifications still pending (the benchmark's: the others were marked done)
pending() { sql_count "SELECT count(*) FROM registry_certifications WHERE wanted > done"; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", b - a}'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN {printf "%.0f", (s > 0) ? n / s : 0}'; }
vm() { awk -v f="$2:" '$1 == f {v = $2} END {print v + 0}' "/proc/$1/status" 2>/dev/null || echo 0; }
TICKS=$(getconf CLK_TCK)
cpu() { # cpu PID...: their CPU seconds so far (user + system)
    local p sum=0 t
    for p in "$@"; do
        t=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)
        sum=$((sum + t))
    done
    awk -v t="$sum" -v hz="$TICKS" 'BEGIN {printf "%.1f", t / hz}'
}
pg_pids() { pgrep -P "$PG_PID" | tr '\n' ' '; } # the postmaster's children: the worker's backends among them

# drain NAME EXPECTED_RECORDS: enables sync, waits until nothing is pending, disables it; sets
# DRAIN_<NAME>_S, HWM_<NAME> (KiB) and checks the double's state
drain() {
    local name=$1 expect=$2 start end left i held
    local cpu0_fake cpu0_rs cpu0_pg pgp
    echo 5 >"/proc/$RS_PID/clear_refs" # resets VmHWM to the current RSS
    log "drain $name: $(pending) pending"
    cpu0_fake=$(cpu "$FAKE_PID")
    cpu0_rs=$(cpu "$RS_PID")
    pgp=$(pg_pids)
    # shellcheck disable=SC2086  # a list of pids
    cpu0_pg=$(cpu $pgp)
    start=$(now)
    set_enabled true
    for ((i = 0; ; i++)); do
        left=$(pending)
        [ "$left" -eq 0 ] && break
        kill -0 "$RS_PID" 2>/dev/null || die "certcycle-registry-sync died during drain $name (see $TMP/registry-sync.log)"
        (($(date +%s) - ${start%.*} < DRAIN_LIMIT)) || die "drain $name: $left still pending after $DRAIN_LIMIT s"
        ((i % 50 != 0)) || log "  $name: $left pending"
        sleep 0.1
    done
    end=$(now)
    # shellcheck disable=SC2086  # a list of pids
    printf -v "CPU_${name}" '%s' "$(awk -v a="$(cpu "$FAKE_PID")" -v a0="$cpu0_fake" -v b="$(cpu "$RS_PID")" \
        -v b0="$cpu0_rs" -v c="$(cpu $pgp)" -v c0="$cpu0_pg" -v d="$(elapsed "$start" "$end")" \
        'BEGIN {printf "double %.1f s (%.0f %% of the drain), service %.1f s, PostgreSQL backends %.1f s",
                a - a0, 100 * (a - a0) / d, b - b0, c - c0}')"
    set_enabled false
    printf -v "DRAIN_${name}_S" '%s' "$(elapsed "$start" "$end")"
    printf -v "HWM_${name}" '%s' "$(vm "$RS_PID" VmHWM)"
    fake GET /_fake/stats >"$TMP/stats-$name.json"
    held=$(jq -r .records "$TMP/stats-$name.json")
    [ "$held" -ge "$expect" ] || die "drain $name: the double holds $held records, not $expect"
    log "drain $name: $(elapsed "$start" "$end") s; $(jq -c . "$TMP/stats-$name.json")"
}

# ---------------------------------------------------------------------------------------------
# (a) the baseline: the double's raw bulk-upload throughput, one keep-alive connection, calls of 100

"$PY" - "$TMP/batch.json" <<'PY'
import json, sys
records = []
for i in range(100):
    records.append({
        "certificate_number": "BASE-27001-%07d" % i,
        "certificate_identity_number": "00000000-0000-4000-8000-%012d" % i,
        "certification_status": "active", "certificate_accreditation_status": "Accredited",
        "certification_type": "Management System",
        "certification_scope": "Design, development and operation of payroll software, number %d" % i,
        "certification_original_issue_date": "20261107", "certification_issue_date": "20261107",
        "certification_expiry_date": "20290903", "certified_entity_name": "Bench Registry Client %d Ltd" % i,
        "certified_entity_unique_id": "11111111-0000-4000-8000-%012d" % i,
        "certified_entity_street_address": "%d Bench Street" % i, "certified_entity_street_city": "Leeds",
        "certified_entity_state": "West Yorkshire", "certified_entity_post_code": "LS1 1AA",
        "certified_entity_country": "GB", "confidential_certified_entity": False,
        "accreditation_body_name": "United Kingdom Accreditation Service", "accreditation_body_acronym_name": "UKAS",
        "schemes": [{"scheme_name": "ISO/IEC 27001", "standard_list": [{"standards_name": "ISO/IEC 27001:2022"}]}],
        "sites": [{"street": "1 Bench Street", "city": "Leeds", "state": None, "country": "GB",
                   "postcode": "LS1 1AA", "scope_description": "All activities"}]})
json.dump({"certifications": records}, open(sys.argv[1], "w"))
PY
NCALLS=$(((NBIG + 99) / 100))
log "baseline: $NCALLS bulk uploads of 100 records straight to the double"
BASE_URLS=()
for ((i = 0; i < NCALLS; i++)); do BASE_URLS+=("$REGISTRY_URL/cb/bulk-upload-cert"); done
start=$(now)
curl -sS --max-time 600 -H "x-http-authorization: $API_KEY" -H 'content-type: application/json' \
    --data-binary "@$TMP/batch.json" -w '%{http_code}\n' "${BASE_URLS[@]}" 2>"$TMP/baseline.err" |
    grep -Eo '[0-9]{3}$' | sort | uniq -c >"$TMP/baseline.codes"
BASE_S=$(elapsed "$start" "$(now)")
grep -Eq "^ *$NCALLS 200$" "$TMP/baseline.codes" || die "baseline: not every upload answered 200: $(cat "$TMP/baseline.codes")"
BASE_RPS=$(rate "$((NCALLS * 100))" "$BASE_S")
fake POST /_fake/reset >/dev/null
log "baseline: $((NCALLS * 100)) records in $BASE_S s ($BASE_RPS records/s)"

# ---------------------------------------------------------------------------------------------
# (b) BENCH_SMALL changes, (c) BENCH_CHANGES changes, (d) BENCH_CHANGES with failing calls

log "making $NSMALL certificate changes"
changes 1 "$NSMALL"
drain SMALL "$NSMALL"
fake POST /_fake/reset >/dev/null

log "making $NBIG certificate changes ($NSMALL again, $((NBIG - NSMALL)) new)"
changes 1 "$NBIG"
drain BIG "$NBIG"
fake POST /_fake/reset >/dev/null

log "touching $NBIG certifications again; $FRACTION of the registry's calls fail (500)"
changes 1 "$NBIG"
fake POST /_fake/faults "$(jq -cn --argjson f "$FRACTION" '{mode: "500", fraction: $f}')" >/dev/null
drain FAULTS "$NBIG"
fake POST /_fake/faults '{"mode": "none"}' >/dev/null
DEAD=$(sql_count "SELECT count(*) FROM registry_dead_letters WHERE retried_at IS NULL")
FAULTED=$(jq -r .faulted "$TMP/stats-FAULTS.json")
CALLS_FAULTS=$(jq -r .calls "$TMP/stats-FAULTS.json")
SENT=$(sql_count "SELECT count(*) FROM registry_certifications r JOIN certifications f
    ON f.tenant_id = r.tenant_id AND f.id = r.certification_id WHERE f.base_number LIKE 'BREG-%' AND r.outcome = 'sent'")
HWM_RUN=$(vm "$RS_PID" VmHWM)
RSS_END=$(vm "$RS_PID" VmRSS)
kill -0 "$RS_PID" 2>/dev/null || die "certcycle-registry-sync died (see $TMP/registry-sync.log)"

# ---------------------------------------------------------------------------------------------
# Report

RPS_SMALL=$(rate "$NSMALL" "$DRAIN_SMALL_S")
RPS_BIG=$(rate "$NBIG" "$DRAIN_BIG_S")
RPS_FAULTS=$(rate "$NBIG" "$DRAIN_FAULTS_S")
GROWTH=$(ratio "$DRAIN_BIG_S" "$DRAIN_SMALL_S")
LINEAR=$(ratio "$NBIG" "$NSMALL")
HWM_MAX=$HWM_SMALL
for h in "$HWM_BIG" "$HWM_FAULTS" "$HWM_RUN"; do [ "$h" -le "$HWM_MAX" ] || HWM_MAX=$h; done
WARN_LINES=$(grep -c . "$TMP/registry-sync.log" || true)
row() { printf '  %-62s %s\n' "$1" "$2"; }
target() { printf '  %-62s %-10s %-10s %s\n' "$1" "$2" "$3 $4" "$(verdict "$2" "$3" "$4")"; }
{
    echo
    echo "== certcycle registry sync benchmark ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, loopback)"
    echo "   the double (Python), certcycle-registry-sync and PostgreSQL share the same $(nproc) cores; load"
    echo "   average at start: $LOADAVG, at end: $(cut -d' ' -f1-3 /proc/loadavg). Pacing 0 (single and bulk"
    echo "   intervals), the service's defaults otherwise$(env | grep -q '^CC_REGISTRY_' && printf ' but %s' "$(env | grep '^CC_REGISTRY_' | tr '\n' ' ')");"
    if [ -n "${BENCH_PG_SETTINGS:-}" ]; then
        echo "   PostgreSQL 15 with BENCH_PG_SETTINGS (a diagnostic): $(tr '\n' ' ' <<<"$BENCH_PG_SETTINGS")."
    else
        echo "   PostgreSQL 15 default settings (fsync on)."
    fi
    echo "   Changes made by SQL (one outbox row per certificate)."
    echo
    echo "Figures"
    row "(a) the double alone: bulk uploads of 100, one connection" "$BASE_RPS records/s ($((NCALLS * 100)) in $BASE_S s)"
    row "(b) $NSMALL changes drained" "$DRAIN_SMALL_S s, $RPS_SMALL records/s, $(ratio "$RPS_SMALL" "$BASE_RPS") of (a)"
    row "(c) $NBIG changes drained" "$DRAIN_BIG_S s, $RPS_BIG records/s, $(ratio "$RPS_BIG" "$BASE_RPS") of (a)"
    row "    drain-time growth (c)/(b) for $LINEAR x the changes" "$GROWTH x (linear: $LINEAR; per change $(ratio "$GROWTH" "$LINEAR"))"
    row "(d) $NBIG changes, $FRACTION of calls failing (500)" "$DRAIN_FAULTS_S s, $RPS_FAULTS records/s, $(ratio "$RPS_FAULTS" "$RPS_BIG") of (c)"
    row "    calls / failed by the double; dead letters left" "$CALLS_FAULTS / $FAULTED; $DEAD"
    row "    benchmark certifications sent (outcome)" "$SENT of $NBIG"
    row "(e) certcycle-registry-sync VmHWM during (b), (c), (d)" "$(kib "$HWM_SMALL") / $(kib "$HWM_BIG") / $(kib "$HWM_FAULTS") MiB (VmRSS at end $(kib "$RSS_END") MiB)"
    # shellcheck disable=SC2153  # set by drain (printf -v)
    row "(f) CPU during (b)" "$CPU_SMALL"
    row "    CPU during (c)" "$CPU_BIG"
    # shellcheck disable=SC2153
    row "    CPU during (d)" "$CPU_FAULTS"
    echo
    echo "Targets"
    printf '  %-62s %-10s %-10s %s\n' "" "value" "target" "verdict"
    target "peak RSS MiB of the worker (largest of the drains)" "$(kib "$HWM_MAX")" "<" 64
    echo
    if [ "$WARN_LINES" -gt 0 ]; then
        echo "certcycle-registry-sync logged $WARN_LINES warn/error lines; first ones:"
        head -5 "$TMP/registry-sync.log" | cut -c1-300 | sed 's/^/    /'
    fi
}
exit 0
