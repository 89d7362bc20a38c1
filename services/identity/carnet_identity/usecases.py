"""Identity use cases: organizations, users, roles, permissions, hierarchy, sessions (S-1..S-10).

Each function runs inside the caller's transaction; effects outside PostgreSQL (Redis sessions, the
authorization generation) run after commit.
"""
import uuid
from datetime import datetime, timezone

from carnet_common.db import after_commit
from carnet_common.errors import Conflict, Forbidden, InvalidInput, NotFound, TooManyRequests, Unauthorized
from carnet_identity import passwords, permissions, plans, repository, sessions, totp
from carnet_identity.models import organizations, roles, users

FLAGS = ("all_contacts", "hierarchy_contacts", "own_records_only")
AUTHZ_FIELDS = {"active", "is_admin", "role_id", "manager_id", *FLAGS}
# What the gateway's cached principal shows of the user beside their authority: a change applies at the next
# request too.
PRINCIPAL_FIELDS = {"username", "full_name", "email", "language"}
SELF_SERVICE_FIELDS = {"full_name", "email", "password", "language"}
# What logs a user in or reaches them: changing one needs the caller's current password (S-10).
CREDENTIAL_FIELDS = {"username", "email", "password"}
# Organization settings that are not part of its profile events (consumers know the profile's shape); their
# changes have an event of their own.
SECURITY_SETTINGS = ("require_totp",)
REAUTH_MAX_FAILURES = 5
SECOND_FACTOR_MAX_FAILURES = 10
FAILURE_WINDOW_SECONDS = 900


def new_id():
    return str(uuid.uuid4())


def _iso(value):
    return value.isoformat() if isinstance(value, datetime) else value


def user_read(row):
    return {
        "id": row["id"], "org_id": row["org_id"], "username": row["username"],
        "full_name": row["full_name"], "email": row["email"], "language": row["language"],
        "active": row["active"], "is_admin": row["is_admin"], "role_id": row["role_id"],
        "manager_id": row["manager_id"],
        **{flag: row[flag] for flag in FLAGS},
        "created_at": _iso(row["created_at"]), "updated_at": _iso(row["updated_at"]),
    }


def organization_read(row):
    """The profile, as the organization events carry it."""
    data = {key: _iso(row[key]) for key in row.keys() if key not in SECURITY_SETTINGS}
    data["sender_name"] = row["sender_name"] or row["name"]
    data["limits"] = plans.limits(row["plan"])
    return data


def organization_answer(row):
    """What the organization's own administrators and users read: the profile and its security settings."""
    return {**organization_read(row), **{key: row[key] for key in SECURITY_SETTINGS}}


def role_read(row):
    return {"id": row["id"], "name": row["name"], "user_count": row.get("user_count", 0),
            "created_at": _iso(row["created_at"]), "updated_at": _iso(row["updated_at"])}


def _authz_changed(session, redis, org_id):
    after_commit(session, lambda: sessions.bump_authz_generation(redis, org_id))


# Organizations ---------------------------------------------------------------------------------

