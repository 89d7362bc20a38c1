"""The contact and account record pages (issue 11: "the record page (fields by permission, custom fields by type,
history, relations, the account's contacts, tasks, opportunities; tel: links that dial, C-23); create and edit
forms with per-field errors from the API's problem+json; the delete conversation (preview, choices for
dependents), the trash and restore"). Each page shows what the same user's ``/api/v1`` call answers."""
import pytest
from conftest import ApiClient, create_user, login, ok, unique, web_login
from stack import SERVICES
from support.http import sign_up

from carnet_testing import eventually


def _contact(client, list_id, **fields):
    body = {"first_name": "Émile", "last_name": unique("Tremblay"), "list_ids": [list_id], **fields}
    return ok(client.post("/contacts", json=body), 201)


def _account(client, list_id, **fields):
    return ok(client.post("/accounts", json={"name": unique("Bois"), "list_ids": [list_id], **fields}), 201)


def _member_with(org, fields, modules=None):
    """A member whose role hides or narrows ``fields`` (S-3), signed in on the web and on the API."""
    admin = org["admin"]
    role = ok(admin.post("/roles", json={"name": unique("role")}), 201)
    permissions = ok(admin.get(f"/roles/{role['id']}/permissions"))
    permissions["fields"] = fields
    if modules:
        for module, actions in modules.items():
            permissions["modules"][module].update(actions)
    ok(admin.put(f"/roles/{role['id']}/permissions", json=permissions))
    user = create_user(admin, full_name="Membre limité", role_id=role["id"], all_contacts=True)
    api = ApiClient(org["base_url"], token=login(org["base_url"], user["username"]))
    ok(api.put("/me/selected-lists", json={"list_ids": [org["shared"]]}))
    return user, api


def _shown_fields(page):
    return {dd.get("class").split("field-", 1)[1] for dd in page.css("dl.fields dd[class^=field-]")}


def test_a_limited_member_sees_on_the_record_exactly_the_fields_the_api_answers_them(base_url, org):
    admin = org["admin"]
    account = _account(admin, org["shared"], city="Trois-Rivières")
    contact = _contact(admin, org["shared"], title="Directrice secrète", phone="514-222-3333 x444",
                       email="emile@example.com", account_id=account["id"])
    ok(admin.put(f"/contacts/{contact['id']}/lists", json={"list_ids": [org["shared"], org["closed"]]}))
    user, api = _member_with(org, {"contacts.title": {"read": False, "write": False},
                                   "contacts.phone": {"read": False, "write": False}})
    web = web_login(base_url, user["username"], language="fr")
    page = web.get(f"/app/contacts/{contact['id']}")
    assert page.status == 200
    answered = ok(api.get(f"/contacts/{contact['id']}"))
    assert "title" not in answered and "phone" not in answered
    standard = {"first_name", "last_name", "email", "account_id", "status", "subscribed", "rep1_id", "language",
                "mobile", "other_phone", "fax", "website", "street", "city", "province", "postal_code",
                "country", "rep2_id", "is_primary"}
    assert _shown_fields(page) == {key for key in answered if key in standard}
    assert "Directrice secrète" not in page.text and "222-3333" not in page.text and "tel:" not in page.text
    assert "emile@example.com" in page.texts("dd.field-email")
    # Its lists: the names of those the member may access only ("Fermée" is not one of them).
    member_lists = {item["id"]: item["name"] for item in ok(api.get("/lists"))}
    assert page.texts("#lists li.badge") == [member_lists[i] for i in answered["list_ids"] if i in member_lists]
    assert page.texts("#lists li.badge") == ["Partagée"] and "Fermée" not in page.text
    # The account the member sees is a link; the admin (who may read every field) sees the title and the phone.
    assert page.one("dd.field-account_id a").get("href") == f"/app/accounts/{account['id']}"
    full = web_login(base_url, org["user"]["username"]).get(f"/app/contacts/{contact['id']}")
    assert "Directrice secrète" in full.texts("dd.field-title")
    # The form does not offer the fields the role may not write (nor read).
    form = web.get(f"/app/contacts/{contact['id']}/edit")
    assert form.status == 200
    assert not form.css("#f-title") and not form.css("#f-phone") and form.css("#f-email")


