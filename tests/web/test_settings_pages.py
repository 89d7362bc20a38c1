"""The settings pages of the web client (issue 11, part C): users, roles and the permission matrix, lists and grants,
custom fields and layouts, stages, the organization profile; each an /api/v1 operation for the page's user.
Every authorization rule gets a test that tries to break it: a non-administrator (403 on every page and post),
another organization's administrator (404 for this organization's ids), a field a role hides (absent from the
member's record through /api/v1 as well)."""
from conftest import PASSWORD, ApiClient, add_member, create_user, login, ok, unique, web_login
from support.http import sign_up

SETTINGS_PAGES = ("/app/settings", "/app/settings/users", "/app/settings/users/new", "/app/settings/roles",
                  "/app/settings/lists", "/app/settings/fields/contacts", "/app/settings/fields/accounts",
                  "/app/settings/fields/opportunities", "/app/settings/stages", "/app/settings/organization")


def _admin_web(org):
    return web_login(org["base_url"], org["user"]["username"])


def _checkbox_names(page, form_selector):
    return {box.get("name") for box in page.css(f"{form_selector} input[type=checkbox]")
            if box.get("checked") is not None}


def test_a_non_admin_gets_the_apis_403_on_every_settings_page_and_post(org, member):
    admin = org["admin"]
    role = member["role"]["id"]
    custom = ok(admin.post("/custom-fields/contacts", json={"key": "secteur", "type": "text", "label_fr": "Secteur",
                                                            "label_en": "Industry"}), 201)
    stage = ok(admin.get("/stages"))[0]
    own_list = ok(member["client"].post("/lists", json={"name": "Ma liste"}), 201)  # the member's own list
    client = web_login(org["base_url"], member["user"]["username"])
    for path in (*SETTINGS_PAGES, f"/app/settings/users/{org['user']['id']}", f"/app/settings/roles/{role}",
                 f"/app/settings/lists/{own_list['id']}", f"/app/settings/fields/contacts/{custom['key']}"):
        page = client.get(path)
        assert page.status == 403, path
        assert "Seuls les administrateurs" in page.body_text, path
    posts = {
        "/app/settings/users/new": {"username": unique("x"), "full_name": "X", "email": "x@example.com",
                                    "password": PASSWORD},
        f"/app/settings/users/{member['user']['id']}": {"full_name": "Moi-même", "is_admin": "true"},
        f"/app/settings/users/{org['user']['id']}/active": {},
        f"/app/settings/users/{org['user']['id']}/delete": {},
        f"/app/settings/users/{org['user']['id']}/second-factor": {"current_password": PASSWORD},
        "/app/settings/roles": {"name": "Pirates"},
        f"/app/settings/roles/{role}/rename": {"name": "Pirates"},
        f"/app/settings/roles/{role}/delete": {},
        f"/app/settings/roles/{role}/permissions": {"m.settings.read": "true", "m.contacts.delete": "true"},
        "/app/settings/lists": {"name": "Liste", "access": "all"},
        f"/app/settings/lists/{own_list['id']}": {"name": "Partagée par moi", "access": "all"},
        f"/app/settings/lists/{own_list['id']}/grants": {"user_ids": org["user"]["id"]},
        f"/app/settings/lists/{own_list['id']}/delete": {},
        "/app/settings/fields/contacts": {"key": "pirate", "type": "text", "label_fr": "P", "label_en": "P"},
        f"/app/settings/fields/contacts/{custom['key']}": {"label_fr": "Piraté", "label_en": "Hacked"},
        f"/app/settings/fields/contacts/{custom['key']}/delete": {},
        "/app/settings/layouts/contacts": {"column": "city", "action": "add", "add_field": "email"},
        f"/app/settings/stages/{stage['id']}": {"label_fr": "Piraté", "label_en": "Hacked"},
        f"/app/settings/stages/{stage['id']}/substages": {"label_fr": "Piraté", "label_en": "Hacked"},
        "/app/settings/organization": {"name": "Piratée"},
    }
    for path, data in posts.items():
        assert client.post(path, data).status == 403, path
    # Nothing changed, as the API reads it.
    assert ok(member["client"].get("/me"))["is_admin"] is False
    assert ok(admin.get(f"/users/{org['user']['id']}"))["active"] is True
    assert ok(admin.get(f"/roles/{role}/permissions"))["modules"]["settings"]["read"] is False
    assert next(item for item in ok(admin.get("/lists")) if item["id"] == own_list["id"])["name"] == "Ma liste"
    assert [f["label_fr"] for f in ok(admin.get("/custom-fields/contacts"))] == ["Secteur"]
    assert ok(admin.get("/organization"))["name"] != "Piratée"
    assert ok(admin.get("/stages"))[0]["label_fr"] == stage["label_fr"]