def create_organization(session, *, redis, outbox, data, offered_plans=(), hash_password=passwords.hash_password):
    """Sign-up (public). ``offered_plans``: the plans a sign-up may choose besides the default (an operator
    setting, S-7). ``hash_password``: the service's bounded lane, so sign-ups cannot take every hashing thread
    from logins.

    A taken username is refused only after the same work as a creation (the password is hashed either way),
    with one answer whoever holds the name (an active, inactive or deleted user): the refusal is the one thing a
    user-chosen, installation-wide login name cannot hide from the person choosing it, so the gateway counts
    refusals per address and in all, and that is what bounds enumeration (docs/rules/identity-and-access.md)."""
    plan = data.get("plan") or plans.DEFAULT_PLAN
    if plan != plans.DEFAULT_PLAN and plan not in offered_plans:
        raise Forbidden("plan_not_offered", errors={"plan": ["plan_not_offered"]}, params={"plan": plan})
    admin = data["admin"]
    password_hash = hash_password(admin["password"])
    if repository.username_taken(session, admin["username"]):
        raise Conflict("username_taken", errors={"admin.username": ["username_taken"]})
    org_id, user_id = new_id(), new_id()
    language = data.get("language") or admin.get("language") or "fr"
    repository.insert(session, organizations, {"id": org_id, "name": data["name"], "plan": plan, "language": language})
    repository.insert(session, users, {
        "id": user_id, "org_id": org_id, "username": admin["username"], "full_name": admin["full_name"],
        "email": admin["email"], "language": admin.get("language"), "password_hash": password_hash,
        "is_admin": True})
    org = repository.get_organization(session, org_id)
    user = repository.get_user(session, org_id=org_id, user_id=user_id)
    outbox.add(session, "organization_created", {"org_id": org_id, "name": org["name"], "plan": org["plan"]})
    outbox.add(session, "user_created", {"actor_id": None, **user_read(user)})
    return {"organization": organization_answer(org), "user": user_read(user)}


def get_organization(session, *, actor):
    org = repository.get_organization(session, actor["org_id"])
    if org is None:
        raise NotFound()
    return organization_answer(org)


def get_public_profile(session, *, org_id):
    """What a recipient of the organization's e-mails may see of it, without any user (E-7, S-8: the unsubscribe
    page): name, logo, sender name (the name by default), legal text, language. NotFound for an unknown id."""
    org = repository.get_organization(session, org_id) if isinstance(org_id, str) and len(org_id) <= 64 else None
    if org is None:
        raise NotFound()
    return {"id": org["id"], "name": org["name"], "logo_url": org["logo_url"],
            "sender_name": org["sender_name"] or org["name"], "legal_text": org["legal_text"] or "",
            "language": org["language"]}


# What every principal carries of its organization besides the plan (``get_principal``): a change is seen by the
# gateway at the next request, not when the cached principal expires.
PRINCIPAL_ORGANIZATION = ("name", "language", "timezone")


def update_organization(session, *, redis, outbox, actor, data):
    _require_admin(actor)
    # Locked like user changes, so a downgrade cannot slip past a concurrent activation.
    repository.get_organization_for_update(session, actor["org_id"])
    org = repository.get_organization(session, actor["org_id"])
    if org is None:
        raise NotFound()
    if "plan" in data and data["plan"] != org["plan"]:
        # S-7: the plan is what the organization pays for; the operator changes it (set_plan), never a client.
        raise Forbidden("plan_change_not_allowed", errors={"plan": ["plan_change_not_allowed"]})
    if "timezone" in data:
        _check_timezone(data["timezone"])
    if data:
        repository.update(session, organizations, org["id"], data)
    changed = repository.get_organization(session, org["id"])
    if any(changed[key] != org[key] for key in PRINCIPAL_ORGANIZATION):
        _authz_changed(session, redis, org["id"])  # the principals carry them (N-6: the zone, at the next request)
    outbox.add(session, "organization_updated", {"actor_id": actor["user_id"], "org_id": org["id"],
                                                 **organization_read(changed)})
    security = {key: changed[key] for key in SECURITY_SETTINGS if changed[key] != org[key]}
    if security:
        outbox.add(session, "organization_security_changed", {"actor_id": actor["user_id"], "org_id": org["id"],
                                                              **security})
    return organization_answer(changed)


def set_plan(session, *, redis, outbox, org_id, plan):
    """The operator's seam for plans (S-7): billing or an operator's command, never a client's request. A plan
    with fewer seats than active users is refused, as a client's downgrade used to be."""
    repository.get_organization_for_update(session, org_id)
    org = repository.get_organization(session, org_id)
    if org is None:
        raise NotFound()
    if plan not in plans.PLANS:
        raise InvalidInput(errors={"plan": ["unknown_plan"]})
    if plan != org["plan"]:
        active = repository.count_active_users(session, org_id)
        seats = plans.PLANS[plan]["seats"]
        if seats is not None and active > seats:
            raise Conflict("plan_too_small", errors={"plan": ["plan_too_small"]},
                           params={"seats": seats, "active": active})
        repository.update(session, organizations, org_id, {"plan": plan})
        _authz_changed(session, redis, org_id)
        org = repository.get_organization(session, org_id)
        outbox.add(session, "organization_updated", {"actor_id": None, "org_id": org_id, **organization_read(org)})
    return organization_answer(org)