def test_a_phone_dials_as_an_rfc_3966_tel_link_with_its_extension(base_url, org):
    admin = org["admin"]
    contact = _contact(admin, org["shared"], phone="514-222-3333 x444", mobile="+33 1 23 45 67 89")
    page = web_login(base_url, org["user"]["username"]).get(f"/app/contacts/{contact['id']}")
    assert page.one("dd.field-phone a").get("href") == "tel:+1-514-222-3333;ext=444"
    assert page.texts("dd.field-phone a") == ["514-222-3333 x444"]
    assert page.one("dd.field-mobile a").get("href") == "tel:+33123456789"


def test_another_organization_s_records_are_404_on_every_page(base_url, org):
    contact = _contact(org["admin"], org["shared"])
    account = _account(org["admin"], org["shared"])
    _, other = sign_up(base_url, client_class=ApiClient)
    stranger = web_login(base_url, other["user"]["username"])
    for path in (f"/app/contacts/{contact['id']}", f"/app/contacts/{contact['id']}/edit",
                 f"/app/contacts/{contact['id']}/delete", f"/app/accounts/{account['id']}",
                 f"/app/accounts/{account['id']}/edit", f"/app/accounts/{account['id']}/delete"):
        page = stranger.get(path)
        assert page.status == 404, path
        assert contact["last_name"] not in page.text and account["name"] not in page.text
    refused = stranger.post(f"/app/contacts/{contact['id']}/edit", {"version": "1", "first_name": "Pirate"})
    assert refused.status == 404
    assert stranger.post(f"/app/contacts/{contact['id']}/delete", {"dependents": "reattach"}).status == 404
    assert ok(org["admin"].get(f"/contacts/{contact['id']}"))["first_name"] == "Émile"


def test_a_new_contact_with_a_bad_email_is_refused_on_its_field_and_nothing_is_stored(base_url, org):
    web = web_login(base_url, org["user"]["username"], language="fr")
    form = web.get("/app/contacts/new")
    assert form.status == 200
    # The lists the user has selected are checked by default.
    checked = [box.get("value") for box in form.css("input[name=list_ids]") if box.get("checked") is not None]
    assert org["shared"] in checked
    last_name = unique("Gagnon")
    page = web.post("/app/contacts/new", {"first_name": "Lise", "last_name": last_name, "email": "pas-un-courriel",
                                          "list_ids": org["shared"], "subscribed": "true", "status": "active"})
    assert page.status == 422
    email = page.one("#f-email")
    assert email.get("aria-invalid") == "true" and email.get("aria-describedby") == "f-email-error"
    assert page.texts("#f-email-error li") and page.one(".error-summary").get("role") == "alert"
    assert page.one("#f-last_name").get("value") == last_name and page.one("#f-last_name").get("aria-invalid") is None
    assert ok(org["admin"].get("/contacts", params={"q": last_name}))["total"] == 0
    # Fixed: created, 303 to its record with a message.
    page = web.post("/app/contacts/new", {"first_name": "Lise", "last_name": last_name, "email": "lise@example.com",
                                          "list_ids": org["shared"], "subscribed": "true", "status": "active"})
    assert page.status == 303
    record = web.follow(page)
    assert record.status == 200 and record.texts("#status p") == ["Le contact est créé."]
    assert record.texts("h1") == [f"Lise {last_name}"]
    stored = ok(org["admin"].get("/contacts", params={"q": last_name}))["items"]
    assert [c["email"] for c in stored] == ["lise@example.com"] and page.location.endswith(stored[0]["id"])


