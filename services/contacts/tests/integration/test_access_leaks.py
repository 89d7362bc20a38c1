"""Issue 10 §1 at the repository: a contact of an account the caller cannot see — in the trash, in a list they
have not selected, another rep's — selects nothing and shows nothing of that account but its id and name (C-2, C-8),
in a search (``c:``/``a:``), a criterion (``account.*``) and an export's rows; an export names reps of the record's
own organization only (issue 10 §2). The end-to-end proofs through the gateway are
tests/e2e_contacts/test_access_leaks.py; these reach what the gateway cannot make (an account in the trash under a
live contact, a rep id of another organization).

Rows are written straight into the migrated schema inside one transaction per test, rolled back at the end.
"""
import json
from datetime import datetime, timezone

import test_visibility_rules as rules

from carnet_contacts import norms
from carnet_contacts.exports import export_xlsx
from carnet_contacts.exports import repository as exports_repository
from carnet_contacts.lists.usecases import Scope
from carnet_contacts.models import account_members, accounts, contacts, list_members, rep_users, selected_lists
from carnet_contacts.records import usecases

actor, new_id = rules.actor, rules.new_id
world = rules.world   # the fixture: rows written in a transaction rolled back after the test

SECRET = {"email": "compta@cachette.example", "phone": "819-555-0199", "fax": "819-555-0100",
          "website": "https://cachette.example", "street": "12 rue Dérobée", "city": "Gatineau", "province": "QC",
          "postal_code": "J8X 1A1", "country": "Canada"}
ACCOUNT_FIELDS = ["name", "email", "phone", "fax", "website", "street", "city", "province", "postal_code", "country"]


def _account(world, *, in_lists, name, deleted=False, rep1=None):
    account_id = new_id()
    values = {"id": account_id, "org_id": world.org, "name": name, **SECRET, "status": "active", "custom": {},
              "version": 1, "rep1_id": rep1, "deleted_at": datetime.now(timezone.utc) if deleted else None}
    world.session.execute(accounts.insert().values(**values, **norms.account_norms(values)))
    for list_id in in_lists:
        world.session.execute(account_members.insert().values(list_id=list_id, account_id=account_id))
    return values


def _contact(world, *, in_lists, account=None, rep1=None, last_name="Lié"):
    contact_id = new_id()
    values = {"id": contact_id, "org_id": world.org, "last_name": last_name, "subscribed": True, "is_primary": False,
              "status": "active", "custom": {}, "version": 1, "rep1_id": rep1,
              "account_id": account["id"] if account else None}
    world.session.execute(contacts.insert().values(**values, **norms.contact_norms(values, account)))
    for list_id in in_lists:
        world.session.execute(list_members.insert().values(list_id=list_id, contact_id=contact_id))
    return contact_id


def _caller(world, *lists, **flags):
    me = new_id()
    for list_id in lists:
        world.session.execute(selected_lists.insert().values(user_id=me, list_id=list_id))
    return actor(world.org, me, **flags)


def _search(world, who, **query):
    found = usecases.search_records(world.session, actor=who, record_type="contact",
                                    query={"page": 1, "per_page": 50, **query})
    return {item["id"] for item in found["items"]}


def _export(world, who, *, fields=("id", "last_name", "rep1_id"), account_fields=ACCOUNT_FIELDS, **kwargs):
    scope = Scope(world.session, who)
    predicates = usecases.record_predicates(world.session, actor=who, record_type="contact", query={}, scope=scope)
    columns = export_xlsx.columns_for("contact", fields=fields, account_fields=account_fields)
    batches = exports_repository.stream_rows(world.session, "contact", predicates=predicates,
                                             sort=[(contacts.c.id, False, False)], columns=columns, **kwargs)
    return {row[0]: dict(zip([col.key for col in columns], row, strict=True)) for batch in batches for row in batch}


def _account_values(row):
    return {key: value for key, value in row.items() if key.startswith("account_") and value is not None}


