"""The optional TOTP second factor (S-10, RFC 6238): enrolment confirmed by a code, login in two steps whose first
yields no session, single-use codes and recovery codes, throttled guessing, and a requirement per organization."""
import time

import pytest
import sqlalchemy as sa
from identity_harness import PASSWORD, actor

from carnet_common import redis_keys
from carnet_common.errors import Conflict, Forbidden, InvalidInput, NotFound, TooManyRequests, Unauthorized
from carnet_identity import totp
from carnet_testing import eventually


def code(secret, offset=0):
    """The authenticator's code now, or ``offset`` seconds from now (the step after the one enrolment used)."""
    return totp.code_at(secret, time.time() + offset)


def enrolled(svc, org, **fields):
    """A user of ``org`` with a confirmed second factor: (user, secret, recovery codes)."""
    user = org.add_user(**fields)
    started = svc.start_totp_enrolment(actor(user), {"current_password": PASSWORD})
    codes = svc.confirm_totp_enrolment(actor(user), {"code": code(started["secret"])})["recovery_codes"]
    return user, started["secret"], codes


def second_step(svc, username, given):
    first = svc.login(username, PASSWORD)
    return svc.login_second_factor({"challenge": first["challenge"], "code": given})


def test_enrolment_shows_a_secret_once_and_counts_only_once_a_code_confirms_it(svc, org):
    user = org.add_user()
    with pytest.raises(InvalidInput) as caught:
        svc.start_totp_enrolment(actor(user), {"current_password": ""})
    with pytest.raises(Forbidden):
        svc.start_totp_enrolment(actor(user), {"current_password": "not-the-password"})

    started = svc.start_totp_enrolment(actor(user), {"current_password": PASSWORD})
    assert started["otpauth_uri"].startswith("otpauth://totp/Carnet:") and started["secret"] in started["otpauth_uri"]
    assert svc.get_second_factor(actor(user)) == {"enabled": False, "required": False, "recovery_codes_left": 0}
    assert "token" in svc.login(user["username"], PASSWORD)  # not in force until confirmed

    with pytest.raises(Forbidden) as caught:  # a wrong proof, as a wrong current password: 403 (issue 10 §5)
        svc.confirm_totp_enrolment(actor(user), {"code": code(started["secret"], offset=600)})
    assert caught.value.code == "totp_code_wrong" and caught.value.errors == {"code": ["totp_code_wrong"]}
    codes = svc.confirm_totp_enrolment(actor(user), {"code": code(started["secret"])})["recovery_codes"]

    assert len(codes) == 10
    assert svc.get_second_factor(actor(user)) == {"enabled": True, "required": False, "recovery_codes_left": 10}
    with pytest.raises(Conflict):
        svc.start_totp_enrolment(actor(user), {"current_password": PASSWORD})


def test_the_first_step_of_a_login_with_a_second_factor_yields_no_session(svc, org, identity):
    user, secret, _ = enrolled(svc, org)
    sessions_before = identity.redis.smembers(redis_keys.user_sessions_key(user["id"]))

    first = svc.login(user["username"], PASSWORD)

    assert set(first) == {"second_factor", "challenge", "challenge_expires_at"}
    assert first["second_factor"] == "totp"
    assert not identity.redis.exists(redis_keys.session_key(redis_keys.token_digest(first["challenge"])))
    assert identity.redis.smembers(redis_keys.user_sessions_key(user["id"])) == sessions_before

    session = svc.login_second_factor({"challenge": first["challenge"], "code": code(secret, offset=30)})

    assert session["user"]["id"] == user["id"]
    assert identity.redis.hgetall(redis_keys.session_key(redis_keys.token_digest(session["token"])))["user_id"] == \
        user["id"]
    with pytest.raises(Unauthorized) as caught:  # a challenge serves once
        svc.login_second_factor({"challenge": first["challenge"], "code": code(secret)})
    assert caught.value.code == "login_challenge_invalid"


def test_a_code_is_accepted_once(svc, org):
    user, secret, _ = enrolled(svc, org)
    now_code = code(secret, offset=30)  # the next step's code: not the one that confirmed the enrolment
    assert second_step(svc, user["username"], now_code)["user"]["id"] == user["id"]

    with pytest.raises(Unauthorized) as caught:
        second_step(svc, user["username"], now_code)
    assert caught.value.code == "totp_code_wrong" and caught.value.errors == {"code": ["totp_code_wrong"]}


def test_a_recovery_code_logs_in_once_and_is_stored_only_as_a_hash(svc, org, identity):
    user, _, codes = enrolled(svc, org)

    assert second_step(svc, user["username"], codes[0].upper())["user"]["id"] == user["id"]
    with pytest.raises(Unauthorized):
        second_step(svc, user["username"], codes[0])
    assert svc.get_second_factor(actor(user))["recovery_codes_left"] == 9

    with identity.engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT code_hash FROM identity.recovery_codes WHERE user_id = :id"),
                              {"id": user["id"]}).scalars().all()
    assert len(stored) == 10 and not set(codes) & set(stored)
    assert not any(c.replace("-", "") in s for c in codes for s in stored)


