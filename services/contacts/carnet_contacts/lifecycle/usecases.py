"""Use cases of the lifecycle area: deletes to the trash, restore and purge (C-10 [beyond]), relations (C-5),
moves between accounts (C-7 [beyond]) and bulk actions (C-9). Each function runs inside the caller's transaction;
SQL is built by ``lifecycle/repository.py`` and the records area's repository only.

The trash. A delete only sets ``deleted_at``: memberships, relations, custom values and history stay in place, so
a restore brings the record back whole by clearing it. Each delete writes one ``trash`` entry keyed by the
deleted record's id; what went with it (an account's contacts, or the account a contact's delete emptied) is
listed in ``dependants`` and comes back with it. The purge removes records deleted more than ``RETENTION`` ago for
good (memberships and relations cascade; their history goes too) and says so (``contact_purged`` /
``account_purged``), so the opportunities service drops what was deleted with them.

What hangs on a deleted record in the opportunities service (its opportunities and tasks, C-10) is the caller's
choice, ``dependents``, carried by the delete events: ``delete`` takes them to the trash with the record (back
with it), ``reattach`` keeps a contact's on its account; an account's have nothing to be reattached to, so with
``reattach`` they stay, hidden with it, and come back with it. The preview (``delete_preview``) lists those the
caller sees and says which applies (``reattach_to``); it asks the opportunities service through the
``opportunities`` proxy it is given (a ``carnet_common.rpc.ServiceRpc`` in the service, a fake in tests).

``delete`` takes no more than the caller could delete one by one (issue 10 §1, S-3, S-4, O-7): the gateway
requires the delete permission of opportunities and tasks, and the delete asks the opportunities service, as the
caller, which of them it may take (``dependents_plan``: those they see, read-only accounting opportunities
excepted). The events name those ids (``dependent_ids``) and opportunities deletes those only; the others are left
in place as with ``reattach``. The answer lists what was deleted and what the caller sees that was left, with why
(``dependents``); what they cannot see is neither touched nor counted. When the opportunities service does not
answer, such a delete is refused (503), changing nothing: it would otherwise take too much or too little.

Relations. A relation is one row for an ordered pair (``contact_a < contact_b``), so it is symmetric by
construction and a duplicate from either side hits the primary key. Only relations whose other contact the caller
sees are shown; a deleted contact's relations stay stored, hidden, and come back on restore.

Bulk actions, on contacts (``bulk_action``) and on accounts (``bulk_accounts``): copy or move to a list, remove
accounts from one, delete to the trash (an account with its contacts, as ``delete_account``). The selection is
either ``ids`` or a search (``q`` and/or ``criteria``, C-11, C-12) built by the records area's
``record_predicates``, the same predicates as the contacts (accounts) page, so a bulk action touches exactly what
the caller sees there. Ids the caller cannot see are reported in ``not_found`` and never acted on. At most
``MAX_RECORDS`` per call (``lifecycle/contracts.py``), in one transaction: 10,000 rows of updates, history and
outbox rows take well under the RPC timeout on this hardware, and all-or-nothing keeps a failed call from leaving
half a selection moved. A larger selection is refused (422 naming the field) rather than run as a job.
"""
import json
import logging
from datetime import timedelta

from carnet_common.errors import Conflict, Forbidden, InvalidInput, NotFound, ServiceUnavailable
from carnet_contacts import events, norms
from carnet_contacts.lifecycle import repository
from carnet_contacts.lifecycle.contracts import MAX_RECORDS
from carnet_contacts.lists.usecases import Scope, selected_lists
from carnet_contacts.records import repository as records
from carnet_contacts.records import usecases as record_usecases

log = logging.getLogger(__name__)

RETENTION = timedelta(days=30)
MODULES = {"contact": "contacts", "account": "accounts"}


def record_name(record_type, row):
    if record_type == "account":
        return row["name"]
    return " ".join(p for p in (row["first_name"], row["last_name"]) if p) or row["email"] or row["id"]


def _iso(value):
    return value.isoformat() if value is not None else None