def test_a_contact_of_an_account_in_the_trash_or_out_of_reach_shows_its_id_and_name_only(world):
    admin = new_id()
    selected, unselected = world.list(created_by=admin), world.list(created_by=admin)
    trashed = _account(world, in_lists=[selected], name="Poubelle inc.", deleted=True)
    elsewhere = _account(world, in_lists=[unselected], name="Ailleurs inc.")
    shown = _account(world, in_lists=[selected], name="Vitrine inc.")
    of_trashed = _contact(world, in_lists=[selected], account=trashed)
    of_elsewhere = _contact(world, in_lists=[selected], account=elsewhere)
    of_shown = _contact(world, in_lists=[selected], account=shown)
    who = _caller(world, selected, is_admin=True)
    assert _search(world, who, q="c:gatineau") == {of_shown}
    assert _search(world, who, q="a:derobee") == {of_shown}
    for leaf in ({"field": "account.city", "cmp": "contains", "value": "gatineau"},
                 {"field": "account.email", "cmp": "eq", "value": SECRET["email"]},
                 {"field": "account.name", "cmp": "starts_with", "value": "poubelle"}):
        assert of_trashed not in _search(world, who, criteria=json.dumps(leaf)), leaf
        assert of_elsewhere not in _search(world, who, criteria=json.dumps(leaf)), leaf
    assert {of_trashed, of_elsewhere} <= _search(world, who, criteria=json.dumps(
        {"field": "account.email", "cmp": "empty"}))
    rows = _export(world, who, actor=who)
    assert set(rows) == {of_trashed, of_elsewhere, of_shown}
    assert _account_values(rows[of_trashed]) == {"account_id": trashed["id"], "account_name": "Poubelle inc."}
    assert _account_values(rows[of_elsewhere]) == {"account_id": elsewhere["id"], "account_name": "Ailleurs inc."}
    assert _account_values(rows[of_shown])["account_city"] == "Gatineau"
    # Without an actor to ask, no account is shown (an export's account columns fail closed).
    assert _account_values(_export(world, who)[of_shown]) == {"account_id": shown["id"],
                                                             "account_name": "Vitrine inc."}


def test_an_account_of_another_rep_is_out_of_reach_of_a_user_limited_to_their_own(world):
    admin, me = new_id(), new_id()
    shared = world.list(created_by=admin, access_all_users=True)
    theirs = _account(world, in_lists=[shared], name="Leur compte")
    mine = _account(world, in_lists=[shared], name="Mon compte", rep1=me)
    of_theirs = _contact(world, in_lists=[shared], account=theirs, rep1=me)
    of_mine = _contact(world, in_lists=[shared], account=mine, rep1=me)
    world.session.execute(selected_lists.insert().values(user_id=me, list_id=shared))
    who = actor(world.org, me)
    assert _search(world, who, q="c:gatineau") == {of_mine}
    rows = _export(world, who, actor=who)
    assert _account_values(rows[of_theirs]) == {"account_id": theirs["id"], "account_name": "Leur compte"}
    assert _account_values(rows[of_mine])["account_email"] == SECRET["email"]
    everyone = {**who, "flags": {**who["flags"], "all_contacts": True}}
    assert _search(world, everyone, q="c:gatineau") == {of_theirs, of_mine}


def test_the_export_names_reps_of_the_records_own_organization_only(world):
    admin = new_id()
    selected = world.list(created_by=admin)
    ours, foreign = new_id(), new_id()
    now = datetime.now(timezone.utc)
    for user_id, org_id, full_name in ((ours, world.org, "Notre Rep"), (foreign, new_id(), "Rep Étrangère")):
        world.session.execute(rep_users.insert().values(id=user_id, org_id=org_id, username=user_id,
                                                        full_name=full_name, name_norm=norms.fold(full_name),
                                                        updated_at=now))
    with_ours = _contact(world, in_lists=[selected], rep1=ours)
    with_foreign = _contact(world, in_lists=[selected], rep1=foreign)
    who = _caller(world, selected, is_admin=True)
    rows = _export(world, who, account_fields=())
    assert rows[with_ours]["rep1_name"] == "Notre Rep"
    assert rows[with_foreign]["rep1_name"] == foreign     # the id as stored, never another organization's name
