"""The user ids a request names, checked (issue 10 §2): a record's rep 1 and rep 2 (contacts, accounts, C-4;
opportunities, O-2), a task's assignee (T-1) and a list's grantees (S-6). Each must be a user of the caller's
organization (another organization's, a deleted user or no user: 422 ``unknown_user`` naming the field) and an
active one (422 ``user_inactive``), except where the record already holds that user: an inactive user cannot log
in but stays rep, assignee or grantee of what they were (S-1), so an update that sends a record back unchanged is
not refused for it.

One call to identity per request that names anyone but the caller (``get_user_states``), at the source: a user
created a moment ago is accepted at once (no read model to catch up with), and a user deactivated a moment ago is
refused at once. What the record holds is read only when an inactive user is named (``held``).
"""
from carnet_common.errors import InvalidInput
from carnet_gateway import services


def _ids(value):
    """A field's user ids: one id, a list of them, or none."""
    if isinstance(value, str):
        return [value] if value else []
    return [i for i in value or () if isinstance(i, str)]


def check_users(call, named, *, held=None):
    """Refuse (``InvalidInput``) the ids of ``named`` (``{field: id, ids or None}``, as the request sent them)
    that are not active users of the caller's organization, unless ``held()`` (``{field: id or ids}``: what the
    record stores, for an update) shows the record already holds that one in that field."""
    caller = call.principal["user"]["id"]
    asked = sorted({i for value in named.values() for i in _ids(value)} - {caller})
    if not asked:
        return
    states = services.identity.call("get_user_states", call.actor(), asked)
    kept = None
    errors = {}
    for field, value in named.items():
        for user_id in _ids(value):
            state = "active" if user_id == caller else states.get(user_id)
            if state == "active":
                continue
            if state == "inactive":
                if kept is None:
                    kept = held() if held is not None else {}
                if user_id in _ids(kept.get(field)):
                    continue
            reason = "user_inactive" if state == "inactive" else "unknown_user"
            if reason not in errors.setdefault(field, []):
                errors[field].append(reason)
    if errors:
        raise InvalidInput(errors=errors)


def reps(body):
    """The rep fields a record's body names (C-4, O-2)."""
    return {field: body[field] for field in ("rep1_id", "rep2_id") if field in body}
