"""Lists, grants and selections (L-1..L-3, S-6). Each function runs inside the caller's transaction.

``Scope`` (the caller's accessible and selected lists, read once per call) is what every other area checks
visibility against: a record is seen only in a selected list its reader may access (C-2, L-2). It also answers which
of some records its owner sees (``seen``), asked in the transaction of the call it was made for.
"""
import uuid
from datetime import datetime

from carnet_common.errors import Conflict, Forbidden, InvalidInput, NotFound
from carnet_contacts import events
from carnet_contacts.lifecycle import repository as lifecycle_repository
from carnet_contacts.lists import repository


class Scope:
    """The caller's lists, read once per call: those they may access, and the selected ones among them."""

    def __init__(self, session, actor):
        rows = repository.scope_ids(session, actor)
        self.accessible = {list_id for list_id, _ in rows}
        self.selected = {list_id for list_id, selected in rows if selected}
        self._session, self._actor = session, actor

    def check(self, session, list_ids, field="list_ids"):
        """Every id names a list the caller may access, else 422 ``unknown_list`` on ``field`` naming the ids: the
        same answer whether a list does not exist, is another organization's or one the caller may not access, so
        that it never tells them apart (issue 10 §1). A list id in a path answers 404 for all three alike."""
        outside = [i for i in dict.fromkeys(list_ids) if i not in self.accessible]
        if outside:
            raise InvalidInput(errors={field: ["unknown_list"]}, params={"ids": ", ".join(outside)})
        return list(dict.fromkeys(list_ids))

    def readable_list_ids(self, values):
        """``values`` (list ids, as a history entry holds them) without those the caller may not access."""
        return sorted(i for i in values if i in self.accessible) if isinstance(values, list) else values

    def seen(self, record_type, ids):
        """Of ``ids``, the records of ``record_type`` the scope's owner sees, deleted or not: what the trash may name
        (``lifecycle/repository.py`` ``seen_ids``, the rule of every visibility check without ``deleted_at``)."""
        return lifecycle_repository.seen_ids(self._session, record_type, set(ids), actor=self._actor,
                                             list_ids=self.selected)


# History entries whose values name other records (C-5, C-7): a contact's account, left and joined (a move, or a
# PATCH of account_id), and the other contact of a relation (``{"label", "other_id"}``).
ACCOUNT_FIELDS = ("account_id",)
RELATION_FIELDS = ("relation_added", "relation_removed")


def _other_id(value):
    return value.get("other_id") if isinstance(value, dict) else None


def readable_history(entries, scope):
    """History entries (C-17) as ``scope``'s owner may see them (issue 10 §1: a history never names what its reader
    cannot open). List changes (``list_ids``) name only the lists they may access, and a change made only in lists
    they may not access is not shown. A record an entry names (``ACCOUNT_FIELDS``, ``RELATION_FIELDS``) is named
    only when they see it (``Scope.seen``); otherwise its id is null and a flag says it was left out:
    ``old_hidden``/``new_hidden`` beside an account id, ``other_hidden`` beside a relation's ``other_id``."""
    accounts = scope.seen("account", {value for e in entries if e["field"] in ACCOUNT_FIELDS
                                      for value in (e["old"], e["new"]) if isinstance(value, str)})
    contacts = scope.seen("contact", {_other_id(value) for e in entries if e["field"] in RELATION_FIELDS
                                      for value in (e["old"], e["new"]) if _other_id(value)})

    def account(value):
        hidden = value is not None and value not in accounts
        return (None if hidden else value), hidden

    def relation(value):
        if not isinstance(value, dict):
            return value
        hidden = value.get("other_id") not in contacts
        return {**value, "other_id": None if hidden else value.get("other_id"), "other_hidden": hidden}

    shown = []
    for entry in entries:
        if entry["field"] == "list_ids":
            old, new = scope.readable_list_ids(entry["old"]), scope.readable_list_ids(entry["new"])
            if old == new:
                continue
            entry = {**entry, "old": old, "new": new}
        elif entry["field"] in ACCOUNT_FIELDS:
            (old, old_hidden), (new, new_hidden) = account(entry["old"]), account(entry["new"])
            entry = {**entry, "old": old, "new": new, "old_hidden": old_hidden, "new_hidden": new_hidden}
        elif entry["field"] in RELATION_FIELDS:
            entry = {**entry, "old": relation(entry["old"]), "new": relation(entry["new"])}
        shown.append(entry)
    return shown


