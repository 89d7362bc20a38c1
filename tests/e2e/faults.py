"""What the fault tests share (issue 10 §4): a stack on servers of the test's own (``carnet_testing.servers``),
supervised as ``make run`` supervises it, and one client writing contacts through the gateway while a server goes
away and comes back, as a careful client would: every write carries an ``Idempotency-Key``, and a 503 or 504 is
retried with the same key after its ``Retry-After`` (capped at a second to keep the test short), and so is the 409 of
a request with that key still running.

What every fault test then checks of the writer's record (``assert_rode_out``): each answer was a 2xx, or a 503/504
problem with ``Retry-After`` (or that 409); every write was created exactly once (the contacts the organization holds
are the ones the client was given, one per write, none twice); the system answered a write again within 30 s of the
server's return.
"""
import contextlib
import threading
import time
import uuid

from stack import Stack, free_port, free_port_offset
from support.http import ApiClient, sign_up

from carnet_testing import fresh_redis_prefix, test_env

RECOVERY_SECONDS = 30


@contextlib.contextmanager
def supervised_stack(log_path, *, database_url, amqp_uri, **settings):
    """Every service and the gateway on ``database_url`` and ``amqp_uri``, restarted when they exit (a thread
    calls ``Stack.supervise`` every half second, as ``make run`` does every second); stopped on exit."""
    env = test_env(database_url, amqp_uri, fresh_redis_prefix(), **settings)
    with open(log_path, "a", encoding="utf-8") as log:
        stack = Stack(env, gateway_port=free_port(), port_offset=free_port_offset(), log=log)
        stack.log_path = log_path
        stopping = threading.Event()

        def supervise():
            while not stopping.wait(0.5):
                stack.supervise()
        supervisor = threading.Thread(target=supervise, daemon=True)
        try:
            try:
                stack.bootstrap()
                stack.start(timeout=90)
            except Exception as exc:
                raise RuntimeError(f"the stack did not start; its processes logged to {log_path}") from exc
            supervisor.start()
            yield stack
        finally:
            stopping.set()
            if supervisor.is_alive():
                supervisor.join(10)
            stack.stop()


class Writer(threading.Thread):
    """Creates ``count`` contacts one after another (last names ``<marker>-0000``…), each with an
    ``Idempotency-Key`` of its own, retrying 503/504 with the same key. ``answers`` holds every answer as
    ``(write, monotonic time, status, Retry-After, problem body or None)``; ``ids`` the id given for each write."""

    def __init__(self, client, *, list_id, count):
        super().__init__(daemon=True)
        self.client, self.list_id, self.count = client, list_id, count
        self.marker = f"fault{uuid.uuid4().hex[:10]}"
        self.answers, self.ids, self.failures = [], {}, []
        self.progress = threading.Condition()
        self._go, self._idle = threading.Event(), threading.Event()
        self._go.set()

    def run(self):
        for write in range(self.count):
            key = uuid.uuid4().hex
            body = {"last_name": f"{self.marker}-{write:04d}", "first_name": "Faulty", "list_ids": [self.list_id]}
            while write not in self.ids:
                if not self._attempt(write, key, body):
                    return

    def _attempt(self, write, key, body):
        if not self._go.is_set():
            self._idle.set()
            self._go.wait()
            self._idle.clear()
        try:
            response = self.client.post("/contacts", json=body, headers={"Idempotency-Key": key}, timeout=60)
        except OSError as exc:   # the gateway itself must keep answering
            self.failures.append((write, f"no answer: {exc}"))
            return False
        retry_after = response.headers.get("Retry-After")
        problem = response.json() if response.headers.get("Content-Type", "").startswith(
            "application/problem+json") else None
        with self.progress:
            self.answers.append((write, time.monotonic(), response.status_code, retry_after, problem))
            if 200 <= response.status_code < 300:
                self.ids[write] = response.json()["id"]
            self.progress.notify_all()
        if _retryable(response.status_code, retry_after, problem):
            time.sleep(min(int(retry_after), 1))   # the client's back-off, not a test waiting for a proof
            return True
        if write in self.ids:
            return True
        self.failures.append((write, f"{response.status_code} {response.text[:300]}"))
        return False

    def wait_for(self, writes, timeout=60):
        """Until ``writes`` writes have been created (before a fault is injected)."""
        with self.progress:
            assert self.progress.wait_for(lambda: len(self.ids) >= writes or self.failures, timeout), \
                f"{len(self.ids)} writes after {timeout} s"
        assert not self.failures, self.failures


    @contextlib.contextmanager
    def paused(self):
        """No write in flight inside the block (the writer waits before its next request)."""
        self._go.clear()
        try:
            assert self._idle.wait(60) or not self.is_alive(), "the writer did not pause"
            yield
        finally:
            self._go.set()


