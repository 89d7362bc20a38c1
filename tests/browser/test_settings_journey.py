"""Settings in Chromium (issue 11: "settings an administrator can manage alone"): an administrator creates a role,
ticks its permissions, creates a user holding it, adds a custom field and puts it in the contacts list's columns;
in French and in English, and the matrix and the column order without JavaScript (plain posts and redirects).
Each step is checked against ``/api/v1``; every page opened with JavaScript passes ``check_page`` (axe needs it).
"""
import pytest
from conftest import ApiClient, login, ok, sign_up, unique
from playwright.sync_api import expect

TEXTS = {
    "fr": {"settings": "Paramètres", "roles": "Rôles et permissions", "role_name": "Nom du rôle",
           "create_role": "Créer le rôle", "role_created": "Le rôle est créé : choisissez ses permissions.",
           "contacts_export": "Contacts — exportation", "title_read": "Contacts — Titre — lecture",
           "email_write": "Contacts — Courriel — modification", "save_permissions": "Enregistrer les permissions",
           "permissions_saved": "Les permissions sont enregistrées.", "users": "Utilisateurs",
           "new_user": "Nouvel utilisateur", "full_name": "Nom complet", "username": "Nom d'utilisateur",
           "email": "Courriel", "password": "Mot de passe", "role": "Rôle", "all_contacts": "Voit tous les contacts",
           "create_user": "Créer l'utilisateur", "user_created": "L'utilisateur est créé.",
           "fields": "Champs personnalisés et affichage", "label_fr": "Libellé en français",
           "label_en": "Libellé en anglais", "key": "Clé", "type": "Type", "choice": "Choix unique",
           "choices": "Choix", "add_field": "Ajouter le champ", "field_added": "Le champ est ajouté.",
           "column_field": "Champ", "add_column": "Ajouter une colonne", "move_up": "Monter",
           "layout_saved": "Les colonnes sont enregistrées.", "label": "Secteur", "h1_users": "Utilisateurs"},
    "en": {"settings": "Settings", "roles": "Roles and permissions", "role_name": "Role name",
           "create_role": "Create the role", "role_created": "The role is created: choose its permissions.",
           "contacts_export": "Contacts — export", "title_read": "Contacts — Title — read",
           "email_write": "Contacts — Email — write", "save_permissions": "Save the permissions",
           "permissions_saved": "The permissions are saved.", "users": "Users",
           "new_user": "New user", "full_name": "Full name", "username": "Username",
           "email": "Email", "password": "Password", "role": "Role", "all_contacts": "Sees every contact",
           "create_user": "Create the user", "user_created": "The user is created.",
           "fields": "Custom fields and layouts", "label_fr": "Label in French",
           "label_en": "Label in English", "key": "Key", "type": "Type", "choice": "One choice",
           "choices": "Choices", "add_field": "Add the field", "field_added": "The field is added.",
           "column_field": "Field", "add_column": "Add a column", "move_up": "Move up",
           "layout_saved": "The columns are saved.", "label": "Industry", "h1_users": "Users"},
}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_an_admin_creates_a_role_ticks_its_permissions_creates_a_user_a_custom_field_and_a_column(
        open_tab, base_url, language):
    text = TEXTS[language]
    admin_username = unique("admin")
    admin, created = sign_up(base_url, client_class=ApiClient, username=admin_username, language=language)
    tab = open_tab(language)
    tab.sign_in(admin_username)
    page = tab.goto("/app/settings")
    expect(page.get_by_role("heading", level=1)).to_have_text(text["settings"])
    tab.check_page()

    # A role and its permissions.
    page.locator("main").get_by_role("link", name=text["roles"]).click()
    page.get_by_label(text["role_name"]).fill("Représentants")
    page.get_by_role("button", name=text["create_role"]).click()
    expect(page.get_by_role("status")).to_have_text(text["role_created"])
    tab.check_page()
    role = next(r for r in ok(admin.get("/roles")) if r["name"] == "Représentants")
    page.get_by_label(text["contacts_export"], exact=True).check()
    page.get_by_label(text["title_read"], exact=True).uncheck()
    page.get_by_label(text["email_write"], exact=True).uncheck()
    page.get_by_role("button", name=text["save_permissions"]).click()
    expect(page.get_by_role("status")).to_have_text(text["permissions_saved"])
    expect(page.get_by_label(text["contacts_export"], exact=True)).to_be_checked()
    expect(page.get_by_label(text["title_read"], exact=True)).not_to_be_checked()
    permissions = ok(admin.get(f"/roles/{role['id']}/permissions"))
    assert permissions["modules"]["contacts"]["export"] is True
    assert permissions["fields"]["contacts.title"] == {"read": False, "write": False}
    assert permissions["fields"]["contacts.email"] == {"read": True, "write": False}
    tab.check_page()
    tab.shoot("settings-permissions")

    # A user holding the role.
    page.locator("aside").get_by_role("link", name=text["users"]).click()
    page.get_by_role("link", name=text["new_user"]).click()
    username = unique("marie")
    page.get_by_label(text["full_name"]).fill("Marie Tremblay")
    page.get_by_label(text["username"]).fill(username)
    page.get_by_label(text["email"]).fill(f"{username}@example.com")
    page.get_by_label(text["password"]).fill("correct-horse-battery")
    page.get_by_label(text["role"], exact=True).select_option(label="Représentants")
    page.get_by_label(text["all_contacts"]).check()
    page.get_by_role("button", name=text["create_user"]).click()
    expect(page.get_by_role("status")).to_have_text(text["user_created"])
    expect(page.get_by_role("heading", level=1)).to_have_text("Marie Tremblay")
    tab.check_page()
    user = ok(admin.get("/users", params={"q": username}))["items"][0]
    assert (user["role_id"], user["all_contacts"], user["is_admin"]) == (role["id"], True, False)
    assert ok(ApiClient(base_url, token=login(base_url, username)).get("/me"))["permissions"]["fields"][
        "contacts.title"]["read"] is False
    page.locator("aside").get_by_role("link", name=text["users"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(text["h1_users"])
    expect(page.locator("table.records")).to_contain_text("Marie Tremblay")
    tab.check_page()
    tab.shoot("settings-users")

    # A custom field, then a column of it moved up in the contacts list.
    page.locator("aside").get_by_role("link", name=text["fields"]).click()
    page.get_by_label(text["label_fr"]).fill("Secteur")
    page.get_by_label(text["label_en"]).fill("Industry")
    page.get_by_label(text["key"]).fill("secteur")
    page.get_by_label(text["type"], exact=True).select_option(label=text["choice"])
    page.get_by_label(text["choices"], exact=True).fill("Bois\nMétal")
    page.get_by_role("button", name=text["add_field"]).click()
    expect(page.get_by_role("status")).to_have_text(text["field_added"])
    assert [(f["key"], f["choices"]) for f in ok(admin.get("/custom-fields/contacts"))] == [
        ("secteur", ["Bois", "Métal"])]
    tab.check_page()
    before = ok(admin.get("/layouts/contacts"))["columns"]
    page.get_by_label(text["column_field"], exact=True).select_option(label=text["label"])
    page.get_by_role("button", name=text["add_column"], exact=True).click()
    expect(page.get_by_role("status")).to_have_text(text["layout_saved"])
    assert ok(admin.get("/layouts/contacts"))["columns"] == [*before, ["custom.secteur"]]
    page.get_by_role("button", name=f"{text['move_up']} {text['label']}").click()
    expect(page.locator("#layout tbody tr").nth(len(before) - 1).locator("th")).to_have_text(text["label"])
    assert ok(admin.get("/layouts/contacts"))["columns"] == [*before[:-1], ["custom.secteur"], before[-1]]
    tab.check_page()

    # The other settings pages hold what every page must (axe, CSP, console).
    shared = ok(admin.post("/lists", json={"name": "Clients Laval"}), 201)
    for path in ("/app/settings/lists", f"/app/settings/lists/{shared['id']}", "/app/settings/stages",
                 "/app/settings/organization", "/app/settings/roles", "/app/settings/fields/opportunities",
                 f"/app/settings/users/{user['id']}"):
        page = tab.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        tab.check_page()


def test_without_javascript_the_permission_matrix_and_the_column_order_are_plain_form_posts(open_tab, base_url):
    admin_username = unique("admin")
    admin, created = sign_up(base_url, client_class=ApiClient, username=admin_username)
    role = ok(admin.post("/roles", json={"name": "Sales"}), 201)
    before = ok(admin.get("/layouts/accounts"))["columns"]
    tab = open_tab("en", javascript=False)
    tab.sign_in(admin_username)
    page = tab.goto(f"/app/settings/roles/{role['id']}")
    page.get_by_label("Accounts — delete", exact=True).check()
    page.get_by_label("Tasks — Description — read", exact=True).uncheck()
    page.get_by_role("button", name="Save the permissions").click()
    page.wait_for_url(f"**/app/settings/roles/{role['id']}")
    expect(page.get_by_role("status")).to_have_text("The permissions are saved.")
    permissions = ok(admin.get(f"/roles/{role['id']}/permissions"))
    assert permissions["modules"]["accounts"]["delete"] is True
    assert permissions["fields"] == {"tasks.description": {"read": False, "write": False}}
    page = tab.goto("/app/settings/fields/accounts")
    labels = {"name": "Name", "city": "City", "phone": "Phone", "email": "Email"}  # the default columns (C-15)
    last = " / ".join(labels[name] for name in before[-1])
    page.locator("#layout tbody tr").last.get_by_role("button", name="Move up").click()
    page.wait_for_url("**/app/settings/fields/accounts*")
    expect(page.get_by_role("status")).to_have_text("The columns are saved.")
    assert ok(admin.get("/layouts/accounts"))["columns"] == [*before[:-2], before[-1], before[-2]]
    expect(page.locator("#layout tbody tr").nth(len(before) - 2).locator("th")).to_have_text(last)
