#!/usr/bin/env bash
# check_responses.selftest.sh: proves tests/e2e/check_responses.mjs accepts responses that follow
# api/openapi.yaml and rejects ones that do not, by running it on hand-made JSONL lines and
# asserting its exit codes (0 all passed, 1 any failed or nothing checked, 2 usage error).
# Needs node and the checker's modules (tools/node_modules, or NODE_PATH). Exit 0 when all hold.
# VERBOSE=1 also shows the checker's output for the cases that behaved as expected.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
checker="$here/check_responses.mjs"
spec="$root/api/openapi.yaml"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

failures=0
total=0

# expect NAME WANT_RC FILE: runs the checker on FILE and compares its exit code with WANT_RC;
# for 0 and 1 also requires the final "N passed, N failed" line.
expect() {
    local name=$1 want=$2 file=$3 out rc
    total=$((total + 1))
    out=$(node "$checker" "$spec" "$file" 2>&1)
    rc=$?
    if [ "$rc" -ne "$want" ]; then
        echo "not ok - $name (exit $rc, want $want)"
        printf '%s\n' "$out" | sed 's/^/    /'
        failures=$((failures + 1))
    elif [ "$want" -ne 2 ] && ! printf '%s\n' "$out" | tail -n 1 | grep -Eq '^[0-9]+ passed, [0-9]+ failed$'; then
        echo "not ok - $name (no final 'N passed, N failed' line)"
        printf '%s\n' "$out" | sed 's/^/    /'
        failures=$((failures + 1))
    else
        echo "ok - $name"
        if [ -n "${VERBOSE:-}" ]; then printf '%s\n' "$out" | sed 's/^/    /'; fi
    fi
}

# bad NAME LINE: one line that must be rejected.
bad() {
    printf '%s\n' "$2" >"$tmp/bad.jsonl"
    expect "rejects: $1" 1 "$tmp/bad.jsonl"
}

U1=5b6e2d1c-0c1f-4a5e-9a0e-2f3b4c5d6e7f
U2=0f8c5a3e-7d2b-4c1a-8e9f-1a2b3c4d5e6f
C1=9a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d
RID='"x-request-id":"req-1"'
USER='{"id":"'$U1'","email":"ada@northcert.example","name":"Ada","role":"auditor","client_id":null,"disabled":false,"version":3,"created_at":"2025-01-02T03:04:05Z","updated_at":"2025-01-02T03:04:05.123456Z"}'
CLIENT_USER='{"id":"'$U2'","email":"c@client.example","name":"Cee","role":"client","client_id":"'$C1'","disabled":true,"version":1,"created_at":"2025-01-02T03:04:05Z","updated_at":"2025-01-02T03:04:05Z"}'
ME='{"id":"'$U1'","tenant":"northcert","tenant_id":"'$U2'","email":"ada@northcert.example","name":"Ada","role":"admin","client_id":null}'
TOKENS='{"access_token":"eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln","token_type":"Bearer","expires_in":900,"refresh_token":"r-1"}'
X43=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA

# problem STATUS CODE PATH [EXTRA]: a problem+json body.
problem() {
    printf '{"type":"https://certcycle.dev/problems/%s","title":"t","status":%s,"detail":"d","code":"%s","instance":"%s","request_id":"req-1"%s}' \
        "$2" "$1" "$2" "$3" "${4:-}"
}
P=application/problem+json

