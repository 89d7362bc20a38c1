"""Whose records a caller sees by rep (S-4, S-5): pure. Which rows the visibility predicates select is tested
against PostgreSQL in tests/integration/test_visibility_rules.py."""
from carnet_contacts.records.repository import visibility


def _actor(**kwargs):
    flags = {k: kwargs.pop(k) for k in ("all_contacts", "hierarchy_contacts") if k in kwargs}
    return {"org_id": "o1", "user_id": "u1", "is_admin": False, "flags": flags, "subordinate_ids": [], **kwargs}


def test_reps_are_the_user_alone_by_default():
    assert visibility.rep_ids(_actor(subordinate_ids=["u2"])) == ["u1"]


def test_hierarchy_flag_adds_subordinates():
    assert visibility.rep_ids(_actor(hierarchy_contacts=True, subordinate_ids=["u2", "u3", "u1"])) == ["u1", "u2", "u3"]


def test_admins_and_all_contacts_see_every_rep():
    assert visibility.rep_ids(_actor(is_admin=True)) is None
    assert visibility.rep_ids(_actor(all_contacts=True)) is None