def _history(actor, record_type, record_id, field, old=None, new=None):
    return {"org_id": actor["org_id"], "record_type": record_type, "record_id": record_id,
            "user_id": actor["user_id"], "field": field, "old": old, "new": new}


# Deletes ------------------------------------------------------------------------------------------------

NOTHING = {"opportunities": [], "tasks": []}
# What the opportunities service's actor declares of the caller (carnet_contracts.actors.OpportunitiesActor): the
# caller is sent with these keys only (that contract refuses unknown keys) and their selected lists.
CALLER_KEYS = ("org_id", "user_id", "is_admin", "request_id", "flags", "subordinate_ids")


def opportunities_caller(actor, list_ids):
    """The caller as the opportunities service receives it: its visibility and the lists it selected (L-2)."""
    return {**{key: actor[key] for key in CALLER_KEYS if key in actor}, "list_ids": sorted(list_ids)}


def dependents_plan(opportunities, *, actor, list_ids, contact_ids=(), accounts=()):
    """What a delete with ``dependents=delete`` may take of the opportunities and tasks hanging on the contacts
    ``contact_ids`` and the accounts ``accounts`` (``{id, contact_ids}``), asked of the opportunities service as the
    caller (``dependents_to_delete``): ``{"by_record": {id: {opportunities, tasks}}, "left": [...]}``. No answer
    (no service, no reply in time, an error): 503, so that the delete is refused whole."""
    if opportunities is None:
        raise ServiceUnavailable("dependents_unavailable", params={"service": "opportunities"})
    caller = opportunities_caller(actor, list_ids)
    try:
        return opportunities.dependents_to_delete(caller, {"contact_ids": list(contact_ids),
                                                           "accounts": list(accounts)})
    except Exception as exc:  # noqa: BLE001 - no instance, no reply in time, broker gone: refuse the delete
        log.warning("delete with its dependents refused, opportunities did not answer: %r", exc)
        raise ServiceUnavailable("dependents_unavailable", params={"service": "opportunities"}) from None


def _outcome(plan, record_ids):
    """The answer's ``dependents``: the ids deleted with ``record_ids`` (in that order), and those left."""
    planned = [plan["by_record"].get(i, NOTHING) for i in record_ids]
    return {"opportunities_deleted": [i for p in planned for i in p["opportunities"]],
            "tasks_deleted": [i for p in planned for i in p["tasks"]], "left": list(plan["left"])}


