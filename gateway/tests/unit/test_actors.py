"""The one actor builder: each shape carries exactly the keys its receiving contract declares, in a stable
order (the services refuse unknown keys)."""
import pytest
from conftest import principal
from flask import g

from carnet_common import redis_keys
from carnet_gateway import actors


@pytest.fixture
def caller():
    user = principal(user_id="u7", org_id="o7", is_admin=True)
    user["flags"] = {"all_contacts": False, "hierarchy_contacts": True, "own_records_only": False}
    user["subordinate_ids"] = ["u8", "u9"]
    user["organization"]["timezone"] = "America/Vancouver"
    return user


def build(app, shape, user, headers=None):
    with app.test_request_context("/api/v1/x", headers=headers or {}):
        g.request_id = "req-7"
        return shape.of(user)


BASE = [("org_id", "o7"), ("user_id", "u7"), ("is_admin", True), ("request_id", "req-7")]
VISIBILITY = [("flags", {"all_contacts": False, "hierarchy_contacts": True, "own_records_only": False}),
              ("subordinate_ids", ["u8", "u9"])]


def test_identity_receives_the_caller_only(app, caller):
    assert list(build(app, actors.IDENTITY, caller).items()) == BASE


def test_contacts_receives_the_callers_flags_subordinates_and_time_zone(app, caller, rpc):
    assert list(build(app, actors.CONTACTS, caller).items()) == BASE + VISIBILITY + [("timezone", "America/Vancouver")]
    assert rpc.calls == [], "contacts never needs identity nor the list scope"


def test_opportunities_receives_the_active_lists_asked_of_contacts_once_then_cached(app, caller, rpc):
    rpc.answers[("contacts", "get_selected_lists")] = {"list_ids": ["l1", "l2"]}
    actor = build(app, actors.OPPORTUNITIES, caller, {"Accept-Language": "fr-CA"})
    assert list(actor.items()) == BASE + VISIBILITY + [("list_ids", ["l1", "l2"]), ("language", "fr")]
    assert rpc.calls == [("contacts", "get_selected_lists",
                          (dict(BASE + VISIBILITY + [("timezone", "America/Vancouver")]),))]
    assert build(app, actors.OPPORTUNITIES, caller)["list_ids"] == ["l1", "l2"]
    assert len(rpc.calls) == 1


def test_a_list_change_refreshes_the_active_lists_at_the_next_request(app, caller, rpc, redis):
    answers = iter([{"list_ids": ["l1"]}, {"list_ids": ["l3"]}])
    rpc.answers[("contacts", "get_selected_lists")] = lambda actor: next(answers)
    assert build(app, actors.OPPORTUNITIES, caller)["list_ids"] == ["l1"]
    redis.incr(redis_keys.lists_generation_key("o7"))
    assert build(app, actors.OPPORTUNITIES, caller)["list_ids"] == ["l3"]


def test_tasks_receive_the_organizations_time_zone_and_the_language(app, caller, rpc):
    rpc.answers[("contacts", "get_selected_lists")] = {"list_ids": []}
    actor = build(app, actors.TASKS, caller, {"Accept-Language": "en"})
    assert list(actor.items()) == BASE + VISIBILITY + [("list_ids", []), ("timezone", "America/Vancouver"),
                                                       ("language", "en")]


def test_an_organization_without_a_time_zone_gets_the_default_one(app, caller, rpc):
    rpc.answers[("contacts", "get_selected_lists")] = {"list_ids": []}
    del caller["organization"]["timezone"]
    assert build(app, actors.TASKS, caller)["timezone"] == "America/Toronto"


def test_a_principal_without_flags_or_subordinates_sends_empty_ones(app, caller):
    caller["flags"], caller["subordinate_ids"] = None, None
    actor = build(app, actors.CONTACTS, caller)
    assert actor["flags"] == {} and actor["subordinate_ids"] == []


def test_a_shape_may_take_the_language_without_the_lists(app, caller, rpc):
    shape = actors.Shape(visibility=True, language=True)
    assert list(build(app, shape, caller, {"Accept-Language": "fr"}).items()) == BASE + VISIBILITY + [
        ("language", "fr")]
    assert rpc.calls == []


def test_the_lists_cannot_be_asked_without_the_visibility_that_asks_them():
    with pytest.raises(ValueError):
        actors.Shape(lists=True)
