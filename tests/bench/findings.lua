-- tests/bench/findings.lua: wrk script for tests/bench/findings.sh.
-- POST /v1/findings on the audit CC_BENCH_AUDIT as the audit's lead (token CC_BENCH_TOKEN): minors
-- and majors in turn against a clause of the programme's standard, each request a new finding.
local token = os.getenv("CC_BENCH_TOKEN")
local audit = os.getenv("CC_BENCH_AUDIT")
if token == nil or token == "" or audit == nil or audit == "" then
    error("CC_BENCH_TOKEN and CC_BENCH_AUDIT must be set")
end
local counter = 0
request = function()
    counter = counter + 1
    local grade = (counter % 4 == 0) and "major" or "minor"
    local body = '{"audit_id":"' .. audit .. '","grade":"' .. grade .. '",' ..
        '"requirement_id":"ISO27001:2022/6.1.2",' ..
        '"statement":"The risk assessment omits supplier risks (' .. counter .. ').",' ..
        '"evidence":"Risk register v3 reviewed with the CISO; no supplier entries."}'
    return wrk.format("POST", "/v1/findings", {
        ["Content-Type"] = "application/json",
        ["Authorization"] = "Bearer " .. token,
    }, body)
end