def _check_timezone(name):
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(errors={"timezone": ["unknown_timezone"]}) from None


# Sessions --------------------------------------------------------------------------------------

def _expiry(timestamp):
    return datetime.fromtimestamp(timestamp, timezone.utc).isoformat()


def _new_session(redis, user, ttl_seconds):
    token, expires_at = sessions.create(redis, user_id=user["id"], org_id=user["org_id"], ttl_seconds=ttl_seconds)
    return {"token": token, "expires_at": _expiry(expires_at), "user": user_read(user)}


def _may_log_in(user):
    return user is not None and user["deleted_at"] is None and user["active"]


def login(session, *, redis, username, password, ttl_seconds):
    """The first step. A wrong password, an unknown, inactive or deleted user all answer ``invalid_credentials``
    after one argon2 verification: the answer never tells whether the password was right for an account that
    cannot log in. With a second factor (or one the organization requires but the user lacks) the answer is a
    challenge, not a session."""
    user = repository.find_user_by_username(session, username)
    ok = passwords.verify_password(user["password_hash"] if user else None, password)
    if not ok or not _may_log_in(user):
        raise Unauthorized("invalid_credentials")
    if user["totp_secret"]:
        challenge, expires_at = sessions.create_challenge(redis, user_id=user["id"], kind="totp")
        return {"second_factor": "totp", "challenge": challenge, "challenge_expires_at": _expiry(expires_at)}
    if repository.get_organization(session, user["org_id"])["require_totp"]:
        secret = totp.new_secret()
        challenge, expires_at = sessions.create_challenge(redis, user_id=user["id"], kind="totp_enrolment",
                                                          secret=secret)
        return {"second_factor": "totp_enrolment", "challenge": challenge,
                "challenge_expires_at": _expiry(expires_at), "totp": _enrolment(secret, user)}
    return _new_session(redis, user, ttl_seconds)


def login_second_factor(session, *, redis, outbox, data, ttl_seconds, now):
    """The second step: a code of the authenticator (or an unused recovery code) against the challenge; a
    ``totp_enrolment`` challenge is confirmed by a code of its new secret, and the answer carries the recovery
    codes, shown this once. Wrong codes count per challenge (five end it) and per user (ten in 15 minutes: 429),
    so a stolen password cannot be used to walk through the million codes."""
    pending = sessions.read_challenge(redis, data["challenge"])
    user = repository.get_user_with_secrets(session, pending["user_id"], for_update=True) if pending else None
    enrolment = bool(pending) and pending["kind"] == "totp_enrolment"
    if not _may_log_in(user) or bool(user["totp_secret"]) == enrolment:
        raise Unauthorized("login_challenge_invalid", errors={"challenge": ["login_challenge_invalid"]})
    _count_second_factor_attempt(redis, user["id"])
    answer = {}
    if enrolment:
        step = totp.matching_step(pending["secret"], data["code"], now=now)
        accepted = step is not None
        if accepted:
            answer["recovery_codes"] = _enable_totp(session, outbox, actor_id=user["id"], user=user,
                                                    secret=pending["secret"], step=step)
    else:
        accepted = _check_second_factor(session, user, data["code"], now=now)
    if not accepted:
        sessions.challenge_failed(redis, data["challenge"])
        raise Unauthorized("totp_code_wrong", errors={"code": ["totp_code_wrong"]})
    sessions.forgive_attempt(redis, "second_factor", user["id"])
    sessions.drop_challenge(redis, data["challenge"])
    return {**_new_session(redis, user, ttl_seconds), **answer}


