-- wrk script: one template for every sample user in turn, so each request (with the server's
-- cache off, --cache-mb 0) is a real render of the same card `cardfarm bench --template` times.
-- Run: CARDFARM_TEMPLATE=top-artists wrk -t1 -c4 -d20s -s benches/wrk/one-template.lua http://127.0.0.1:8080
local template = os.getenv("CARDFARM_TEMPLATE") or "top-artists"
local users = {}
for line in io.lines("data/sample.jsonl") do
  local id = line:match('"user_id"%s*:%s*"([^"]+)"')
  if id then users[#users + 1] = id end
end
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/v1/cards/" .. users[(n % #users) + 1] .. "/" .. template .. ".png")
end