def delete_contacts(session, *, outbox, actor, rows, delete_empty_accounts=False, list_ids=None,
                    dependents="reattach", opportunities=None):
    """Trash visible contact ``rows`` (locked by the caller); accounts they leave without contacts are
    reported and, with ``delete_empty_accounts``, trashed as dependants of the contact that emptied them.
    ``dependents="delete"`` asks ``opportunities`` what it may take (``dependents_plan``).

    Returns ``{"deleted": [ids], "accounts_left_empty": [ids], "accounts_deleted": [ids]}``, with ``dependents``
    (``_outcome``) for ``dependents="delete"``.
    """
    deleted_at = records.now()
    repository.mark_deleted(session, "contact", [row["id"] for row in rows], deleted_at)
    account_ids = list(dict.fromkeys(row["account_id"] for row in rows if row["account_id"]))
    records.add_history(session, [_history(actor, "contact", row["id"], "deleted") for row in rows])
    last_of = {}  # account id → the contact whose delete emptied it
    for row in rows:
        if row["account_id"]:
            last_of[row["account_id"]] = row
    if list_ids is None:
        list_ids = selected_lists(session, actor)
    # Only accounts the caller sees are reported (or deleted): others' existence is not revealed.
    left_empty = [i for i in account_ids if repository.remaining_contacts(session, i) == 0 and records.get_visible(
        session, "account", i, actor=actor, list_ids=list_ids, for_update=True) is not None]
    deletable = set(left_empty) if delete_empty_accounts else set()
    plan = {"by_record": {}, "left": []}
    if dependents == "delete" and rows:
        plan = dependents_plan(opportunities, actor=actor, list_ids=list_ids, contact_ids=[row["id"] for row in rows],
                               accounts=[{"id": i, "contact_ids": []} for i in left_empty if i in deletable])
    entries, payloads = [], []
    for row in rows:
        dependants = []
        account_id = row["account_id"]
        if account_id in deletable and last_of[account_id]["id"] == row["id"]:
            repository.mark_deleted(session, "account", [account_id], deleted_at)  # locked by get_visible above
            records.add_history(session, [_history(actor, "account", account_id, "deleted")])
            dependants.append({"type": "account", "id": account_id})
        entries.append({"id": row["id"], "org_id": actor["org_id"], "record_type": "contact",
                        "name": record_name("contact", row), "deleted_at": deleted_at,
                        "deleted_by": actor["user_id"], "dependants": dependants})
        # C-10: the caller's choice for what hangs on the contact (and on the account it emptied, deleted with
        # it) travels with the events; opportunities applies it.
        payloads.append((events.CONTACT_DELETED, events.contact_deleted_payload(
            row, actor, deleted_at, dependents=dependents, dependent_ids=plan["by_record"].get(row["id"], NOTHING))))
        if dependants:
            payloads.append((events.ACCOUNT_DELETED, events.account_deleted_payload(
                account_id, [], actor, deleted_at, dependents=dependents,
                dependent_ids=plan["by_record"].get(account_id, NOTHING))))
    repository.insert_trash_entries(session, entries)
    for event_type, payload in payloads:
        outbox.add(session, event_type, payload)
    accounts_deleted = [i for i in left_empty if i in deletable]
    result = {"deleted": [row["id"] for row in rows], "accounts_left_empty": left_empty,
              "accounts_deleted": accounts_deleted}
    if dependents == "delete":
        result["dependents"] = _outcome(plan, [row["id"] for row in rows] + accounts_deleted)
    return result


def delete_contact(session, *, outbox, actor, contact_id, delete_account=False, dependents="reattach",
                   opportunities=None):
    """C-10: one contact to the trash; ``delete_account`` also trashes its account when it is left empty."""
    list_ids = selected_lists(session, actor)
    row = records.get_visible(session, "contact", contact_id, actor=actor, list_ids=list_ids, for_update=True)
    if row is None:
        raise NotFound()
    return delete_contacts(session, outbox=outbox, actor=actor, rows=[row], delete_empty_accounts=delete_account,
                           list_ids=list_ids, dependents=dependents, opportunities=opportunities)


def delete_account(session, *, outbox, actor, account_id, dependents="reattach", opportunities=None):
    """C-10: an account goes to the trash with its contacts (every one, as the account holds them);
    ``dependents``: what becomes of the opportunities and tasks hanging on them (module docstring).

    Returns ``{"deleted": [id], "contacts_deleted": [ids]}`` (every contact, seen or not: for the service's own
    callers, never shown as is), with ``dependents`` for ``dependents="delete"``."""
    list_ids = selected_lists(session, actor)
    row = records.get_visible(session, "account", account_id, actor=actor, list_ids=list_ids, for_update=True)
    if row is None:
        raise NotFound()
    return delete_accounts(session, outbox=outbox, actor=actor, rows=[row], list_ids=list_ids, dependents=dependents,
                           opportunities=opportunities)


