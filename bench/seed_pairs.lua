-- seed_pairs.lua - makes many "customer_id task_id" pairs through advisord's API, faster than
-- seed.py can (wrk's C client costs the machine's 2 cores little): SEED_N customers (companies
-- new to the vendor, corporate IDs from SEED_FROM + 1 on), each with a task (a few more customers
-- may be made), as the office whose
-- bearer token is TOKEN. Each pair is written to SEED_OUT as soon as its task is made; the run
-- stops itself when SEED_N pairs are written. A refused request is counted, the first three are
-- printed, and none is tried again (bench/run.sh checks the count of pairs).
-- Run: SEED_N=.. SEED_FROM=.. SEED_OUT=.. TOKEN=.. wrk -t1 -cC -d600s -s seed_pairs.lua URL
-- (one thread: the counters and the output file belong to one Lua state).
local n = tonumber(os.getenv("SEED_N"))
local from = tonumber(os.getenv("SEED_FROM") or "0")
local out = assert(io.open(os.getenv("SEED_OUT"), "w"))
local hdrs = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. os.getenv("TOKEN")}
local waiting, head, tail = {}, 1, 0 -- customers made, their task not yet asked for
local issued, written, refused = 0, 0, 0
local closed = false

local function finish()
  if not closed then out:close() end
  closed = true
  wrk.thread:stop()
end

-- the Swedish corporate ID whose first nine digits are d9, with its check digit (Luhn)
local function corporate_id(d9)
  for c = 0, 9 do
    local d, s = d9 .. c, 0
    for k = 1, 10 do
      local v = tonumber(d:sub(k, k)) * (k % 2 == 1 and 2 or 1)
      s = s + (v > 9 and v - 9 or v)
    end
    if s % 10 == 0 then return d:sub(1, 6) .. "-" .. d:sub(7) end
  end
end

request = function()
  if head <= tail then
    local c = waiting[head]
    waiting[head] = nil
    head = head + 1
    return wrk.format("POST", "/v1/customers/" .. c .. "/tasks", hdrs, '{"name":"Bokföring"}')
  end
  -- every customer asked for (a few more than n: a request can be lost with its connection,
  -- and wrk does not send it again): keep the connection busy with nothing
  if issued >= n + n / 100 + 10 then
    return wrk.format("GET", "/healthz")
  end
  issued = issued + 1
  local i = from + issued
  return wrk.format("POST", "/v1/customers", hdrs, string.format(
    '{"corporate_id":"%s","name":"Kund %d","email":"k%d@kund.test"}',
    corporate_id(tostring(556100000 + i)), i, i))
end

response = function(status, headers, body)
  if closed or status == 200 then return end -- stopping, or /healthz
  if status ~= 201 then
    refused = refused + 1
    if refused <= 3 then io.stderr:write("seed_pairs: answered " .. status .. ": " .. body:sub(1, 300) .. "\n") end
    if refused > n / 100 + 10 then finish() end
    return
  end
  local id = body:match('^{"id":"([^"]+)"')
  local customer = body:match('"customer_id":"([^"]+)"')
  if customer then
    out:write(customer, " ", id, "\n")
    written = written + 1
    if written >= n then finish() end
  elseif id then
    tail = tail + 1
    waiting[tail] = id
  end
end
