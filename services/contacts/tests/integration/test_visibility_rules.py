"""Who sees which records, lists and summarized opportunities and tasks (C-2, C-12, L-1..L-3, S-4..S-6), as rows
PostgreSQL selects with the repository's predicates (records/repository/visibility.py, lists/repository.py
``list_accessible``, records/repository/summary_visibility.py through the action criteria): rows that must match
and rows that must not, so a rule that turned an AND into an OR would fail here.

Rows are written straight into the migrated schema inside one transaction per test, rolled back at the end.
"""
import uuid
from datetime import datetime, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from carnet_contacts import norms
from carnet_contacts.lists.repository import list_accessible
from carnet_contacts.models import (
    account_members,
    accounts,
    contacts,
    list_grants,
    list_members,
    lists,
    opportunity_summaries,
    task_summaries,
)
from carnet_contacts.records.repository import criteria, visibility


def new_id():
    return str(uuid.uuid4())


def actor(org_id, user_id, *, is_admin=False, own_records_only=False, **flags):
    return {"org_id": org_id, "user_id": user_id, "is_admin": is_admin, "subordinate_ids": [],
            "flags": {**flags, "own_records_only": own_records_only}}


class World:
    """Rows of one test, in its own transaction; ``ids`` remembers what it wrote so queries ignore other tests'."""

    def __init__(self, session):
        self.session = session
        self.org = new_id()
        self.contacts, self.accounts, self.lists = [], [], []

    def list(self, *, created_by, org=None, private=False, access_all_users=False, granted=()):
        list_id = new_id()
        self.session.execute(lists.insert().values(id=list_id, org_id=org or self.org, name=list_id, private=private,
                                                   access_all_users=access_all_users, created_by=created_by))
        for user_id in granted:
            self.session.execute(list_grants.insert().values(list_id=list_id, user_id=user_id))
        self.lists.append(list_id)
        return list_id

    def account(self, *, in_lists, rep1=None):
        account_id = new_id()
        values = {"id": account_id, "org_id": self.org, "name": account_id, "status": "active", "custom": {},
                  "version": 1, "rep1_id": rep1}
        self.session.execute(accounts.insert().values(**values, **norms.account_norms(values)))
        for list_id in in_lists:
            self.session.execute(account_members.insert().values(list_id=list_id, account_id=account_id))
        self.accounts.append(account_id)
        return account_id

    def contact(self, *, in_lists, rep1=None, rep2=None, org=None, account_id=None, deleted=False):
        contact_id = new_id()
        values = {"id": contact_id, "org_id": org or self.org, "last_name": contact_id, "subscribed": True,
                  "is_primary": False, "status": "active", "custom": {}, "version": 1, "rep1_id": rep1,
                  "rep2_id": rep2, "account_id": account_id,
                  "deleted_at": datetime.now(timezone.utc) if deleted else None}
        self.session.execute(contacts.insert().values(**values, **norms.contact_norms(values, None)))
        for list_id in in_lists:
            self.session.execute(list_members.insert().values(list_id=list_id, contact_id=contact_id))
        self.contacts.append(contact_id)
        return contact_id

    def opportunity(self, *, account_id, contact_id=None, stage_id="s1", rep1=None, rep2=None):
        self.session.execute(opportunity_summaries.insert().values(
            id=new_id(), org_id=self.org, account_id=account_id, contact_id=contact_id, stage_id=stage_id,
            probability=50, total=Decimal("100.00"), version=1, deleted=False, rep1_id=rep1, rep2_id=rep2))

    def task(self, *, contact_id=None, account_id=None, type="call", assignee=None, author=None):
        self.session.execute(task_summaries.insert().values(
            id=new_id(), org_id=self.org, contact_id=contact_id, account_id=account_id, opportunity_id=None,
            type=type, status="todo", version=1, deleted=False, assignee_id=assignee, created_by=author))

    def visible_contacts(self, who, list_ids):
        predicate = visibility.record_visible(contacts, list_members, "contact_id", actor=who, list_ids=list_ids)
        return set(self.session.scalars(sa.select(contacts.c.id).where(contacts.c.id.in_(self.contacts), predicate)))

    def accessible_lists(self, who):
        predicate = list_accessible(lists, list_grants, who)
        return set(self.session.scalars(sa.select(lists.c.id).where(lists.c.id.in_(self.lists), predicate)))

    def matching(self, leaf, who, selected, record_type="contact"):
        table = contacts if record_type == "contact" else accounts
        ids = self.contacts if record_type == "contact" else self.accounts
        ctx = criteria.Context(record_type, self.org, actor=who, selected=frozenset(selected))
        predicate = criteria.compile_criteria(leaf, ctx)
        return set(self.session.scalars(sa.select(table.c.id).where(table.c.id.in_(ids), predicate)))


@pytest.fixture
def world(engine):
    with Session(engine) as session:
        session.begin()
        yield World(session)
        session.rollback()


# Records (C-2, L-2, S-4, S-5) ---------------------------------------------------------------------------

def test_a_record_is_seen_in_a_selected_list_of_its_organization_when_the_user_is_one_of_its_reps(world):
    me, someone = new_id(), new_id()
    l1, l2, l3 = (world.list(created_by=someone) for _ in range(3))
    seen = {world.contact(in_lists=[l1], rep1=me), world.contact(in_lists=[l2], rep2=me)}
    world.contact(in_lists=[l1], rep1=someone)                     # another rep's
    world.contact(in_lists=[l3], rep1=me)                          # outside the selected lists
    world.contact(in_lists=[l1], rep1=me, deleted=True)            # in the trash
    world.contact(in_lists=[l1], rep1=me, org=new_id())            # another organization's
    assert world.visible_contacts(actor(world.org, me), [l1, l2]) == seen