def test_a_new_record_needs_a_list_and_a_new_account_its_name(base_url, org):
    web = web_login(base_url, org["user"]["username"], language="en")
    page = web.post("/app/contacts/new", {"first_name": "Lise", "status": "active"})
    assert page.status == 422 and page.one("fieldset.record-lists-choice").get("aria-describedby")
    page = web.post("/app/accounts/new", {"name": "", "list_ids": org["shared"], "status": "active"})
    assert page.status == 422 and page.one("#f-name").get("aria-invalid") == "true"
    page = web.post("/app/accounts/new", {"name": "Bois Francs Inc.", "list_ids": org["shared"],
                                          "phone": "819 555-0101", "status": "active"})
    assert page.status == 303
    account = web.follow(page)
    assert account.texts("h1") == ["Bois Francs Inc."] and account.texts("#status p") == ["The account is created."]
    assert account.one("dd.field-phone a").get("href") == "tel:+1-819-555-0101"


def test_an_edit_sends_only_what_changed_and_a_concurrent_change_is_a_409_with_a_reload_link(base_url, org):
    admin = org["admin"]
    contact = _contact(admin, org["shared"], city="Québec", phone="418 555-0000")
    web = web_login(base_url, org["user"]["username"], language="fr")
    form = web.get(f"/app/contacts/{contact['id']}/edit")
    values = {field.get("name"): field.get("value") for field in form.css("form.record-form input")
              if field.get("type") not in ("checkbox",) and field.get("name")}
    assert values["version"] == str(contact["version"]) and values["city"] == "Québec"
    values.update({"city": "Lévis", "subscribed": "true", "status": "active",
                   "language": "", "rep1_id": contact["rep1_id"], "rep2_id": "", "account_id": ""})
    page = web.post(f"/app/contacts/{contact['id']}/edit", values)
    assert page.status == 303 and page.location.endswith(f"/app/contacts/{contact['id']}")
    assert web.follow(page).texts("#status p") == ["Vos modifications sont enregistrées."]
    updated = ok(admin.get(f"/contacts/{contact['id']}"))
    assert updated["city"] == "Lévis" and updated["phone"] == "418 555-0000"
    changes = [entry["field"] for entry in ok(admin.get(f"/contacts/{contact['id']}/history"))]
    assert changes.count("city") == 1 and "phone" not in changes and "first_name" not in changes
    # The history on the page: who, the field, old -> new.
    history = web.get(f"/app/contacts/{contact['id']}").texts("table.history tbody tr")
    assert any("Ville" in row and "Québec" in row and "Lévis" in row for row in history)
    # Someone else changes it: the stale version is refused (409), shown with a link to reload.
    ok(admin.patch(f"/contacts/{contact['id']}", json={"city": "Sherbrooke"}))
    values["city"] = "Gatineau"
    page = web.post(f"/app/contacts/{contact['id']}/edit", values)
    assert page.status == 409
    assert page.one(".error-summary").get("role") == "alert" and page.texts(".error-summary p")
    assert page.one("#conflict a").get("href") == f"/app/contacts/{contact['id']}/edit"
    assert page.one("#f-city").get("value") == "Gatineau"
    assert ok(admin.get(f"/contacts/{contact['id']}"))["city"] == "Sherbrooke"


