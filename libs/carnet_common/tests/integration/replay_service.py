"""A service of the replay tests (``test_replays.py``), run by ``nameko run`` as the real services are: each method
counts its runs in Redis (under the test's prefix) so the test sees how often it ran."""
import eventlet

from carnet_common import redis_keys
from carnet_common.entrypoints import rpc_method
from carnet_common.errors import Conflict


def _count(token):
    return redis_keys.client().incr(f"{redis_keys.prefix()}kitreplay:runs:{token}")


class ReplayService:
    name = "kitreplay"

    @rpc_method
    def create(self, token):
        return {"token": token, "run": _count(token)}

    @rpc_method
    def other(self, token):
        return {"token": token, "run": _count(token)}

    @rpc_method(read_only=True)
    def read(self, token):
        return {"token": token, "run": _count(token)}

    @rpc_method
    def fail_first(self, token):
        run = _count(token)
        if run == 1:
            raise Conflict("conflict")
        return {"token": token, "run": run}

    @rpc_method
    def wait_for_go(self, token):
        """Runs until the test sets ``kitreplay:go:<token>`` (a second call arrives meanwhile)."""
        run = _count(token)
        client = redis_keys.client()
        for _ in range(400):
            if client.exists(f"{redis_keys.prefix()}kitreplay:go:{token}"):
                break
            eventlet.sleep(0.025)
        return {"token": token, "run": run}