def delete_accounts(session, *, outbox, actor, rows, list_ids, dependents="reattach", opportunities=None):
    """Trash visible account ``rows`` (locked by the caller), each with every contact it holds, one trash entry and
    one ``account_deleted`` event per account (``delete_account``); ``dependents="delete"`` asks ``opportunities``
    once for them all what it may take (``dependents_plan``).

    Returns ``{"deleted": [ids], "contacts_deleted": [ids]}`` (every contact, seen or not), with ``dependents`` for
    ``dependents="delete"``."""
    contacts_of = {row["id"]: [] for row in rows}
    for contact in repository.lock_contacts_of_accounts(session, list(contacts_of)):
        contacts_of[contact["account_id"]].append(contact["id"])
    plan = {"by_record": {}, "left": []}
    if dependents == "delete" and rows:
        plan = dependents_plan(opportunities, actor=actor, list_ids=list_ids,
                               accounts=[{"id": i, "contact_ids": ids} for i, ids in contacts_of.items()])
    deleted_at = records.now()
    all_contact_ids = [i for ids in contacts_of.values() for i in ids]
    repository.mark_deleted(session, "account", list(contacts_of), deleted_at)
    repository.mark_deleted(session, "contact", all_contact_ids, deleted_at)
    records.add_history(session, [entry for account_id, contact_ids in contacts_of.items() for entry in (
        [_history(actor, "account", account_id, "deleted")]
        + [_history(actor, "contact", i, "deleted") for i in contact_ids])])
    repository.insert_trash_entries(session, [{
        "id": row["id"], "org_id": actor["org_id"], "record_type": "account", "name": record_name("account", row),
        "deleted_at": deleted_at, "deleted_by": actor["user_id"],
        "dependants": [{"type": "contact", "id": i} for i in contacts_of[row["id"]]]} for row in rows])
    for account_id, contact_ids in contacts_of.items():
        outbox.add(session, events.ACCOUNT_DELETED, events.account_deleted_payload(
            account_id, contact_ids, actor, deleted_at, dependents=dependents,
            dependent_ids=plan["by_record"].get(account_id, NOTHING)))
    result = {"deleted": list(contacts_of), "contacts_deleted": all_contact_ids}
    if dependents == "delete":
        result["dependents"] = _outcome(plan, list(contacts_of))
    return result


def delete_preview(session, *, actor, record_type, record_id, opportunities):
    """What a delete would take with it (C-10), changing nothing, as far as the caller sees it: only the contacts,
    opportunities and tasks they see are listed and counted, and an account they cannot see is not named
    (``account_name`` None; issue 10 §1).

    ``tasks`` and ``opportunities`` come from the opportunities service through ``opportunities`` (empty, with
    ``dependents_unavailable``, when it does not answer). ``reattach_to``: the account that
    ``dependents=reattach`` would move them to — a contact's account (its id, as the contact's GET shows it);
    None for an account, or a contact without one: they then stay hidden with the record.
    """
    list_ids = selected_lists(session, actor)
    row = records.get_visible(session, record_type, record_id, actor=actor, list_ids=list_ids)
    if row is None:
        raise NotFound()
    preview = {"record_type": record_type, "id": record_id, "name": record_name(record_type, row),
               "tasks": [], "opportunities": []}
    preview.update(opportunities_dependents(opportunities, actor=actor, list_ids=list_ids, record_type=record_type,
                                            record_id=record_id))
    if record_type == "account":
        # Only the contacts the caller sees are listed and counted (issue 10 §1: never more than their GET shows).
        shown = repository.visible_contacts_of_account(session, record_id, actor=actor, list_ids=list_ids)
        preview["contacts"] = [{"id": c["id"], "name": record_name("contact", c)} for c in shown]
        preview["contacts_total"] = len(shown)
        preview["reattach_to"] = None
        return preview
    account_id = row["account_id"]
    account = account_id and records.get_visible(session, "account", account_id, actor=actor, list_ids=list_ids)
    preview.update(account_id=account_id, account_name=account["name"] if account else None,
                   offers_account_delete=bool(account) and repository.remaining_contacts(session, account_id) == 1,
                   reattach_to=account_id)
    return preview


def opportunities_dependents(opportunities, *, actor, list_ids, record_type, record_id):
    """What hangs on the record in the opportunities service, asked through ``opportunities`` (a proxy whose calls
    have a timeout of their own: nameko's in-service proxy has none). When opportunities does not answer, the
    preview says so (``dependents_unavailable``) rather than wait or fail: the delete itself does not depend on
    it."""
    caller = opportunities_caller(actor, list_ids)
    try:
        answer = opportunities.dependents_of(caller, record_type, record_id)
    except Exception as exc:  # noqa: BLE001 - no instance, no reply in time, broker gone: the preview goes on
        log.warning("delete preview of %s %s without its dependents: %r", record_type, record_id, exc)
        return {"dependents_unavailable": True}
    return {"opportunities": answer.get("opportunities", []), "tasks": answer.get("tasks", []),
            "opportunities_total": answer.get("opportunities_total", 0),
            "tasks_total": answer.get("tasks_total", 0)}


