"""Keyed RPC writes run once however often they arrive (issue 10 §4; ``carnet_common.replays``): a service run by
``nameko run`` on the real broker and Redis, called as the gateway calls a service for a request that carries an
``Idempotency-Key`` (the key in the call's context)."""
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from nameko.standalone.rpc import ClusterRpcProxy

from carnet_common import redis_keys, replays
from carnet_common.errors import Conflict
from carnet_testing import eventually, fresh_redis_prefix

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def service(amqp_uri):
    """``replay_service.ReplayService`` in a process of its own, on the test's vhost and Redis prefix."""
    prefix = fresh_redis_prefix()
    env = dict(os.environ, AMQP_URI=amqp_uri, CARNET_REDIS_PREFIX=prefix, PSYCOPG_WAIT_FUNC="wait_select",
               PYTHONPATH=os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]))
    process = subprocess.Popen([str(Path(sys.executable).parent / "nameko"), "run", "--config", "replay_service.yml",
                                "replay_service:ReplayService"], env=env, cwd=HERE, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, start_new_session=True)
    rpc_config = {"AMQP_URI": amqp_uri, "serializer": "json"}
    try:
        eventually(lambda: _pings(rpc_config), timeout=30, what="the replay service consuming its queue")
        yield {"config": rpc_config, "prefix": prefix}
    finally:
        process.terminate()
        process.wait(10)
        client = redis_keys.client()
        for key in client.scan_iter(match=prefix + "*"):
            client.delete(key)


def _pings(config):
    try:
        with ClusterRpcProxy(config, timeout=2) as proxy:
            proxy.kitreplay.read("ping")
        return True
    except Exception:  # noqa: BLE001 - not consuming yet
        return False


def call(service, method, token, key=None, **options):
    context = {replays.CONTEXT_KEY: key} if key else {}
    with ClusterRpcProxy(service["config"], context_data=context, timeout=10, **options) as proxy:
        return getattr(proxy.kitreplay, method)(token)


def runs(service, token):
    return int(redis_keys.client().get(f"{service['prefix']}kitreplay:runs:{token}") or 0)


def key_for(method, n=0):
    return replays.call_key(uuid.uuid4().hex, n, "kitreplay", method)


def test_a_keyed_write_delivered_again_runs_once_and_gets_its_first_reply(service):
    token, key = uuid.uuid4().hex, key_for("create")
    first = call(service, "create", token, key)
    assert call(service, "create", token, key) == first == {"token": token, "run": 1}
    assert runs(service, token) == 1
    assert call(service, "create", token, key_for("create"))["run"] == 2   # another key: another write


def test_calls_without_a_key_or_with_another_method_s_key_run_each_time(service):
    token = uuid.uuid4().hex
    assert [call(service, "create", token)["run"] for _ in range(2)] == [1, 2]
    key = key_for("create")          # carried by a call that ``other`` would make on: not its key
    assert [call(service, "other", token, key)["run"] for _ in range(2)] == [3, 4]


def test_a_read_only_method_ignores_the_key(service):
    token, key = uuid.uuid4().hex, key_for("read")
    assert [call(service, "read", token, key)["run"] for _ in range(2)] == [1, 2]


def test_a_write_that_failed_runs_again_on_retry(service):
    token, key = uuid.uuid4().hex, key_for("fail_first")
    with pytest.raises(Conflict):
        call(service, "fail_first", token, key)
    assert call(service, "fail_first", token, key) == {"token": token, "run": 2}
    assert call(service, "fail_first", token, key) == {"token": token, "run": 2}


def test_a_second_delivery_while_the_first_runs_is_a_conflict_and_the_write_runs_once(service):
    token, key = uuid.uuid4().hex, key_for("wait_for_go")
    with ClusterRpcProxy(service["config"], context_data={replays.CONTEXT_KEY: key}, timeout=20) as first:
        pending = first.kitreplay.wait_for_go.call_async(token)
        eventually(lambda: runs(service, token) == 1, what="the first delivery running")
        with pytest.raises(Conflict) as caught:
            call(service, "wait_for_go", token, key)
        assert caught.value.code == "idempotency_in_flight"
        redis_keys.client().set(f"{service['prefix']}kitreplay:go:{token}", 1)
        assert pending.result() == {"token": token, "run": 1}
    assert call(service, "wait_for_go", token, key) == {"token": token, "run": 1}
    assert runs(service, token) == 1