def _enrolment(secret, user):
    return {"secret": secret, "otpauth_uri": totp.provisioning_uri(secret, account=user["username"])}


def _count_second_factor_attempt(redis, user_id):
    attempts, retry_after = sessions.count_attempt(redis, "second_factor", user_id,
                                                   window_seconds=FAILURE_WINDOW_SECONDS)
    if attempts > SECOND_FACTOR_MAX_FAILURES:
        raise TooManyRequests("totp_throttled", params={"retry_after": retry_after})


def _check_second_factor(session, user, code, *, now):
    """A code of the user's authenticator newer than the last one accepted, or one of their unused recovery codes
    (spent by this check)."""
    if totp.looks_like_recovery_code(code):
        return repository.use_recovery_code(session, user["id"], totp.recovery_code_hash(user["id"], code))
    step = totp.matching_step(user["totp_secret"], code, now=now, after=user["totp_last_step"])
    if step is None:
        return False
    repository.update(session, users, user["id"], {"totp_last_step": step})
    return True


def _enable_totp(session, outbox, *, actor_id, user, secret, step):
    codes = totp.new_recovery_codes()
    repository.update(session, users, user["id"], {"totp_secret": secret, "totp_pending_secret": None,
                                                   "totp_last_step": step})
    repository.replace_recovery_codes(session, user["id"], [totp.recovery_code_hash(user["id"], c) for c in codes])
    _second_factor_changed(session, outbox, actor_id=actor_id, user_id=user["id"], org_id=user["org_id"])
    return codes


def _second_factor_changed(session, outbox, *, actor_id, user_id, org_id):
    user = repository.get_user(session, org_id=org_id, user_id=user_id)
    outbox.add(session, "user_updated", {"actor_id": actor_id, "changed": ["totp"], **user_read(user)})


def _check_current_password(session, *, redis, user_id, password):
    """The caller's own password, asked again before a credential or the second factor changes (S-10). Counted
    before it is checked: after five wrong ones in 15 minutes the next attempt ends every session of the caller, so
    a stolen token cannot be used to guess the password either."""
    if not password:
        raise InvalidInput("current_password_required", errors={"current_password": ["current_password_required"]})
    attempts, _ = sessions.count_attempt(redis, "reauth", user_id, window_seconds=FAILURE_WINDOW_SECONDS)
    if attempts > REAUTH_MAX_FAILURES:
        sessions.revoke_all(redis, user_id)
        raise Unauthorized("session_invalid")
    user = repository.get_user_with_secrets(session, user_id)
    if not passwords.verify_password(user["password_hash"] if user else None, password):
        raise Forbidden("current_password_wrong", errors={"current_password": ["current_password_wrong"]})
    sessions.forgive_attempt(redis, "reauth", user_id)


def get_second_factor(session, *, actor):
    user = repository.get_user_with_secrets(session, actor["user_id"])
    if user is None:
        raise NotFound()
    org = repository.get_organization(session, actor["org_id"])
    enabled = bool(user["totp_secret"])
    return {"enabled": enabled, "required": org["require_totp"],
            "recovery_codes_left": repository.recovery_codes_left(session, user["id"]) if enabled else 0}


def start_totp_enrolment(session, *, redis, actor, data):
    """A new secret, shown this once; it replaces any earlier unconfirmed one and counts only once a code of it
    confirms it (``confirm_totp_enrolment``)."""
    _check_current_password(session, redis=redis, user_id=actor["user_id"], password=data["current_password"])
    user = repository.get_user_with_secrets(session, actor["user_id"], for_update=True)
    if user["totp_secret"]:
        raise Conflict("totp_already_enabled")
    secret = totp.new_secret()
    repository.update(session, users, user["id"], {"totp_pending_secret": secret})
    return _enrolment(secret, user)


