"""The visibility predicates (C-2, L-1..L-3, S-4, S-5), compiled to SQL without a database."""
from sqlalchemy.dialects import postgresql

from carnet_contacts.lists.repository import list_accessible
from carnet_contacts.models import contacts, list_grants, list_members, lists
from carnet_contacts.records.repository import visibility


def _sql(clause):
    return str(clause.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))


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


def test_record_predicate_has_org_lists_and_reps():
    sql = _sql(visibility.record_visible(contacts, list_members, "contact_id", actor=_actor(), list_ids=["l1", "l2"]))
    assert "contacts.contacts.org_id = 'o1'" in sql
    assert "deleted_at IS NULL" in sql
    assert "list_members.list_id IN ('l1', 'l2')" in sql
    assert "rep1_id IN ('u1')" in sql and "rep2_id IN ('u1')" in sql


def test_record_predicate_without_selected_lists_matches_nothing():
    sql = _sql(visibility.record_visible(contacts, list_members, "contact_id", actor=_actor(all_contacts=True),
                                         list_ids=[]))
    assert "false" in sql and "rep1_id" not in sql


def test_private_lists_are_their_creators_only_even_for_admins():
    sql = _sql(list_accessible(lists, list_grants, _actor(is_admin=True)))
    assert "created_by = 'u1'" in sql and "NOT contacts.lists.private" in sql
    assert "list_grants" not in sql


def test_non_admins_need_a_grant_or_access_for_all():
    sql = _sql(list_accessible(lists, list_grants, _actor()))
    assert "access_all_users" in sql and "list_grants.user_id = 'u1'" in sql
