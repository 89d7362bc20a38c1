"""A credential change needs the caller's current password (S-10, issue 10 §2): a stolen token alone cannot change
the password, the e-mail or the username of anyone, so it cannot lock the owner out."""
import pytest
from identity_harness import PASSWORD, actor

from carnet_common import redis_keys
from carnet_common.errors import Forbidden, InvalidInput, Unauthorized

NEW_PASSWORD = "a-new-password-2026"


@pytest.mark.parametrize("change", [{"password": NEW_PASSWORD}, {"email": "thief@example.net"}])
def test_changing_ones_own_password_or_email_needs_the_current_password(svc, org, change):
    user = org.add_user()
    me = actor(user)

    with pytest.raises(InvalidInput) as missing:
        svc.update_user(me, user["id"], change)
    with pytest.raises(Forbidden) as wrong:
        svc.update_user(me, user["id"], {**change, "current_password": "not-my-password"})

    assert missing.value.errors == {"current_password": ["current_password_required"]}
    assert wrong.value.errors == {"current_password": ["current_password_wrong"]}
    assert svc.get_user(org.admin, user["id"])["email"] == user["email"]
    assert svc.login(user["username"], PASSWORD)["user"]["id"] == user["id"]

    changed = svc.update_user(me, user["id"], {**change, "current_password": PASSWORD})
    assert changed["email"] == change.get("email", user["email"])


def test_a_change_without_credentials_needs_no_password(svc, org):
    user = org.add_user()
    assert svc.update_user(actor(user), user["id"], {"full_name": "Nouveau Nom"})["full_name"] == "Nouveau Nom"


@pytest.mark.parametrize("change", [{"password": NEW_PASSWORD}, {"email": "new@example.com"},
                                    {"username": "renamed-by-admin"}])
def test_an_administrator_changing_another_users_credentials_confirms_with_their_own_password(svc, org, change):
    user = org.add_user()
    if "username" in change:
        change = {"username": change["username"] + user["id"][:8]}

    with pytest.raises(InvalidInput):
        svc.update_user(org.admin, user["id"], change)
    with pytest.raises(Forbidden):
        # The user's password is not the administrator's: it does not confirm the administrator.
        svc.update_user(org.admin, user["id"], {**change, "current_password": "not-the-admins-password"})

    updated = svc.update_user(org.admin, user["id"], {**change, "current_password": PASSWORD})
    assert all(updated[key] == value for key, value in change.items() if key != "password")


def test_guessing_the_current_password_with_a_stolen_token_ends_the_session_after_five_tries(svc, org, identity):
    user = org.add_user()
    digest = redis_keys.token_digest(svc.login(user["username"], PASSWORD)["token"])

    for _ in range(5):
        with pytest.raises(Forbidden):
            svc.update_user(actor(user), user["id"], {"password": NEW_PASSWORD, "current_password": "guess-guess"})
    assert identity.redis.exists(redis_keys.session_key(digest))
    with pytest.raises(Unauthorized) as caught:
        svc.update_user(actor(user), user["id"], {"password": NEW_PASSWORD, "current_password": PASSWORD})

    assert caught.value.code == "session_invalid"
    assert not identity.redis.exists(redis_keys.session_key(digest))
    assert svc.login(user["username"], PASSWORD)["user"]["id"] == user["id"]


def test_a_right_password_forgives_the_wrong_ones_before_it(svc, org):
    user = org.add_user()
    for _ in range(4):
        with pytest.raises(Forbidden):
            svc.update_user(actor(user), user["id"], {"email": "a@example.com", "current_password": "guess-guess"})
    svc.update_user(actor(user), user["id"], {"email": "b@example.com", "current_password": PASSWORD})
    for _ in range(5):
        with pytest.raises(Forbidden):
            svc.update_user(actor(user), user["id"], {"email": "c@example.com", "current_password": "guess-guess"})
