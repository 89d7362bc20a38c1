"""The delete conversation through the gateway (C-10) for accounts and bulk deletes: the preview lists the tasks
and opportunities hanging on the record and says what each ``dependents`` choice does; the choice is accepted
and applied on DELETE /accounts/{id} and POST /contacts/bulk as on DELETE /contacts/{id}; a restore brings
everything back; the purge of the trash removes for good what was deleted with the record."""
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from conftest import assert_problem, eventually, ok
from nameko.standalone.rpc import ClusterRpcProxy

from carnet_common.config import sqlalchemy_url


def _account(client, org, name):
    account = ok(client.post("/accounts", json={"name": name, "list_ids": [org["shared"]]}), 201)
    contact = ok(client.post(f"/accounts/{account['id']}/contacts", json={"last_name": "Roy"}), 201)
    return account, contact


def _created(client, path, body):
    """POST at once: the opportunities service confirms at the source an account or contact its read model has not
    heard of yet (issue 10 §3)."""
    return ok(client.post(path, json=body), 201)


def _opportunity(client, account, contact=None):
    stage = next(s for s in ok(client.get("/stages")) if s["probability"] == 25)
    body = {"title": "Vente", "account_id": account["id"], "stage_id": stage["id"]}
    if contact:
        body["contact_id"] = contact["id"]
    return _created(client, "/opportunities", body)


def _status(client, path, status):
    eventually(lambda: client.get(path), lambda r: r.status_code == status)


def _column(stack, sql, **params):
    engine = sa.create_engine(sqlalchemy_url(stack.env["DATABASE_URL"]))
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(sql), params).all()
    finally:
        engine.dispose()


@pytest.mark.parametrize("dependents", ["delete", "reattach"])
def test_an_account_delete_applies_the_choice_and_a_restore_brings_everything_back(org, stack, dependents):
    admin = org["admin"]
    account, contact = _account(admin, org, f"Compte {dependents}")
    opportunity = _opportunity(admin, account, contact)
    on_account = _created(admin, "/tasks", {"type": "todo", "title": "Relancer", "account_id": account["id"]})
    on_contact = _created(admin, "/tasks", {"type": "call", "title": "Appeler", "contact_id": contact["id"]})

    admin.language = "en"
    preview = ok(admin.get(f"/accounts/{account['id']}/delete-preview"))
    assert {t["id"] for t in preview["tasks"]} == {on_account["id"], on_contact["id"]} and preview["tasks_total"] == 2
    assert [o["id"] for o in preview["opportunities"]] == [opportunity["id"]]
    assert preview["reattach_to"] is None
    assert "nothing to reattach them to" in preview["dependents_choices"]["reattach"]
    assert "go to the trash with it" in preview["dependents_choices"]["delete"]
    admin.language = "fr"
    choices = ok(admin.get(f"/accounts/{account['id']}/delete-preview"))["dependents_choices"]
    assert "rien à quoi les rattacher" in choices["reattach"]
    assert_problem(admin.delete(f"/accounts/{account['id']}", params={"dependents": "maybe"}), 422,
                   fields=["dependents"])

    deleted = ok(admin.delete(f"/accounts/{account['id']}", params={"dependents": dependents}),
                 200 if dependents == "delete" else 204)
    if dependents == "delete":  # the answer says what went with it (issue 10 §1)
        assert deleted["dependents"]["opportunities_deleted"] == [opportunity["id"]]
        assert set(deleted["dependents"]["tasks_deleted"]) == {on_account["id"], on_contact["id"]}
        assert deleted["dependents"]["left"] == []
    for path in (f"/tasks/{on_account['id']}", f"/tasks/{on_contact['id']}", f"/opportunities/{opportunity['id']}"):
        _status(admin, path, 404)
    deleted_with = _column(stack, "SELECT deleted_with FROM opportunities.tasks WHERE id IN (:a, :c)",
                           a=on_account["id"], c=on_contact["id"])
    # delete: deleted with the account; reattach: nothing to reattach to, left in place, hidden with it
    assert [row.deleted_with for row in deleted_with] == [account["id"] if dependents == "delete" else None] * 2

    ok(admin.post(f"/trash/{account['id']}/restore"))
    for path in (f"/tasks/{on_account['id']}", f"/tasks/{on_contact['id']}", f"/opportunities/{opportunity['id']}"):
        _status(admin, path, 200)
    assert ok(admin.get(f"/tasks/{on_contact['id']}"))["contact_id"] == contact["id"]


