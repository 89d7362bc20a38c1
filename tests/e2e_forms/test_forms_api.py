"""The forms API through the gateway (F-1, F-2): a draft saved incomplete, publishing refused naming what is missing,
immutable versions, the embed snippet that never changes, unpublish/publish again, the webhook secret, deleting; the
field catalogue with the organization's custom fields; every route refuses another organization's form (404) and a
role without the forms permission it needs (403), in French and English."""
import re

import requests
from conftest import assert_problem, ok, sign_up
from support.forms import draft, published_form
from support.http import ApiClient
from support.orgs import add_member

KEY = re.compile(r"^[A-Za-z0-9_-]{22}$")


def _in(client, language):
    """The same user, asking in ``language``."""
    return ApiClient(client.base_url, token=client.token, language=language)


def test_a_form_from_an_incomplete_draft_to_versions_unpublished_and_deleted(org, base_url):
    admin = org["admin"]
    created = ok(admin.post("/forms", json={"name": "Infolettre", "draft": {"language": "fr"}}), 201)
    assert KEY.match(created["key"]) and created["status"] == "draft" and created["current_version"] is None
    assert re.fullmatch(r"[0-9a-f]{64}", created["webhook_secret"])
    form_id = created["id"]
    listed = [item for item in ok(admin.get("/forms")) if item["id"] == form_id]
    assert listed == [{"id": form_id, "key": created["key"], "name": "Infolettre", "status": "draft",
                       "current_version": None, "updated_at": created["updated_at"],
                       "stats": {"views": 0, "submissions": 0, "quarantined": 0}}]

    never = assert_problem(_in(admin, "fr").post(f"/forms/{form_id}/unpublish"), 409, code="form_not_published")
    assert never["detail"] == "Ce formulaire n'a jamais été publié : il n'y a rien à dépublier."

    # F-1: a draft is saved incomplete; publishing names what it lacks, in the caller's language (409)
    english = assert_problem(admin.post(f"/forms/{form_id}/publish"), 409, code="form_not_publishable",
                             fields=("draft.list_id", "draft.title.fr"))
    assert english["detail"].startswith("This draft cannot be published yet")
    assert english["errors"]["draft.list_id"] == ["Required."]
    french = assert_problem(_in(admin, "fr").post(f"/forms/{form_id}/publish"), 409, code="form_not_publishable")
    assert french["detail"].startswith("Ce brouillon ne peut pas encore être publié")
    assert french["errors"]["draft.list_id"] == ["Obligatoire."]
    assert french["errors"]["draft.title.fr"] == ["Obligatoire."]

    saved = ok(admin.patch(f"/forms/{form_id}", json={"draft": draft(org["shared"])}))
    assert saved["status"] == "draft" and saved["draft"]["list_id"] == org["shared"]
    assert [f["name"] for f in saved["draft"]["fields"]] == ["email", "first_name", "phone"]
    first = ok(admin.post(f"/forms/{form_id}/publish"))
    assert (first["status"], first["current_version"]) == ("published", 1) and first["published_at"]
    embed = ok(admin.get(f"/forms/{form_id}/embed"))
    key = created["key"]
    assert embed == {"script_url": f"{base_url}/f/{key}.js", "post_url": f"{base_url}/f/{key}",
                     "webhook_url": f"{base_url}/f/{key}/webhook",
                     "snippet_html": f'<div data-carnet-form="{key}"></div>\n'
                                     f'<script src="{base_url}/f/{key}.js" async></script>'}

    # F-2: a change is a draft until published again; version 1 never changes; the snippet stays the same
    changed = draft(org["shared"], title={"fr": "Nouvelles", "en": "News"})
    ok(admin.patch(f"/forms/{form_id}", json={"name": "Nouvelles", "draft": changed}))
    assert ok(admin.get(f"/forms/{form_id}/versions/1"))["definition"]["title"]["fr"] == "Infolettre"
    second = ok(admin.post(f"/forms/{form_id}/publish"))
    assert second["current_version"] == 2 and second["key"] == key and second["name"] == "Nouvelles"
    assert ok(admin.get(f"/forms/{form_id}/embed")) == embed
    versions = ok(admin.get(f"/forms/{form_id}/versions"))
    assert [v["number"] for v in versions] == [2, 1]   # newest first
    assert all(v["published_by"] == org["user"]["id"] for v in versions)
    one, two = (ok(admin.get(f"/forms/{form_id}/versions/{n}")) for n in (1, 2))
    assert (one["definition"]["title"]["fr"], two["definition"]["title"]["fr"]) == ("Infolettre", "Nouvelles")
    for number in ("3", "0", "abc", "99999999999"):
        assert_problem(admin.get(f"/forms/{form_id}/versions/{number}"), 404)
    public = requests.get(f"{base_url}/f/{key}/definition.json", params={"lang": "en"}, timeout=30)
    assert ok(public)["form"]["title"] == "News"

    rotated = ok(admin.post(f"/forms/{form_id}/webhook-secret"))
    assert re.fullmatch(r"[0-9a-f]{64}", rotated["webhook_secret"])
    assert rotated["webhook_secret"] != created["webhook_secret"]
    assert ok(admin.get(f"/forms/{form_id}"))["webhook_secret"] == rotated["webhook_secret"]

    # unpublished: the public side answers 404 until it is published again (a new version, the same key)
    assert ok(admin.post(f"/forms/{form_id}/unpublish"))["status"] == "unpublished"
    assert requests.get(f"{base_url}/f/{key}/definition.json", timeout=30).status_code == 404
    again = ok(admin.post(f"/forms/{form_id}/publish"))
    assert (again["status"], again["current_version"], again["key"]) == ("published", 3, key)
    assert requests.get(f"{base_url}/f/{key}/definition.json", timeout=30).status_code == 200

    # without a submission, a form is deleted; its id is then unknown
    assert admin.delete(f"/forms/{form_id}").status_code == 204
    assert_problem(admin.get(f"/forms/{form_id}"), 404)
    assert form_id not in {item["id"] for item in ok(admin.get("/forms"))}
    assert requests.get(f"{base_url}/f/{key}/definition.json", timeout=30).status_code == 404


