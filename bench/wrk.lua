-- wrk.lua - the request side of bench/run.sh's workloads, chosen by BENCH_MODE:
--   get    GET BENCH_PATH (a collaboration, a list page, or the baseline's /) with TOKEN if set
--   post   POST an activation for the next "customer_id task_id" pair of the file BENCH_IDS
--          (each pair once: when all are used the run stops early, and its rate counts only the
--          time until then)
--   patch  PATCH a customer's register entry (notes) with If-Match, round robin over the
--          "customer_id version" lines of BENCH_IDS; the version sent is the last ETag a 200
--          answer named
--   mix    nine in ten requests as get, one in ten as post
-- Run with wrk -t1 (one Lua state: the counters are not shared between threads). At the end it
-- prints one line: RESULT requests=N non2xx=N socket_errors=N seconds=S p50_us=N p99_us=N
local ffi = require("ffi") -- wrk runs LuaJIT
ffi.cdef [[
struct bench_timespec { long tv_sec; long tv_nsec; };
int clock_gettime(int clk, struct bench_timespec *ts);
]]
local function now()
  local ts = ffi.new("struct bench_timespec")
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) / 1e9
end
local mode = os.getenv("BENCH_MODE") or "get"
local token = os.getenv("TOKEN")
local get_path = os.getenv("BENCH_PATH") or "/"
local rows = {}
local i = 0

local function read_rows(file)
  for line in io.lines(file) do
    local a, b = line:match("^(%S+)%s+(%S+)$")
    if a then rows[#rows + 1] = {a, b} end
  end
  if #rows == 0 then error("wrk.lua: no lines in " .. file) end
end

if mode == "post" or mode == "mix" or mode == "patch" then
  read_rows(os.getenv("BENCH_IDS"))
end

local function headers(extra)
  local h = extra or {}
  if token then h["Authorization"] = "Bearer " .. token end
  return h
end

local function get()
  return wrk.format("GET", get_path, headers())
end

local n_post = 0
local started
stopped_after = 0 -- seconds from the first request until every pair was used (global: done reads it)
local post_headers -- the request's fixed header lines, made at the first post (wrk sets Host)
local function post()
  n_post = n_post + 1
  if n_post == #rows + 1 and stopped_after == 0 then
    stopped_after = now() - started
    wrk.thread:stop()
  end
  if not post_headers then
    post_headers = "Host: " .. wrk.headers["Host"] .. "\r\nContent-Type: application/json\r\n" ..
      (token and ("Authorization: Bearer " .. token .. "\r\n") or "")
  end
  local p = rows[((n_post - 1) % #rows) + 1]
  -- what wrk.format would make, joined in one concatenation: the load generator shares the
  -- machine's two cores with the server, and wrk.format's table, pairs and string.format per
  -- request cost it about three times as much CPU (bench/HISTORY.md, thirteenth step)
  local body = '{"task_id":"' .. p[2] .. '","variant":"smart","invoice_recipient":"office",' ..
    '"agreement_period_months":12,"administrator":{"name":"Anna Admin",' ..
    '"email":"anna' .. n_post .. '@kund.test","phone":"+46701234567"}}'
  return "POST /v1/customers/" .. p[1] .. "/collaborations HTTP/1.1\r\n" .. post_headers ..
    "Content-Length: " .. #body .. "\r\n\r\n" .. body
end

-- patch: rows are "customer_id version"; the register entry's notes change under If-Match.
-- (The collaboration's administrator was the PATCH measured first; since each change there
-- sends a new invitation, it is limited per collaboration and answers 429 under this load.)
local version_of = {}
local function patch()
  local row = rows[(i - 1) % #rows + 1]
  local version = version_of[row[1]] or tonumber(row[2])
  local body = string.format('{"notes":"Bench note, version %d"}', version + 1)
  return wrk.format("PATCH", "/v1/customers/" .. row[1],
    headers({["Content-Type"] = "application/json", ["If-Match"] = '"' .. version .. '"'}), body)
end

if mode == "patch" then -- defined only here: wrk parses every answer when response exists
  response = function(status, hdrs, body)
    if status ~= 200 then return end
    local id = body:match('"id":"([0-9a-f-]+)"')
    local v = (hdrs["ETag"] or hdrs["Etag"] or ""):match('"(%d+)"')
    if id and v then version_of[id] = tonumber(v) end
  end
end

request = function()
  i = i + 1
  if i == 1 then started = now() end
  if mode == "post" then return post() end
  if mode == "patch" then return patch() end
  if mode == "mix" and i % 10 == 0 then return post() end
  return get()
end

local threads = {}
setup = function(thread) threads[#threads + 1] = thread end

done = function(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  local early = threads[1] and tonumber(threads[1]:get("stopped_after")) or 0
  if early > 0 then seconds = early end
  io.write(string.format("RESULT requests=%d non2xx=%d socket_errors=%d seconds=%.3f " ..
    "p50_us=%d p99_us=%d\n", summary.requests, e.status, e.connect + e.read + e.write + e.timeout,
    seconds, latency:percentile(50), latency:percentile(99)))
end