def confirm_totp_enrolment(session, *, redis, outbox, actor, data, now):
    user = repository.get_user_with_secrets(session, actor["user_id"], for_update=True)
    if user["totp_secret"]:
        raise Conflict("totp_already_enabled")
    if not user["totp_pending_secret"]:
        raise Conflict("totp_enrolment_not_started")
    _count_second_factor_attempt(redis, user["id"])
    step = totp.matching_step(user["totp_pending_secret"], data["code"], now=now)
    if step is None:  # a code the stored secret refuses: a wrong proof, as a wrong current password (issue 10 §5)
        raise Forbidden("totp_code_wrong", errors={"code": ["totp_code_wrong"]})
    sessions.forgive_attempt(redis, "second_factor", user["id"])
    return {"recovery_codes": _enable_totp(session, outbox, actor_id=actor["user_id"], user=user,
                                           secret=user["totp_pending_secret"], step=step)}


def regenerate_recovery_codes(session, *, redis, actor, data):
    """New recovery codes, shown this once; the old ones stop working."""
    _check_current_password(session, redis=redis, user_id=actor["user_id"], password=data["current_password"])
    user = repository.get_user_with_secrets(session, actor["user_id"], for_update=True)
    if not user["totp_secret"]:
        raise Conflict("totp_not_enabled")
    codes = totp.new_recovery_codes()
    repository.replace_recovery_codes(session, user["id"], [totp.recovery_code_hash(user["id"], c) for c in codes])
    return {"recovery_codes": codes}


def _clear_second_factor(session, user_id):
    repository.update(session, users, user_id, {"totp_secret": None, "totp_pending_secret": None,
                                                "totp_last_step": None})
    repository.replace_recovery_codes(session, user_id, [])


def disable_totp(session, *, redis, outbox, actor, data):
    _check_current_password(session, redis=redis, user_id=actor["user_id"], password=data["current_password"])
    user = repository.get_user_with_secrets(session, actor["user_id"], for_update=True)
    if not user["totp_secret"]:
        raise Conflict("totp_not_enabled")
    if repository.get_organization(session, actor["org_id"])["require_totp"]:
        raise Conflict("totp_required_by_organization")
    _clear_second_factor(session, user["id"])
    _second_factor_changed(session, outbox, actor_id=actor["user_id"], user_id=user["id"], org_id=actor["org_id"])


def reset_totp(session, *, redis, outbox, actor, user_id, data):
    """An administrator removes another user's second factor (a lost phone and no recovery code left), with their
    own password. The user's sessions end; they log in with their password alone, or enrol again at that login
    when the organization requires a second factor."""
    _require_admin(actor)
    _check_current_password(session, redis=redis, user_id=actor["user_id"], password=data["current_password"])
    if repository.get_user(session, org_id=actor["org_id"], user_id=user_id, for_update=True) is None:
        raise NotFound()
    _clear_second_factor(session, user_id)
    _second_factor_changed(session, outbox, actor_id=actor["user_id"], user_id=user_id, org_id=actor["org_id"])
    after_commit(session, lambda: sessions.revoke_all(redis, user_id))


def get_principal(session, *, user_id):
    """Everything the gateway needs to authorize a user's requests, cached there until the org's
    authorization generation moves."""
    user = repository.get_user_any_org(session, user_id)
    if user is None or user["deleted_at"] is not None or not user["active"]:
        raise Unauthorized("session_invalid")
    org = repository.get_organization(session, user["org_id"])
    role = repository.get_role(session, org_id=user["org_id"], role_id=user["role_id"]) if user["role_id"] else None
    if user["is_admin"]:
        perms = permissions.all_permissions()
    elif role is not None:
        perms = permissions.normalise(role["permissions"])
    else:
        perms = permissions.empty_permissions()
    return {
        "user": user_read(user),
        "organization": {"id": org["id"], "name": org["name"], "plan": org["plan"],
                         "language": org["language"], "timezone": org["timezone"],
                         "limits": plans.limits(org["plan"])},
        "role": {"id": role["id"], "name": role["name"]} if role else None,
        "is_admin": user["is_admin"],
        "permissions": perms,
        "flags": {flag: user[flag] for flag in FLAGS},
        "subordinate_ids": repository.subordinate_ids(session, user["id"]),
    }