# ---- every line here follows the contract ----
cat >"$tmp/good.jsonl" <<EOF
{"method":"POST","path":"/v1/auth/login","status":200,"content_type":"application/json","body":$TOKENS,"headers":{$RID}}
{"method":"POST","path":"/v1/auth/login","status":401,"content_type":"$P","body":$(problem 401 invalid_credentials /v1/auth/login),"headers":{$RID}}
{"method":"POST","path":"/v1/auth/login","status":429,"content_type":"$P","body":$(problem 429 account_locked /v1/auth/login),"headers":{$RID,"retry-after":"30"}}
{"method":"POST","path":"/v1/auth/refresh","status":401,"content_type":"$P","body":$(problem 401 refresh_token_reused /v1/auth/refresh),"headers":{$RID}}
{"method":"POST","path":"/v1/auth/logout","status":204,"content_type":null,"body":null,"headers":{$RID}}
{"method":"GET","path":"/v1/me","status":200,"content_type":"application/json; charset=utf-8","body":$ME,"headers":{$RID}}
{"method":"GET","path":"/v1/me","status":401,"content_type":"$P","body":$(problem 401 unauthorized /v1/me),"headers":{$RID,"www-authenticate":"Bearer"}}
{"method":"GET","path":"/v1/users?limit=2&role=client","status":200,"content_type":"application/json","body":{"items":[$USER,$CLIENT_USER],"next_cursor":"abc"},"headers":{$RID}}
{"method":"GET","path":"/v1/users?limit=0","status":400,"content_type":"$P","body":$(problem 400 validation_failed /v1/users ',"errors":[{"field":"limit","code":"out_of_range","message":"limit must be 1..500"}]'),"headers":{$RID}}
{"method":"POST","path":"/v1/users","status":201,"content_type":"application/json","body":$USER,"headers":{$RID,"location":"/v1/users/$U1","etag":"\"3\""}}
{"method":"POST","path":"/v1/users","status":409,"content_type":"$P","body":$(problem 409 email_taken /v1/users),"headers":{$RID}}
{"method":"GET","path":"/v1/users/$U1","status":200,"content_type":"application/json","body":$USER,"headers":{$RID,"etag":"\"3\""}}
{"method":"GET","path":"/v1/users/$U2","status":404,"content_type":"$P","body":$(problem 404 not_found /v1/users/$U2),"headers":{$RID}}
{"method":"PATCH","path":"/v1/users/$U1","status":412,"content_type":"$P","body":$(problem 412 precondition_failed /v1/users/$U1),"headers":{$RID}}
{"method":"GET","path":"/.well-known/jwks.json","status":200,"content_type":"application/json","body":{"keys":[{"kty":"EC","crv":"P-256","x":"$X43","y":"$X43","kid":"k1","alg":"ES256","use":"sig"}]},"headers":{$RID}}
{"method":"GET","path":"/healthz","status":200,"content_type":"application/json","body":{"status":"ok"},"headers":{$RID}}
{"method":"GET","path":"/readyz","status":503,"content_type":"$P","body":$(problem 503 service_unavailable /readyz),"headers":{$RID}}
{"method":"GET","path":"/metrics","status":200,"content_type":"text/plain; version=0.0.4","body":null,"headers":{$RID}}
{"method":"GET","path":"/v1/nope","status":404,"content_type":"$P","body":$(problem 404 not_found /v1/nope),"headers":{$RID}}
{"method":"DELETE","path":"/v1/me","status":405,"content_type":"$P","body":$(problem 405 method_not_allowed /v1/me),"headers":{$RID,"allow":"GET"}}

{"method":"GET","path":"/v1/me","status":200,"content_type":"application/json","body":$ME}
EOF
expect "accepts responses that follow the contract" 0 "$tmp/good.jsonl"

# ---- each of these breaks the contract once ----
: >"$tmp/empty.jsonl"
expect "rejects: an empty file (nothing checked)" 1 "$tmp/empty.jsonl"
printf '\n\n' >"$tmp/blank.jsonl"
expect "rejects: a file of blank lines (nothing checked)" 1 "$tmp/blank.jsonl"
bad "an undocumented status" \
    '{"method":"GET","path":"/v1/me","status":418,"content_type":"'$P'","body":'"$(problem 418 teapot /v1/me)"',"headers":{'$RID'}}'
bad "a leaked field (additionalProperties)" \
    '{"method":"GET","path":"/v1/users/'$U1'","status":200,"content_type":"application/json","body":'"${USER%\}}"',"password_hash":"x"},"headers":{'$RID',"etag":"\"3\""}}'
bad "a client user without client_id" \
    '{"method":"GET","path":"/v1/users/'$U2'","status":200,"content_type":"application/json","body":'"${CLIENT_USER/\"$C1\"/null}"',"headers":{'$RID',"etag":"\"1\""}}'