def test_custom_fields_show_by_type_and_label_and_are_written_by_the_form(base_url, org):
    admin = org["admin"]
    for body in ({"key": "effectif", "type": "number", "label_fr": "Effectif", "label_en": "Headcount"},
                 {"key": "visite", "type": "date", "label_fr": "Dernière visite", "label_en": "Last visit"},
                 {"key": "client", "type": "boolean", "label_fr": "Client actif", "label_en": "Active client"},
                 {"key": "secteur", "type": "single_choice", "label_fr": "Secteur", "label_en": "Industry",
                  "choices": ["Bois", "Métal"]},
                 {"key": "marches", "type": "multi_choice", "label_fr": "Marchés", "label_en": "Markets",
                  "choices": ["Québec", "Ontario", "Maritimes"]}):
        ok(admin.post("/custom-fields/contacts", json=body), 201)
    contact = _contact(admin, org["shared"], custom={"effectif": 12500, "visite": "2026-03-02", "client": True})
    web = web_login(base_url, org["user"]["username"], language="fr")
    page = web.get(f"/app/contacts/{contact['id']}")
    shown = dict(zip(page.texts("dl.custom-values dt"), page.texts("dl.custom-values dd"), strict=True))
    assert shown == {"Effectif": "12 500", "Dernière visite": "2 mars 2026", "Client actif": "Oui"}
    ok(admin.patch(f"/users/{org['user']['id']}", json={"language": "en"}))
    english = web.get(f"/app/contacts/{contact['id']}")
    shown = dict(zip(english.texts("dl.custom-values dt"), english.texts("dl.custom-values dd"), strict=True))
    assert shown == {"Headcount": "12,500", "Last visit": "Mar 2, 2026", "Active client": "Yes"}
    ok(admin.patch(f"/users/{org['user']['id']}", json={"language": "fr"}))
    form = web.get(f"/app/contacts/{contact['id']}/edit")
    assert form.one("#f-custom-effectif").get("type") == "number"
    assert form.one("#f-custom-visite").get("type") == "date"
    assert [o.get("value") for o in form.css("#f-custom-secteur option")] == ["", "Bois", "Métal"]
    # A wrong value is the API's 422 on that custom field, shown on it.
    values = {"version": str(contact["version"]), "first_name": "Émile", "last_name": contact["last_name"],
              "status": "active", "subscribed": "true", "rep1_id": contact["rep1_id"],
              "custom.effectif": "beaucoup", "custom.visite": "2026-03-02", "custom.client": "true",
              "custom.secteur": "Bois", "custom.marches": ["Québec", "Maritimes"]}
    page = web.post(f"/app/contacts/{contact['id']}/edit", values)
    assert page.status == 422 and page.one("#f-custom-effectif").get("aria-invalid") == "true"
    values["custom.effectif"] = "40"
    assert web.post(f"/app/contacts/{contact['id']}/edit", values).status == 303
    assert ok(admin.get(f"/contacts/{contact['id']}"))["custom"] == {
        "effectif": 40, "visite": "2026-03-02", "client": True, "secteur": "Bois", "marches": ["Québec", "Maritimes"]}
    page = web.get(f"/app/contacts/{contact['id']}")
    shown = dict(zip(page.texts("dl.custom-values dt"), page.texts("dl.custom-values dd"), strict=True))
    assert shown["Marchés"] == "Québec, Maritimes" and shown["Effectif"] == "40"
    form = web.get(f"/app/contacts/{contact['id']}/edit")
    assert [o.get("value") for o in form.css("#f-custom-marches option[selected]")] == ["Québec", "Maritimes"]


def test_the_account_shows_its_contacts_and_takes_a_new_one_and_a_contact_links_its_tasks(base_url, org):
    admin = org["admin"]
    account = _account(admin, org["shared"])
    first = _contact(admin, org["shared"], account_id=account["id"])
    task = ok(admin.post("/tasks", json={"type": "call", "title": "Rappeler Émile", "contact_id": first["id"]}), 201)
    web = web_login(base_url, org["user"]["username"], language="fr")
    page = web.get(f"/app/accounts/{account['id']}")
    assert [a.get("href") for a in page.css("#contacts tbody a")] == [f"/app/contacts/{first['id']}"]
    created = web.post(f"/app/accounts/{account['id']}/contacts", {"first_name": "Nouvelle", "last_name": "Recrue",
                                                                   "email": "faux"})
    assert created.status == 422 and created.one("#f-new-contact-email").get("aria-invalid") == "true"
    created = web.post(f"/app/accounts/{account['id']}/contacts", {"first_name": "Nouvelle", "last_name": "Recrue"})
    assert created.status == 303
    contacts = ok(admin.get(f"/accounts/{account['id']}/contacts"))["items"]
    assert sorted(c["last_name"] for c in contacts) == sorted([first["last_name"], "Recrue"])
    contact_page = web.get(f"/app/contacts/{first['id']}")
    assert contact_page.one("#tasks tbody a").get("href") == f"/app/tasks/{task['id']}"
    assert ok(admin.get("/tasks", params={"contact_id": first["id"]}))["total"] == 1