# Users -----------------------------------------------------------------------------------------

def _require_admin(actor):
    if not actor.get("is_admin"):
        raise Forbidden("admin_only")


def list_users(session, *, actor, query):
    rows, total = repository.list_users(session, org_id=actor["org_id"], page=query["page"],
                                        per_page=query["per_page"], q=query.get("q"),
                                        active=query.get("active"))
    return {"items": [user_read(r) for r in rows], "total": total, "page": query["page"],
            "per_page": query["per_page"]}


def user_states(session, *, actor, user_ids):
    """Which of ``user_ids`` are users of the caller's organization, each ``active`` or ``inactive`` (S-1); a
    deleted user, another organization's or no user is left out. Read at the source, so a user created a moment
    ago is known."""
    rows = repository.user_states(session, org_id=actor["org_id"], user_ids=user_ids)
    return {row["id"]: "active" if row["active"] else "inactive" for row in rows}


def get_user(session, *, actor, user_id):
    user = repository.get_user(session, org_id=actor["org_id"], user_id=user_id)
    if user is None:
        raise NotFound()
    return user_read(user)


def _check_references(session, *, org_id, data, user_id=None):
    errors = {}
    if data.get("role_id") and repository.get_role(session, org_id=org_id, role_id=data["role_id"]) is None:
        errors["role_id"] = ["unknown_role"]
    manager_id = data.get("manager_id")
    cycle = False
    if manager_id:
        if repository.get_user(session, org_id=org_id, user_id=manager_id) is None:
            errors["manager_id"] = ["unknown_user"]
        elif user_id and (manager_id == user_id or user_id in repository.manager_chain(session, manager_id)):
            cycle = True
    if errors:
        raise InvalidInput(errors=errors)
    if cycle:  # the stored hierarchy refuses a valid body: 409 naming the field (issue 10 §5)
        raise Conflict("manager_cycle", errors={"manager_id": ["manager_cycle"]})


def create_user(session, *, redis, outbox, actor, data):
    _require_admin(actor)
    org_id = actor["org_id"]
    # Serialise with the organization's other user changes: the seat check counts other rows.
    repository.get_organization_for_update(session, org_id)
    if repository.username_taken(session, data["username"]):
        raise Conflict("username_taken", errors={"username": ["username_taken"]})
    _check_references(session, org_id=org_id, data=data)
    if data.get("active", True):
        _check_seat(session, org_id)
    user_id = new_id()
    values = {key: value for key, value in data.items() if key != "password"}
    values.update(id=user_id, org_id=org_id, password_hash=passwords.hash_password(data["password"]))
    repository.insert(session, users, values)
    user = repository.get_user(session, org_id=org_id, user_id=user_id)
    outbox.add(session, "user_created", {"actor_id": actor["user_id"], **user_read(user)})
    _authz_changed(session, redis, org_id)
    return user_read(user)


def _check_seat(session, org_id):
    org = repository.get_organization(session, org_id)
    if not plans.seat_available(org["plan"], repository.count_active_users(session, org_id)):
        raise Conflict("plan_seats_exhausted", params={"seats": plans.PLANS[org["plan"]]["seats"]},
                       errors={"active": ["plan_seats_exhausted"]})