def test_an_admin_of_another_organization_gets_404_for_this_organizations_users_roles_and_lists(org, member):
    other_admin, created = sign_up(org["base_url"], client_class=ApiClient)
    client = web_login(org["base_url"], created["user"]["username"])
    user_id, role_id, list_id = member["user"]["id"], member["role"]["id"], org["closed"]
    for path in (f"/app/settings/users/{user_id}", f"/app/settings/roles/{role_id}", f"/app/settings/lists/{list_id}"):
        assert client.get(path).status == 404, path
    posts = {
        f"/app/settings/users/{user_id}": {"full_name": "Volé", "username": member["user"]["username"],
                                           "email": member["user"]["email"]},
        f"/app/settings/users/{user_id}/active": {},
        f"/app/settings/users/{user_id}/delete": {},
        f"/app/settings/roles/{role_id}/rename": {"name": "Volé"},
        f"/app/settings/roles/{role_id}/permissions": {"m.contacts.read": "true"},
        f"/app/settings/roles/{role_id}/delete": {},
        f"/app/settings/lists/{list_id}": {"name": "Volée", "access": "all"},
        f"/app/settings/lists/{list_id}/grants": {"user_ids": created["user"]["id"]},
        f"/app/settings/lists/{list_id}/delete": {},
    }
    for path, data in posts.items():
        assert client.post(path, data).status == 404, path
    admin = org["admin"]
    assert ok(admin.get(f"/users/{user_id}"))["full_name"] == "Membre"
    assert any(role["name"] == member["role"]["name"] for role in ok(admin.get("/roles")))
    assert ok(admin.get(f"/lists/{list_id}/grants"))["user_ids"] == []
    assert next(item for item in ok(admin.get("/lists")) if item["id"] == list_id)["name"] == "Fermée"


def test_an_admin_creates_a_user_and_a_taken_username_comes_back_on_its_field(org, member):
    client = _admin_web(org)
    form = client.get("/app/settings/users/new")
    assert form.status == 200
    role = member["role"]
    username = unique("marie")
    page = client.post("/app/settings/users/new", {
        "full_name": "Marie Tremblay", "username": username, "email": f"{username}@example.com",
        "password": PASSWORD, "language": "en", "role_id": role["id"], "manager_id": member["user"]["id"],
        "all_contacts": "true", "own_records_only": "true"})
    assert page.status == 303, page.text[:2000]
    shown = client.follow(page)
    assert shown.status == 200 and "L'utilisateur est créé." in shown.one("#status").text_content()
    created = next(u for u in ok(org["admin"].get("/users", params={"q": username}))["items"])
    assert (created["role_id"], created["manager_id"], created["language"]) == (role["id"], member["user"]["id"], "en")
    assert (created["all_contacts"], created["hierarchy_contacts"], created["own_records_only"],
            created["is_admin"]) == (True, False, True, False)
    assert shown.one("#f-role_id option[selected]").get("value") == role["id"]
    assert shown.one("#f-all_contacts").get("checked") is not None
    assert shown.one("#f-hierarchy_contacts").get("checked") is None
    login(org["base_url"], username)

    again = client.post("/app/settings/users/new", {
        "full_name": "Autre Marie", "username": username, "email": "autre@example.com", "password": PASSWORD})
    assert again.status == 409
    field = again.one("#f-username")
    assert field.get("aria-invalid") == "true" and field.get("value") == username
    assert again.one("#f-username-error").text_content().strip() == "Ce nom d'utilisateur est déjà pris."
    assert "f-username-error" in field.get("aria-describedby")
    assert again.one("#f-full_name").get("value") == "Autre Marie"
    assert again.one("#f-password").get("value") == ""  # a password is never sent back
    assert again.one(".error-summary[role=alert]").text_content().strip()
    assert ok(org["admin"].get("/users", params={"q": "Autre Marie"}))["total"] == 0

    short = client.post("/app/settings/users/new", {
        "full_name": "Court", "username": unique("c"), "email": "pas-un-courriel", "password": "court"})
    assert short.status == 422
    assert short.one("#f-email").get("aria-invalid") == "true"
    assert short.one("#f-password").get("aria-invalid") == "true"