def test_relations_are_added_from_a_search_and_removed(base_url, org):
    admin = org["admin"]
    one = _contact(admin, org["shared"])
    other = _contact(admin, org["shared"], first_name="Zoé", last_name=unique("Lapointe"))
    web = web_login(base_url, org["user"]["username"], language="fr")
    page = web.get(f"/app/contacts/{one['id']}", params={"relate_q": other["last_name"]})
    assert [i.get("value") for i in page.css(".relate-candidates input[name=other_id]")] == [other["id"]]
    assert web.post(f"/app/contacts/{one['id']}/relations", {"other_id": other["id"], "label": ""}).status == 422
    added = web.post(f"/app/contacts/{one['id']}/relations", {"other_id": other["id"], "label": "Associée"})
    assert added.status == 303
    assert [(r["other_id"], r["label"]) for r in ok(admin.get(f"/contacts/{one['id']}/relations"))] == [
        (other["id"], "Associée")]
    page = web.get(f"/app/contacts/{one['id']}")
    assert page.one("#relations tbody a").get("href") == f"/app/contacts/{other['id']}"
    again = web.post(f"/app/contacts/{one['id']}/relations", {"other_id": other["id"], "label": "Encore"})
    assert again.status == 409 and again.texts("#relations .error-summary p")
    removed = web.post(f"/app/contacts/{one['id']}/relations/{other['id']}/delete")
    assert removed.status == 303 and ok(admin.get(f"/contacts/{one['id']}/relations")) == []


def test_the_delete_conversation_previews_then_deletes_and_the_trash_restores(base_url, org):
    admin = org["admin"]
    account = _account(admin, org["shared"])
    contact = _contact(admin, org["shared"], account_id=account["id"])
    task = ok(admin.post("/tasks", json={"type": "todo", "title": "Suivi", "contact_id": contact["id"]}), 201)
    web = web_login(base_url, org["user"]["username"], language="fr")
    preview = web.get(f"/app/contacts/{contact['id']}/delete")
    assert preview.status == 200
    answered = ok(ApiClient(base_url, token=admin.token, language="fr").get(
        f"/contacts/{contact['id']}/delete-preview"))
    assert answered["offers_account_delete"] and answered["tasks_total"] == 1
    # The preview's choices, in the API's words; the offer to delete the account left without contacts.
    labels = preview.texts(".delete-form label")
    assert answered["dependents_choices"]["reattach"] in labels and answered["dependents_choices"]["delete"] in labels
    assert preview.one("#f-delete-account").get("value") == "true"
    assert preview.texts(".delete-preview li") == ["Suivi"]
    # Another contact joins the account: the contact is no longer its last, the account's preview lists it.
    other = _contact(admin, org["shared"], account_id=account["id"])
    assert not web.get(f"/app/contacts/{contact['id']}/delete").css("#f-delete-account")
    gone = web.post(f"/app/contacts/{contact['id']}/delete", {"dependents": "reattach"})
    assert gone.status == 303 and gone.location.endswith("/app/contacts")
    assert web.follow(gone).texts("#status p") == ["Le contact est dans la corbeille."]
    assert admin.get(f"/contacts/{contact['id']}").status_code == 404
    account_preview = web.get(f"/app/accounts/{account['id']}/delete")
    assert [a.get("href") for a in account_preview.css(".delete-preview a")] == [
        f"/app/contacts/{other['id']}", f"/app/tasks/{task['id']}"]  # the contact's task, reattached to the account
    gone = web.post(f"/app/accounts/{account['id']}/delete", {"dependents": "reattach"})
    assert gone.status == 303 and gone.location.endswith("/app/accounts")
    assert admin.get(f"/accounts/{account['id']}").status_code == 404
    trash = web.get("/app/trash")
    assert trash.status == 200
    rows = trash.texts("table.trash tbody tr")
    assert [row for row in rows if account["name"] in row or contact["last_name"] in row] == rows and len(rows) == 2
    # Its account is in the trash: restoring the contact first is the API's 409, shown clearly on the trash.
    refused = web.post(f"/app/trash/{contact['id']}/restore")
    assert refused.status == 409 and refused.texts(".error-summary p")
    assert contact["last_name"] in refused.one("table.trash tr.failed").text_content()
    restored = web.post(f"/app/trash/{account['id']}/restore")
    assert restored.status == 303 and restored.location.endswith(f"/app/accounts/{account['id']}")
    assert web.follow(restored).texts("#status p") == ["Restauré de la corbeille."]
    assert ok(admin.get(f"/contacts/{other['id']}"))["account_id"] == account["id"]
    assert web.post(f"/app/trash/{contact['id']}/restore").status == 303
    assert ok(admin.get(f"/contacts/{contact['id']}"))["account_id"] == account["id"]
    assert web.get("/app/trash").texts("table.trash tbody tr") == []


