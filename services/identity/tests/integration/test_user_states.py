"""The user ids a write names, checked at the source (``get_user_states``, issue 10 §2): which are users of the
caller's organization, active or not (S-1); a deleted user, another organization's or no user is not one."""
import pytest
from identity_harness import actor

from carnet_common.errors import InvalidInput
from carnet_contracts.identity import MAX_USER_IDS


def test_users_of_the_organization_are_told_active_or_inactive_and_no_others(svc, make_org):
    org, other = make_org(), make_org()
    active, inactive, deleted = org.add_user(), org.add_user(), org.add_user()
    svc.update_user(org.admin, inactive["id"], {"active": False})
    svc.delete_user(org.admin, deleted["id"])
    foreign = other.add_user()

    states = svc.get_user_states(org.admin, [active["id"], inactive["id"], deleted["id"], foreign["id"], "nobody"])

    assert states == {active["id"]: "active", inactive["id"]: "inactive"}
    # any user of the organization may ask (a rep is named by whoever writes the record), and at once
    just_created = org.add_user()
    assert svc.get_user_states(actor(active), [just_created["id"], org.admin_user["id"]]) == {
        just_created["id"]: "active", org.admin_user["id"]: "active"}
    assert svc.get_user_states(other.admin, [active["id"]]) == {}


def test_the_question_is_checked_and_bounded(svc, org):
    assert svc.get_user_states(org.admin, []) == {}
    for bad in (None, "u1", [1], ["u"] * (MAX_USER_IDS + 1)):
        with pytest.raises(InvalidInput) as caught:
            svc.get_user_states(org.admin, bad)
        assert "user_ids" in str(caught.value.errors), bad