def test_an_admin_edits_deactivates_and_deletes_a_user_and_the_apis_refusals_show_on_the_page(org, member):
    client = _admin_web(org)
    admin_id, member_id = org["user"]["id"], member["user"]["id"]
    page = client.post(f"/app/settings/users/{member_id}", {
        "full_name": "Membre Renommé", "username": member["user"]["username"], "email": member["user"]["email"],
        "role_id": member["role"]["id"], "manager_id": admin_id, "hierarchy_contacts": "true"})
    assert page.status == 303, page.text[:2000]
    read = ok(org["admin"].get(f"/users/{member_id}"))
    assert (read["full_name"], read["manager_id"], read["hierarchy_contacts"]) == ("Membre Renommé", admin_id, True)
    # The manager cycle (S-5): the admin under the member who is under the admin.
    cycle = client.post(f"/app/settings/users/{admin_id}", {
        "full_name": org["user"]["full_name"], "username": org["user"]["username"], "email": org["user"]["email"],
        "manager_id": member_id, "is_admin": "true"})
    assert cycle.status == 409
    assert cycle.one("#f-manager_id").get("aria-invalid") == "true"
    assert "sous lui-même" in cycle.one("#f-manager_id-error").text_content()
    # The last administrator stays one.
    last = client.post(f"/app/settings/users/{admin_id}/active")
    assert last.status == 409
    assert "au moins un administrateur actif" in last.one(".error-summary").text_content()
    assert ok(org["admin"].get(f"/users/{admin_id}"))["active"] is True
    # A username changes only with the admin's own password (S-10).
    renamed = unique("nouveau")
    wrong = client.post(f"/app/settings/users/{member_id}", {
        "full_name": "Membre Renommé", "username": renamed, "email": member["user"]["email"],
        "current_password": "pas-le-bon-mot-de-passe"})
    assert wrong.status == 403 and wrong.one("#f-current_password").get("aria-invalid") == "true"
    right = client.post(f"/app/settings/users/{member_id}", {
        "full_name": "Membre Renommé", "username": renamed, "email": member["user"]["email"],
        "role_id": member["role"]["id"], "manager_id": admin_id, "hierarchy_contacts": "true",
        "current_password": PASSWORD})
    assert right.status == 303
    assert ok(org["admin"].get(f"/users/{member_id}"))["username"] == renamed
    # Deactivate, activate, reset the second factor (the admin's password), delete.
    assert client.post(f"/app/settings/users/{member_id}/active").status == 303
    assert ok(org["admin"].get(f"/users/{member_id}"))["active"] is False
    listed = client.get("/app/settings/users?active=false")
    assert "Membre Renommé" in listed.texts("table.records th[scope=row]")
    assert client.post(f"/app/settings/users/{member_id}/active").status == 303
    assert ok(org["admin"].get(f"/users/{member_id}"))["active"] is True
    reset = client.post(f"/app/settings/users/{member_id}/second-factor", {"current_password": "mauvais-mot-de-passe"})
    assert reset.status == 403 and reset.one("#f-reset-password").get("aria-invalid") == "true"
    assert client.post(f"/app/settings/users/{member_id}/second-factor",
                       {"current_password": PASSWORD}).status == 303
    assert client.post(f"/app/settings/users/{member_id}/delete").status == 303
    assert org["admin"].get(f"/users/{member_id}").status_code == 404
    found = client.get("/app/settings/users?q=Renomm")
    assert found.texts("table.records th[scope=row]") == []


