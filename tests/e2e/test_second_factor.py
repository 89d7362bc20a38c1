"""The TOTP second factor over HTTP (S-10, issue 10 §2): enrolment, login in two steps whose first yields nothing
the API accepts, recovery codes, an administrator's reset, and the organization's requirement; in French and
English. Codes are computed here from RFC 6238 as an authenticator app would, not with the service's code."""
import base64
import hashlib
import hmac
import struct
import time

from conftest import PASSWORD, Client, assert_problem, attempt_login, create_user

API = "/api/v1"


def app_code(secret, offset=0):
    """What an authenticator app shows ``offset`` seconds from now (HMAC-SHA-1, 30 s, 6 digits)."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    mac = hmac.new(key, struct.pack(">Q", int(time.time() + offset) // 30), hashlib.sha1).digest()
    number = struct.unpack(">I", mac[mac[-1] & 15:(mac[-1] & 15) + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def enrol(client):
    """Turns the second factor on for ``client``'s user: (secret, recovery codes)."""
    started = client.post(API + "/me/totp", json={"current_password": PASSWORD})
    assert started.status_code == 200, started.text
    secret = started.json()["secret"]
    confirmed = client.post(API + "/me/totp/confirm", json={"code": app_code(secret)})
    assert confirmed.status_code == 200, confirmed.text
    return secret, confirmed.json()["recovery_codes"]


def second_step(base_url, challenge, code, **headers):
    return Client(base_url).post(API + "/auth/login/totp", json={"challenge": challenge, "code": code},
                                 headers=headers)


def test_a_user_enrols_then_logs_in_in_two_steps(base_url, org):
    user = create_user(org["admin"])
    client = Client(base_url, token=attempt_login(base_url, user["username"]).json()["token"])
    assert client.get(API + "/me/totp").json() == {"enabled": False, "required": False, "recovery_codes_left": 0}

    assert_problem(client.post(API + "/me/totp", json={}), 422, fields=["current_password"])
    assert_problem(client.post(API + "/me/totp", json={"current_password": "not-mine-at-all"}), 403,
                   code="current_password_wrong", fields=["current_password"])
    started = client.post(API + "/me/totp", json={"current_password": PASSWORD}).json()
    assert started["otpauth_uri"].startswith("otpauth://totp/Carnet:") and started["secret"] in started["otpauth_uri"]
    wrong = client.post(API + "/me/totp/confirm", json={"code": app_code(started["secret"], offset=300)},
                        headers={"Accept-Language": "fr"})
    assert assert_problem(wrong, 403, code="totp_code_wrong", fields=["code"])["errors"]["code"][0].startswith(
        "Ce code n'est pas valide")
    codes = client.post(API + "/me/totp/confirm", json={"code": app_code(started["secret"])}).json()["recovery_codes"]
    assert len(codes) == 10 and client.get(API + "/me/totp").json()["enabled"] is True

    first = attempt_login(base_url, user["username"])

    assert first.status_code == 200, first.text
    body = first.json()
    assert body["second_factor"] == "totp" and "token" not in body and "user" not in body
    assert_problem(Client(base_url, token=body["challenge"]).get(API + "/me"), 401)  # the first step is no session
    session = second_step(base_url, body["challenge"], app_code(started["secret"], offset=30))
    assert session.status_code == 200, session.text
    assert Client(base_url, token=session.json()["token"]).get(API + "/me").json()["user"]["id"] == user["id"]
    assert_problem(second_step(base_url, body["challenge"], app_code(started["secret"])), 401,
                   code="login_challenge_invalid")


def test_a_recovery_code_logs_in_once(base_url, org):
    user = create_user(org["admin"])
    client = Client(base_url, token=attempt_login(base_url, user["username"]).json()["token"])
    _, codes = enrol(client)

    challenge = attempt_login(base_url, user["username"]).json()["challenge"]
    assert second_step(base_url, challenge, codes[3]).status_code == 200
    again = attempt_login(base_url, user["username"]).json()["challenge"]
    refused = assert_problem(second_step(base_url, again, codes[3], **{"Accept-Language": "en"}), 401,
                             code="totp_code_wrong", fields=["code"])
    assert "recovery code" in refused["errors"]["code"][0]
    assert client.get(API + "/me/totp").json()["recovery_codes_left"] == 9


def test_an_administrator_resets_a_lost_second_factor_with_their_own_password(base_url, org):
    user = create_user(org["admin"])
    client = Client(base_url, token=attempt_login(base_url, user["username"]).json()["token"])
    enrol(client)

    path = f"{API}/users/{user['id']}/totp/reset"
    assert_problem(org["admin"].post(path, json={"current_password": "not-the-admins"}), 403,
                   code="current_password_wrong")
    reset = org["admin"].post(path, json={"current_password": PASSWORD})

    assert reset.status_code == 204 and "Content-Type" not in reset.headers
    assert_problem(client.get(API + "/me"), 401)  # their sessions ended
    assert "token" in attempt_login(base_url, user["username"]).json()


def test_an_organization_that_requires_a_second_factor_enrols_its_users_at_their_next_login(base_url, org):
    user = create_user(org["admin"])
    required = org["admin"].patch(API + "/organization", json={"require_totp": True})
    assert required.status_code == 200 and required.json()["require_totp"] is True

    first = attempt_login(base_url, user["username"]).json()

    assert first["second_factor"] == "totp_enrolment" and "token" not in first
    secret = first["totp"]["secret"]
    assert_problem(second_step(base_url, first["challenge"], app_code(secret, offset=300)), 401,
                   code="totp_code_wrong")
    session = second_step(base_url, first["challenge"], app_code(secret)).json()
    assert len(session["recovery_codes"]) == 10
    client = Client(base_url, token=session["token"], language="fr")
    assert client.get(API + "/me/totp").json() == {"enabled": True, "required": True, "recovery_codes_left": 10}
    refused = assert_problem(client.post(API + "/me/totp/disable", json={"current_password": PASSWORD}), 409,
                             code="totp_required_by_organization")
    assert refused["detail"] == "Votre organisation exige la vérification en deux étapes."
    assert attempt_login(base_url, user["username"]).json()["second_factor"] == "totp"


def test_turning_the_second_factor_off_needs_the_password(base_url, org):
    user = create_user(org["admin"])
    client = Client(base_url, token=attempt_login(base_url, user["username"]).json()["token"])
    enrol(client)

    assert_problem(client.post(API + "/me/totp/disable", json={"current_password": "not-mine-at-all"}), 403)
    off = client.post(API + "/me/totp/disable", json={"current_password": PASSWORD})

    assert off.status_code == 204
    assert "token" in attempt_login(base_url, user["username"]).json()