# Trash and restore --------------------------------------------------------------------------------------

def entry_read(row):
    return {"id": row["id"], "record_type": row["record_type"], "name": row["name"],
            "deleted_at": _iso(row["deleted_at"]), "deleted_by": row["deleted_by"],
            "expires_at": _iso(row["deleted_at"] + RETENTION), "dependants": row["dependants"]}


def _seen(session, items, *, actor, list_ids):
    """Of ``items`` (``{type, id}``: what went with a trash entry), those the caller sees (issue 10 §1: an
    account's trash entry or restore never names its contacts the caller cannot see)."""
    seen = set()
    for record_type in ("contact", "account"):
        ids = [item["id"] for item in items if item["type"] == record_type]
        seen |= repository.seen_ids(session, record_type, ids, actor=actor, list_ids=list_ids)
    return [item for item in items if item["id"] in seen]


def list_trash(session, *, actor, record_types, page=1, per_page=50):
    """The caller's visible trash entries of ``record_types``, newest first, each naming what went with it that
    the caller sees."""
    list_ids = selected_lists(session, actor)
    total, rows = repository.trash_page(session, actor=actor, list_ids=list_ids, record_types=record_types,
                                        page=page, per_page=per_page)
    items = [entry_read(r) for r in rows]
    seen = {(d["type"], d["id"]) for d in _seen(session, [d for item in items for d in item["dependants"]],
                                                actor=actor, list_ids=list_ids)}
    for item in items:
        item["dependants"] = [d for d in item["dependants"] if (d["type"], d["id"]) in seen]
    return {"items": items, "total": total, "page": page, "per_page": per_page}


def restore(session, *, outbox, actor, trash_id, record_types):
    """Bring an entry's record and its dependants back (C-10); 404 when not visible, 403 when the role
    may not delete records of that module. ``restored`` names the records the caller sees (all come back)."""
    list_ids = selected_lists(session, actor)
    entry = repository.lock_trash_entry(session, trash_id, actor=actor, list_ids=list_ids)
    if entry is None:
        raise NotFound()
    if entry["record_type"] not in record_types:
        raise Forbidden("missing_permission", params={"module": MODULES[entry["record_type"]], "action": "delete"})
    items = [{"type": entry["record_type"], "id": entry["id"]}] + list(entry["dependants"])
    restored_ids = {item["id"] for item in items}
    if entry["record_type"] == "contact":
        contact = records.contacts_by_ids(session, [entry["id"]])[0]
        account_id = contact["account_id"]
        if account_id and account_id not in restored_ids \
                and records.get_account(session, account_id)["deleted_at"] is not None:
            # named only to a caller who sees that account (issue 10 §1): the others cannot restore it anyway
            if account_id in repository.seen_ids(session, "account", [account_id], actor=actor, list_ids=list_ids):
                raise Conflict("restore_account_first", errors={"id": ["restore_account_first"]},
                               params={"account_id": account_id})
            raise Conflict("restore_unseen_account_first", errors={"id": ["restore_unseen_account_first"]})
    rows = {}
    for item in items:
        row = repository.lock_record(session, item["type"], item["id"])
        if row is not None and row["deleted_at"] is not None:
            rows[item["id"]] = (item["type"], row)
            records.update_record(session, item["type"], item["id"],
                                  {"deleted_at": None, "version": row["version"] + 1})
    records.add_history(session, [_history(actor, t, i, "restored") for i, (t, _) in rows.items()])
    repository.delete_trash_entry(session, trash_id)
    contact_ids = [i for i, (t, _) in rows.items() if t == "contact"]
    for record_id, (record_type, row) in rows.items():
        if record_type == "account":
            outbox.add(session, events.ACCOUNT_RESTORED, {
                "org_id": actor["org_id"], "account_id": record_id, "contact_ids": contact_ids,
                "actor_id": actor["user_id"]})
        else:
            outbox.add(session, events.CONTACT_RESTORED, {
                "org_id": actor["org_id"], "contact_id": record_id, "account_id": row["account_id"],
                "actor_id": actor["user_id"]})
    restored = [{"type": t, "id": i} for i, (t, _) in rows.items()]
    return {"id": trash_id, "record_type": entry["record_type"],
            "restored": _seen(session, restored, actor=actor, list_ids=list_ids)}


