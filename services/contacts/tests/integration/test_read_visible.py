"""A get-by-id reads the record, its visibility, its lists, its account's name and its module's custom field
definitions in one statement (records/repository ``read_visible``, issue 9 §3 cut 3): it must see exactly what the
rule of ``visibility.record_visible`` over the lists read first (``lists.usecases.Scope``) sees, and every change of
lists, grants, selections and custom fields at the very next read.

Rows are written straight into the migrated schema inside one transaction per test, rolled back at the end.
"""
import pytest
import sqlalchemy as sa
import test_visibility_rules as rules

from carnet_common.errors import NotFound
from carnet_contacts.lists.usecases import Scope
from carnet_contacts.models import accounts, contacts, custom_fields, list_grants, selected_lists
from carnet_contacts.records import repository, usecases

actor, new_id = rules.actor, rules.new_id
world = rules.world   # the fixture: rows written in a transaction rolled back after the test


def _select(world, user_id, *list_ids):
    for list_id in list_ids:
        world.session.execute(selected_lists.insert().values(user_id=user_id, list_id=list_id))


def _seen_one_by_one(world, who):
    return {contact_id for contact_id in world.contacts
            if repository.read_visible(world.session, "contact", contact_id, actor=who) is not None}


def test_one_statement_sees_what_the_rule_over_the_lists_read_first_sees(world):
    me, report, someone = new_id(), new_id(), new_id()
    own = world.list(created_by=me)
    shared = world.list(created_by=someone, access_all_users=True)
    granted = world.list(created_by=someone, granted=[me])
    hidden_from_me = world.list(created_by=someone)                      # an admin's, not mine
    private = world.list(created_by=someone, private=True, granted=[me])  # its creator's only
    unselected = world.list(created_by=me)
    _select(world, me, own, shared, granted, hidden_from_me, private)
    for list_id in (own, shared, granted, hidden_from_me, private, unselected):
        for rep in (me, report, someone):
            world.contact(in_lists=[list_id], rep1=rep)
        world.contact(in_lists=[list_id], rep2=me)
        world.contact(in_lists=[list_id], rep1=me, deleted=True)
    world.contact(in_lists=[own], rep1=me, org=new_id())
    callers = [actor(world.org, me), actor(world.org, me, all_contacts=True), actor(world.org, me, is_admin=True),
               {**actor(world.org, me, hierarchy_contacts=True), "subordinate_ids": [report]}]
    for who in callers:
        expected = world.visible_contacts(who, Scope(world.session, who).selected)
        assert expected, who
        assert _seen_one_by_one(world, who) == expected, who


def test_the_read_carries_the_accessible_lists_the_account_name_and_the_custom_field_definitions(world):
    me, someone = new_id(), new_id()
    own = world.list(created_by=me)
    theirs = world.list(created_by=someone)
    _select(world, me, own)
    account_id = world.account(in_lists=[own], rep1=me)
    contact_id = world.contact(in_lists=[own, theirs], rep1=me, account_id=account_id)
    for key, hidden in (("size", False), ("secret", True)):
        world.session.execute(custom_fields.insert().values(
            id=new_id(), org_id=world.org, module="contacts", key=key, type="text", label_fr=key, label_en=key,
            hidden=hidden, position=0))
    row = repository.read_visible(world.session, "contact", contact_id, actor=actor(world.org, me))
    assert row["read_list_ids"] == [own]
    assert row["read_account_name"] == account_id       # World names an account by its id
    assert row["read_custom_hidden"] == {"size": False, "secret": True}
    account = repository.read_visible(world.session, "account", account_id, actor=actor(world.org, me))
    assert account["read_list_ids"] == [own] and account["read_custom_hidden"] == {}


def test_a_change_of_grants_selections_custom_fields_and_names_shows_at_the_next_read(world):
    me, someone = new_id(), new_id()
    granted = world.list(created_by=someone, granted=[me])
    _select(world, me, granted)
    account_id = world.account(in_lists=[granted])
    contact_id = world.contact(in_lists=[granted], rep1=me, account_id=account_id)
    world.session.execute(custom_fields.insert().values(
        id=new_id(), org_id=world.org, module="contacts", key="size", type="text", label_fr="t", label_en="t",
        hidden=False, position=0))
    world.session.execute(sa.update(contacts).where(contacts.c.id == contact_id).values(custom={"size": "L"}))
    me_actor = actor(world.org, me)

    def read():
        return usecases.get_record(world.session, actor=me_actor, record_type="contact", record_id=contact_id)

    assert read()["custom"] == {"size": "L"} and read()["account_name"] == account_id
    world.session.execute(custom_fields.update().where(custom_fields.c.org_id == world.org).values(hidden=True))
    assert read()["custom"] == {}
    world.session.execute(accounts.update().where(accounts.c.id == account_id).values(name="Renamed"))
    assert read()["account_name"] == "Renamed"
    world.session.execute(list_grants.delete().where(list_grants.c.list_id == granted))
    with pytest.raises(NotFound):
        read()
    world.session.execute(list_grants.insert().values(list_id=granted, user_id=me))
    assert read()["list_ids"] == [granted]
    world.session.execute(selected_lists.delete().where(selected_lists.c.user_id == me))
    with pytest.raises(NotFound):
        read()

