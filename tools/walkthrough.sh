#!/usr/bin/env bash
# tools/walkthrough.sh: the README's tour "Try it: from a programme to a closed finding", run
# against a live gateway with the demo logins of `certcycle seed-demo` (what deploy/up prints).
#
#   tools/walkthrough.sh [GATEWAY_URL]     default $CC_GATEWAY_URL, else http://127.0.0.1:8080
#
# As the scheme manager it plans an ISO/IEC 27001:2022 programme for client1's organisation, staffs
# Stage 1 and Stage 2 (auditor1 lead, auditor2 on Stage 2), conducts Stage 1 and starts Stage 2; as
# auditor1 it raises a major (Annex A 5.15), a minor (clause 9.2) and an observation; client1
# answers, uploads a PDF, auditor1 reviews, verifies and closes; the audit summary is shown before
# and after, and the evidence is downloaded and its SHA-256 checked; Stage 2 is completed and the
# decision maker grants the certification: the certificate's number is printed. One line per step.
# Any unexpected answer stops it with the problem body printed (exit 1). Safe to run again on the
# same stack: each run makes a new programme and books days nobody on its team is booked on.
# Environment: CC_DEMO_TENANT (northcert), CC_DEMO_PASSWORD (demo-password-1). Needs bash, curl, jq.
set -euo pipefail
shopt -s inherit_errexit # a failed request inside $(...) stops the walkthrough too

GW=${1:-${CC_GATEWAY_URL:-http://127.0.0.1:8080}}
GW=${GW%/}
TENANT=${CC_DEMO_TENANT:-northcert}
PASSWORD=${CC_DEMO_PASSWORD:-demo-password-1}
STANDARD=ISO27001:2022 # the catalogue code of ISO/IEC 27001:2022

WORK=$(mktemp -d "${TMPDIR:-/tmp}/walkthrough.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

STEP=0
# say TEXT [KEY=VALUE...]: one numbered line per step.
say() {
    STEP=$((STEP + 1))
    local text=$1
    shift
    if [ "$#" -eq 0 ]; then
        printf '%2d. %s\n' "$STEP" "$text"
    else
        printf '%2d. %-44s %s\n' "$STEP" "$text" "$*"
    fi
}

die() {
    echo "walkthrough: $*" >&2
    exit 1
}

# api METHOD PATH TOKEN [JSON]: the answer's body on stdout (its headers in $WORK/headers). Anything
# but a 2xx stops the walkthrough with the request and the problem body.
api() {
    local method=$1 path=$2 token=$3 body=${4:-} status
    local args=(-sS -X "$method" -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}')
    if [ -n "$token" ]; then
        args+=(-H "authorization: Bearer $token")
    fi
    if [ -n "$body" ]; then
        args+=(-H 'content-type: application/json' --data-binary "$body")
    fi
    status=$(curl "${args[@]}" "$GW$path") || die "$method $path: no answer from $GW"
    check "$method $path" "$status"
    cat "$WORK/body"
}

# check REQUEST STATUS: dies unless STATUS is 2xx, printing the answer's body.
check() {
    case "$2" in
    2??) ;;
    *)
        echo "walkthrough: $1 answered $2, expected 2xx:" >&2
        jq . "$WORK/body" >&2 2>/dev/null || cat "$WORK/body" >&2
        exit 1
        ;;
    esac
}

login() {
    local body
    body=$(jq -nc --arg t "$TENANT" --arg e "$1@$TENANT.example" --arg p "$PASSWORD" \
        '{tenant: $t, email: $e, password: $p}')
    api POST /v1/auth/login "" "$body" | jq -r .access_token
}

# day N: the date N days from today (UTC).
day() { date -u -d "today + $1 days" +%F; }

# all TOKEN PATH JQ_FILTER: applies JQ_FILTER to the items of every page of a list.
all() {
    local token=$1 path=$2 filter=$3 cursor="" page sep
    case "$path" in *\?*) sep='&' ;; *) sep='?' ;; esac
    while :; do
        page=$(api GET "$path${sep}limit=500${cursor:+&cursor=$cursor}" "$token")
        jq -r ".items[] | $filter" <<<"$page"
        cursor=$(jq -r '.next_cursor // empty' <<<"$page")
        [ -n "$cursor" ] || break
    done
}

finding() { jq -r "[\"id=\" + .id, \"status=\" + .status${1:+, $1}] | join(\" \")"; }

command -v jq >/dev/null || die "jq is required"
echo "certcycle walkthrough against $GW (tenant $TENANT)"

# --- The scheme manager plans the programme -------------------------------------------------------
SM=$(login scheme_manager)
say "logged in as scheme_manager@$TENANT.example"