def purge(session, *, outbox, now=None):
    """Remove for good what was deleted more than ``RETENTION`` ago (every organization); idempotent.

    Each record removed is published (``contact_purged``/``account_purged``) so that what was deleted with it in
    other services goes too. Returns the counts removed.
    """
    cutoff = (now or records.now()) - RETENTION
    contact_rows, account_rows = repository.deleted_before(session, cutoff)
    contact_ids = [row["id"] for row in contact_rows]
    account_ids = [row["id"] for row in account_rows]
    entries = repository.purge(session, cutoff=cutoff, contact_ids=contact_ids, account_ids=account_ids)
    for row in contact_rows:
        outbox.add(session, events.CONTACT_PURGED, events.contact_purged_payload(row))
    for row in account_rows:
        outbox.add(session, events.ACCOUNT_PURGED, events.account_purged_payload(row))
    return {"contacts": len(contact_ids), "accounts": len(account_ids), "entries": entries}


# Relations (C-5) and moves (C-7) ------------------------------------------------------------------------

def _pair(one, other):
    return (one, other) if one < other else (other, one)


def list_relations(session, *, actor, contact_id):
    list_ids = selected_lists(session, actor)
    if records.get_visible(session, "contact", contact_id, actor=actor, list_ids=list_ids) is None:
        raise NotFound()
    rows = repository.relations_of(session, contact_id, actor=actor, list_ids=list_ids)
    return [{"other_id": r["id"], "label": r["label"], "other_name": record_name("contact", r),
             "created_at": r["created_at"].isoformat(), "created_by": r["created_by"]} for r in rows]


def _both_visible(session, actor, contact_id, other_id):
    list_ids = selected_lists(session, actor)
    for record_id in (contact_id, other_id):
        if records.get_visible(session, "contact", record_id, actor=actor, list_ids=list_ids) is None:
            raise NotFound()


def add_relation(session, *, actor, contact_id, data):
    other_id = data["other_id"]
    _both_visible(session, actor, contact_id, other_id)
    if other_id == contact_id:  # a valid body naming the contact of the path: 409, as a relation that exists
        raise Conflict("relation_to_self", errors={"other_id": ["relation_to_self"]})
    first, second = _pair(contact_id, other_id)
    created = repository.insert_relation(session, {"contact_a": first, "contact_b": second, "org_id": actor["org_id"],
                                                   "label": data["label"], "created_by": actor["user_id"]})
    if not created:
        raise Conflict("relation_exists", errors={"other_id": ["relation_exists"]})
    records.add_history(session, [
        _history(actor, "contact", contact_id, "relation_added", None, {"label": data["label"], "other_id": other_id}),
        _history(actor, "contact", other_id, "relation_added", None, {"label": data["label"], "other_id": contact_id})])
    return next(r for r in list_relations(session, actor=actor, contact_id=contact_id) if r["other_id"] == other_id)


def remove_relation(session, *, actor, contact_id, other_id):
    _both_visible(session, actor, contact_id, other_id)
    label = repository.delete_relation(session, *_pair(contact_id, other_id))
    if label is None:
        raise NotFound()
    records.add_history(session, [
        _history(actor, "contact", contact_id, "relation_removed", {"label": label, "other_id": other_id}, None),
        _history(actor, "contact", other_id, "relation_removed", {"label": label, "other_id": contact_id}, None)])


