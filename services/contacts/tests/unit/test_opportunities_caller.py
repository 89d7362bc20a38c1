"""The caller contacts sends to the opportunities service (delete preview, ``dependents_to_delete``; C-10, issue 10
§1) loads into that service's actor contract, which refuses unknown keys, whatever else the contacts actor holds."""
from carnet_contacts.lifecycle.usecases import opportunities_caller
from carnet_contracts.actors import OpportunitiesActor

CONTACTS_ACTOR = {"org_id": "o1", "user_id": "u1", "is_admin": False, "request_id": "r1",
                  "flags": {"all_contacts": False, "hierarchy_contacts": True, "own_records_only": True},
                  "subordinate_ids": ["u2"], "timezone": "America/Toronto", "anything": "else"}


def test_the_caller_loads_into_the_opportunities_actor_with_the_selected_lists():
    caller = OpportunitiesActor().load(opportunities_caller(CONTACTS_ACTOR, {"L2", "L1"}))
    assert caller["list_ids"] == ["L1", "L2"]
    assert (caller["user_id"], caller["flags"]["own_records_only"], caller["subordinate_ids"]) == ("u1", True, ["u2"])
    assert "timezone" not in caller and "anything" not in caller