CLIENT_USER=$(login client1)
ORG=$(api GET /v1/me "$CLIENT_USER" | jq -r .client_id)
ORG_NAME=$(api GET "/v1/clients/$ORG" "$SM" | jq -r .legal_name)
SITES=$(all "$SM" "/v1/clients/$ORG/sites" .id | jq -Rsc 'split("\n") | map(select(. != ""))')
say "client1's organisation" "id=$ORG name=\"$ORG_NAME\" sites=$(jq length <<<"$SITES")"

AUDITORS=$(all "$SM" "/v1/auditors?standard=$STANDARD" '[.email, .id] | @tsv')
A1=$(awk -F'\t' -v e="auditor1@$TENANT.example" '$1 == e { print $2 }' <<<"$AUDITORS")
A2=$(awk -F'\t' -v e="auditor2@$TENANT.example" '$1 == e { print $2 }' <<<"$AUDITORS")
if [ -z "$A1" ] || [ -z "$A2" ]; then
    die "auditor1 or auditor2 has no ISO/IEC 27001:2022 auditor record (did seed-demo run?)"
fi
say "auditors for $STANDARD" "auditor1=$A1 auditor2=$A2"

RUN=$(date -u +%Y%m%dT%H%M%SZ)-$$
PROGRAMME=$(api POST /v1/programmes "$SM" "$(jq -nc --arg c "$ORG" --argjson s "$SITES" --arg r "$RUN" \
    '{client_id: $c, standards: ["ISO/IEC 27001:2022"], site_ids: $s, sector_codes: ["IAF 33"],
      scope: ("ISMS for logistics IT operations (walkthrough " + $r + ")")}')")
P=$(jq -r .id <<<"$PROGRAMME")
S1=$(jq -r '.audits[] | select(.type == "stage1") | .id' <<<"$PROGRAMME")
S2=$(jq -r '.audits[] | select(.type == "stage2") | .id' <<<"$PROGRAMME")
NEXT=$(jq -r '[.audits[] | select(.type != "stage1" and .type != "stage2" and .type != "pre_assessment")][0].id' \
    <<<"$PROGRAMME")
say "programme created" "id=$P stage1=$S1 stage2=$S2"

# Dates: Stage 1 on day D, Stage 2 on days D+7..D+9, in the past, so that the decision maker can
# decide on them today (a decision is never dated before its audits nor after today). An auditor's
# booked days (its audits and its unavailability) are refused to any other audit (DOMAIN.md, 409
# auditor_unavailable), so earlier runs' audits are looked up and skipped: D moves back ten days at a
# time until neither auditor is booked in D..D+9.
AWAY=$(for A in "$A1" "$A2"; do all "$SM" "/v1/auditors/$A/unavailability" '[.from, .to] | @tsv'; done)
D=-60
while :; do
    FIRST=$(day "$D") LAST=$(day $((D + 9)))
    BUSY=$(awk -F'\t' -v f="$FIRST" -v l="$LAST" 'NF == 2 && $1 <= l && $2 >= f { n++ } END { print n + 0 }' \
        <<<"$AWAY")
    for A in "$A1" "$A2"; do
        N=$(api GET "/v1/audits?auditor=$A&from=$FIRST&to=$LAST&limit=1" "$SM" | jq '.items | length')
        BUSY=$((BUSY + N))
    done
    [ "$BUSY" -eq 0 ] && break
    D=$((D - 10))
    [ "$D" -gt -3650 ] || die "auditor1 and auditor2 have no ten free days in the last ten years"
done
S1_DAY=$(day "$D")
S2_FIRST=$(day $((D + 7)))
S2_LAST=$(day $((D + 9)))

dates() { jq -nc --arg s "$1" --arg e "$2" '{start_date: $s, end_date: $e}'; }
member() { jq -nc --arg a "$1" --arg r "$2" '{auditor_id: $a, role: $r}'; }
api PATCH "/v1/audits/$S1" "$SM" "$(dates "$S1_DAY" "$S1_DAY")" >/dev/null
api POST "/v1/audits/$S1/team" "$SM" "$(member "$A1" lead)" >/dev/null
say "Stage 1 staffed and dated" "lead=auditor1 dates=$S1_DAY"
api PATCH "/v1/audits/$S2" "$SM" "$(dates "$S2_FIRST" "$S2_LAST")" >/dev/null
api POST "/v1/audits/$S2/team" "$SM" "$(member "$A1" lead)" >/dev/null
TEAM=$(api POST "/v1/audits/$S2/team" "$SM" "$(member "$A2" auditor)" | jq -c '[.team[].role]')
say "Stage 2 staffed and dated" "team=$TEAM dates=$S2_FIRST..$S2_LAST"

