"""Who sees which contact, account and opportunity (O-1, C-2, S-4, S-5): the visibility predicates of the read
model and of opportunities, run on PostgreSQL over a small set of records that each fail one condition (another
organization, list or rep, deleted), for callers of every kind. The database is built by the service's
migrations; no service process is needed."""
import datetime

import pytest
import sqlalchemy as sa
from opp_helpers import migrated_database

from carnet_opportunities.models import account_refs, contact_refs, opportunities, stages
from carnet_opportunities.opportunities.repository.visibility import opportunity_visible
from carnet_opportunities.readmodel.repository.visibility import ref_visible

DELETED = datetime.datetime(2026, 3, 1, tzinfo=datetime.timezone.utc)
REFS = [  # id, org, lists, rep 1, rep 2, deleted
    ("mine", "o1", ["L1"], "u1", None, None),
    ("rep2-mine", "o1", ["L1"], "u9", "u1", None),
    ("other-rep", "o1", ["L1"], "u2", None, None),
    ("other-list", "o1", ["L2"], "u1", None, None),
    ("deleted", "o1", ["L1"], "u1", None, DELETED),
    ("other-org", "o2", ["L1"], "u1", None, None)]
OPPORTUNITIES = [  # id, account, rep 1, rep 2, deleted
    ("p-mine", "a-mine", "u1", None, None),
    ("p-rep2-mine", "a-mine", "u3", "u1", None),
    ("p-theirs", "a-mine", "u3", None, None),
    ("p-deleted", "a-mine", "u1", None, DELETED),
    ("p-hidden-account", "a-other-list", "u1", None, None)]


@pytest.fixture(scope="module")
def rules_engine():
    with migrated_database() as engine:
        with engine.begin() as conn:
            for table, prefix in ((account_refs, "a-"), (contact_refs, "c-")):
                conn.execute(table.insert(), [
                    {"id": prefix + i, "org_id": org, "list_ids": lists, "rep1_id": rep1, "rep2_id": rep2,
                     "deleted_at": deleted, "version": 1, **({"name": i} if table is account_refs else {})}
                    for i, org, lists, rep1, rep2, deleted in REFS])
            conn.execute(stages.insert().values(id="s10", org_id="o1", probability=10, color="#000", label_fr="10",
                                                label_en="10"))
            conn.execute(opportunities.insert(), [
                {"id": i, "org_id": "o1", "title": i, "account_id": account, "stage_id": "s10", "probability": 10,
                 "rep1_id": rep1, "rep2_id": rep2, "total": 0, "source": "crm", "custom": {}, "version": 1,
                 "deleted_at": deleted} for i, account, rep1, rep2, deleted in OPPORTUNITIES])
        yield engine


def _actor(*, lists=("L1",), admin=False, subordinates=(), **flags):
    return {"org_id": "o1", "user_id": "u1", "is_admin": admin, "list_ids": list(lists),
            "subordinate_ids": list(subordinates),
            "flags": {"all_contacts": False, "hierarchy_contacts": False, "own_records_only": False, **flags}}


def _selected(engine, table, predicate):
    with engine.connect() as conn:
        return set(conn.execute(sa.select(table.c.id).where(predicate)).scalars())


@pytest.mark.parametrize(("actor", "expected"), [
    (_actor(), {"mine", "rep2-mine"}),
    (_actor(lists=()), set()),
    (_actor(lists=("L1", "L2")), {"mine", "rep2-mine", "other-list"}),
    (_actor(admin=True), {"mine", "rep2-mine", "other-rep"}),
    (_actor(all_contacts=True), {"mine", "rep2-mine", "other-rep"}),
    (_actor(subordinates=("u2",), hierarchy_contacts=True), {"mine", "rep2-mine", "other-rep"}),
    (_actor(subordinates=("u2",)), {"mine", "rep2-mine"}),
], ids=["rep 1 or rep 2, selected list", "no list selected", "two lists", "administrator", "all_contacts",
        "hierarchy", "subordinate without the flag"])
@pytest.mark.parametrize(("table", "prefix"), [(account_refs, "a-"), (contact_refs, "c-")], ids=["account", "contact"])
def test_a_record_is_seen_in_a_selected_list_by_its_reps_unless_deleted_or_elsewhere(rules_engine, table, prefix,
                                                                                    actor, expected):
    assert _selected(rules_engine, table, ref_visible(table, actor=actor)) == {prefix + i for i in expected}


@pytest.mark.parametrize(("actor", "expected"), [
    (_actor(admin=True), {"p-mine", "p-rep2-mine", "p-theirs"}),
    (_actor(), {"p-mine", "p-rep2-mine", "p-theirs"}),
    (_actor(admin=True, own_records_only=True), {"p-mine", "p-rep2-mine"}),
    (_actor(own_records_only=True), {"p-mine", "p-rep2-mine"}),
    (_actor(lists=()), set()),
], ids=["administrator", "rep of the account", "administrator limited to their own", "limited to their own",
        "no list selected"])
def test_an_opportunity_is_seen_on_a_visible_account_and_own_records_only_narrows_to_its_reps(rules_engine, actor,
                                                                                             expected):
    assert _selected(rules_engine, opportunities, opportunity_visible(actor)) == expected
