"""A new password ends the user's other sessions (a stolen session does not survive a password change);
the session that changed it stays, and an administrator's reset ends all of them."""
from conftest import PASSWORD, Client, create_user, login

API = "/api/v1"
NEW_PASSWORD = "a-new-password-2026"


def _me_status(base_url, token):
    return Client(base_url, token).request("GET", API + "/me").status_code


def test_changing_ones_own_password_ends_the_other_sessions_only(base_url, org):
    user = create_user(org["admin"])
    here, elsewhere = login(base_url, user["username"]), login(base_url, user["username"])
    assert _me_status(base_url, here) == 200 and _me_status(base_url, elsewhere) == 200
    response = Client(base_url, here).request("PATCH", f"{API}/users/{user['id']}", json={"password": NEW_PASSWORD})
    assert response.status_code == 200, response.text
    assert _me_status(base_url, here) == 200
    assert _me_status(base_url, elsewhere) == 401
    assert login(base_url, user["username"], NEW_PASSWORD)


def test_an_administrators_reset_ends_every_session_of_the_user_and_no_one_elses(base_url, org):
    user, colleague = create_user(org["admin"]), create_user(org["admin"])
    token, colleague_token = login(base_url, user["username"]), login(base_url, colleague["username"])
    response = org["admin"].request("PATCH", f"{API}/users/{user['id']}", json={"password": NEW_PASSWORD})
    assert response.status_code == 200, response.text
    assert _me_status(base_url, token) == 401
    assert _me_status(base_url, colleague_token) == 200
    assert _me_status(base_url, org["admin"].token) == 200
    assert login(base_url, user["username"], NEW_PASSWORD) and PASSWORD != NEW_PASSWORD
