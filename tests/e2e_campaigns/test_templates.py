"""E-mail templates through the gateway (E-2, E-8): built-ins first and read-only, own templates per organization,
merge fields refused naming the part, HTML sanitised, optimistic versions, previews in each language; the emails
module's permissions (S-3) and plan (E-1) checked; the OpenAPI document states the routes."""
import requests
from conftest import assert_problem, ok, sign_up
from nameko.standalone.rpc import ClusterRpcProxy
from support.orgs import add_member

from carnet_testing import rpc_config

XSS = ("<p onmouseover=\"alert(1)\">Bonjour {{ first_name | \"client\" }}</p><script>alert(1)</script>"
       "<img src=x onerror=alert(1)><a href=\"javascript:alert(1)\">x</a><svg onload=alert(1)></svg>")


def test_templates_through_the_gateway(org, base_url):
    admin = org["admin"]
    listed = ok(admin.get("/email-templates"))
    assert listed[0]["id"] == "builtin:blank" and all(item["builtin"] for item in listed)
    created = ok(admin.post("/email-templates", json={"name": "Bienvenue", "subject": "Bonjour {{ first_name }}",
                                                       "html": XSS}), 201)
    assert created["html"] == "<p>Bonjour {{ first_name | \"client\" }}</p><img><a rel=\"noopener noreferrer\">x</a>"
    assert ok(admin.get(f"/email-templates/{created['id']}")) == created
    assert ok(admin.get("/email-templates"))[-1]["id"] == created["id"]

    problem = assert_problem(admin.post("/email-templates", json={"name": "x", "subject": "{{ societe }}",
                                                                  "text": "{{ first_name"}), 422,
                             fields=("subject", "text"))
    assert set(problem["errors"]) == {"subject", "text"}
    assert_problem(admin.post("/email-templates", json={"name": "x", "subject": "a\nBcc: b@c.d"}), 422,
                   fields=("subject",))
    assert_problem(admin.post("/email-templates", json={"subject": "x"}), 422, fields=("name",))

    changed = ok(admin.patch(f"/email-templates/{created['id']}", json={"version": 1, "name": "Accueil"}))
    assert changed["version"] == 2 and changed["name"] == "Accueil"
    assert_problem(admin.patch(f"/email-templates/{created['id']}", json={"version": 1, "name": "Tard"}), 409,
                   code="version_conflict")
    assert_problem(admin.patch("/email-templates/builtin:blank", json={"version": 1, "name": "x"}), 409,
                   code="template_builtin_read_only")
    assert_problem(admin.delete("/email-templates/builtin:newsletter"), 409, code="template_builtin_read_only")
    assert_problem(admin.get("/email-templates/builtin:nope"), 404)
    assert_problem(admin.post("/email-templates/from-campaign/nope", json={}), 404)

    preview = ok(admin.get(f"/email-templates/{created['id']}/preview"))
    assert [(item["language"], item["html"]) for item in preview["previews"]] == [
        ("en", "<p>Bonjour Jane</p><img><a rel=\"noopener noreferrer\">x</a>"),
        ("fr", "<p>Bonjour Sophie</p><img><a rel=\"noopener noreferrer\">x</a>")]
    french = ok(admin.get("/email-templates/builtin:follow_up/preview", params={"language": "fr"}))["previews"]
    assert [item["subject"] for item in french] == ["Suite à notre échange, Sophie"]
    assert_problem(admin.get("/email-templates/builtin:blank/preview", params={"language": "de"}), 422,
                   fields=("language",))

    # a preview with a contact's values: one the caller sees (404 otherwise), with the contacts read permission
    contact = ok(admin.post("/contacts", json={"first_name": "Émile", "last_name": "Roy", "email": "emile@roy.example",
                                               "list_ids": [org["shared"]]}), 201)
    hidden = ok(admin.post("/contacts", json={"first_name": "Caché", "list_ids": [org["closed"]]}), 201)
    with_contact = ok(admin.get(f"/email-templates/{created['id']}/preview",
                                params={"contact_id": contact["id"], "language": "fr"}))
    assert with_contact["previews"][0]["subject"] == "Bonjour Émile"
    assert with_contact["merge_values"]["fr"]["email"] == "emile@roy.example"

    # another organization: 404 for every route naming the template
    other, _ = sign_up(base_url)
    for method, body in (("get", None), ("patch", {"version": 2, "name": "x"}), ("delete", None)):
        assert_problem(getattr(other, method)(f"/email-templates/{created['id']}",
                                              **({"json": body} if body else {})), 404)
    assert_problem(other.get(f"/email-templates/{created['id']}/preview"), 404)
    assert created["id"] not in {item["id"] for item in ok(other.get("/email-templates"))}

    # the emails module's permissions (S-3): none → 403; read only → reads, no writes
    nobody = add_member(org)["client"]
    assert_problem(nobody.get("/email-templates"), 403)
    reader = add_member(org, modules={"emails": {"read": True}})["client"]
    assert ok(reader.get(f"/email-templates/{created['id']}"))["name"] == "Accueil"
    assert_problem(reader.post("/email-templates", json={"name": "x"}), 403)
    assert_problem(reader.patch(f"/email-templates/{created['id']}", json={"version": 2, "name": "x"}), 403)
    assert_problem(reader.delete(f"/email-templates/{created['id']}"), 403)
    assert_problem(reader.get(f"/email-templates/{created['id']}/preview", params={"contact_id": contact["id"]}),
                   403)   # no contacts read permission
    seer = add_member(org, modules={"emails": {"read": True}, "contacts": {"read": True}},
                      flags={"all_contacts": True})["client"]
    assert ok(seer.get(f"/email-templates/{created['id']}/preview", params={"contact_id": contact["id"]}))
    assert_problem(seer.get(f"/email-templates/{created['id']}/preview", params={"contact_id": hidden["id"]}), 404)
    assert_problem(other.get("/email-templates/builtin:blank/preview", params={"contact_id": contact["id"]}), 404)
    writer = add_member(org, modules={"emails": {"read": True, "write": True}})["client"]
    ok(writer.delete(f"/email-templates/{created['id']}"), 204)
    assert_problem(admin.get(f"/email-templates/{created['id']}"), 404)


def test_plan_without_emails_is_refused(stack, base_url):
    admin, created = sign_up(base_url)
    with ClusterRpcProxy(rpc_config(stack.env), timeout=20) as proxy:
        proxy.identity.set_plan(created["organization"]["id"], "solo")
    problem = assert_problem(admin.get("/email-templates"), 403, code="plan_feature")
    assert "solo" in problem["detail"]
    assert_problem(admin.post("/email-templates", json={"name": "x"}), 403, code="plan_feature")


def test_openapi_states_the_routes(base_url):
    document = requests.get(base_url + "/api/openapi.json", timeout=30).json()
    paths = document["paths"]
    assert set(paths["/api/v1/email-templates"]) >= {"get", "post"}
    assert set(paths["/api/v1/email-templates/{template_id}"]) >= {"get", "patch", "delete"}
    assert "get" in paths["/api/v1/email-templates/{template_id}/preview"]
    assert "post" in paths["/api/v1/email-templates/from-campaign/{campaign_id}"]
    patch = paths["/api/v1/email-templates/{template_id}"]["patch"]
    assert {"401", "403", "404", "409", "422"} <= set(patch["responses"])
