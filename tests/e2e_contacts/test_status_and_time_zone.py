"""Issue 10 §6, two rules left partial, through the gateway.

C-24: contacts and accounts are active or inactive. A search leaves inactive records out unless it asks for them:
``s:inactive`` (``s:active``, ``s:all``; French ``s:inactif``, ``s:actif``, ``s:tous``) or a ``status`` criterion;
the export and a bulk selection hold what the search holds. A bad value is a 422 naming ``q`` (or the criterion's
value), in French and English. Hiding by a field the caller may not read would tell it (S-3): for such a role nothing
is left out by default and ``s:`` is a 403 naming ``status``.

N-6: a date in criteria is the organization's day (00:00 to 24:00 in its time zone), and the export writes timestamps
as the organization's wall-clock time with the zone in the header. The records' timestamps are set in the database
to instants that fall on different days in UTC and in the zone (Pacific/Auckland is UTC+13 in March, America/
Vancouver UTC−7); the zone is set with ``PATCH /organization`` just before, so the change must reach the services at
once.
"""
import io
import json
from datetime import datetime, timezone

import openpyxl
import pytest
import sqlalchemy as sa
from conftest import assert_problem, ok, sign_up
from support.orgs import add_member

from carnet_common.config import sqlalchemy_url

EVERYTHING = {"read": True, "write": True, "delete": True, "export": True}
UTC = timezone.utc


def _names(client, path="/contacts", **params):
    items = ok(client.get(path, params=params))["items"]
    return sorted(item.get("last_name") or item.get("name") for item in items)


def _criteria(client, leaf, path="/contacts", **params):
    return _names(client, path, criteria=json.dumps(leaf), **params)


def _export(client, path="/contacts/export.xlsx", headers=None, **params):
    response = client.get(path, params=params, headers=headers)
    assert response.status_code == 200, response.text
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[cell for cell in row] for row in sheet.iter_rows()]
    header = [cell.value for cell in rows[0]]
    return header, [dict(zip(header, row, strict=True)) for row in rows[1:]]


@pytest.fixture
def statuses(org):
    """In the shared list: an active and an inactive contact, an active contact of an inactive account, an active
    and an inactive account; every name starts with "Statut"."""
    admin, lists = org["admin"], [org["shared"]]
    closed = ok(admin.post("/accounts", json={"name": "Statut Fermé inc.", "status": "inactive",
                                              "list_ids": lists}), 201)
    ok(admin.post("/accounts", json={"name": "Statut Ouvert inc.", "list_ids": lists}), 201)
    ok(admin.post("/contacts", json={"last_name": "StatutActif", "list_ids": lists}), 201)
    gone = ok(admin.post("/contacts", json={"last_name": "StatutParti", "list_ids": lists}), 201)
    ok(admin.patch(f"/contacts/{gone['id']}", json={"status": "inactive"}))
    ok(admin.post("/contacts", json={"last_name": "StatutEmployé", "account_id": closed["id"], "list_ids": lists}),
       201)
    return {"closed": closed, "gone": gone}


ACTIVE_CONTACTS = ["StatutActif", "StatutEmployé"]


def test_a_search_leaves_inactive_records_out_unless_it_asks_for_them(org, statuses):
    admin = org["admin"]
    assert _names(admin, q="statut") == ACTIVE_CONTACTS
    assert _names(admin, q="statut s:inactive") == ["StatutParti"]
    assert _names(admin, q="s:inactif statut") == ["StatutParti"]
    assert _names(admin, q="statut s:active") == ACTIVE_CONTACTS
    assert _names(admin, q="statut s:all") == ["StatutActif", "StatutEmployé", "StatutParti"]
    assert _names(admin, q="S:TOUS statut") == ["StatutActif", "StatutEmployé", "StatutParti"]
    assert ok(admin.get("/contacts", params={"q": "statut"}))["total"] == 2
    # accounts alike
    assert _names(admin, "/accounts", q="statut") == ["Statut Ouvert inc."]
    assert _names(admin, "/accounts", q="statut s:inactive") == ["Statut Fermé inc."]
    # an account's contacts too, and its record still answers
    closed = statuses["closed"]["id"]
    assert _names(admin, f"/accounts/{closed}/contacts") == ["StatutEmployé"]
    assert ok(admin.get(f"/accounts/{closed}"))["status"] == "inactive"
    assert ok(admin.get(f"/contacts/{statuses['gone']['id']}"))["status"] == "inactive"


