#!/usr/bin/env bash
# tools/demo_tour.sh: the README's tour "Try it: the seeded demo", run against a live gateway after
# `certcycle seed-demo` (deploy/up runs it; deploy/test runs this tour as its `demo tour` stage, so the
# README cannot go stale).
#
#   tools/demo_tour.sh [GATEWAY_URL]     default $CC_GATEWAY_URL, else http://127.0.0.1:8080
#
# As the tenant's admin it finds the seeded client organisations, lists their certificates (active,
# suspended, withdrawn), opens the active one's verify page and QR code and the suspended one's public
# record (no login), lists the findings of the programme awaiting its decision by state and its decision
# blockers, downloads the evidence PDF of the certified client's closed major and checks its SHA-256, and
# ends with the webhooks and the registry settings and status. One line per step; any unexpected answer
# stops it with the problem printed (exit 1). Reads only: run it as often as you like.
# Environment: CC_DEMO_TENANT (northcert; southcert has its own), CC_DEMO_PASSWORD (demo-password-1).
# Needs bash, curl, jq, sha256sum.
set -euo pipefail
shopt -s inherit_errexit

GW=${1:-${CC_GATEWAY_URL:-http://127.0.0.1:8080}}
GW=${GW%/}
TENANT=${CC_DEMO_TENANT:-northcert}
PASSWORD=${CC_DEMO_PASSWORD:-demo-password-1}
# The seeded organisations (services/cli/seed.c), by story.
case "$TENANT" in
northcert) CERTIFIED="Harbour Freight Analytics Ltd" DECIDING="Kestrel Biotech Ltd"
    SUSPENDED="Moorland Water Services Ltd" WITHDRAWN="Thistle Print & Mail Ltd" ;;
southcert) CERTIFIED="Alpenglanz Cloud GmbH" DECIDING="Isar Mobility AG"
    SUSPENDED="Bodensee Versicherungsdienst GmbH" WITHDRAWN="Lechfeld Logistik GmbH" ;;
*) echo "demo_tour: CC_DEMO_TENANT must be northcert or southcert" >&2 && exit 2 ;;
esac

WORK=$(mktemp -d "${TMPDIR:-/tmp}/demo_tour.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

STEP=0
say() {
    STEP=$((STEP + 1))
    printf '%2d. %-44s %s\n' "$STEP" "$1" "${2:-}"
}
die() {
    echo "demo_tour: $*" >&2
    exit 1
}

# get PATH [TOKEN]: the answer's body on stdout (headers in $WORK/headers), its status in $WORK/status;
# anything but a 2xx stops the tour, except a 501 when ALLOW_501=1 (a route not built yet).
get() {
    local path=$1 token=${2:-} status
    local args=(-sS -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}')
    [ -z "$token" ] || args+=(-H "authorization: Bearer $token")
    status=$(curl "${args[@]}" "$GW$path") || die "GET $path: no answer from $GW"
    echo "$status" >"$WORK/status"
    case "$status" in
    2??) ;;
    501) [ "${ALLOW_501:-0}" = 1 ] || die "GET $path answered 501" ;;
    *)
        echo "demo_tour: GET $path answered $status, expected 2xx:" >&2
        jq . "$WORK/body" >&2 2>/dev/null || cat "$WORK/body" >&2
        exit 1
        ;;
    esac
    cat "$WORK/body"
}
header() { tr -d '\r' <"$WORK/headers" | sed -n "s/^$1: //Ip"; }

command -v jq >/dev/null || die "jq is required"
echo "certcycle demo tour against $GW (tenant $TENANT)"

# --- the admin, the seeded organisations and their certificates ------------------------------------------
ADMIN=$(curl -sS "$GW/v1/auth/login" -H 'content-type: application/json' \
    -d "$(jq -nc --arg t "$TENANT" --arg e "admin@$TENANT.example" --arg p "$PASSWORD" \
        '{tenant: $t, email: $e, password: $p}')" | jq -r '.access_token // empty')
[ -n "$ADMIN" ] || die "admin@$TENANT.example could not log in (did seed-demo run?)"
say "logged in as admin@$TENANT.example"

CLIENTS=$WORK/clients
: >"$CLIENTS"
CURSOR=
while :; do
    PAGE=$(get "/v1/clients?limit=500${CURSOR:+&cursor=$CURSOR}" "$ADMIN")
    jq -r '.items[] | [.legal_name, .id] | @tsv' <<<"$PAGE" >>"$CLIENTS"
    CURSOR=$(jq -r '.next_cursor // empty' <<<"$PAGE")
    [ -n "$CURSOR" ] || break
done
org() { awk -F'\t' -v n="$1" '$1 == n { print $2 }' "$CLIENTS"; }
for NAME in "$CERTIFIED" "$DECIDING" "$SUSPENDED" "$WITHDRAWN"; do
    [ -n "$(org "$NAME")" ] || die "no client organisation \"$NAME\" (did seed-demo run?)"
done
say "the seeded client organisations" "\"$CERTIFIED\", \"$DECIDING\", \"$SUSPENDED\", \"$WITHDRAWN\""

