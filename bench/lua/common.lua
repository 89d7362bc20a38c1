-- Shared by every script here: per-thread status counts and one machine-readable summary line.
-- Loaded with dofile() by the scripts; wrk gives each thread its own Lua state.

local threads = {}

function setup(thread)
   thread:set("thread_index", #threads)
   table.insert(threads, thread)
end

statuses = {}

-- Scripts that send prepared requests fill `built` in init() (a thread's own list) and may set `next_index`
-- (where that thread starts); each thread sends them in turn. Without any, wrk's plain GET of the URL.
built = {}
next_index = 1

function request()
   if #built == 0 then
      built[1] = wrk.format()
   end
   local req = built[next_index]
   next_index = next_index % #built + 1
   return req
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
end

local function json_statuses()
   local merged = {}
   for _, thread in ipairs(threads) do
      local counts = thread:get("statuses")
      for status, n in pairs(counts) do
         merged[status] = (merged[status] or 0) + n
      end
   end
   local parts = {}
   for status, n in pairs(merged) do
      table.insert(parts, string.format('"%d": %d', status, n))
   end
   return "{" .. table.concat(parts, ", ") .. "}"
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, '
      .. '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, '
      .. '"statuses": %s, "latency_us": {"min": %d, "mean": %.1f, "stdev": %.1f, '
      .. '"p50": %d, "p90": %d, "p95": %d, "p99": %d, "p999": %d, "max": %d}}\n',
      summary.requests, summary.duration, summary.bytes,
      e.connect, e.read, e.write, e.status, e.timeout, json_statuses(),
      latency.min, latency.mean, latency.stdev,
      latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99), latency:percentile(99.9),
      latency.max))
end