def test_the_permission_matrix_saved_from_the_page_is_the_apis_and_a_hidden_field_is_gone_for_the_roles_member(
        org):
    admin = org["admin"]
    member = add_member(org, flags={"all_contacts": True})
    ok(admin.post("/custom-fields/contacts", json={"key": "budget", "type": "number", "label_fr": "Budget",
                                                   "label_en": "Budget"}), 201)
    contact = ok(admin.post("/contacts", json={"first_name": "Ana", "last_name": "Roy", "title": "PDG",
                                                "custom": {"budget": 5}, "list_ids": [org["shared"]]}), 201)
    client = _admin_web(org)
    role_id = member["role"]["id"]
    page = client.get(f"/app/settings/roles/{role_id}")
    assert page.status == 200
    # Every checkbox is labelled, and the tables name their headers.
    for box in page.css("form.permission-matrix input[type=checkbox]"):
        label = page.one(f"label[for='{box.get('id')}']")
        assert label.text_content().strip()
    assert page.one("label[for='m-contacts-read']").text_content().strip() == "Contacts — lecture"
    assert page.css("table.matrix th[scope=col]") and page.css("table.matrix th[scope=row]")
    assert page.css("#f-contacts-custom-budget-read")
    # The page shows the stored document.
    stored = ok(admin.get(f"/roles/{role_id}/permissions"))
    checked = _checkbox_names(page, "form.permission-matrix")
    for module, actions in stored["modules"].items():
        for action, allowed in actions.items():
            assert (f"m.{module}.{action}" in checked) == allowed, (module, action)
    # Tick: contacts read/write/export, accounts read; hide contacts' title and the custom budget, make email
    # read-only; special primary contact read.
    data = {"m.contacts.read": "true", "m.contacts.write": "true", "m.contacts.export": "true",
            "m.accounts.read": "true", "s.primary_contact.read": "true"}
    for name, _ in [(n, 0) for n in ("first_name", "last_name", "email", "phone", "city")]:
        data[f"f.contacts.{name}.read"] = "true"
        if name != "email":
            data[f"f.contacts.{name}.write"] = "true"
    for box in page.css("form.permission-matrix input[type=checkbox]"):
        name = box.get("name")
        if name.startswith(("f.accounts.", "f.opportunities.", "f.tasks.")) or (
                name.startswith("f.contacts.") and name.split(".")[2] not in ("title", "custom", "first_name",
                                                                              "last_name", "email", "phone", "city")):
            data[name] = "true"
    saved = client.post(f"/app/settings/roles/{role_id}/permissions", data)
    assert saved.status == 303, saved.text[:2000]
    after = ok(admin.get(f"/roles/{role_id}/permissions"))
    assert after["modules"]["contacts"] == {"read": True, "write": True, "delete": False, "export": True}
    assert after["modules"]["accounts"] == {"read": True, "write": False, "delete": False, "export": False}
    assert after["modules"]["opportunities"]["read"] is False and after["modules"]["settings"]["read"] is False
    assert after["fields"] == {"contacts.title": {"read": False, "write": False},
                               "contacts.custom.budget": {"read": False, "write": False},
                               "contacts.email": {"read": True, "write": False}}
    assert after["special"]["primary_contact"] == {"read": True, "write": False}
    # The page, read again, holds exactly the document the API answers.
    shown = client.follow(saved)
    assert "Les permissions sont enregistrées." in shown.one("#status").text_content()
    checked = _checkbox_names(shown, "form.permission-matrix")
    for module, actions in after["modules"].items():
        for action, allowed in actions.items():
            assert (f"m.{module}.{action}" in checked) == allowed, (module, action)
    for name, actions in after["special"].items():
        for action, allowed in actions.items():
            assert (f"s.{name}.{action}" in checked) == allowed, (name, action)
    assert "f.contacts.title.read" not in checked and "f.contacts.email.write" not in checked
    assert "f.contacts.email.read" in checked and "f.contacts.phone.write" in checked
    # The member of the role: no title and no budget on the contact, as /api/v1 answers it.
    record = ok(member["client"].get(f"/contacts/{contact['id']}"))
    assert "title" not in record and "budget" not in (record.get("custom") or {})
    assert record["first_name"] == "Ana"
    assert ok(admin.get(f"/contacts/{contact['id']}"))["title"] == "PDG"


