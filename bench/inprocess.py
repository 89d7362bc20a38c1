"""CPU cost of one ``GET /api/v1/me`` inside the gateway's Flask app, one thread, no HTTP server.

Run in a child process against the benchmark's Redis prefix (the sessions and cached principals written
by the real stack), with Flask's test client: no gunicorn, no sockets to the client, no other threads, so
the figures are CPU per request for the application itself and do not depend on what else the machine
is doing. Also times the pieces that ``carnet_gateway.api`` runs per request (the response schema is
instantiated for every request) and takes a cProfile of the whole request.
"""
import cProfile
import io
import multiprocessing
import os
import pstats
import tempfile
import time
import warnings


def measure(env, token, *, requests=1000):
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_main, args=(env, token, requests, queue))
    proc.start()
    result = queue.get(timeout=600)
    proc.join()
    if isinstance(result, str):
        raise RuntimeError(result)
    return result


def _cpu_ms_per_call(fn, n):
    fn()
    t0 = time.process_time()
    for _ in range(n):
        fn()
    return round(1000 * (time.process_time() - t0) / n, 3)


def _main(env, token, requests, queue):
    try:
        queue.put(_measure(env, token, requests))
    except Exception as exc:  # noqa: BLE001 - reported to the parent
        import traceback
        queue.put(f"in-process measurement failed: {exc}\n{traceback.format_exc()}")


def _measure(env, token, requests):
    warnings.filterwarnings("ignore", message=r"(?s).*Eventlet is deprecated")
    os.environ.update(env)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="carnet-bench-inprocess-")
    import json

    from carnet_common import redis_keys
    from carnet_gateway.app import create_app
    from carnet_gateway.schemas import identity as schemas

    app = create_app()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    response = client.get("/api/v1/me", headers=headers)
    if response.status_code != 200:
        raise RuntimeError(f"GET /me in-process: {response.status_code} {response.data[:200]}")
    redis = app.extensions["carnet.redis"]
    session = redis.hgetall(redis_keys.session_key(redis_keys.token_digest(token)))
    principal = json.loads(redis.get(redis_keys.principal_key(session["user_id"])))

    def me():
        client.get("/api/v1/me", headers=headers)

    def healthz():
        client.get("/healthz")

    cached_schema = schemas.Me()
    dumped = cached_schema.dump(principal)
    pieces = {
        "GET /api/v1/me, whole request (test client)": _cpu_ms_per_call(me, requests),
        "GET /healthz, whole request (test client): Flask + Werkzeug floor": _cpu_ms_per_call(healthz, requests),
        "schemas.Me() + .dump(principal): a schema built per call (api.py before f3de839)": _cpu_ms_per_call(
            lambda: schemas.Me().dump(principal), requests),
        "schemas.Me() alone (instantiation)": _cpu_ms_per_call(lambda: schemas.Me(), requests),
        "a Me instance built once, .dump(principal)": _cpu_ms_per_call(lambda: cached_schema.dump(principal), requests),
        "json.dumps(dumped principal)": _cpu_ms_per_call(lambda: json.dumps(dumped, ensure_ascii=False), requests),
        "json.loads(cached principal)": _cpu_ms_per_call(lambda: json.loads(json.dumps(principal)), requests),
        "Redis: 4 round trips as /me makes them (HGETALL session, MGET authz generation + principal, GET list "
        "generation, GET active lists)": _cpu_ms_per_call(lambda: (
            redis.hgetall(redis_keys.session_key("x")),
            redis.mget(redis_keys.authz_generation_key("x"), redis_keys.principal_key("x")),
            redis.get(redis_keys.prefix() + "lists_gen:x"), redis.get(redis_keys.prefix() + "active_lists:x:0")),
            requests),
        "Redis: 2 round trips (HGETALL session, then one MGET of the 4 other keys)": _cpu_ms_per_call(lambda: (
            redis.hgetall(redis_keys.session_key("x")),
            redis.mget(redis_keys.authz_generation_key("x"), redis_keys.principal_key("x"),
                       redis_keys.prefix() + "lists_gen:x", redis_keys.prefix() + "active_lists:x")), requests),
    }
    wall0 = time.perf_counter()
    for _ in range(200):
        me()
    wall_ms = (time.perf_counter() - wall0) * 1000 / 200

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        me()
    profiler.disable()
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    stats.sort_stats("cumulative").print_stats(30)
    top_cumulative = _trim(stream.getvalue())
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).sort_stats("tottime").print_stats(20)
    top_self = _trim(stream.getvalue())
    return {"requests": requests, "cpu_ms": pieces, "wall_ms_per_request_single_thread": round(wall_ms, 3),
            "cprofile_cumulative": top_cumulative, "cprofile_self": top_self}


def _trim(text):
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip().startswith("ncalls")), 0)
    site = "site-packages/"
    return "\n".join(line.replace(line[line.find(" /") + 1:line.find(site) + len(site)], "")
                     if site in line and " /" in line else line for line in lines[start:] if line.strip())
