"""Plain nameko RPC through ``nameko.standalone.rpc.ClusterRpcProxy``: ``identity.ping`` unless told otherwise.

The transport floor under the gateway (docs/performance.md §5): no HTTP, no Redis, no database,
just caller → RabbitMQ → a service's ``ping`` entrypoint → reply queue. ``target`` = ``(service, method,
[args, …])`` calls another method instead, rotating over the argument tuples (bench/cpu calls
``contacts.get_contact`` this way, to price the service's side of a read without the gateway). Each caller process holds one
started proxy (as a gateway thread does); callers start together after their warm-up and run for the
same wall-clock window. ``window`` (the CPU probes) is started and stopped around that window only, so
process start-up and warm-up are not counted; each caller reports its own CPU time over the window.
"""
import multiprocessing
import resource
import time
import warnings

from loadgen import summarise


def _proxy(amqp_uri):
    warnings.filterwarnings("ignore", message=r"(?s).*Eventlet is deprecated")
    from nameko.standalone.rpc import ClusterRpcProxy
    standalone = ClusterRpcProxy({"AMQP_URI": amqp_uri, "serializer": "json"}, timeout=10)
    return standalone, standalone.start()


def _cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


PING = ("identity", "ping", [()])


def _caller(proxy, target):
    """A function making the next call of ``target`` on ``proxy`` (the argument tuples in turn)."""
    service, method, arguments = target
    bound = getattr(getattr(proxy, service), method)
    state = {"n": 0}

    def call():
        args = arguments[state["n"] % len(arguments)]
        state["n"] += 1
        return bound(*args)
    return call


def sequential(amqp_uri, *, calls, warmup_calls=100, window=None, target=PING):
    """One caller, ``calls`` back-to-back calls after a warm-up; runs in a child process."""
    ctx = multiprocessing.get_context("spawn")
    queue, measuring = ctx.Queue(), ctx.Event()
    proc = ctx.Process(target=_sequential_main, args=(amqp_uri, calls, warmup_calls, measuring, queue, target))
    proc.start()
    measuring.wait(timeout=120)
    if window:
        window.start()
    latencies, errors, elapsed, cpu = queue.get(timeout=calls * 1.0 + 120)
    if window:
        window.end()
    proc.join()
    result = summarise(latencies, duration_s=elapsed, statuses={200: len(latencies)},
                       transport_errors={"rpc": errors})
    result.update(calls=calls, caller_cpu_s=round(cpu, 3))
    return result


def _sequential_main(amqp_uri, calls, warmup_calls, measuring, queue, target):
    standalone, proxy = _proxy(amqp_uri)
    call = _caller(proxy, target)
    try:
        for _ in range(warmup_calls):
            call()
        latencies, errors = [], 0
        measuring.set()
        time.sleep(0.05)
        cpu0, started = _cpu_seconds(), time.perf_counter()
        for _ in range(calls):
            t0 = time.perf_counter()
            try:
                call()
            except Exception:  # noqa: BLE001 - counted, the run goes on
                errors += 1
                continue
            latencies.append((time.perf_counter() - t0) * 1000)
        queue.put((latencies, errors, time.perf_counter() - started, _cpu_seconds() - cpu0))
    finally:
        standalone.stop()


def concurrent(amqp_uri, *, callers, duration, warmup, window=None, target=PING):
    """``callers`` processes calling in a closed loop for ``duration`` s after ``warmup`` s."""
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    ready = ctx.Barrier(callers + 1)
    start_at = ctx.Value("d", 0.0)
    procs = [ctx.Process(target=_concurrent_main, args=(amqp_uri, warmup, duration, ready, start_at, queue,
                                                              _shifted(target, i)))
             for i in range(callers)]
    for proc in procs:
        proc.start()
    ready.wait(timeout=180)   # every caller has a started proxy; they read start_at after this
    # CLOCK_MONOTONIC is system-wide on Linux, so one deadline serves every process.
    warm_until = start_at.value + warmup
    stop_at = warm_until + duration
    time.sleep(max(0.0, warm_until - time.monotonic()))
    if window:
        window.start()
    time.sleep(max(0.0, stop_at - time.monotonic()))
    if window:
        window.end()
    results = [queue.get(timeout=120) for _ in procs]
    for proc in procs:
        proc.join()
    latencies, errors, cpu = [], 0, 0.0
    for lat, err, seconds in results:
        latencies.extend(lat)
        errors += err
        cpu += seconds
    result = summarise(latencies, duration_s=duration, statuses={200: len(latencies)},
                       transport_errors={"rpc": errors})
    result.update(callers=callers, caller_cpu_s=round(cpu, 3))
    return result


def _shifted(target, index):
    """``target`` with its argument tuples rotated, so concurrent callers do not ask for the same ones."""
    service, method, arguments = target
    start = (index * 7919) % len(arguments)
    return service, method, arguments[start:] + arguments[:start]


def _concurrent_main(amqp_uri, warmup, duration, ready, start_at, queue, target):
    standalone, proxy = _proxy(amqp_uri)
    call = _caller(proxy, target)
    try:
        call()
        with start_at.get_lock():
            # The last caller to be ready sets the common start time (slightly after the barrier).
            start_at.value = max(start_at.value, time.monotonic() + 0.2)
        ready.wait(timeout=180)
        warm_until = start_at.value + warmup
        stop_at = warm_until + duration
        latencies, errors = [], 0
        cpu0 = None
        while True:
            now = time.monotonic()
            if now >= stop_at:
                break
            if cpu0 is None and now >= warm_until:
                cpu0 = _cpu_seconds()
            t0 = time.perf_counter()
            try:
                call()
            except Exception:  # noqa: BLE001 - counted, the run goes on
                if now >= warm_until:
                    errors += 1
                continue
            if now >= warm_until:
                latencies.append((time.perf_counter() - t0) * 1000)
        queue.put((latencies, errors, _cpu_seconds() - (cpu0 if cpu0 is not None else _cpu_seconds())))
    finally:
        standalone.stop()