def test_the_last_contact_goes_with_its_account_when_asked_and_comes_back_with_it(base_url, org):
    admin = org["admin"]
    account = _account(admin, org["shared"])
    contact = _contact(admin, org["shared"], account_id=account["id"])
    web = web_login(base_url, org["user"]["username"], language="en")
    gone = web.post(f"/app/contacts/{contact['id']}/delete", {"dependents": "reattach", "delete_account": "true"})
    assert gone.status == 303
    assert admin.get(f"/accounts/{account['id']}").status_code == 404
    row = web.get("/app/trash").one("table.trash tbody tr").text_content()
    assert contact["last_name"] in row and "with 1 other record" in " ".join(row.split())
    assert web.post(f"/app/trash/{contact['id']}/restore").status == 303
    assert ok(admin.get(f"/accounts/{account['id']}"))["id"] == account["id"]


def test_a_delete_the_role_may_not_do_with_its_dependents_is_a_403_on_the_same_page(base_url, org):
    user, api = _member_with(org, {}, modules={"contacts": {"delete": True}})
    contact = _contact(api, org["shared"])
    ok(api.post("/tasks", json={"type": "todo", "title": "Suivi", "contact_id": contact["id"]}), 201)
    web = web_login(base_url, user["username"], language="fr")
    page = web.post(f"/app/contacts/{contact['id']}/delete", {"dependents": "delete"})
    assert page.status == 403
    assert page.texts("h1") == [f"Supprimer Émile {contact['last_name']}?"]
    assert page.one(".error-summary").get("role") == "alert" and page.texts(".error-summary p")
    assert page.one("#f-dependents-delete").get("checked") is not None
    assert ok(api.get(f"/contacts/{contact['id']}"))["id"] == contact["id"]
    # Reattaching needs nothing more: the contact goes, its task stays.
    assert web.post(f"/app/contacts/{contact['id']}/delete", {"dependents": "reattach"}).status == 303
    assert api.get(f"/contacts/{contact['id']}").status_code == 404


def test_an_account_the_member_cannot_see_shows_its_name_only(base_url, org):
    admin = org["admin"]
    hidden = _account(admin, org["closed"])
    contact = _contact(admin, org["shared"], account_id=hidden["id"])
    user, api = _member_with(org, {})
    answered = ok(api.get(f"/contacts/{contact['id']}"))
    assert answered["account_name"] == hidden["name"] and api.get(f"/accounts/{hidden['id']}").status_code == 404
    page = web_login(base_url, user["username"]).get(f"/app/contacts/{contact['id']}")
    assert page.texts("dd.field-account_id") == [hidden["name"]] and not page.css("dd.field-account_id a")