bad "an id that is not a UUID" \
    '{"method":"GET","path":"/v1/me","status":200,"content_type":"application/json","body":'"${ME/$U1/nope}"',"headers":{'$RID'}}'
bad "an undocumented content type" \
    '{"method":"GET","path":"/v1/me","status":200,"content_type":"text/html","body":null,"headers":{'$RID'}}'
bad "an error served as application/json instead of problem+json" \
    '{"method":"GET","path":"/v1/me","status":401,"content_type":"application/json","body":'"$(problem 401 unauthorized /v1/me)"',"headers":{'$RID',"www-authenticate":"Bearer"}}'
bad "a missing X-Request-Id" \
    '{"method":"GET","path":"/healthz","status":200,"content_type":"application/json","body":{"status":"ok"},"headers":{}}'
bad "a 401 without WWW-Authenticate" \
    '{"method":"GET","path":"/v1/me","status":401,"content_type":"'$P'","body":'"$(problem 401 unauthorized /v1/me)"',"headers":{'$RID'}}'
bad "a 405 without Allow" \
    '{"method":"DELETE","path":"/v1/me","status":405,"content_type":"'$P'","body":'"$(problem 405 method_not_allowed /v1/me)"',"headers":{'$RID'}}'
bad "a 201 without Location" \
    '{"method":"POST","path":"/v1/users","status":201,"content_type":"application/json","body":'"$USER"',"headers":{'$RID',"etag":"\"3\""}}'
bad "a weak ETag" \
    '{"method":"GET","path":"/v1/users/'$U1'","status":200,"content_type":"application/json","body":'"$USER"',"headers":{'$RID',"etag":"W/\"3\""}}'
bad "an unknown path answering 200" \
    '{"method":"GET","path":"/v1/nope","status":200,"content_type":"application/json","body":{},"headers":{'$RID'}}'
bad "a wrong code for the status" \
    '{"method":"GET","path":"/v1/users/'$U2'","status":404,"content_type":"'$P'","body":'"$(problem 404 forbidden /v1/users/$U2)"',"headers":{'$RID'}}'
bad "validation_failed without errors" \
    '{"method":"POST","path":"/v1/users","status":400,"content_type":"'$P'","body":'"$(problem 400 validation_failed /v1/users)"',"headers":{'$RID'}}'
bad "a problem whose status differs from the HTTP status" \
    '{"method":"GET","path":"/readyz","status":503,"content_type":"'$P'","body":'"$(problem 500 service_unavailable /readyz)"',"headers":{'$RID'}}'
bad "a request_id that differs from X-Request-Id" \
    '{"method":"GET","path":"/readyz","status":503,"content_type":"'$P'","body":'"$(problem 503 service_unavailable /readyz)"',"headers":{"x-request-id":"other"}}'
bad "a body on a 204" \
    '{"method":"POST","path":"/v1/auth/logout","status":204,"content_type":"application/json","body":{},"headers":{'$RID'}}'
bad "a line that is not JSON" '{"method":"GET",'

printf '%s\n%s\n' \
    '{"method":"GET","path":"/healthz","status":200,"content_type":"application/json","body":{"status":"ok"},"headers":{'$RID'}}' \
    '{"method":"GET","path":"/healthz","status":200,"content_type":"application/json","body":{"status":"down"},"headers":{'$RID'}}' \
    >"$tmp/mixed.jsonl"
expect "rejects: one bad line among good ones" 1 "$tmp/mixed.jsonl"
if ! node "$checker" "$spec" "$tmp/mixed.jsonl" 2>&1 | tail -n 1 | grep -qx '1 passed, 1 failed'; then
    echo "not ok - counts one pass and one failure"
    failures=$((failures + 1))
else
    echo "ok - counts one pass and one failure"
fi
total=$((total + 1))

node "$checker" >/dev/null 2>&1
rc=$?
total=$((total + 1))
if [ "$rc" -eq 2 ]; then echo "ok - exits 2 on a usage error"; else echo "not ok - exits 2 on a usage error (got $rc)"; failures=$((failures + 1)); fi

echo "$((total - failures)) of $total self-tests passed"
[ "$failures" -eq 0 ]
