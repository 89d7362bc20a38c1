"""Sign-up, login, the language switch and logout in Chromium (issue 11: "Sign up an organization, log in and out,
switch language (kept in the profile), see their name and organization")."""
from conftest import PASSWORD, ApiClient, login, ok, unique
from playwright.sync_api import expect


def test_a_visitor_signs_up_and_lands_signed_in_with_their_name_and_organization(open_tab, base_url):
    tab = open_tab("fr")
    page = tab.goto("/app/signup")
    tab.check_page()
    username = unique("web")
    page.get_by_label("Nom de l'organisation").fill("Plomberie Gagnon")
    page.get_by_label("Votre nom complet").fill("Lise Gagnon")
    page.get_by_label("Courriel").fill(f"{username}@example.com")
    page.get_by_label("Nom d'utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Créer l'organisation").click()
    page.wait_for_url("**/app/dashboard")
    header = page.locator("header")
    assert "Lise Gagnon" in header.inner_text() and "Plomberie Gagnon" in header.inner_text()
    assert page.get_by_role("status").inner_text().startswith("Bienvenue")
    cookie = next(c for c in tab.context.cookies() if c["name"] == "carnet_session")
    assert cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] == "Lax"


def test_a_wrong_password_is_announced_on_the_field_and_the_language_switch_is_kept_in_the_profile(
        open_tab, base_url):
    admin = sign_up_admin(base_url)
    tab = open_tab("fr")
    page = tab.goto("/app/login")
    page.get_by_label("Nom d'utilisateur").fill(admin["username"])
    page.get_by_label("Mot de passe").fill("not-the-password")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("alert")).to_contain_text("incorrect")
    tab.check_page()
    tab.sign_in(admin["username"])
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    tab.language = "en"
    tab.check_page()
    me = ok(ApiClient(base_url, token=login(base_url, admin["username"])).get("/me"))
    assert me["user"]["language"] == "en"
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/app/login")
    expect(page.get_by_role("status")).to_have_text("You are logged out.")


def sign_up_admin(base_url):
    from conftest import sign_up
    client, created = sign_up(base_url, client_class=ApiClient)
    return created["user"]