def move_contact(session, *, outbox, actor, contact_id, data):
    """C-7 "changed jobs": the contact joins another account; its history records the move and
    ``contact_moved`` lets the opportunities service keep its tasks and opportunities on the old one."""
    list_ids = selected_lists(session, actor)
    row = records.get_visible(session, "contact", contact_id, actor=actor, list_ids=list_ids, for_update=True)
    if row is None:
        raise NotFound()
    to_id = data["account_id"]
    account = records.get_visible(session, "account", to_id, actor=actor, list_ids=list_ids)
    if account is None:
        raise InvalidInput(errors={"account_id": ["unknown_account"]})
    from_id = row["account_id"]
    if from_id == to_id:  # a valid body the contact's state refuses: 409
        raise Conflict("same_account", errors={"account_id": ["same_account"]})
    records.update_record(session, "contact", contact_id, {
        "account_id": to_id, **norms.contact_norms({**row, "account_id": to_id}, account),
        "version": row["version"] + 1, "updated_at": records.now()})
    records.add_history(session, [_history(actor, "contact", contact_id, "account_id", from_id, to_id)])
    outbox.add(session, events.CONTACT_MOVED, {
        "org_id": actor["org_id"], "actor_id": actor["user_id"], "contact_id": contact_id,
        "from_account_id": from_id, "to_account_id": to_id})
    return record_usecases.get_record(session, actor=actor, record_type="contact", record_id=contact_id)


# Bulk actions (C-9, C-10) --------------------------------------------------------------------------------

def _select(session, *, actor, scope, data, unreadable, record_type="contact"):
    """Locked visible rows of ``record_type`` the selection holds, and the requested ids not found among them."""
    if "ids" in data:
        ids = list(dict.fromkeys(data["ids"]))
        predicates = [records.visible(record_type, actor=actor, list_ids=scope.selected),
                      records.with_ids(record_type, ids)]
    else:
        ids = None
        query = {"q": data.get("q")}
        if "criteria" in data:
            query["criteria"] = json.dumps(data["criteria"])
        predicates = record_usecases.record_predicates(session, actor=actor, record_type=record_type, query=query,
                                                       scope=scope, unreadable=unreadable)
    rows = repository.lock_records(session, record_type, predicates, limit=MAX_RECORDS + 1)
    if len(rows) > MAX_RECORDS:
        field = "q" if data.get("q") is not None else "criteria"
        raise InvalidInput("bulk_too_many", errors={field: ["bulk_too_many"]}, params={"max": MAX_RECORDS})
    found = {row["id"] for row in rows}
    return rows, [i for i in ids if i not in found] if ids is not None else []


def _memberships(session, *, outbox, actor, record_type, rows, members, add=None, remove=None):
    """Every row joins list ``add`` and/or leaves ``remove`` (``members``: their list ids before); returns the ids
    whose lists changed, each written in its history and published (``membership_changed``)."""
    changed, history, payloads = [], [], []
    for row in rows:
        before = members[row["id"]]
        after = sorted((set(before) - {remove}) | ({add} if add is not None else set()))
        if after == sorted(before):
            continue
        changed.append(row["id"])
        history.append(_history(actor, record_type, row["id"], "list_ids", sorted(before), after))
        payloads.append({"org_id": actor["org_id"], "record_type": record_type, "record_id": row["id"],
                         "added": sorted(set(after) - set(before)), "removed": sorted(set(before) - set(after)),
                         "actor_id": actor["user_id"]})
    if changed:
        repository.move_memberships(session, record_type, changed, add=add, remove=remove)
        records.add_history(session, history)
        for payload in payloads:
            outbox.add(session, events.MEMBERSHIP_CHANGED, payload)
    return changed


def _check_lists(session, scope, data):
    """The lists of a list action are ones the caller may access (else 422 naming the field, L-2), and a move's
    two are different."""
    action = data["action"]
    if action in ("copy_to_list", "move_to_list"):
        scope.check(session, [data["list_id"]], field="list_id")
    if action in ("move_to_list", "remove_from_list"):
        scope.check(session, [data["from_list_id"]], field="from_list_id")
    if action == "move_to_list" and data["from_list_id"] == data["list_id"]:
        raise InvalidInput(errors={"list_id": ["bulk_same_list"]})


