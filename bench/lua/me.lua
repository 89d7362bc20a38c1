-- GET /api/v1/me with bearer tokens given after "--"; each thread cycles through them, starting at a
-- different one, so several users' cached principals are read. Requests are pre-built in init().
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

function init(args)
   local offset = (thread_index or 0) * 7
   for i = 1, #args do
      local token = args[((i - 1 + offset) % #args) + 1]
      built[i] = wrk.format("GET", "/api/v1/me", {["Authorization"] = "Bearer " .. token})
   end
end