def update_user(session, *, redis, outbox, actor, user_id, data, keep_session=None):
    """``keep_session``: the caller's token digest; a new password ends every other session of the user
    (theirs stays when they change their own). A change of ``username``, ``email`` or ``password`` needs the
    caller's ``current_password``."""
    org_id = actor["org_id"]
    data = dict(data)
    current_password = data.pop("current_password", None)
    if not (set(data) <= SELF_SERVICE_FIELDS and user_id == actor["user_id"]):
        _require_admin(actor)
    if CREDENTIAL_FIELDS & set(data):
        # S-10: whoever the user is, the caller confirms with their own password (an administrator's stolen token
        # cannot take over or lock out anyone either); checked before the organization is locked, as argon2 is slow.
        _check_current_password(session, redis=redis, user_id=actor["user_id"], password=current_password)
    # Serialise changes of one organization's users: the last-admin and seat checks read other rows.
    repository.get_organization_for_update(session, org_id)
    user = repository.get_user(session, org_id=org_id, user_id=user_id, for_update=True)
    if user is None:
        raise NotFound()
    if "username" in data and repository.username_taken(session, data["username"], except_id=user_id):
        raise Conflict("username_taken", errors={"username": ["username_taken"]})
    _check_references(session, org_id=org_id, data=data, user_id=user_id)
    if data.get("active") is True and not user["active"]:
        _check_seat(session, org_id)
    losing_admin = user["is_admin"] and user["active"] and (
        data.get("active") is False or data.get("is_admin") is False)
    if losing_admin and repository.count_active_admins(session, org_id) <= 1:
        raise Conflict("last_admin", errors={"is_admin" if "is_admin" in data else "active": ["last_admin"]})
    values = {key: value for key, value in data.items() if key != "password"}
    if "password" in data:
        values["password_hash"] = passwords.hash_password(data["password"])
    if values:
        repository.update(session, users, user_id, values, org_id=org_id)
    updated = repository.get_user(session, org_id=org_id, user_id=user_id)
    changed = sorted(key for key in data if key == "password" or data[key] != user[key])
    if changed:
        outbox.add(session, "user_updated", {"actor_id": actor["user_id"], "changed": changed,
                                             **user_read(updated)})
    if user["active"] and data.get("active") is False:
        outbox.add(session, "user_deactivated", {"actor_id": actor["user_id"], "org_id": org_id,
                                                 "user_id": user_id})
        after_commit(session, lambda: sessions.revoke_all(redis, user_id))
    elif "password" in data:
        keep = keep_session if user_id == actor["user_id"] else None
        after_commit(session, lambda: sessions.revoke_all(redis, user_id, keep=keep))
    if AUTHZ_FIELDS & set(changed):
        outbox.add(session, "permissions_changed", {"actor_id": actor["user_id"], "org_id": org_id,
                                                    "user_id": user_id, "role_id": None,
                                                    "changed": sorted(AUTHZ_FIELDS & set(changed))})
        _authz_changed(session, redis, org_id)
    elif PRINCIPAL_FIELDS & set(changed):
        _authz_changed(session, redis, org_id)  # /me and the web client's language read the cached principal
    return user_read(updated)


def delete_user(session, *, redis, outbox, actor, user_id):
    """A deleted user can no longer log in and leaves the user lists; the row stays, so the user can
    remain rep of existing records (S-1) and its id never points to nothing."""
    _require_admin(actor)
    org_id = actor["org_id"]
    repository.get_organization_for_update(session, org_id)
    user = repository.get_user(session, org_id=org_id, user_id=user_id, for_update=True)
    if user is None:
        raise NotFound()
    if user_id == actor["user_id"]:
        raise Conflict("cannot_delete_self")
    if user["is_admin"] and user["active"] and repository.count_active_admins(session, org_id) <= 1:
        raise Conflict("last_admin")
    repository.update(session, users, user_id, {"active": False, "deleted_at": datetime.now(timezone.utc)},
                      org_id=org_id)
    outbox.add(session, "user_deleted", {"actor_id": actor["user_id"], "org_id": org_id, "user_id": user_id})
    after_commit(session, lambda: sessions.revoke_all(redis, user_id))
    _authz_changed(session, redis, org_id)


# Roles and permissions -------------------------------------------------------------------------

def list_roles(session, *, actor):
    return [role_read(r) for r in repository.list_roles(session, actor["org_id"])]