def selected_lists(session, actor):
    """The caller's selected lists they may access (L-2): the scope of every visibility check."""
    return Scope(session, actor).selected


def _iso(value):
    return value.isoformat() if isinstance(value, datetime) else value


def list_read(row, selected=None):
    return {"id": row["id"], "name": row["name"], "access_all_users": row["access_all_users"],
            "private": row["private"], "created_by": row["created_by"],
            "selected": bool(row["selected"] if selected is None else selected),
            "created_at": _iso(row["created_at"]), "updated_at": _iso(row["updated_at"])}


def list_lists(session, *, actor):
    return [list_read(row) for row in repository.accessible_lists(session, actor)]


def create_list(session, *, outbox, actor, data):
    list_id = str(uuid.uuid4())
    private = bool(data.get("private"))
    repository.insert_list(session, {
        "id": list_id, "org_id": actor["org_id"], "name": data["name"], "private": private,
        "access_all_users": bool(data.get("access_all_users")) and not private, "created_by": actor["user_id"]})
    repository.select_list(session, user_id=actor["user_id"], list_id=list_id)  # L-2
    row = repository.get_list(session, list_id)
    outbox.add(session, events.LIST_CREATED, events.list_payload(row, actor))
    return list_read(row, selected=True)


def _owned_list(session, actor, list_id):
    scope = Scope(session, actor)
    if list_id not in scope.accessible:
        raise NotFound()
    row = repository.get_list(session, list_id, for_update=True)
    if not actor["is_admin"] and row["created_by"] != actor["user_id"]:
        raise Forbidden("list_owner_only")
    return row, scope


def update_list(session, *, outbox, actor, list_id, data):
    row, scope = _owned_list(session, actor, list_id)
    # L-1 against the stored list: a valid body that the list's state refuses is a 409 (a body that says both
    # private and access_all_users is refused by its contract: 422)
    if row["private"] and data.get("private") is False:
        raise Conflict("private_list_stays_private", errors={"private": ["private_list_stays_private"]})
    private = data.get("private", row["private"])
    if private and data.get("access_all_users"):
        raise Conflict("private_list_not_shared", errors={"access_all_users": ["private_list_not_shared"]})
    values = {key: data[key] for key in ("name", "access_all_users", "private") if key in data}
    if private:
        values["access_all_users"] = False
    if values:
        repository.update_list(session, list_id, values)
    row = repository.get_list(session, list_id)
    outbox.add(session, events.LIST_UPDATED, events.list_payload(row, actor))
    return list_read(row, selected=list_id in scope.selected)


def delete_list(session, *, outbox, actor, list_id):
    row, _ = _owned_list(session, actor, list_id)
    repository.delete_list(session, list_id)
    outbox.add(session, events.LIST_DELETED, events.list_payload(row, actor))


def _admin_list(session, actor, list_id):
    if not actor["is_admin"]:
        raise Forbidden("admin_only")
    if list_id not in Scope(session, actor).accessible:
        raise NotFound()


def get_grants(session, *, actor, list_id):
    _admin_list(session, actor, list_id)
    return {"user_ids": repository.list_grant_user_ids(session, list_id)}


def set_grants(session, *, outbox, actor, list_id, data):
    """L-3, S-6. User ids are not checked against identity (no users read model yet)."""
    _admin_list(session, actor, list_id)
    user_ids = list(dict.fromkeys(data["user_ids"]))
    repository.set_list_grants(session, list_id, user_ids)
    outbox.add(session, events.LIST_GRANTS_CHANGED, {"org_id": actor["org_id"], "list_id": list_id,
                                                     "user_ids": user_ids, "actor_id": actor["user_id"]})
    return {"user_ids": sorted(user_ids)}


def get_selected_lists(session, *, actor):
    return {"list_ids": sorted(Scope(session, actor).selected)}


def set_selected_lists(session, *, actor, data):
    scope = Scope(session, actor)
    list_ids = scope.check(session, data["list_ids"])
    repository.set_selected_lists(session, user_id=actor["user_id"], list_ids=list_ids)
    return {"list_ids": sorted(list_ids)}