def test_a_record_s_lists_are_changed_among_those_the_user_may_access(base_url, org):
    admin = org["admin"]
    other = ok(admin.post("/lists", json={"name": "Prospects", "access_all_users": True}), 201)
    account = _account(admin, org["shared"])
    web = web_login(base_url, org["user"]["username"], language="fr")
    page = web.get(f"/app/accounts/{account['id']}")
    offered = {box.get("value"): box.get("checked") is not None for box in page.css("#lists input[name=list_ids]")}
    assert offered[org["shared"]] and not offered[other["id"]]
    assert set(offered) == {item["id"] for item in ok(admin.get("/lists"))}
    refused = web.post(f"/app/accounts/{account['id']}/lists", {})
    assert refused.status == 422 and refused.texts("#f-record-lists-error li")
    assert web.post(f"/app/accounts/{account['id']}/lists", {"list_ids": [other["id"]]}).status == 303
    assert ok(admin.get(f"/accounts/{account['id']}"))["list_ids"] == [other["id"]]
    assert web.get(f"/app/accounts/{account['id']}").texts("#lists li.badge") == ["Prospects"]


def test_a_member_without_the_delete_permission_is_offered_no_delete_nor_restore_and_the_api_refuses_it(
        base_url, org):
    admin = org["admin"]
    contact = _contact(admin, org["shared"])
    user, api = _member_with(org, {})
    web = web_login(base_url, user["username"], language="fr")
    page = web.get(f"/app/contacts/{contact['id']}")
    assert page.status == 200 and not page.css(f'a[href="/app/contacts/{contact["id"]}/delete"]')
    assert page.css(f'a[href="/app/contacts/{contact["id"]}/edit"]')
    refused = web.post(f"/app/contacts/{contact['id']}/delete", {"dependents": "reattach"})
    assert refused.status == 403 and refused.texts(".error-summary p")
    assert ok(api.get(f"/contacts/{contact['id']}"))["id"] == contact["id"]
    ok(admin.delete(f"/contacts/{contact['id']}"), 204)
    trash = web.get("/app/trash")
    assert [row for row in trash.texts("table.trash tbody tr") if contact["last_name"] in row]
    assert not trash.css("table.trash button")
    refused = web.post(f"/app/trash/{contact['id']}/restore")
    assert refused.status == 403 and refused.texts(".error-summary p")
    assert admin.get(f"/contacts/{contact['id']}").status_code == 404


@pytest.fixture
def stack_without_opportunities(stack):
    """The suite's system while its opportunities service (tasks, opportunities) is stopped; the service is started
    again after the test, and answers through the gateway before the next test runs (a system of this test's own
    cost a whole stack's start and stop: 100 s of setup on a loaded 2-core box)."""
    for process in [p for p in stack.processes if p.carnet_name == "opportunities" and p.poll() is None]:
        stack.stop_process(process)
        stack.processes.remove(process)
    try:
        yield stack
    finally:
        stack.start_service(next(s for s in SERVICES if s["name"] == "opportunities"))
        checker, _ = sign_up(stack.url, client_class=ApiClient)
        eventually(lambda: checker.get("/opportunities").status_code == 200, timeout=60, interval=0.3,
                   what="the opportunities service answering through the gateway again")


def test_while_opportunities_cannot_answer_the_record_says_so_and_a_delete_with_dependents_is_refused_on_its_page(
        stack_without_opportunities):
    base_url = stack_without_opportunities.url
    admin, created = sign_up(base_url, client_class=ApiClient)
    shared = ok(admin.post("/lists", json={"name": "Partagée", "access_all_users": True}), 201)
    contact = _contact(admin, shared["id"])
    web = web_login(base_url, created["user"]["username"], language="fr")
    page = web.get(f"/app/contacts/{contact['id']}")
    assert page.status == 200 and page.texts("h1") == [f"Émile {contact['last_name']}"]
    assert len(page.texts("#tasks .warning")) == 1 and len(page.texts("#opportunities .warning")) == 1
    preview = web.get(f"/app/contacts/{contact['id']}/delete")
    assert preview.status == 200 and preview.texts(".delete-preview .warning")
    refused = web.post(f"/app/contacts/{contact['id']}/delete", {"dependents": "delete"})
    assert refused.status == 503 and refused.texts(".error-summary p")
    assert ok(admin.get(f"/contacts/{contact['id']}"))["id"] == contact["id"]
    assert web.post(f"/app/contacts/{contact['id']}/delete", {"dependents": "reattach"}).status == 303
    assert admin.get(f"/contacts/{contact['id']}").status_code == 404