def create_role(session, *, outbox, actor, data):
    _require_admin(actor)
    if repository.role_name_taken(session, org_id=actor["org_id"], name=data["name"]):
        raise Conflict("role_name_taken", errors={"name": ["role_name_taken"]})
    role_id = new_id()
    repository.insert(session, roles, {"id": role_id, "org_id": actor["org_id"], "name": data["name"],
                                       "permissions": permissions.default_role_permissions()})
    role = repository.get_role(session, org_id=actor["org_id"], role_id=role_id)
    outbox.add(session, "role_created", {"actor_id": actor["user_id"], "org_id": actor["org_id"],
                                         **role_read(role)})
    return role_read(role)


def _role_or_404(session, actor, role_id, for_update=False):
    role = repository.get_role(session, org_id=actor["org_id"], role_id=role_id, for_update=for_update)
    if role is None:
        raise NotFound()
    return role


def update_role(session, *, outbox, actor, role_id, data):
    _require_admin(actor)
    _role_or_404(session, actor, role_id, for_update=True)
    if repository.role_name_taken(session, org_id=actor["org_id"], name=data["name"], except_id=role_id):
        raise Conflict("role_name_taken", errors={"name": ["role_name_taken"]})
    repository.update(session, roles, role_id, {"name": data["name"]}, org_id=actor["org_id"])
    role = _role_or_404(session, actor, role_id)
    outbox.add(session, "role_updated", {"actor_id": actor["user_id"], "org_id": actor["org_id"],
                                         **role_read(role)})
    return role_read(role)


def delete_role(session, *, outbox, actor, role_id):
    _require_admin(actor)
    _role_or_404(session, actor, role_id, for_update=True)
    holders = repository.role_holders(session, role_id)
    if holders:
        raise Conflict("role_in_use", params={"users": holders})
    repository.delete_role(session, role_id)
    outbox.add(session, "role_deleted", {"actor_id": actor["user_id"], "org_id": actor["org_id"],
                                         "role_id": role_id})


def get_permissions(session, *, actor, role_id):
    _require_admin(actor)
    return permissions.normalise(_role_or_404(session, actor, role_id)["permissions"])


def set_permissions(session, *, redis, outbox, actor, role_id, data):
    _require_admin(actor)
    _role_or_404(session, actor, role_id, for_update=True)
    document = permissions.normalise({"modules": data.get("modules"), "fields": data.get("fields"),
                                      "special": data.get("special")})
    repository.update(session, roles, role_id, {"permissions": document}, org_id=actor["org_id"])
    outbox.add(session, "permissions_changed", {"actor_id": actor["user_id"], "org_id": actor["org_id"],
                                                "user_id": None, "role_id": role_id,
                                                "changed": ["permissions"]})
    _authz_changed(session, redis, actor["org_id"])
    return document


# Audit journal (fed by identity's own events through the inbox) -----------------------------------

# Events whose payload is the record itself (its ``id``), which may name another one (a user's ``role_id``).
RECORD_EVENTS = ("organization_updated", "user_created", "user_updated", "role_created", "role_updated")


def _audit_subject(event_type, data):
    """Whom an entry is about: the record an event carries, else the user, role or organization it names."""
    if event_type in RECORD_EVENTS:
        return data["id"]
    return data.get("user_id") or data.get("role_id") or data.get("org_id")


def record_audit(session, *, event_type, envelope):
    data = envelope["data"]
    repository.add_audit(session, {
        "event_id": envelope["event_id"], "org_id": data.get("org_id"), "event_type": event_type,
        "actor_id": data.get("actor_id"), "subject_id": _audit_subject(event_type, data),
        "details": {k: v for k, v in data.items() if k not in ("org_id", "actor_id")},
        "occurred_at": datetime.fromisoformat(envelope["occurred_at"])})


def list_audit(session, *, actor, query):
    _require_admin(actor)
    rows, total = repository.list_audit(session, org_id=actor["org_id"], page=query["page"],
                                        per_page=query["per_page"])
    items = [{"event_id": r["event_id"], "event_type": r["event_type"], "actor_id": r["actor_id"],
              "subject_id": r["subject_id"], "details": r["details"],
              "occurred_at": _iso(r["occurred_at"])} for r in rows]
    return {"items": items, "total": total, "page": query["page"], "per_page": query["per_page"]}
