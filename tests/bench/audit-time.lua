-- tests/bench/audit-time.lua: wrk script for tests/bench/scheduling.sh.
-- POST /v1/audit-time with a fixed ISMS body; the bearer token comes from CC_BENCH_TOKEN.
local token = os.getenv("CC_BENCH_TOKEN")
if token == nil or token == "" then
    error("CC_BENCH_TOKEN is not set")
end
wrk.method = "POST"
wrk.body = '{"standard":"ISO/IEC 27001:2022","personnel":250,"sites":5}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token
