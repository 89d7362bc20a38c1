"""The automations pages (AU-1), driven as a browser without JavaScript would, each checked against what
``/api/v1`` answers the same user: the list (name, source → target, on change, last run, Run now), the form (lists,
criteria as JSON, on change) with the API's 422 on its fields, a run followed to its result, the deletion; another
user's automation and a user without the automations permission get the API's 404 and 403 pages."""
import json

from conftest import add_member, ok, web_login
from support.http import sign_up

from carnet_testing import eventually

EVERYTHING = {"read": True, "write": True, "delete": False, "export": False}
AUTOMATOR = {"contacts": EVERYTHING, "accounts": EVERYTHING, "automations": EVERYTHING}
EVERY_CONTACT = {"op": "or", "items": [{"field": "first_name", "cmp": "empty"},
                                       {"field": "first_name", "cmp": "not_empty"}]}


def _web(org, user, language):
    ok(org["admin"].patch(f"/users/{user['id']}", json={"language": language}))
    return web_login(org["base_url"], user["username"])


def test_an_automation_is_defined_run_and_deleted_through_its_pages(org):
    admin = org["admin"]
    target = ok(admin.post("/lists", json={"name": "Infolettre"}), 201)["id"]
    made = [ok(admin.post("/contacts", json={"list_ids": [org["shared"]], "first_name": name}), 201)["id"]
            for name in ("Ana", "Béa")]
    web = _web(org, org["user"], "fr")
    new = web.get("/app/automations/new")
    assert new.status == 200 and new.one("h1").text_content().strip() == "Nouvelle automatisation"
    options = {o.get("value") for o in new.css("#f-source_list_id option")}
    assert {org["shared"], org["closed"], target} <= options
    assert json.loads(new.one("textarea[name=criteria]").text_content()) == EVERY_CONTACT   # AU-1's example
    assert new.css("filter-builder[data-fields]")

    form = {"name": "Vers l'infolettre", "source_list_id": org["shared"], "target_list_id": org["shared"],
            "criteria": json.dumps(EVERY_CONTACT)}
    refused = web.post("/app/automations", form)
    assert refused.status == 422
    assert refused.one("#f-target_list_id").get("aria-invalid") == "true"
    assert "différente" in refused.one("#f-target_list_id-error").text_content()
    assert ok(admin.get("/automations")) == []
    bad_json = web.post("/app/automations", {**form, "target_list_id": target, "criteria": "{tout"})
    assert bad_json.status == 422 and bad_json.one("#f-criteria").get("aria-invalid") == "true"

    created = web.post("/app/automations", {**form, "target_list_id": target})
    assert created.status == 303
    page = web.follow(created)
    automation = ok(admin.get("/automations"))[0]
    assert automation["on_change"] is False and automation["criteria"] == EVERY_CONTACT
    row = page.one(f"tr[data-id='{automation['id']}']")
    assert "Partagée → Infolettre" in row.text_content() and "Non" in row.text_content()
    assert "Jamais exécutée" in row.text_content()

    run = web.post(f"/app/automations/{automation['id']}/run")
    assert run.status == 303 and run.location.endswith(f"/app/automations/{automation['id']}")
    done = eventually(lambda: web.get(f"/app/automations/{automation['id']}"),
                      lambda p: p.css("#last-run [data-status=done]"), what="the run done on the page")
    api_run = ok(admin.get(f"/automations/{automation['id']}"))["last_run"]
    assert api_run["trigger"] == "manual" and api_run["matched"] == 2
    assert f"{api_run['matched']} retenus" in done.one("#last-run").text_content()
    assert all(target in ok(admin.get(f"/contacts/{c}"))["list_ids"] for c in made)

    edited = web.post(f"/app/automations/{automation['id']}", {**form, "target_list_id": target, "name": "Renommée",
                                                                "on_change": "true"})
    assert edited.status == 303
    changed = ok(admin.get(f"/automations/{automation['id']}"))
    assert (changed["name"], changed["on_change"], changed["version"]) == ("Renommée", True, 2)
    assert web.follow(edited).one("#f-on_change").get("checked") is not None
    deleted = web.post(f"/app/automations/{automation['id']}/delete")
    assert deleted.status == 303 and ok(admin.get("/automations")) == []
    assert "Renommée" in web.follow(deleted).body_text


def test_another_users_automation_is_a_404_page_and_the_permission_is_the_apis(org, base_url):
    admin = org["admin"]
    target = ok(admin.post("/lists", json={"name": "Cible"}), 201)["id"]
    mine = ok(admin.post("/automations", json={"name": "À moi", "source_list_id": org["shared"],
                                                "target_list_id": target, "criteria": EVERY_CONTACT}), 201)
    member = add_member(org, modules=AUTOMATOR)
    web = _web(org, member["user"], "en")
    assert web.get(f"/app/automations/{mine['id']}").status == 404
    assert web.post(f"/app/automations/{mine['id']}/run").status == 404
    assert web.post(f"/app/automations/{mine['id']}/delete").status == 404
    assert "À moi" not in web.get("/app/automations").body_text
    assert ok(admin.get(f"/automations/{mine['id']}"))["last_run"] is None   # nothing ran

    other, created = sign_up(base_url)
    foreign = web_login(base_url, created["user"]["username"])
    assert foreign.get(f"/app/automations/{mine['id']}").status == 404

    # a criterion on a field the role may not read: the API's 403, shown on the form, nothing saved
    ok(admin.put(f"/roles/{member['role']['id']}/permissions",
                 json={"modules": AUTOMATOR, "fields": {"contacts.title": {"read": False, "write": False}}}))
    theirs = ok(member["client"].post("/lists", json={"name": "Leur cible"}), 201)["id"]
    refused = web.post("/app/automations", {"name": "x", "source_list_id": org["shared"], "target_list_id": theirs,
                                            "criteria": json.dumps({"field": "title", "cmp": "eq", "value": "x"})})
    assert refused.status == 403 and refused.one(".error-summary[role=alert] p").text_content().strip()
    assert ok(member["client"].get("/automations")) == []

    plain = add_member(org)   # the default role: no automations permission
    page = _web(org, plain["user"], "en").get("/app/automations")
    assert page.status == 403 == plain["client"].get("/automations").status_code
    assert "Automations" not in [a.text_content() for a in page.css("nav a")]