def test_a_draft_is_refused_naming_its_field(org, base_url):
    admin = org["admin"]
    assert_problem(admin.post("/forms", json={"draft": {}}), 422, fields=("name",))
    bad = {"fields": [{"name": "rep1_id"}], "language": "de", "min_fill_seconds": 601,
           "allowed_origins": ["www.example.com"], "thank_you": {"url": "http://example.com"}}
    problem = assert_problem(_in(admin, "fr").post("/forms", json={"name": "x", "draft": bad}), 422)
    assert set(problem["errors"]) == {"draft.fields.0.name", "draft.language", "draft.min_fill_seconds",
                                      "draft.allowed_origins.0", "draft.thank_you.url"}
    assert_problem(admin.post("/forms", json={"name": "x", "draft": {"fields": [{"name": "custom.nope"}]}}), 422,
                   fields=("draft.fields.0.name",))
    assert_problem(admin.post("/forms", json={"name": "x", "draft": {"list_id": org["closed"] + "x"}}), 422,
                   fields=("draft.list_id",))
    # the task's user: a user of the organization (issue 10 §2), never another's
    _, elsewhere = sign_up(base_url)
    task = {"enabled": True, "rep_user_id": elsewhere["user"]["id"], "title": {"fr": "Rappeler", "en": "Call"}}
    problem = assert_problem(admin.post("/forms", json={"name": "x", "draft": {"task": task}}), 422,
                             fields=("draft.task.rep_user_id",))
    assert problem["errors"]["draft.task.rep_user_id"] == ["No such user in your organization."]
    mine = {**task, "rep_user_id": org["user"]["id"]}
    form = ok(admin.post("/forms", json={"name": "x", "draft": {"task": mine}}), 201)
    assert form["draft"]["task"]["rep_user_id"] == org["user"]["id"]
    assert_problem(admin.patch(f"/forms/{form['id']}", json={"draft": {"task": task}}), 422,
                   fields=("draft.task.rep_user_id",))
    # the new contacts' rep likewise (S-4: users who see their own contacts see those of the form)
    assert_problem(admin.patch(f"/forms/{form['id']}", json={"draft": {"rep_user_id": elsewhere["user"]["id"]}}),
                   422, fields=("draft.rep_user_id",))
    form = ok(admin.patch(f"/forms/{form['id']}", json={"draft": {"task": mine, "rep_user_id": org["user"]["id"]}}))
    assert form["draft"]["rep_user_id"] == org["user"]["id"]


