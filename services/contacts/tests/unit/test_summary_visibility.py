"""Which summarized opportunities and tasks an action criterion counts (summary_visibility.py, C-12 with S-4)."""
from sqlalchemy.dialects import postgresql

from carnet_contacts.records.repository import criteria

ADMIN = {"org_id": "o", "user_id": "u1", "is_admin": True, "flags": {}, "subordinate_ids": []}


def sql(leaf, actor, record_type="contact"):
    ctx = criteria.Context(record_type, "o", actor=actor, selected=frozenset({"L1"}))
    predicate = criteria.compile_criteria(leaf, ctx)
    return str(predicate.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))


STAGE = {"field": "opportunity.stage_id", "cmp": "eq", "value": "s1"}
CALL = {"field": "task.type", "cmp": "eq", "value": "call"}


def test_without_a_caller_nothing_counts():
    assert "false" in sql(STAGE, None) and "false" in sql(CALL, None, "account")


def test_every_caller_counts_only_what_hangs_on_accounts_in_their_selected_lists():
    text = sql(STAGE, ADMIN)
    assert "accounts_1.id = contacts.opportunity_summaries.account_id" in text
    assert "account_members_1.list_id IN ('L1')" in text
    assert "rep1_id = 'u1'" not in text  # an administrator sees every rep's


def test_own_records_only_narrows_to_the_callers_opportunities_and_tasks():
    limited = {**ADMIN, "flags": {"own_records_only": True}}
    assert ("(contacts.opportunity_summaries.rep1_id = 'u1' OR contacts.opportunity_summaries.rep2_id = 'u1')"
            in sql(STAGE, limited))
    assert ("(contacts.task_summaries.assignee_id = 'u1' OR contacts.task_summaries.created_by = 'u1')"
            in sql(CALL, limited))
    # through a contact's account too
    assert "created_by = 'u1'" in sql({**CALL, "field": "account.task.type"}, limited)