def test_everyone_s_records_for_all_contacts_but_never_without_a_selected_list(world):
    me, someone = new_id(), new_id()
    l1 = world.list(created_by=someone)
    theirs = world.contact(in_lists=[l1], rep1=someone)
    everyone = actor(world.org, me, all_contacts=True)
    assert world.visible_contacts(everyone, [l1]) == {theirs}
    assert world.visible_contacts(everyone, []) == set()
    assert world.visible_contacts(actor(world.org, me, is_admin=True), []) == set()


def test_hierarchy_adds_the_records_of_the_users_below(world):
    me, report, other = new_id(), new_id(), new_id()
    l1 = world.list(created_by=me)
    theirs = world.contact(in_lists=[l1], rep1=report)
    world.contact(in_lists=[l1], rep1=other)
    boss = {**actor(world.org, me, hierarchy_contacts=True), "subordinate_ids": [report]}
    assert world.visible_contacts(boss, [l1]) == {theirs}
    assert world.visible_contacts({**boss, "flags": {}}, [l1]) == set()


# Lists (L-1, L-3, S-6) --------------------------------------------------------------------------------------

def test_private_lists_are_their_creators_only_even_for_admins(world):
    me, someone = new_id(), new_id()
    mine = world.list(created_by=me, private=True)
    plain = world.list(created_by=someone)              # neither shared nor granted: an admin still sees it
    world.list(created_by=someone, private=True, granted=[me])
    world.list(created_by=someone, org=new_id(), access_all_users=True)
    assert world.accessible_lists(actor(world.org, me, is_admin=True)) == {mine, plain}


def test_non_admins_need_a_grant_or_access_for_all(world):
    me, someone = new_id(), new_id()
    own = world.list(created_by=me)
    shared = world.list(created_by=someone, access_all_users=True)
    granted = world.list(created_by=someone, granted=[me])
    world.list(created_by=someone)                                 # not shared with them
    world.list(created_by=someone, granted=[new_id()])             # granted to someone else
    world.list(created_by=someone, private=True, granted=[me])     # private stays its creator's
    world.list(created_by=someone, org=new_id(), access_all_users=True)
    assert world.accessible_lists(actor(world.org, me)) == {own, shared, granted}


# Summaries counted by the action criteria (C-12 with S-4) ----------------------------------------------------

STAGE = {"field": "opportunity.stage_id", "cmp": "eq", "value": "s1"}
CALL = {"field": "task.type", "cmp": "eq", "value": "call"}


def test_without_a_caller_nothing_counts(world):
    me = new_id()
    l1 = world.list(created_by=me)
    account = world.account(in_lists=[l1])
    contact = world.contact(in_lists=[l1], rep1=me, account_id=account)
    world.opportunity(account_id=account, contact_id=contact, rep1=me)
    world.task(contact_id=contact, account_id=account, assignee=me, author=me)
    admin = actor(world.org, me, is_admin=True)
    assert world.matching(STAGE, admin, [l1]) == {contact}          # what the caller-less context must not count
    assert world.matching(CALL, admin, [l1], "account") == {account}
    assert world.matching(STAGE, None, [l1]) == set()
    assert world.matching(CALL, None, [l1], "account") == set()


def test_every_caller_counts_only_what_hangs_on_accounts_in_their_selected_lists(world):
    admin_id, someone = new_id(), new_id()
    l1, l2 = world.list(created_by=admin_id), world.list(created_by=admin_id)
    in_scope, out_of_scope = world.account(in_lists=[l1]), world.account(in_lists=[l2])
    first = world.contact(in_lists=[l1], account_id=in_scope)
    second = world.contact(in_lists=[l1], account_id=out_of_scope)
    world.opportunity(account_id=in_scope, rep1=someone)            # an administrator sees every rep's
    world.opportunity(account_id=out_of_scope, contact_id=second, rep1=admin_id)
    assert world.matching(STAGE, actor(world.org, admin_id, is_admin=True), [l1]) == {first}


def test_own_records_only_narrows_to_the_callers_opportunities_and_tasks(world):
    me, rival = new_id(), new_id()
    l1 = world.list(created_by=me)
    limited = actor(world.org, me, all_contacts=True, own_records_only=True)
    account = world.account(in_lists=[l1])
    as_rep1, as_rep2, rivals = (world.contact(in_lists=[l1]) for _ in range(3))
    world.opportunity(account_id=world.account(in_lists=[l1]), contact_id=as_rep1, rep1=me)
    world.opportunity(account_id=world.account(in_lists=[l1]), contact_id=as_rep2, rep1=rival, rep2=me)
    world.opportunity(account_id=world.account(in_lists=[l1]), contact_id=rivals, rep1=rival)
    assert world.matching(STAGE, limited, [l1]) == {as_rep1, as_rep2}

    assigned, authored, others = (world.contact(in_lists=[l1]) for _ in range(3))
    world.task(contact_id=assigned, assignee=me, author=rival)
    world.task(contact_id=authored, assignee=rival, author=me)
    world.task(contact_id=others, assignee=rival, author=rival)
    assert world.matching(CALL, limited, [l1]) == {assigned, authored}

    # through a contact's account too
    employee = world.contact(in_lists=[l1], account_id=account)
    world.task(account_id=account, type="meeting", assignee=rival, author=me)
    other_account = world.account(in_lists=[l1])
    world.contact(in_lists=[l1], account_id=other_account)
    world.task(account_id=other_account, type="meeting", assignee=rival, author=rival)
    meeting = {"field": "account.task.type", "cmp": "eq", "value": "meeting"}
    assert world.matching(meeting, limited, [l1]) == {employee}
