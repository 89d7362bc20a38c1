"""Bad input on every page of the web client gets a page naming the problem, never a 500 (the Standards: "bad input
gets a clear … error …, never a 500"): every page read with junk in its query and in its path, every form posted
empty and with junk, as an administrator, for whom every page is open; each record page once with a real record of
the organization (so the junk reaches the forms and the API's contracts) and twice with ids that are not."""
import pytest
from conftest import ok, web_login

from carnet_gateway.app import create_app
from carnet_gateway.settings import Settings

JUNK_QUERY = {"page": "abc", "per_page": "-3", "sort": "nope;drop", "q": "s:zzz " + "x" * 300,
              "criteria": "{not json", "filter_id": "missing", "from": "2026-13-45", "to": "yesterday",
              "due_before": "soon", "status": "weird", "type": "weird", "stage": "\u0000", "user_id": "nobody",
              "assignee_id": "x" * 100, "active": "perhaps", "next": "//evil.example"}
JUNK_FORM = {"first_name": "\u0000", "email": "@", "version": "abc", "list_ids": "nope", "account_id": "x" * 80,
             "due_at": "2026-02-30T25:00", "quantity": "1e999", "lines-0-quantity": "NaN", "action": "explode",
             "ids": "missing", "language": "xx", "name": "", "label_fr": "x" * 5000, "probability": "many",
             "role_id": "nope", "manager_id": "nope", "type": "weird", "status": "weird", "criteria": "[",
             "dependents": "maybe", "code": "", "challenge": "", "fields": "?", "columns": "?", "position": "-1"}


def _rules():
    app = create_app(Settings.from_env())
    return sorted({(rule.rule, method) for rule in app.url_map.iter_rules() if rule.endpoint.startswith("web.")
                   and rule.endpoint not in ("web.static", "web.not_found", "web.logout")
                   for method in rule.methods & {"GET", "POST"}})


def _path(rule, ids, value=None):
    import re

    def fill(match):
        name = match.group(1)
        if name in ("module", "module_name"):
            return "contacts"
        return value or ids.get(name, "missing")
    return re.sub(r"<(?:\w+:)?(\w+)>", fill, rule)


@pytest.fixture(scope="module")
def admin(base_url):
    """An administrator's pages, and the ids of one record of each kind in their organization (so that the junk
    reaches the pages' forms and the API's contracts, not only a 404)."""
    from support.http import ApiClient, create_user, sign_up, unique
    api, created = sign_up(base_url, client_class=ApiClient)
    listed = ok(api.post("/lists", json={"name": "Clients", "access_all_users": True}), 201)["id"]
    account = ok(api.post("/accounts", json={"name": "Compte", "list_ids": [listed]}), 201)["id"]
    contact = ok(api.post("/contacts", json={"last_name": "Roy", "account_id": account, "list_ids": [listed]}), 201)
    other = ok(api.post("/contacts", json={"last_name": "Côté", "list_ids": [listed]}), 201)["id"]
    stage = ok(api.get("/stages"))[0]
    opportunity = ok(api.post("/opportunities", json={"title": "Plancher", "account_id": account,
                                                      "stage_id": stage["id"]}), 201)["id"]
    task = ok(api.post("/tasks", json={"type": "call", "title": "Appel", "contact_id": contact["id"]}), 201)["id"]
    role = ok(api.post("/roles", json={"name": unique("role")}), 201)["id"]
    user = create_user(api)["id"]
    ok(api.post("/custom-fields/contacts", json={"key": "taille", "type": "text", "label_fr": "Taille",
                                                 "label_en": "Size"}), 201)
    ids = {"contact_id": contact["id"], "account_id": account, "opportunity_id": opportunity, "task_id": task,
           "role_id": role, "user_id": user, "list_id": listed, "key": "taille", "stage_id": stage["id"],
           "other_id": other}
    return web_login(base_url, created["user"]["username"]), ids


@pytest.mark.parametrize(("rule", "method"), _rules())
def test_junk_never_gets_a_500(admin, rule, method):
    admin_page, ids = admin
    for value in (None, "missing", "x" * 70):
        path = _path(rule, ids, value)
        if method == "GET":
            page = admin_page.get(path, params=JUNK_QUERY)
        else:
            page = admin_page.post(path + "?page=abc", JUNK_FORM)
            assert admin_page.post(path, {}).status < 500, (path, "empty form")
        assert page.status < 500, (method, path, page.status, page.body_text[:300])
