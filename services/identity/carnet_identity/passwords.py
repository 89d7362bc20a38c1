"""argon2id password hashing (S-10), off the eventlet hub.

Parameters are OWASP's minimum for argon2id (m = 19 MiB, t = 2, p = 1): 32–46 ms of CPU a verification on
this 2-core machine, so one identity process tops out near 30 logins/s (bench/results/identity-*.md);
more login throughput means more identity replicas, not weaker parameters. The hash runs
in ``eventlet.tpool`` so it never starves AMQP heartbeats (nameko#428), on ``HASH_THREADS`` threads: each
hash takes 19 MiB that the thread's malloc arena keeps, so tpool's default 20 threads held up to 380 MiB
(measured 395 MiB RSS) for no gain on two cores.
"""
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from eventlet import tpool
from eventlet.semaphore import Semaphore

from carnet_common.errors import TooManyRequests

TIME_COST = 2
MEMORY_COST_KIB = 19_456
PARALLELISM = 1
HASH_THREADS = 4
tpool.set_num_threads(HASH_THREADS)  # identity uses tpool for argon2 only

_hasher = PasswordHasher(time_cost=TIME_COST, memory_cost=MEMORY_COST_KIB, parallelism=PARALLELISM)
# Verified against when the username is unknown, so both paths cost one argon2 verification.
_DUMMY = _hasher.hash("carnet-timing-equaliser")


def hash_password(password):
    return tpool.execute(_hasher.hash, password)


class Lane:
    """A bounded share of the hashing threads for one kind of caller (sign-ups): at most ``concurrency`` hashes
    at once and ``queue`` callers waiting; anyone beyond is told to retry (429) at once rather than hold a
    worker. Logins verify outside any lane, so a flood of sign-ups leaves them ``HASH_THREADS - concurrency``
    threads and most of the service's workers."""

    def __init__(self, *, concurrency, queue, retry_after=5):
        self.slots = Semaphore(concurrency)
        self.queue = queue
        self.retry_after = retry_after

    def hash_password(self, password):
        if self.slots.balance <= -self.queue or not self.slots.acquire(timeout=self.retry_after * 2):
            raise TooManyRequests("signup_busy", params={"retry_after": self.retry_after})
        try:
            return hash_password(password)
        finally:
            self.slots.release()


def verify_password(password_hash, password):
    try:
        return tpool.execute(_hasher.verify, password_hash or _DUMMY, password) and bool(password_hash)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def parameters():
    return {"algorithm": "argon2id", "time_cost": TIME_COST, "memory_cost_kib": MEMORY_COST_KIB,
            "parallelism": PARALLELISM}