def test_status_criteria_find_inactive_records_and_the_contacts_of_inactive_accounts(org, statuses):
    admin = org["admin"]
    assert _criteria(admin, {"field": "status", "cmp": "eq", "value": "inactive"}, q="statut") == ["StatutParti"]
    assert _criteria(admin, {"field": "status", "cmp": "ne", "value": "inactive"}, q="statut") == ACTIVE_CONTACTS
    either = {"op": "or", "items": [{"field": "status", "cmp": "eq", "value": "active"},
                                    {"field": "status", "cmp": "eq", "value": "inactive"}]}
    assert _criteria(admin, either, q="statut") == ["StatutActif", "StatutEmployé", "StatutParti"]
    assert _criteria(admin, {"field": "account.status", "cmp": "eq", "value": "inactive"}) == ["StatutEmployé"]
    assert _criteria(admin, {"field": "status", "cmp": "eq", "value": "inactive"}, "/accounts", q="statut") == [
        "Statut Fermé inc."]
    # a saved filter is criteria too
    saved = ok(admin.post("/filters/contacts", json={"name": "Inactifs", "criteria": {
        "field": "status", "cmp": "eq", "value": "inactive"}}), 201)
    assert _names(admin, q="statut", filter_id=saved["id"]) == ["StatutParti"]


def test_the_export_and_a_bulk_selection_hold_what_the_search_holds(org, statuses):
    admin = org["admin"]
    _, rows = _export(admin, q="statut")
    assert sorted(row["Last name"].value for row in rows) == ACTIVE_CONTACTS
    _, rows = _export(admin, q="statut s:inactive")
    assert [(row["Last name"].value, row["Status"].value) for row in rows] == [("StatutParti", "inactive")]
    target = ok(admin.post("/lists", json={"name": "Anciens"}), 201)
    moved = ok(admin.post("/contacts/bulk", json={"action": "copy_to_list", "q": "statut s:inactive",
                                                   "list_id": target["id"]}))
    assert moved["changed"] == 1
    assert ok(admin.get(f"/contacts/{statuses['gone']['id']}"))["list_ids"] == sorted([org["shared"], target["id"]])


@pytest.mark.parametrize("language, words", [("en", "active, inactive or all"), ("fr", "actif, inactif ou tous")])
def test_a_bad_status_is_a_422_naming_q_or_the_criterion_in_the_caller_language(org, statuses, language, words):
    admin = org["admin"]
    headers = {"Accept-Language": language}
    body = assert_problem(admin.get("/contacts", params={"q": "statut s:archived"}, headers=headers), 422,
                          fields=["q"])
    assert words in body["errors"]["q"][0], body
    assert_problem(admin.get("/accounts", params={"q": 's:""'}, headers=headers), 422, fields=["q"])
    body = assert_problem(admin.get("/contacts", headers=headers, params={"criteria": json.dumps(
        {"field": "status", "cmp": "eq", "value": "archived"})}), 422, fields=["criteria.value"])
    assert ("active or inactive" if language == "en" else "active ou inactive") in body["errors"]["criteria.value"][0]
    assert_problem(admin.get("/contacts", headers=headers, params={"criteria": json.dumps(
        {"field": "status", "cmp": "contains", "value": "act"})}), 422, fields=["criteria.cmp"])


def test_inactive_records_of_another_organization_stay_theirs(org, statuses):
    other, _ = sign_up(org["base_url"])
    lists = [ok(other.post("/lists", json={"name": "Leur liste"}), 201)["id"]]
    ok(other.post("/contacts", json={"last_name": "StatutAilleurs", "status": "inactive", "list_ids": lists}), 201)
    assert _names(org["admin"], q="statut s:inactive") == ["StatutParti"]
    assert _criteria(org["admin"], {"field": "status", "cmp": "eq", "value": "inactive"}, q="statut") == [
        "StatutParti"]
    assert _names(other, q="s:inactive") == ["StatutAilleurs"]


def test_a_role_that_may_not_read_the_status_is_not_told_it_by_the_search(org, statuses):
    member = add_member(org, modules={"contacts": EVERYTHING, "accounts": EVERYTHING}, flags={"all_contacts": True})
    ok(org["admin"].put(f"/roles/{member['role']['id']}/permissions", json={
        "modules": {"contacts": EVERYTHING, "accounts": EVERYTHING},
        "fields": {"contacts.status": {"read": False, "write": False}}}))
    client = member["client"]
    # nothing is left out by a field it may not read: the list would tell which records are inactive
    assert _names(client, q="statut") == ["StatutActif", "StatutEmployé", "StatutParti"]
    body = assert_problem(client.get("/contacts", params={"q": "statut s:inactive"}), 403, code="field_not_readable",
                          fields=["q"])
    assert "status" in body["detail"]
    assert_problem(client.get("/contacts", params={"criteria": json.dumps(
        {"field": "status", "cmp": "eq", "value": "inactive"})}), 403, code="field_not_readable")
    # the accounts' status it may read: inactive accounts are left out by default there
    assert _names(client, "/accounts", q="statut") == ["Statut Ouvert inc."]


# N-6 -------------------------------------------------------------------------------------------------------