def test_a_contacts_preview_names_the_account_reattach_moves_to(org):
    admin = org["admin"]
    account, contact = _account(admin, org, "Bois Côté")
    task = _created(admin, "/tasks", {"type": "call", "title": "Appeler", "contact_id": contact["id"]})
    admin.language = "en"
    preview = eventually(lambda: ok(admin.get(f"/contacts/{contact['id']}/delete-preview")),
                         lambda p: p["tasks_total"] == 1)
    assert [t["id"] for t in preview["tasks"]] == [task["id"]] and preview["reattach_to"] == account["id"]
    assert "Bois Côté" in preview["dependents_choices"]["reattach"]
    ok(admin.delete(f"/contacts/{contact['id']}", params={"dependents": "reattach"}), 204)
    moved = eventually(lambda: ok(admin.get(f"/tasks/{task['id']}")), lambda t: t["contact_id"] is None)
    assert moved["account_id"] == account["id"]


def test_a_bulk_delete_accepts_and_applies_the_choice(org):
    admin = org["admin"]
    account, contact = _account(admin, org, "Groupé inc.")
    opportunity = _opportunity(admin, account, contact)
    task = _created(admin, "/tasks", {"type": "call", "title": "Appeler", "contact_id": contact["id"]})
    assert_problem(admin.post("/contacts/bulk", json={"action": "delete", "ids": [contact["id"]],
                                                      "dependents": "maybe"}), 422, fields=["dependents"])
    result = ok(admin.post("/contacts/bulk", json={"action": "delete", "ids": [contact["id"]],
                                                   "dependents": "delete"}))
    assert result["changed"] == 1
    _status(admin, f"/tasks/{task['id']}", 404)
    _status(admin, f"/opportunities/{opportunity['id']}", 404)
    ok(admin.post(f"/trash/{contact['id']}/restore"))
    _status(admin, f"/tasks/{task['id']}", 200)
    _status(admin, f"/opportunities/{opportunity['id']}", 200)


def test_the_purge_removes_what_was_deleted_with_the_account_for_good(org, stack):
    admin = org["admin"]
    account, contact = _account(admin, org, "Purgé inc.")
    opportunity = _opportunity(admin, account)
    task = _created(admin, "/tasks", {"type": "call", "title": "Appeler", "contact_id": contact["id"]})
    ok(admin.delete(f"/accounts/{account['id']}", params={"dependents": "delete"}), 200)
    eventually(lambda: _column(stack, "SELECT deleted_with FROM opportunities.tasks WHERE id = :id", id=task["id"]),
               lambda rows: rows[0].deleted_with == account["id"])
    past = datetime.now(timezone.utc) - timedelta(days=31)
    engine = sa.create_engine(sqlalchemy_url(stack.env["DATABASE_URL"]))
    with engine.begin() as conn:
        for table in ("contacts", "accounts", "trash"):
            conn.execute(sa.text(f"UPDATE contacts.{table} SET deleted_at = :at WHERE id IN (:a, :c)"),
                         {"at": past, "a": account["id"], "c": contact["id"]})
    engine.dispose()
    with ClusterRpcProxy({"AMQP_URI": stack.env["AMQP_URI"], "serializer": "json"}, timeout=20) as proxy:
        assert proxy.contacts.purge_trash()["accounts"] >= 1
    eventually(lambda: _column(stack, "SELECT id FROM opportunities.tasks WHERE id = :t UNION ALL "
                                      "SELECT id FROM opportunities.opportunities WHERE id = :o",
                               t=task["id"], o=opportunity["id"]), lambda rows: rows == [])
    assert_problem(admin.post(f"/trash/{account['id']}/restore"), 404)
