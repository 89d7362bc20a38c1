"""What a limited user and another organization see in Chromium (issue 11: "a limited user who never sees a hidden
field or list (checked against /api/v1 in the same test), a second organization that gets 404"): the pages show
exactly what the same user's API calls answer, in French and in English."""
import pytest
from conftest import ApiClient, add_member, ok, sign_up
from playwright.sync_api import expect

HIDDEN_EMAIL = "cachee@exemple.example"
NOT_FOUND = {"fr": "Introuvable", "en": "Not found"}


def _limited_member(org, language):
    """A member whose role may not read contacts' email, with only the shared list selected."""
    member = add_member(org)
    admin = org["admin"]
    permissions = ok(admin.get(f"/roles/{member['role']['id']}/permissions"))
    permissions["fields"]["contacts.email"] = {"read": False, "write": False}
    ok(admin.put(f"/roles/{member['role']['id']}/permissions", json=permissions))
    ok(admin.patch(f"/users/{member['user']['id']}", json={"language": language}))
    return member


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_limited_member_never_sees_a_hidden_field_or_list_and_another_organization_gets_404(
        open_tab, org, base_url, language):
    admin = org["admin"]
    member = _limited_member(org, language)
    api, mine = member["client"], member["user"]["id"]  # the member is the reps of both (C-2): lists decide
    seen = ok(admin.post("/contacts", json={"first_name": "Lise", "last_name": "Visible", "email": HIDDEN_EMAIL,
                                            "phone": "514-555-0199", "rep1_id": mine, "list_ids": [org["shared"]]}),
              201)
    ok(admin.post("/contacts", json={"first_name": "Marc", "last_name": "Ailleurs", "rep1_id": mine,
                                     "list_ids": [org["closed"]]}), 201)
    # what the API answers this member
    assert "email" not in ok(api.get(f"/contacts/{seen['id']}"))
    assert [c["last_name"] for c in ok(api.get("/contacts"))["items"]] == ["Visible"]
    reachable = {item["name"] for item in ok(api.get("/lists"))}
    assert "Fermée" not in reachable

    tab = open_tab(language)
    page = tab.sign_in(member["user"]["username"])
    tab.goto("/app/contacts")
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Visible")
    panel = page.locator("aside")
    for name in reachable:
        expect(panel).to_contain_text(name)
    expect(panel).not_to_contain_text("Fermée")
    assert HIDDEN_EMAIL not in page.content() and "Ailleurs" not in page.content()
    tab.check_page()

    tab.goto(f"/app/contacts/{seen['id']}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lise Visible")
    expect(page.locator("main")).to_contain_text("514-555-0199")
    assert HIDDEN_EMAIL not in page.content()
    tab.check_page()
    edit = tab.goto(f"/app/contacts/{seen['id']}/edit")
    expect(edit.locator("main form")).not_to_contain_text("Courriel" if language == "fr" else "Email")
    assert edit.locator("input[name=email]").count() == 0

    # another organization's administrator: 404, as its API answers
    stranger, created = sign_up(base_url, client_class=ApiClient)
    assert stranger.get(f"/contacts/{seen['id']}").status_code == 404
    ok(stranger.patch(f"/users/{created['user']['id']}", json={"language": language}))
    outsider = open_tab(language)
    outsider.sign_in(created["user"]["username"])
    for path in (f"/app/contacts/{seen['id']}", f"/app/contacts/{seen['id']}/edit"):
        response = outsider.page.goto(base_url + path)
        assert response.status == 404
        expect(outsider.page.get_by_role("heading", level=1)).to_have_text(NOT_FOUND[language])
        assert "Visible" not in outsider.page.content()
    outsider.check_page()


def test_the_back_button_returns_to_the_previous_page_after_boosted_navigation(open_tab, org):
    tab = open_tab("fr")
    page = tab.sign_in(org["user"]["username"])
    menu = page.get_by_role("navigation", name="Menu principal")
    menu.get_by_role("link", name="Contacts").click()
    expect(page).to_have_url(f"{tab.base_url}/app/contacts")
    menu.get_by_role("link", name="Comptes").click()
    expect(page).to_have_url(f"{tab.base_url}/app/accounts")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Comptes")
    page.go_back()
    expect(page).to_have_url(f"{tab.base_url}/app/contacts")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Contacts")
    page.go_forward()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Comptes")
    tab.check_page()