status() { jq -r .status; }
ST=$(api POST "/v1/audits/$S1/schedule" "$SM" | status)
say "Stage 1 scheduled" "status=$ST"
ST=$(api POST "/v1/audits/$S1/start" "$SM" | status)
say "Stage 1 started" "status=$ST"
ST=$(api POST "/v1/audits/$S1/complete" "$SM" '{"ready_for_stage2":true,"areas_of_concern":[]}' | status)
say "Stage 1 completed, ready for Stage 2" "status=$ST"
ST=$(api POST "/v1/audits/$S2/schedule" "$SM" | status)
say "Stage 2 scheduled" "status=$ST"
ST=$(api POST "/v1/audits/$S2/start" "$SM" | status)
say "Stage 2 started" "status=$ST"

# --- auditor1 raises findings on Stage 2 ----------------------------------------------------------
AUDITOR=$(login auditor1)
REQ_A515=$(all "$AUDITOR" "/v1/standards/$STANDARD/requirements?kind=control" \
    'select(.number == "A.5.15") | .id')
REQ_92=$(all "$AUDITOR" "/v1/standards/$STANDARD/requirements?kind=clause" 'select(.number == "9.2") | .id')
if [ -z "$REQ_A515" ] || [ -z "$REQ_92" ]; then
    die "the catalogue lacks A.5.15 or 9.2 of $STANDARD"
fi
say "logged in as auditor1; requirements" "A.5.15=$REQ_A515 9.2=$REQ_92"

raise() {
    api POST /v1/findings "$AUDITOR" "$1"
}
SITE=$(jq -r '.[0] // empty' <<<"$SITES")
MAJOR=$(raise "$(jq -nc --arg a "$S2" --arg r "$REQ_A515" --arg s "$SITE" \
    '{audit_id: $a, grade: "major", requirement_id: $r, statement: "Access rights are not reviewed.",
      evidence: "No access review since 2024; 12 leavers still hold active accounts."}
     + (if $s == "" then {} else {site_id: $s} end)')")
F_MAJOR=$(jq -r .id <<<"$MAJOR")
say "major raised against A.5.15" "$(finding '"plan_due=" + .plan_due, "blocking_after=" + .decision_blocking_after' <<<"$MAJOR")"
MINOR=$(raise "$(jq -nc --arg a "$S2" --arg r "$REQ_92" \
    '{audit_id: $a, grade: "minor", requirement_id: $r, statement: "The internal audit programme skips two processes.",
      evidence: "Audit programme 2025 omits HR and supplier management."}')")
F_MINOR=$(jq -r .id <<<"$MINOR")
say "minor raised against 9.2" "$(finding '"closure_due=" + .closure_due' <<<"$MINOR")"
OBS=$(raise "$(jq -nc --arg a "$S2" \
    '{audit_id: $a, grade: "observation", client_requirement: "Clean desk policy CD-01",
      statement: "Screens are left unlocked in the open-plan office.",
      evidence: "Two unlocked, unattended screens on the second floor at 10:40."}')")
say "observation raised (client requirement)" "$(finding <<<"$OBS")"

blockers() {
    api GET "/v1/findings/summary?audit_id=$S2" "$SM" |
        jq -r '"total=\(.total) open_majors=\(.open_majors) minors_without_plan=\(.minors_without_accepted_plan) blockers=\([.decision_blockers[].reason] | join(",") | if . == "" then "none" else . end)"'
}
SUMMARY=$(blockers)
say "summary before (decision blockers)" "$SUMMARY"

# --- client1 answers the major; auditor1 reviews -------------------------------------------------
TARGET=$(day $((D + 9 + 45)))
answer() {
    jq -nc --arg c "$1" --arg t "$TARGET" \
        '{correction: $c, root_cause: "No owner for access reviews",
          corrective_action: "Quarterly access review owned by IT security", responsible: "IT security manager",
          target_date: $t}'
}
post() { api POST "/v1/findings/$1/$2" "$3" "${4:-}"; }
R=$(post "$F_MAJOR" responses "$CLIENT_USER" "$(answer "Removed 12 stale accounts")")
say "client1 responds to the major" "$(finding <<<"$R")"

printf '%%PDF-1.4\n%% certcycle walkthrough evidence %s\n%%%%EOF\n' "$RUN" >"$WORK/access-review.pdf"
SHA=$(sha256sum "$WORK/access-review.pdf" | cut -d' ' -f1)
STATUS=$(curl -sS -o "$WORK/body" -w '%{http_code}' -X POST "$GW/v1/findings/$F_MAJOR/evidence" \
    -H "authorization: Bearer $CLIENT_USER" -H 'content-type: application/pdf' \
    -H "content-disposition: attachment; filename*=UTF-8''Access%20review%20Q1.pdf" \
    --data-binary @"$WORK/access-review.pdf") || die "evidence upload: no answer"
