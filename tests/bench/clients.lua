-- tests/bench/clients.lua: wrk script for tests/bench/identity.sh.
-- POST /v1/clients (a transaction on scheduling's worker pool) with a minimal body and a distinct
-- legal name per request; the bearer token comes from CC_BENCH_TOKEN.
local token = os.getenv("CC_BENCH_TOKEN")
if token == nil or token == "" then
    error("CC_BENCH_TOKEN is not set")
end
local counter = 0
local prefix = tostring(math.random(1, 1000000000))
request = function()
    counter = counter + 1
    local body = '{"legal_name":"Bench ' .. prefix .. '-' .. counter .. ' Ltd",' ..
        '"address":{"street":"1 Bench Road","city":"Leeds","state":null,"post_code":null,"country":"GB"},' ..
        '"personnel":10}'
    return wrk.format("POST", "/v1/clients", {
        ["Content-Type"] = "application/json",
        ["Authorization"] = "Bearer " .. token,
    }, body)
end
