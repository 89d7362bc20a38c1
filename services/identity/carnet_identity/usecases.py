"""Identity use cases: organizations, users, roles, permissions, hierarchy, sessions (S-1..S-10).

Each function runs inside the caller's transaction; effects outside PostgreSQL (Redis sessions, the
authorization generation) run after commit.
"""
import uuid
from datetime import datetime, timezone

from carnet_common.db import after_commit
from carnet_common.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthorized
from carnet_identity import passwords, permissions, plans, repository, sessions
from carnet_identity.models import organizations, roles, users

FLAGS = ("all_contacts", "hierarchy_contacts", "own_records_only")
AUTHZ_FIELDS = {"active", "is_admin", "role_id", "manager_id", *FLAGS}


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
    data = {key: _iso(row[key]) for key in row.keys()}
    data["sender_name"] = row["sender_name"] or row["name"]
    data["limits"] = plans.limits(row["plan"])
    return data


def role_read(row):
    return {"id": row["id"], "name": row["name"], "user_count": row.get("user_count", 0),
            "created_at": _iso(row["created_at"]), "updated_at": _iso(row["updated_at"])}


def _authz_changed(session, redis, org_id):
    after_commit(session, lambda: sessions.bump_authz_generation(redis, org_id))


# Organizations ---------------------------------------------------------------------------------

def create_organization(session, *, redis, outbox, data):
    admin = data["admin"]
    if repository.username_taken(session, admin["username"]):
        raise Conflict("username_taken", errors={"admin.username": ["username_taken"]})
    org_id, user_id = new_id(), new_id()
    language = data.get("language") or admin.get("language") or "fr"
    repository.insert(session, organizations, {
        "id": org_id, "name": data["name"], "plan": data.get("plan") or plans.DEFAULT_PLAN,
        "language": language})
    repository.insert(session, users, {
        "id": user_id, "org_id": org_id, "username": admin["username"], "full_name": admin["full_name"],
        "email": admin["email"], "language": admin.get("language"),
        "password_hash": passwords.hash_password(admin["password"]), "is_admin": True})
    org = repository.get_organization(session, org_id)
    user = repository.get_user(session, org_id=org_id, user_id=user_id)
    outbox.add(session, "organization_created", {"org_id": org_id, "name": org["name"], "plan": org["plan"]})
    outbox.add(session, "user_created", {"actor_id": None, **user_read(user)})
    return {"organization": organization_read(org), "user": user_read(user)}


def get_organization(session, *, actor):
    org = repository.get_organization(session, actor["org_id"])
    if org is None:
        raise NotFound()
    return organization_read(org)


def update_organization(session, *, redis, outbox, actor, data):
    _require_admin(actor)
    # Locked like user changes, so a downgrade cannot slip past a concurrent activation.
    repository.get_organization_for_update(session, actor["org_id"])
    org = repository.get_organization(session, actor["org_id"])
    if org is None:
        raise NotFound()
    if "plan" in data and data["plan"] != org["plan"]:
        active = repository.count_active_users(session, org["id"])
        seats = plans.PLANS[data["plan"]]["seats"]
        if seats is not None and active > seats:
            raise Conflict("plan_too_small", errors={"plan": ["plan_too_small"]},
                           params={"seats": seats, "active": active})
        _authz_changed(session, redis, org["id"])
    if "timezone" in data:
        _check_timezone(data["timezone"])
    if data:
        repository.update(session, organizations, org["id"], data)
    org = repository.get_organization(session, org["id"])
    outbox.add(session, "organization_updated", {"actor_id": actor["user_id"], "org_id": org["id"],
                                                 **organization_read(org)})
    return organization_read(org)


def _check_timezone(name):
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(errors={"timezone": ["unknown_timezone"]}) from None


# Sessions --------------------------------------------------------------------------------------

def login(session, *, redis, username, password, ttl_seconds):
    user = repository.find_user_by_username(session, username)
    ok = passwords.verify_password(user["password_hash"] if user else None, password)
    if not ok or user["deleted_at"] is not None:
        raise Unauthorized("invalid_credentials")
    if not user["active"]:
        raise Unauthorized("account_inactive")
    token, expires_at = sessions.create(redis, user_id=user["id"], org_id=user["org_id"],
                                        ttl_seconds=ttl_seconds)
    return {"token": token, "expires_at": datetime.fromtimestamp(expires_at, timezone.utc).isoformat(),
            "user": user_read(user)}


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
    if manager_id:
        if repository.get_user(session, org_id=org_id, user_id=manager_id) is None:
            errors["manager_id"] = ["unknown_user"]
        elif user_id and (manager_id == user_id or user_id in repository.manager_chain(session, manager_id)):
            errors["manager_id"] = ["manager_cycle"]
    if errors:
        raise InvalidInput(errors=errors)


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
    (theirs stays when they change their own)."""
    org_id = actor["org_id"]
    # Serialise changes of one organization's users: the last-admin and seat checks read other rows.
    repository.get_organization_for_update(session, org_id)
    user = repository.get_user(session, org_id=org_id, user_id=user_id, for_update=True)
    if user is None:
        raise NotFound()
    self_service = set(data) <= {"full_name", "email", "password", "language"} and user_id == actor["user_id"]
    if not self_service:
        _require_admin(actor)
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

def record_audit(session, *, event_type, envelope):
    data = envelope["data"]
    repository.add_audit(session, {
        "event_id": envelope["event_id"], "org_id": data.get("org_id"), "event_type": event_type,
        "actor_id": data.get("actor_id"), "subject_id": data.get("user_id") or data.get("role_id") or data.get("id"),
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
