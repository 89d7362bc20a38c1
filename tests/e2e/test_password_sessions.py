"""A new password ends the user's other sessions (a stolen session does not survive a password change);
the session that changed it stays, and an administrator's reset ends all of them. A credential change needs the
caller's current password, so a stolen token cannot lock the owner out (S-10, issue 10 §2)."""
import pytest
from conftest import PASSWORD, Client, assert_problem, attempt_login, create_user, login

API = "/api/v1"
NEW_PASSWORD = "a-new-password-2026"


def _me_status(base_url, token):
    return Client(base_url, token).request("GET", API + "/me").status_code


def test_changing_ones_own_password_ends_the_other_sessions_only(base_url, org):
    user = create_user(org["admin"])
    here, elsewhere = login(base_url, user["username"]), login(base_url, user["username"])
    assert _me_status(base_url, here) == 200 and _me_status(base_url, elsewhere) == 200
    response = Client(base_url, here).request("PATCH", f"{API}/users/{user['id']}",
                                              json={"password": NEW_PASSWORD, "current_password": PASSWORD})
    assert response.status_code == 200, response.text
    assert _me_status(base_url, here) == 200
    assert _me_status(base_url, elsewhere) == 401
    assert login(base_url, user["username"], NEW_PASSWORD)


def test_an_administrators_reset_ends_every_session_of_the_user_and_no_one_elses(base_url, org):
    user, colleague = create_user(org["admin"]), create_user(org["admin"])
    token, colleague_token = login(base_url, user["username"]), login(base_url, colleague["username"])
    response = org["admin"].request("PATCH", f"{API}/users/{user['id']}",
                                    json={"password": NEW_PASSWORD, "current_password": PASSWORD})
    assert response.status_code == 200, response.text
    assert _me_status(base_url, token) == 401
    assert _me_status(base_url, colleague_token) == 200
    assert _me_status(base_url, org["admin"].token) == 200
    assert login(base_url, user["username"], NEW_PASSWORD) and PASSWORD != NEW_PASSWORD


@pytest.mark.parametrize("change", [{"password": "chosen-by-the-thief"}, {"email": "thief@example.net"},
                                    {"password": "chosen-by-the-thief", "email": "thief@example.net"}])
def test_a_stolen_token_cannot_change_the_owners_password_or_email(base_url, org, change):
    owner = create_user(org["admin"])
    thief = Client(base_url, login(base_url, owner["username"]), language="fr")
    path = f"{API}/users/{owner['id']}"

    missing = assert_problem(thief.request("PATCH", path, json=change), 422, code="current_password_required",
                             fields=["current_password"])
    wrong = assert_problem(thief.request("PATCH", path, json={**change, "current_password": "a-guess-at-it"}), 403,
                           code="current_password_wrong", fields=["current_password"])

    assert missing["errors"]["current_password"] == ["Confirmez avec votre mot de passe actuel."]
    assert wrong["errors"]["current_password"] == ["Ce n'est pas votre mot de passe actuel."]
    assert org["admin"].request("GET", path).json()["email"] == owner["email"]
    assert attempt_login(base_url, owner["username"]).status_code == 200


def test_an_administrator_resets_a_password_with_their_own(base_url, org):
    user = create_user(org["admin"])
    path = f"{API}/users/{user['id']}"
    assert_problem(org["admin"].request("PATCH", path, json={"password": NEW_PASSWORD, "current_password": PASSWORD
                                                             + "-not"}), 403, code="current_password_wrong")
    assert attempt_login(base_url, user["username"]).status_code == 200
