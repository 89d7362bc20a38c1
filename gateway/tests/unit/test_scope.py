"""The cached active lists (``scope.py``, L-2) follow the caller's authority: a role, flag or activation change
(identity bumps the authorization generation) applies at the next request, as a list change does (issue 10 §1,
S-3 "at the next request")."""
from conftest import open_session, principal

from carnet_common import redis_keys

PAGE = {"items": [], "total": 0, "page": 1, "per_page": 25, "total_capped": False}
EVERYTHING = {module: ("read", "write", "delete", "export") for module in ("contacts", "accounts", "opportunities")}


def _signed_in(client, redis, rpc, callers):
    """``client`` as u1 of o1, whose principal is ``callers[0]`` until the test moves on to the next one."""
    open_session(redis, "tok")
    rpc.answers[("identity", "get_principal")] = lambda user_id: dict(callers[0])
    rpc.answers[("opportunities", "search_opportunities")] = PAGE
    client.environ_base["HTTP_AUTHORIZATION"] = "Bearer tok"
    return client


def _asked_lists_as(rpc):
    """``is_admin`` of every actor contacts was asked the active lists for, in order."""
    return [args[0]["is_admin"] for service, method, args in rpc.calls
            if (service, method) == ("contacts", "get_selected_lists")]


def test_a_demoted_administrator_loses_the_lists_of_an_administrator_at_the_next_request(client, redis, rpc):
    admin, member = principal(is_admin=True, modules=EVERYTHING), principal(is_admin=False, modules=EVERYTHING)
    callers = [admin]
    rpc.answers[("contacts", "get_selected_lists")] = \
        lambda actor: {"list_ids": ["every", "list"] if actor["is_admin"] else ["granted"]}
    _signed_in(client, redis, rpc, callers)
    for _ in range(2):
        assert client.get("/api/v1/opportunities").status_code == 200
    assert _asked_lists_as(rpc) == [True]          # asked once, then cached

    callers[0] = member                             # identity demotes u1 and bumps the generation
    redis.incr(redis_keys.authz_generation_key("o1"))
    assert client.get("/api/v1/opportunities").status_code == 200

    assert _asked_lists_as(rpc) == [True, False]
    sent = [args[0]["list_ids"] for service, method, args in rpc.calls
            if (service, method) == ("opportunities", "search_opportunities")]
    assert sent == [["every", "list"], ["every", "list"], ["granted"]]


def test_an_unrelated_request_keeps_the_cached_lists(client, redis, rpc):
    rpc.answers[("contacts", "get_selected_lists")] = {"list_ids": ["l1"]}
    _signed_in(client, redis, rpc, [principal(modules=EVERYTHING)])
    for _ in range(3):
        assert client.get("/api/v1/opportunities").status_code == 200
    assert _asked_lists_as(rpc) == [False]