def test_roles_are_created_renamed_and_a_held_role_is_not_deleted(org, member):
    client = _admin_web(org)
    page = client.post("/app/settings/roles", {"name": "Représentants"})
    assert page.status == 303
    role = next(r for r in ok(org["admin"].get("/roles")) if r["name"] == "Représentants")
    assert page.location.endswith(f"/app/settings/roles/{role['id']}")
    taken = client.post("/app/settings/roles", {"name": "Représentants"})
    assert taken.status == 409 and taken.one("#f-name").get("aria-invalid") == "true"
    assert client.post(f"/app/settings/roles/{role['id']}/rename", {"name": "Ventes"}).status == 303
    assert any(r["name"] == "Ventes" for r in ok(org["admin"].get("/roles")))
    held = client.post(f"/app/settings/roles/{member['role']['id']}/delete")
    assert held.status == 409 and "1" in held.one(".error-summary").text_content()
    assert client.post(f"/app/settings/roles/{role['id']}/delete").status == 303
    assert all(r["id"] != role["id"] for r in ok(org["admin"].get("/roles")))
    listed = client.get("/app/settings/roles")
    assert member["role"]["name"] in listed.texts("table.records th[scope=row]")


def test_lists_are_created_shared_granted_and_a_private_list_never_becomes_public(org, member):
    client = _admin_web(org)
    page = client.post("/app/settings/lists", {"name": "Clients Laval", "access": "private"})
    assert page.status == 303
    private = next(item for item in ok(org["admin"].get("/lists")) if item["name"] == "Clients Laval")
    assert private["private"] is True
    public = client.post(f"/app/settings/lists/{private['id']}", {"name": "Clients Laval", "access": "all"})
    assert public.status in (409, 422)
    assert "ne peut jamais redevenir publique" in public.one(".error-summary").text_content()
    assert next(i for i in ok(org["admin"].get("/lists")) if i["id"] == private["id"])["private"] is True
    # The closed list: granted to the member, then shared with all users, renamed.
    closed = org["closed"]
    page = client.get(f"/app/settings/lists/{closed}")
    assert page.status == 200 and page.css(f"#grant-{member['user']['id']}")
    assert client.post(f"/app/settings/lists/{closed}/grants", {"user_ids": member["user"]["id"]}).status == 303
    assert ok(org["admin"].get(f"/lists/{closed}/grants"))["user_ids"] == [member["user"]["id"]]
    assert any(item["id"] == closed for item in ok(member["client"].get("/lists")))
    shown = client.get(f"/app/settings/lists/{closed}")
    assert shown.one(f"#grant-{member['user']['id']}").get("checked") is not None
    assert client.post(f"/app/settings/lists/{closed}", {"name": "Ouverte", "access": "all"}).status == 303
    read = next(i for i in ok(org["admin"].get("/lists")) if i["id"] == closed)
    assert (read["name"], read["access_all_users"]) == ("Ouverte", True)
    assert client.post(f"/app/settings/lists/{closed}/delete").status == 303
    assert all(i["id"] != closed for i in ok(org["admin"].get("/lists")))