def _list_action(session, *, outbox, actor, scope, record_type, rows, data, result):
    """copy_to_list, move_to_list (of the rows in ``from_list_id``) or remove_from_list: ``result`` completed with
    what changed. A removal never takes a record out of the last of the caller's lists it is in: it would be seen by
    nobody who sees it now (as ``PUT …/lists``, which needs one list); those are counted in ``kept_in_last_list``."""
    action = data["action"]
    members = records.member_list_ids(session, record_type, [row["id"] for row in rows])
    if action in ("move_to_list", "remove_from_list"):
        in_source = [row for row in rows if data["from_list_id"] in members[row["id"]]]
        result["not_in_source_list"] = len(rows) - len(in_source)
        rows = in_source
    if action == "remove_from_list":
        kept = [row for row in rows if not (set(members[row["id"]]) & scope.accessible) - {data["from_list_id"]}]
        result["kept_in_last_list"] = len(kept)
        rows = [row for row in rows if row not in kept]
    changed = _memberships(session, outbox=outbox, actor=actor, record_type=record_type, rows=rows, members=members,
                           add=data.get("list_id") if action != "remove_from_list" else None,
                           remove=data.get("from_list_id") if action != "copy_to_list" else None)
    result["changed"] = len(changed)
    return result


def bulk_action(session, *, outbox, actor, data, unreadable=(), opportunities=None):
    """``{action, matched, changed, not_found, …}`` for one bulk action on contacts (see the module docstring); a
    delete with ``dependents="delete"`` asks ``opportunities`` what it may take and reports it (``dependents``)."""
    scope = Scope(session, actor)
    _check_lists(session, scope, data)
    rows, not_found = _select(session, actor=actor, scope=scope, data=data, unreadable=unreadable)
    result = {"action": data["action"], "matched": len(rows), "not_found": not_found}
    if data["action"] != "delete":
        return _list_action(session, outbox=outbox, actor=actor, scope=scope, record_type="contact", rows=rows,
                            data=data, result=result)
    done = delete_contacts(session, outbox=outbox, actor=actor, rows=rows, list_ids=scope.selected,
                           delete_empty_accounts=data.get("delete_empty_accounts", False),
                           dependents=data.get("dependents", "reattach"), opportunities=opportunities)
    result.update(changed=len(done["deleted"]), accounts_left_empty=done["accounts_left_empty"],
                  accounts_deleted=done["accounts_deleted"])
    if "dependents" in done:
        result["dependents"] = done["dependents"]
    return result


def bulk_accounts(session, *, outbox, actor, data, unreadable=(), opportunities=None):
    """One bulk action on accounts (issue 10 §6, C-9, C-10): copy or move to a list, remove from one, or delete.
    The selection is built as ``bulk_action``'s, over accounts (the accounts page's search); a delete takes each
    account with every contact it holds, as ``delete_account`` (``delete_accounts``), and names in
    ``contacts_deleted`` only the contacts the caller sees (the others go all the same)."""
    scope = Scope(session, actor)
    _check_lists(session, scope, data)
    rows, not_found = _select(session, actor=actor, scope=scope, data=data, unreadable=unreadable,
                              record_type="account")
    result = {"action": data["action"], "matched": len(rows), "not_found": not_found}
    if data["action"] != "delete":
        return _list_action(session, outbox=outbox, actor=actor, scope=scope, record_type="account", rows=rows,
                            data=data, result=result)
    done = delete_accounts(session, outbox=outbox, actor=actor, rows=rows, list_ids=scope.selected,
                           dependents=data.get("dependents", "reattach"), opportunities=opportunities)
    seen = repository.seen_ids(session, "contact", done["contacts_deleted"], actor=actor, list_ids=scope.selected)
    result.update(changed=len(done["deleted"]), contacts_deleted=[i for i in done["contacts_deleted"] if i in seen])
    if "dependents" in done:
        result["dependents"] = done["dependents"]
    return result
