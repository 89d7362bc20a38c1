"""Bulk actions on contacts (C-9, C-10): copy or move to a list, delete to the trash.

The selection is either ``ids`` or a search (``q`` and/or ``criteria``, C-11, C-12) built by
``usecases.record_predicates``, the same predicates as the contacts page, so a bulk action touches exactly
what the caller sees there. Ids the caller cannot see are reported in ``not_found`` and never acted on.

At most ``MAX_RECORDS`` per call, in one transaction: 10,000 rows of updates, history and outbox rows
take well under the RPC timeout on this hardware, and all-or-nothing keeps a failed call from leaving
half a selection moved. A larger selection is refused (422 naming the field) rather than run as a job.
"""
import json

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from carnet_common.errors import InvalidInput
from carnet_contacts import events, repository, trash, usecases
from carnet_contacts.models import contacts, list_members

MAX_RECORDS = 10_000


def _select(session, *, actor, scope, data, unreadable):
    """Locked visible contact rows of the selection, and the requested ids not found among them."""
    if "ids" in data:
        ids = list(dict.fromkeys(data["ids"]))
        predicates = [repository.visible("contact", actor=actor, list_ids=scope.selected), contacts.c.id.in_(ids)]
    else:
        ids = None
        query = {"q": data.get("q")}
        if "criteria" in data:
            query["criteria"] = json.dumps(data["criteria"])
        predicates = usecases.record_predicates(session, actor=actor, record_type="contact", query=query,
                                                scope=scope, unreadable=unreadable)
    rows = session.execute(sa.select(contacts).where(*predicates).order_by(contacts.c.id)
                           .limit(MAX_RECORDS + 1).with_for_update(of=contacts)).mappings().all()
    if len(rows) > MAX_RECORDS:
        field = "q" if data.get("q") is not None else "criteria"
        raise InvalidInput("bulk_too_many", errors={field: ["bulk_too_many"]}, params={"max": MAX_RECORDS})
    found = {row["id"] for row in rows}
    return rows, [i for i in ids if i not in found] if ids is not None else []


def _memberships(session, *, outbox, actor, rows, add, remove=None):
    """Add every row to list ``add`` (and leave ``remove``); returns the ids whose lists changed."""
    members = repository.member_list_ids(session, "contact", [row["id"] for row in rows])
    changed, history, payloads = [], [], []
    for row in rows:
        before = members[row["id"]]
        after = sorted((set(before) - {remove}) | {add})
        if after == sorted(before):
            continue
        changed.append(row["id"])
        history.append({"org_id": actor["org_id"], "record_type": "contact", "record_id": row["id"],
                        "user_id": actor["user_id"], "field": "list_ids", "old": sorted(before), "new": after})
        payloads.append({"org_id": actor["org_id"], "record_type": "contact", "record_id": row["id"],
                         "added": sorted(set(after) - set(before)), "removed": sorted(set(before) - set(after)),
                         "actor_id": actor["user_id"]})
    if changed:
        if remove is not None:
            session.execute(list_members.delete().where(list_members.c.list_id == remove,
                                                        list_members.c.contact_id.in_(changed)))
        session.execute(insert(list_members).on_conflict_do_nothing(),
                        [{"list_id": add, "contact_id": i} for i in changed])
        session.execute(contacts.update().where(contacts.c.id.in_(changed))
                        .values(version=contacts.c.version + 1, updated_at=repository.now()))
        repository.add_history(session, history)
        for payload in payloads:
            outbox.add(session, events.MEMBERSHIP_CHANGED, payload)
    return changed


def run(session, *, outbox, actor, data, unreadable=()):
    """``{action, matched, changed, not_found, …}`` for one bulk action (see the module docstring)."""
    scope = usecases.Scope(session, actor)
    action = data["action"]
    if action != "delete":
        scope.check(session, [data["list_id"]], field="list_id")
        if action == "move_to_list":
            scope.check(session, [data["from_list_id"]], field="from_list_id")
            if data["from_list_id"] == data["list_id"]:
                raise InvalidInput(errors={"list_id": ["bulk_same_list"]})
    rows, not_found = _select(session, actor=actor, scope=scope, data=data, unreadable=unreadable)
    result = {"action": action, "matched": len(rows), "not_found": not_found}
    if action == "delete":
        done = trash.delete_contacts(session, outbox=outbox, actor=actor, rows=rows, list_ids=scope.selected,
                                     delete_empty_accounts=data.get("delete_empty_accounts", False),
                                     dependents=data.get("dependents", "reattach"))
        result.update(changed=len(done["deleted"]), accounts_left_empty=done["accounts_left_empty"],
                      accounts_deleted=done["accounts_deleted"])
        return result
    if action == "move_to_list":
        members = repository.member_list_ids(session, "contact", [row["id"] for row in rows])
        in_source = [row for row in rows if data["from_list_id"] in members[row["id"]]]
        result["not_in_source_list"] = len(rows) - len(in_source)
        rows = in_source
    changed = _memberships(session, outbox=outbox, actor=actor, rows=rows, add=data["list_id"],
                           remove=data.get("from_list_id") if action == "move_to_list" else None)
    result["changed"] = len(changed)
    return result