def test_custom_fields_are_created_edited_and_deleted_and_the_layout_is_ordered_without_javascript(org):
    client = _admin_web(org)
    page = client.post("/app/settings/fields/contacts", {"key": "secteur", "type": "single_choice",
                                                         "label_fr": "Secteur", "label_en": "Industry",
                                                         "choices": "Bois\nMétal\n"})
    assert page.status == 303, page.text[:2000]
    fields = ok(org["admin"].get("/custom-fields/contacts"))
    assert [(f["key"], f["type"], f["choices"]) for f in fields] == [("secteur", "single_choice", ["Bois", "Métal"])]
    no_choices = client.post("/app/settings/fields/contacts", {"key": "taille", "type": "multi_choice",
                                                               "label_fr": "Taille", "label_en": "Size"})
    assert no_choices.status == 422 and no_choices.one("#f-choices").get("aria-invalid") == "true"
    taken = client.post("/app/settings/fields/contacts", {"key": "secteur", "type": "text", "label_fr": "S",
                                                          "label_en": "S"})
    assert taken.status == 409
    assert client.post("/app/settings/fields/contacts/secteur", {
        "label_fr": "Secteur d'activité", "label_en": "Industry", "choices": "Bois\nMétal\nVerre",
        "hidden": "true"}).status == 303
    edited = ok(org["admin"].get("/custom-fields/contacts"))[0]
    assert (edited["label_fr"], edited["choices"], edited["hidden"]) == ("Secteur d'activité",
                                                                         ["Bois", "Métal", "Verre"], True)
    # Opportunities: their own service, a product type.
    assert client.post("/app/settings/fields/opportunities", {
        "key": "essence", "type": "text", "label_fr": "Essence", "label_en": "Species",
        "product_type": "Bois franc"}).status == 303
    assert ok(org["admin"].get("/custom-fields/opportunities"))[0]["product_type"] == "Bois franc"
    # The layout: the default columns, then a column added, moved up and one removed, each a form post.
    layout = ok(org["admin"].get("/layouts/contacts"))["columns"]
    page = client.get("/app/settings/fields/contacts")
    assert [i.get("value") for i in page.css("#layout input[name=column]")] == [",".join(c) for c in layout]

    def post(action, **extra):
        current = client.get("/app/settings/fields/contacts")
        columns = [i.get("value") for i in current.css("#layout input[name=column]")]
        answer = client.post("/app/settings/layouts/contacts",
                             {"column": columns, "action": action, **extra})
        assert answer.status == 303, answer.text[:2000]
        return ok(org["admin"].get("/layouts/contacts"))["columns"]

    after = post("add", add_field="custom.secteur", add_second="title")
    assert after == [*layout, ["custom.secteur", "title"]]
    after = post(f"up:{len(after) - 1}")
    assert after == [*layout[:-1], ["custom.secteur", "title"], layout[-1]]
    after = post("remove:0")
    assert after == [*layout[1:-1], ["custom.secteur", "title"], layout[-1]]
    before = after
    after = post("down:0")
    assert after == [before[1], before[0], *before[2:]]
    shown = client.get("/app/settings/fields/contacts")
    assert "Secteur d'activité / Titre" in shown.texts("#layout th[scope=row]")
    assert client.post("/app/settings/fields/contacts/secteur/delete").status == 303
    assert ok(org["admin"].get("/custom-fields/contacts")) == []