check "POST /v1/findings/$F_MAJOR/evidence" "$STATUS"
FILE=$(jq -r .id "$WORK/body")
[ "$(jq -r .sha256 "$WORK/body")" = "$SHA" ] || die "the stored SHA-256 is not the file's"
say "client1 uploads a PDF" "$(jq -r '"id=\(.id) name=\"\(.name)\" size=\(.size) round=\(.response_id)"' "$WORK/body")"

R=$(post "$F_MAJOR" review "$AUDITOR" '{"decision":"reject","reason":"The root cause names no process"}')
say "auditor1 rejects the response" "$(finding <<<"$R")"
R=$(post "$F_MAJOR" responses "$CLIENT_USER" \
    "$(answer "Removed 12 stale accounts; leavers' accounts are now revoked on their last day")")
say "client1 responds again" "$(finding <<<"$R")"
R=$(post "$F_MAJOR" review "$AUDITOR" '{"decision":"accept"}')
say "auditor1 accepts" "$(finding <<<"$R")"
R=$(post "$F_MAJOR" verify "$AUDITOR" '{"method":"document","notes":"Q1 access review report checked"}')
say "auditor1 verifies (document review)" "$(finding <<<"$R")"
R=$(post "$F_MAJOR" close "$AUDITOR" '{}')
say "auditor1 closes the major" "$(finding '"rounds=\(.responses | length)"' <<<"$R")"

# --- the minor: closed now, verified at the next audit --------------------------------------------
R=$(post "$F_MINOR" responses "$CLIENT_USER" "$(answer "Added HR and supplier management to the audit programme")")
say "client1 responds to the minor" "$(finding <<<"$R")"
R=$(post "$F_MINOR" review "$AUDITOR" '{"decision":"accept"}')
say "auditor1 accepts" "$(finding <<<"$R")"
R=$(post "$F_MINOR" close "$AUDITOR" '{"verification":"deferred"}')
say "auditor1 closes it, verification deferred" "$(finding '"verification=" + .verification' <<<"$R")"
if [ -n "$NEXT" ] && [ "$NEXT" != null ]; then
    LISTED=$(all "$AUDITOR" "/v1/findings?verify_at_audit=$NEXT" .id)
    grep -qx "$F_MINOR" <<<"$LISTED" || die "the deferred minor is not listed for verification at audit $NEXT"
    say "listed for verification at the next audit" "audit=$NEXT"
fi

SUMMARY=$(blockers)
say "summary after (decision blockers)" "$SUMMARY"

# --- the evidence, downloaded by client1 ------------------------------------------------------------
STATUS=$(curl -sS -o "$WORK/download" -D "$WORK/headers" -w '%{http_code}' "$GW/v1/evidence/$FILE" \
    -H "authorization: Bearer $CLIENT_USER") || die "evidence download: no answer"
cp "$WORK/download" "$WORK/body"
check "GET /v1/evidence/$FILE" "$STATUS"
GOT=$(sha256sum "$WORK/download" | cut -d' ' -f1)
ETAG=$(tr -d '\r' <"$WORK/headers" | sed -n 's/^etag: "\(.*\)"$/\1/Ip')
[ "$GOT" = "$SHA" ] || die "the download's SHA-256 $GOT is not the upload's $SHA"
[ "$ETAG" = "$SHA" ] || die "the download's ETag \"$ETAG\" is not its SHA-256"
say "evidence downloaded, SHA-256 matches" "sha256=$SHA"

# --- Stage 2 completed; the decision maker, on no team, grants: the certificate ----------------------
ST=$(api POST "/v1/audits/$S2/complete" "$SM" '{"summary":"Stage 2 conducted; findings closed"}' | status)
say "Stage 2 completed" "status=$ST"
DM=$(login decision_maker)
TODAY=$(day 0)
GRANT=$(api POST /v1/decisions "$DM" "$(jq -nc --arg p "$P" --arg s1 "$S1" --arg s2 "$S2" --arg d "$TODAY" \
    '{programme_id: $p, type: "initial", outcome: "grant", audit_ids: [$s1, $s2], decided_on: $d,
      effective_date: $d, soa_version: "SoA v3", notes: "Stage 1 and Stage 2 completed; the major verified, the minor has an accepted plan."}')")
say "decision_maker grants the certification" \
    "$(jq -r '"number=\(.certificate.number) status=\(.certificate.status) expiry=\(.certificate.expiry_date)"' <<<"$GRANT")"

echo "walkthrough complete: programme $P, Stage 2 $S2, certificate $(jq -r .certificate.number <<<"$GRANT")"
