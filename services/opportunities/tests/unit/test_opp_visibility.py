"""Whose records a caller sees (S-4, S-5): the reps of the read model's rule (same as contacts'). What the SQL
predicates select is checked against PostgreSQL (integration/test_visibility_rules.py)."""
from carnet_opportunities.readmodel.repository.visibility import rep_ids


def _actor(**extra):
    return {"org_id": "o1", "user_id": "u1", "is_admin": False, "flags": {}, "subordinate_ids": [],
            "list_ids": ["L1"], **extra}


def test_reps_seen():
    assert rep_ids(_actor()) == ["u1"]
    assert rep_ids(_actor(is_admin=True)) is None
    assert rep_ids(_actor(flags={"all_contacts": True})) is None
    assert rep_ids(_actor(flags={"hierarchy_contacts": True}, subordinate_ids=["u2", "u1"])) == ["u1", "u2"]
    assert rep_ids(_actor(subordinate_ids=["u2"])) == ["u1"]  # without the flag, subordinates are not seen
