-- POST /api/v1/auth/login, cycling through the users given after "--" as: password user1 user2 ...
-- Each thread starts at a different user, so concurrent logins spread over the accounts.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

function init(args)
   local password = args[1]
   local users = {}
   for i = 2, #args do
      table.insert(users, args[i])
   end
   local offset = (thread_index or 0) * 10
   for i = 1, #users do
      local username = users[((i - 1 + offset) % #users) + 1]
      local body = string.format('{"username": "%s", "password": "%s"}', username, password)
      built[i] = wrk.format("POST", "/api/v1/auth/login", {["Content-Type"] = "application/json"}, body)
   end
end