def test_stages_are_renamed_and_get_sub_stages_and_a_fixed_probability_stays(org):
    client = _admin_web(org)
    stage = ok(org["admin"].get("/stages"))[1]
    assert client.post(f"/app/settings/stages/{stage['id']}", {"label_fr": "Proposition envoyée",
                                                              "label_en": "Proposal sent"}).status == 303
    assert client.post(f"/app/settings/stages/{stage['id']}/substages", {"label_fr": "Relance",
                                                                        "label_en": "Follow-up"}).status == 303
    read = next(s for s in ok(org["admin"].get("/stages")) if s["id"] == stage["id"])
    assert (read["label_fr"], read["probability"]) == ("Proposition envoyée", stage["probability"])
    sub = read["substages"][-1]
    assert (sub["label_fr"], sub["label_en"], sub["locked"]) == ("Relance", "Follow-up", False)
    assert client.post(f"/app/settings/substages/{sub['id']}", {"label_fr": "Deuxième relance",
                                                                "label_en": "Second follow-up"}).status == 303
    empty = client.post(f"/app/settings/stages/{stage['id']}", {"label_fr": "", "label_en": "Proposal sent"})
    assert empty.status == 422
    assert empty.one(f"#s-{stage['id']}-fr").get("aria-invalid") == "true"
    page = client.get("/app/settings/stages")
    assert page.one(f"#u-{sub['id']}-fr").get("value") == "Deuxième relance"


def test_the_organization_profile_is_saved_and_the_plan_is_read_only(org):
    client = _admin_web(org)
    page = client.get("/app/settings/organization")
    assert page.status == 200
    assert page.one("#f-timezone option[selected]").get("value") == ok(org["admin"].get("/organization"))["timezone"]
    saved = client.post("/app/settings/organization", {
        "name": "Les Entreprises Gagnon inc.", "language": "en", "timezone": "America/Vancouver",
        "city": "Québec", "phone": "418-555-0101", "website": "https://gagnon.example",
        "sender_name": "Gagnon", "legal_text": "123 rue Principale"})
    assert saved.status == 303, saved.text[:2000]
    read = ok(org["admin"].get("/organization"))
    assert (read["name"], read["language"], read["timezone"], read["city"], read["sender_name"]) == (
        "Les Entreprises Gagnon inc.", "en", "America/Vancouver", "Québec", "Gagnon")
    bad = client.post("/app/settings/organization", {"name": "X", "timezone": "America/Vancouver",
                                                     "language": "en", "website": "pas une adresse"})
    assert bad.status == 422 and bad.one("#f-website").get("aria-invalid") == "true"
    shown = client.get("/app/settings/organization")
    assert shown.css("#f-plan") == [] and shown.css("input[name=plan]") == []
    assert "Forfait" in shown.texts("#h-plan")[0]


def test_a_second_admin_is_made_from_the_page_and_sees_the_settings(org, member):
    client = _admin_web(org)
    user = create_user(org["admin"], full_name="Second")
    assert web_login(org["base_url"], user["username"]).get("/app/settings").status == 403
    page = client.post(f"/app/settings/users/{user['id']}", {
        "full_name": "Second", "username": user["username"], "email": user["email"], "is_admin": "true"})
    assert page.status == 303
    assert ok(ApiClient(org["base_url"], token=login(org["base_url"], user["username"])).get("/me"))["is_admin"]
    assert web_login(org["base_url"], user["username"]).get("/app/settings").status == 200


def test_a_plan_without_a_seat_left_refuses_the_new_user_on_the_form_and_shows_its_limits(base_url):
    admin, created = sign_up(base_url, client_class=ApiClient, plan="solo")
    client = web_login(base_url, created["user"]["username"])
    username = unique("pas")
    page = client.post("/app/settings/users/new", {"full_name": "Sans place", "username": username,
                                                   "email": f"{username}@example.com", "password": PASSWORD})
    assert page.status == 409
    assert "n'a plus de place (1 utilisateurs actifs)" in page.one(".error-summary[role=alert]").text_content()
    assert page.one("#f-username").get("value") == username
    assert ok(admin.get("/users"))["total"] == 1
    plan = client.get("/app/settings/organization")
    assert plan.texts("#h-plan + dl dd")[:2] == ["Solo", "1"]