def _stamp(stack, table, record_id, **stamps):
    engine = sa.create_engine(sqlalchemy_url(stack.env["DATABASE_URL"]))
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(f"UPDATE contacts.{table} SET created_at = :created_at, updated_at = :updated_at "
                                 "WHERE id = :id"), {"id": record_id, **stamps})
    finally:
        engine.dispose()


def _zoned_org(base_url, zone):
    admin, _ = sign_up(base_url)
    assert ok(admin.patch("/organization", json={"timezone": zone}))["timezone"] == zone
    shared = ok(admin.post("/lists", json={"name": "Fuseau"}), 201)["id"]
    return admin, shared


def _created_on(client, day, path="/contacts", cmp="eq", field="created_at"):
    return _criteria(client, {"field": field, "cmp": cmp, "value": day}, path)


def test_a_date_in_criteria_is_the_organization_day_in_auckland(stack, base_url):
    admin, shared = _zoned_org(base_url, "Pacific/Auckland")
    contact = ok(admin.post("/contacts", json={"last_name": "Kiwi", "list_ids": [shared]}), 201)
    account = ok(admin.post("/accounts", json={"name": "Kiwi ltd", "list_ids": [shared]}), 201)
    # 22:30 UTC on March 14th is 11:30 on March 15th in Auckland (NZDT, UTC+13);
    # noon UTC on February 28th is 01:00 on March 1st there
    stamps = {"created_at": datetime(2026, 3, 14, 22, 30, tzinfo=UTC),
              "updated_at": datetime(2026, 2, 28, 12, 0, tzinfo=UTC)}
    _stamp(stack, "contacts", contact["id"], **stamps)
    _stamp(stack, "accounts", account["id"], **stamps)
    assert ok(admin.get(f"/contacts/{contact['id']}"))["created_at"].startswith("2026-03-14T22:30:00")  # RFC 3339
    for path, name in (("/contacts", ["Kiwi"]), ("/accounts", ["Kiwi ltd"])):
        assert _created_on(admin, "2026-03-15", path) == name
        assert _created_on(admin, "2026-03-14", path) == []
        assert _created_on(admin, "2026-03-14", path, cmp="ne") == name
        assert _created_on(admin, "2026-03-14", path, cmp="after") == name
        assert _created_on(admin, "2026-03-15", path, cmp="before") == []
        assert _created_on(admin, "2026-03-16", path, cmp="before") == name
        # updated at 01:00 on March 1st in Auckland: not before March 1st there
        assert _created_on(admin, "2026-03-01", path, cmp="before", field="updated_at") == []
        assert _created_on(admin, "2026-03-01", path, field="updated_at") == name
    assert _created_on(admin, "2026-03-15", field="account.created_at") == []  # Kiwi has no account
    header, rows = _export(admin, q="kiwi")
    assert "Created (Pacific/Auckland)" in header and "Updated (Pacific/Auckland)" in header
    (row,) = rows
    assert row["Created (Pacific/Auckland)"].value == datetime(2026, 3, 15, 11, 30)
    assert row["Created (Pacific/Auckland)"].data_type == "d"
    assert row["Updated (Pacific/Auckland)"].value == datetime(2026, 3, 1, 1, 0)
    header, rows = _export(admin, "/accounts/export.xlsx", q="kiwi")
    (row,) = rows
    assert row["Created (Pacific/Auckland)"].value == datetime(2026, 3, 15, 11, 30)


def test_a_date_in_criteria_is_the_organization_day_in_vancouver_and_french_headers_name_the_zone(stack, base_url):
    admin, shared = _zoned_org(base_url, "America/Vancouver")
    contact = ok(admin.post("/contacts", json={"last_name": "Orque", "list_ids": [shared]}), 201)
    # 05:30 UTC on March 15th is 22:30 on March 14th in Vancouver (PDT, UTC−7)
    _stamp(stack, "contacts", contact["id"], created_at=datetime(2026, 3, 15, 5, 30, tzinfo=UTC),
           updated_at=datetime(2026, 3, 15, 5, 30, tzinfo=UTC))
    assert _created_on(admin, "2026-03-14") == ["Orque"]
    assert _created_on(admin, "2026-03-15") == []
    assert _created_on(admin, "2026-03-15", cmp="before") == ["Orque"]
    header, rows = _export(admin, q="orque", headers={"Accept-Language": "fr"})
    assert "Créé (America/Vancouver)" in header and "Modifié (America/Vancouver)" in header
    assert rows[0]["Créé (America/Vancouver)"].value == datetime(2026, 3, 14, 22, 30)
    # the zone changed: the next request reads the new one
    ok(admin.patch("/organization", json={"timezone": "Pacific/Auckland"}))
    assert _created_on(admin, "2026-03-15") == ["Orque"]