def test_five_wrong_codes_end_the_challenge_and_ten_in_a_window_throttle_the_user(svc, org):
    user, secret, _ = enrolled(svc, org)
    first = svc.login(user["username"], PASSWORD)
    for _ in range(5):
        with pytest.raises(Unauthorized):
            svc.login_second_factor({"challenge": first["challenge"], "code": "000000"})
    with pytest.raises(Unauthorized) as caught:
        svc.login_second_factor({"challenge": first["challenge"], "code": code(secret)})
    assert caught.value.code == "login_challenge_invalid"

    for _ in range(5):
        with pytest.raises(Unauthorized):
            second_step(svc, user["username"], "000000")
    with pytest.raises(TooManyRequests) as caught:  # the eleventh attempt, even with the right code
        second_step(svc, user["username"], code(secret))
    assert caught.value.code == "totp_throttled" and int(caught.value.params["retry_after"]) > 0


def test_turning_the_second_factor_off_needs_the_password(svc, org):
    user, secret, _ = enrolled(svc, org)
    with pytest.raises(Forbidden):
        svc.disable_totp(actor(user), {"current_password": "not-the-password"})
    assert svc.get_second_factor(actor(user))["enabled"] is True

    svc.disable_totp(actor(user), {"current_password": PASSWORD})

    assert "token" in svc.login(user["username"], PASSWORD)
    with pytest.raises(Conflict):
        svc.disable_totp(actor(user), {"current_password": PASSWORD})


def test_new_recovery_codes_replace_the_old_ones(svc, org):
    user, _, old = enrolled(svc, org)
    new = svc.regenerate_recovery_codes(actor(user), {"current_password": PASSWORD})["recovery_codes"]

    assert len(new) == 10 and not set(new) & set(old)
    with pytest.raises(Unauthorized):
        second_step(svc, user["username"], old[0])
    assert second_step(svc, user["username"], new[0])["user"]["id"] == user["id"]


def test_an_organization_that_requires_a_second_factor_enrols_users_at_their_next_login(svc, org):
    user = org.add_user()
    updated = svc.update_organization(org.admin, {"require_totp": True})
    assert updated["require_totp"] is True and svc.get_organization(actor(user))["require_totp"] is True

    first = svc.login(user["username"], PASSWORD)

    assert first["second_factor"] == "totp_enrolment" and "token" not in first
    secret = first["totp"]["secret"]
    assert secret in first["totp"]["otpauth_uri"]
    with pytest.raises(Unauthorized):
        svc.login_second_factor({"challenge": first["challenge"], "code": code(secret, offset=600)})
    session = svc.login_second_factor({"challenge": first["challenge"], "code": code(secret)})
    assert session["user"]["id"] == user["id"] and len(session["recovery_codes"]) == 10

    assert svc.login(user["username"], PASSWORD)["second_factor"] == "totp"
    assert second_step(svc, user["username"], code(secret, offset=30))["user"]["id"] == user["id"]
    with pytest.raises(Conflict) as caught:
        svc.disable_totp(actor(user), {"current_password": PASSWORD})
    assert caught.value.code == "totp_required_by_organization"


def test_an_administrator_resets_a_lost_second_factor_with_their_own_password(svc, org, identity):
    user, secret, _ = enrolled(svc, org)
    token = second_step(svc, user["username"], code(secret, offset=30))["token"]
    member = actor(org.add_user())

    with pytest.raises(Forbidden):
        svc.reset_totp(member, user["id"], {"current_password": PASSWORD})
    with pytest.raises(Forbidden):
        svc.reset_totp(org.admin, user["id"], {"current_password": "not-the-admins-password"})
    with pytest.raises(NotFound):
        svc.reset_totp(org.admin, "00000000-0000-0000-0000-000000000000", {"current_password": PASSWORD})

    svc.reset_totp(org.admin, user["id"], {"current_password": PASSWORD})

    assert not identity.redis.exists(redis_keys.session_key(redis_keys.token_digest(token)))
    assert "token" in svc.login(user["username"], PASSWORD)


def test_second_factor_changes_are_journaled(svc, org, identity):
    user, _, _ = enrolled(svc, org)
    svc.update_organization(org.admin, {"require_totp": True})

    def journal():
        with identity.engine.connect() as conn:
            rows = conn.execute(sa.text(
                "SELECT event_type, subject_id, details FROM identity.audit_log WHERE org_id = :org"),
                {"org": org.id}).mappings().all()
        wanted = [r for r in rows if r["event_type"] == "organization_security_changed"
                  or (r["event_type"] == "user_updated" and r["details"]["changed"] == ["totp"])]
        return wanted if len(wanted) == 2 else None

    entries = eventually(journal, what="the second factor's changes journaled")
    by_type = {entry["event_type"]: entry for entry in entries}
    assert by_type["user_updated"]["subject_id"] == user["id"]
    assert by_type["organization_security_changed"]["subject_id"] == org.id
    assert by_type["organization_security_changed"]["details"]["require_totp"] is True
    assert all("secret" not in str(entry["details"]) for entry in entries)