def test_the_field_catalogue_holds_the_contacts_fields_and_the_custom_ones(org):
    admin = org["admin"]
    ok(admin.post("/custom-fields/contacts", json={"key": "secteur", "type": "single_choice", "label_fr": "Secteur",
                                                   "label_en": "Industry", "choices": ["Bois", "Mines"]}), 201)
    catalog = {item["name"]: item for item in ok(admin.get("/forms/fields"))}
    assert catalog["email"] == {"name": "email", "type": "email", "label": {"fr": "Courriel", "en": "Email"},
                                "custom": False}
    assert catalog["custom.secteur"] == {"name": "custom.secteur", "type": "select", "custom": True,
                                         "label": {"fr": "Secteur", "en": "Industry"}, "options": ["Bois", "Mines"]}
    assert not {"rep1_id", "rep2_id", "status", "list_ids", "account_id"} & set(catalog)
    # a custom field of the catalogue is one a form may hold, typed from its definition
    form = ok(admin.post("/forms", json={"name": "x", "draft": {"fields": [{"name": "custom.secteur"}]}}), 201)
    [field] = form["draft"]["fields"]
    assert (field["type"], field["options"]) == ("select", ["Bois", "Mines"])


def test_another_organizations_form_is_not_found_on_every_route(org, base_url):
    form = published_form(org["admin"], org["shared"])
    other, _ = sign_up(base_url)
    form_id = form["id"]
    reads = ["", "/versions", "/versions/1", "/embed", "/submissions", "/stats",
             "/submissions/00000000-0000-0000-0000-000000000000"]
    for path in reads:
        assert_problem(other.get(f"/forms/{form_id}{path}"), 404)
    for path in ("/publish", "/unpublish", "/webhook-secret",
                 "/submissions/00000000-0000-0000-0000-000000000000/release",
                 "/submissions/00000000-0000-0000-0000-000000000000/discard"):
        assert_problem(other.post(f"/forms/{form_id}{path}"), 404)
    assert_problem(other.patch(f"/forms/{form_id}", json={"name": "Pris"}), 404)
    assert_problem(other.delete(f"/forms/{form_id}"), 404)
    assert form_id not in {item["id"] for item in ok(other.get("/forms"))}
    # nothing changed for its own organization
    still = ok(org["admin"].get(f"/forms/{form_id}"))
    assert (still["name"], still["status"], still["webhook_secret"]) == (
        "Infolettre", "published", form["webhook_secret"])


def test_each_route_needs_its_forms_permission(org):
    admin = org["admin"]
    form = published_form(admin, org["shared"])
    form_id = form["id"]
    nobody = add_member(org)["client"]   # the default role: contacts and accounts, no forms
    problem = assert_problem(_in(nobody, "fr").get("/forms"), 403, code="missing_permission")
    assert problem["detail"] == "Votre rôle ne permet pas « read » sur « forms »."
    for path in ("/forms/fields", f"/forms/{form_id}", f"/forms/{form_id}/embed", f"/forms/{form_id}/submissions",
                 f"/forms/{form_id}/stats", f"/forms/{form_id}/versions"):
        assert_problem(nobody.get(path), 403)

    reader = add_member(org, modules={"forms": {"read": True}})["client"]
    seen = ok(reader.get(f"/forms/{form_id}"))
    assert seen["name"] == "Infolettre" and seen["webhook_secret"] is None   # it signs posts: writers only
    assert ok(reader.get(f"/forms/{form_id}/embed"))["snippet_html"]
    assert ok(reader.get("/forms/fields"))
    writes = [("post", "/forms", {"name": "x"}), ("patch", f"/forms/{form_id}", {"name": "x"}),
              ("post", f"/forms/{form_id}/publish", None), ("post", f"/forms/{form_id}/unpublish", None),
              ("post", f"/forms/{form_id}/webhook-secret", None),
              ("post", f"/forms/{form_id}/submissions/00000000-0000-0000-0000-000000000000/release", None),
              ("post", f"/forms/{form_id}/submissions/00000000-0000-0000-0000-000000000000/discard", None),
              ("delete", f"/forms/{form_id}", None)]
    for method, path, body in writes:
        assert_problem(getattr(reader, method)(path, **({"json": body} if body else {})), 403)

    writer = add_member(org, modules={"forms": {"read": True, "write": True}})["client"]
    assert ok(writer.get(f"/forms/{form_id}"))["webhook_secret"] == form["webhook_secret"]
    assert ok(writer.patch(f"/forms/{form_id}", json={"name": "Renommé"}))["name"] == "Renommé"
    english = assert_problem(writer.delete(f"/forms/{form_id}"), 403, code="missing_permission")
    assert english["detail"] == "Your role does not allow delete on forms."
    deleter = add_member(org, modules={"forms": {"read": True, "delete": True}})["client"]
    assert deleter.delete(f"/forms/{form_id}").status_code == 204