certificate() { get "/v1/certificates?client_id=$(org "$1")" "$ADMIN" | jq -r '.items[0] | "\(.number) \(.status)"'; }
read -r ACTIVE ACTIVE_STATUS <<<"$(certificate "$CERTIFIED")"
read -r SUSP SUSP_STATUS <<<"$(certificate "$SUSPENDED")"
read -r GONE GONE_STATUS <<<"$(certificate "$WITHDRAWN")"
[ "$ACTIVE_STATUS $SUSP_STATUS $GONE_STATUS" = "active suspended withdrawn" ] ||
    die "unexpected certificate states: $ACTIVE_STATUS $SUSP_STATUS $GONE_STATUS"
say "their certificates" "$ACTIVE=active $SUSP=suspended $GONE=withdrawn"

# --- what anyone sees, without logging in ---------------------------------------------------------------
get "/verify/$TENANT/$ACTIVE" >/dev/null
grep -q 'Valid' "$WORK/body" || die "the verify page of $ACTIVE does not say Valid"
say "verify page of the active one" "/verify/$TENANT/$ACTIVE ($(header content-type))"
get "/public/v1/cbs/$TENANT/certificates/$ACTIVE/qr.svg" >/dev/null
[ "$(header content-type)" = image/svg+xml ] || die "the QR code is not an SVG"
say "its QR code" "/public/v1/cbs/$TENANT/certificates/$ACTIVE/qr.svg"
PUB=$(get "/public/v1/cbs/$TENANT/certificates/$SUSP")
say "public record of the suspended one" "$(jq -r '"status=\(.status) valid=\(.valid) suspended_since=\(.suspended_since)"' <<<"$PUB")"

# --- findings by state, and what blocks the decision --------------------------------------------------------
P=$(get "/v1/programmes?client_id=$(org "$DECIDING")" "$ADMIN" | jq -r '.items[0].id')
SUMMARY=$(get "/v1/findings/summary?programme_id=$P" "$ADMIN")
say "findings of \"$DECIDING\" by state" "$(jq -r '.by_status | to_entries | map(select(.value > 0) | "\(.key)=\(.value)") | join(" ")' <<<"$SUMMARY")"
say "what blocks its decision" "$(jq -r '[.decision_blockers[].reason] | group_by(.) | map("\(.[0])=\(length)") | join(" ")' <<<"$SUMMARY")"
OPEN=$(get "/v1/findings?programme_id=$P&status=open" "$ADMIN" | jq -r '.items[0] | "\(.grade) \(.requirement_id) plan_due=\(.plan_due)"')
say "its open finding" "$OPEN"

# --- the evidence file ---------------------------------------------------------------------------------------
F=$(get "/v1/findings?client_id=$(org "$CERTIFIED")&grade=major&status=closed" "$ADMIN" | jq -r '.items[0].id')
ROUNDS=$(get "/v1/findings/$F" "$ADMIN" | jq -r '[.responses[] | .decision] | join(",")')
FILE=$(get "/v1/findings/$F/evidence" "$ADMIN" | jq -c '.items[0]')
say "the closed major's rounds and evidence" "rounds=$ROUNDS file=\"$(jq -r .name <<<"$FILE")\""
curl -sS -o "$WORK/evidence.pdf" "$GW/v1/evidence/$(jq -r .id <<<"$FILE")" -H "authorization: Bearer $ADMIN" ||
    die "evidence download: no answer"
[ "$(sha256sum "$WORK/evidence.pdf" | cut -d' ' -f1)" = "$(jq -r .sha256 <<<"$FILE")" ] ||
    die "the download's SHA-256 is not the stored one"
say "evidence downloaded, SHA-256 matches" "$(jq -r '"size=\(.size) sha256=\(.sha256[0:16])…"' <<<"$FILE")"

# --- webhooks and the registry (admin only); a route answering 501 is not built in this version -------------
export ALLOW_501=1
HOOKS=$(get "/v1/webhooks?limit=500" "$ADMIN")
if [ "$(cat "$WORK/status")" = 501 ]; then say "the demo webhook" "(not built in this version)"; else
    say "the demo webhook" "$(jq -r --arg u "https://hooks.$TENANT.example/certcycle" \
        '.items[] | select(.url == $u) | "\(.url) events=\(.events | length)"' <<<"$HOOKS")"
fi
SETTINGS=$(get /v1/registry/settings "$ADMIN")
if [ "$(cat "$WORK/status")" = 501 ]; then say "registry settings" "(not built in this version)"; else
    say "registry settings" "$(jq -r '"enabled=\(.enabled) api_key_set=\(.api_key_set) accreditation_body=\(.accreditation_body_acronym)"' <<<"$SETTINGS")"
fi
STATUS=$(get /v1/registry/status "$ADMIN")
if [ "$(cat "$WORK/status")" = 501 ]; then say "registry status" "(not built in this version)"; else
    say "registry status" "$(jq -r '"enabled=\(.enabled) backlog=\(.backlog) skipped_for_consent=\(.skipped_for_consent)"' <<<"$STATUS")"
fi
echo "demo tour complete"
