"""The visibility predicates of the read model (same rule as contacts/visibility.py), compiled to SQL."""
from sqlalchemy.dialects import postgresql

from carnet_opportunities import visibility
from carnet_opportunities.models import account_refs, opportunities


def _sql(clause):
    return str(clause.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))


def _actor(**extra):
    return {"org_id": "o1", "user_id": "u1", "is_admin": False, "flags": {}, "subordinate_ids": [],
            "list_ids": ["L1"], **extra}


def test_reps_seen():
    assert visibility.rep_ids(_actor()) == ["u1"]
    assert visibility.rep_ids(_actor(is_admin=True)) is None
    assert visibility.rep_ids(_actor(flags={"all_contacts": True})) is None
    assert visibility.rep_ids(_actor(flags={"hierarchy_contacts": True}, subordinate_ids=["u2", "u1"])) == ["u1", "u2"]
    assert visibility.rep_ids(_actor(subordinate_ids=["u2"])) == ["u1"]  # without the flag, subordinates are not seen


def test_ref_visible_needs_a_selected_list_and_a_rep():
    sql = _sql(visibility.ref_visible(account_refs, actor=_actor()))
    assert "account_refs.list_ids && CAST(ARRAY['L1'] AS TEXT[])" in sql and "rep1_id IN ('u1')" in sql
    assert "deleted_at IS NULL" in sql and "org_id = 'o1'" in sql
    assert "false" in _sql(visibility.ref_visible(account_refs, actor=_actor(list_ids=[])))
    assert "rep1_id" not in _sql(visibility.ref_visible(account_refs, actor=_actor(is_admin=True)))


def test_own_records_only_narrows_opportunities_to_the_callers():
    plain = _sql(visibility.opportunity_visible(opportunities, account_refs, actor=_actor(is_admin=True)))
    own = _sql(visibility.opportunity_visible(opportunities, account_refs, actor=_actor(
        is_admin=True, flags={"own_records_only": True})))
    assert "opportunities.rep2_id = 'u1'" not in plain and "opportunities.rep2_id = 'u1'" in own