def _retryable(status, retry_after, problem):
    """A 503 or 504 problem with ``Retry-After`` (an outage), or the 409 of a request with the same key still
    running: a careful client tries again later with the same key."""
    if not (retry_after and problem):
        return False
    return status in (503, 504) or (status == 409 and problem.get("code") == "idempotency_in_flight")


def start_writer(base_url, *, count):
    admin, _ = sign_up(base_url, client_class=ApiClient)
    shared = admin.post("/lists", json={"name": "Fault tolerance"})
    assert shared.status_code == 201, shared.text
    writer = Writer(admin, list_id=shared.json()["id"], count=count)
    writer.start()
    return writer


def assert_rode_out(writer, *, back_at, timeout=120):
    """The checks of the module docstring, once the writer is done (``back_at``: when the server was back); returns
    how long after ``back_at`` a write succeeded again."""
    writer.join(timeout)
    assert not writer.is_alive(), f"the writer still runs after {timeout} s: {len(writer.ids)} of {writer.count}"
    assert not writer.failures, writer.failures[:5]
    unexpected = [(write, status, problem) for write, _, status, retry_after, problem in writer.answers
                  if not (200 <= status < 300 or _retryable(status, retry_after, problem))]
    assert unexpected == [], unexpected[:5]
    for write, _, status, retry_after, problem in writer.answers:
        if status >= 300:
            assert int(retry_after) > 0 and problem["status"] == status, (write, status, problem)
    assert len(writer.ids) == writer.count and len(set(writer.ids.values())) == writer.count

    held = {}
    for page in range(1, writer.count // 200 + 3):
        body = writer.client.get("/contacts", params={"q": writer.marker, "per_page": 200, "page": page}).json()
        held.update({item["id"]: item["last_name"] for item in body["items"]})
        if len(body["items"]) < 200:
            break
    given = set(writer.ids.values())
    extra = sorted(name for id_, name in held.items() if id_ not in given)
    missing = sorted(write for write, id_ in writer.ids.items() if id_ not in held)
    assert (extra, missing) == ([], []), f"created twice: {extra[:5]}; given but not held: {missing[:5]}; " \
        f"answers: {statuses(writer)}"
    assert len(set(held.values())) == writer.count

    answered_again = [at for _, at, status, _, _ in writer.answers if at >= back_at and 200 <= status < 300]
    assert answered_again, "no write succeeded after the server came back"
    recovered_in = answered_again[0] - back_at
    assert recovered_in <= RECOVERY_SECONDS, f"answering again {recovered_in:.1f} s later"
    failed_late = [(write, status) for write, at, status, _, _ in writer.answers
                   if at > back_at + RECOVERY_SECONDS and status >= 500]
    assert failed_late == [], failed_late[:5]
    return recovered_in


def statuses(writer):
    """How many answers of each status the writer got (for failure messages and the log)."""
    counts = {}
    for _, _, status, _, _ in writer.answers:
        counts[status] = counts.get(status, 0) + 1
    return counts


__all__ = ["Writer", "assert_rode_out", "start_writer", "statuses", "supervised_stack"]
