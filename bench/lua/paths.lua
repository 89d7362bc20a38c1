-- GET of many paths with one bearer token: args after "--" are the token and a file with one path a line
-- (ids to rotate over, search URLs: too many for a command line). Each thread starts at a different path,
-- so concurrent clients do not ask for the same record at once. Requests are pre-built in init().
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

function init(args)
   local token, file = args[1], args[2]
   local headers = {["Authorization"] = "Bearer " .. token, ["Accept"] = "application/json"}
   for line in io.lines(file) do
      if line ~= "" then
         table.insert(built, wrk.format("GET", line, headers))
      end
   end
   next_index = ((thread_index or 0) * 7919) % #built + 1
end
