-- GET /healthz (the URL given to wrk): a Flask route with no auth, no Redis, no RPC; the gateway's floor.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
