"""Use cases of the read model of contacts (ids, accounts, lists, reps, names), fed by the contacts events
(``carnet_contacts/events.py``; it never reads the contacts schema), and of the delete conversation of contacts
and accounts (C-10): what those events do to the opportunities and tasks hanging on a record.

Each event is applied once (the Inbox records its ``event_id`` in the same transaction). Events may be handled
out of order (several workers, redeliveries), so every projection is written to converge whatever the order:
- record events (created/updated) carry the record's ``version``: the newest version wins, an older one is
  ignored. ``list_ids`` come from ``*_created`` (all of them) and ``membership_changed`` (added/removed);
  an updated record's ``list_ids`` are narrowed to its author's lists, so they are never taken from it.
- deletes and restores carry no version: the event's ``occurred_at`` is kept in ``lifecycle_at`` and an older
  delete/restore than the one applied is ignored. An event about a record not seen yet leaves a placeholder
  (version 0) that the record's creation fills in.
- a purge (the record left the contacts' trash for good, 30 days after its delete) removes the ref.

The delete conversation: contacts' delete preview asks ``opportunities.dependents_of`` (RPC, with a timeout) and
lists what it answers (``dependents_of``); the delete request carries the caller's choice
``dependents=delete|reattach``, which contacts puts in its ``contact_deleted``/``account_deleted`` event. The
service's handler of each event applies the read model, then the tasks' and the opportunities' use cases below,
in the same transaction (so once):
- ``reattach`` (the default) on a contact: its opportunities stay on its account, no longer naming it; its tasks
  move to its account (``account_id`` kept when they already name one, their opportunity kept); a contact without
  an account has nothing to reattach its tasks to: they stay on it, hidden with it, and come back with it;
- ``reattach`` on an account: nothing to reattach to (its contacts go with it): its opportunities and tasks stay,
  hidden with it, and come back with it;
- ``delete``: of the opportunities (a contact's: those naming it; an account's: all of them) and the tasks (a
  contact's: those linked to it; an account's: those linked to it or to one of its contacts), those the caller
  may delete are deleted with the record (``deleted_with`` its id, hidden everywhere) and come back when it is
  restored from the trash (``contact_restored``/``account_restored``). Which ones is decided when the caller
  deletes, not when the event arrives: contacts asks ``dependents_to_delete`` (RPC) as the caller, and puts the
  ids it answers in the event (``dependent_ids``); the handler deletes those only (and never a read-only
  opportunity, O-7). The others are left in place as with ``reattach`` (issue 10 §1: a delete takes no more than
  the caller could delete one by one). An event without ``dependent_ids`` deletes nothing.
When contacts purges a record for good (``contact_purged``/``account_purged``), what was deleted with it goes too
(opportunities with their lines), as do all of a purged account's opportunities (nothing can show them again);
live opportunities naming a purged contact stop naming it; live tasks lose their link to a purged record or
opportunity, and are removed when no link is left. A task deleted here withdraws its calendar invitations (T-3,
``tasks.usecases.queue_cancellations``). Each change is published through the outbox
(``task_deleted``/``task_updated``, ``opportunity_deleted``/``opportunity_updated`` with the new ``version``) for
contacts' summaries; ``actor_id`` is the event's (None for a purge).
"""
from datetime import datetime

from carnet_opportunities import events
from carnet_opportunities.readmodel import repository
from carnet_opportunities.readmodel.links import account_values, contact_values
from carnet_opportunities.readmodel.repository import dependents
from carnet_opportunities.tasks.repository.visibility import LINKS
from carnet_opportunities.tasks.usecases import queue_cancellations


def timestamp(value):
    """An ISO 8601 text as a datetime; None for anything else."""
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


# The read model ---------------------------------------------------------------------------------------------

def save_account(session, *, data, created):
    """``account_created`` (``created``, with all its lists) or ``account_updated``: the newest version wins."""
    record = data["record"]
    repository.upsert_record(session, "account", account_values(data, record), version=record["version"],
                             list_ids=list(data.get("list_ids") or record.get("list_ids") or []), with_lists=created)


def save_contact(session, *, data, created):
    """``contact_created`` (``created``, with all its lists) or ``contact_updated``: the newest version wins."""
    record = data["record"]
    repository.upsert_record(session, "contact", contact_values(data, record), version=record["version"],
                             list_ids=list(data.get("list_ids") or record.get("list_ids") or []), with_lists=created)


def delete_contact(session, *, data, occurred_at):
    """``contact_deleted``; ``occurred_at`` is the envelope's (ISO text)."""
    at = timestamp(occurred_at)
    repository.set_deleted(session, "contact", [data["contact_id"]], data["org_id"],
                           deleted_at=timestamp(data.get("deleted_at")) or at, occurred_at=at)


def restore_contact(session, *, data, occurred_at):
    repository.set_deleted(session, "contact", [data["contact_id"]], data["org_id"], deleted_at=None,
                           occurred_at=timestamp(occurred_at))


def delete_account(session, *, data, occurred_at):
    """``account_deleted``: the account and the contacts deleted with it."""
    at = timestamp(occurred_at)
    deleted_at = timestamp(data.get("deleted_at")) or at
    repository.set_deleted(session, "account", [data["account_id"]], data["org_id"], deleted_at=deleted_at,
                           occurred_at=at)
    repository.set_deleted(session, "contact", list(data.get("contact_ids") or []), data["org_id"],
                           deleted_at=deleted_at, occurred_at=at)


def restore_account(session, *, data, occurred_at):
    at = timestamp(occurred_at)
    repository.set_deleted(session, "account", [data["account_id"]], data["org_id"], deleted_at=None, occurred_at=at)
    repository.set_deleted(session, "contact", list(data.get("contact_ids") or []), data["org_id"], deleted_at=None,
                           occurred_at=at)


def move_contact(session, *, data):
    repository.move_contact(session, data["contact_id"], data["org_id"], account_id=data.get("to_account_id"))


def change_membership(session, *, data):
    repository.change_membership(session, "account" if data["record_type"] == "account" else "contact",
                                 data["record_id"], data["org_id"], added=data.get("added") or [],
                                 removed=data.get("removed") or [])


def remove_list(session, *, data):
    repository.remove_list(session, data["org_id"], data["list_id"])


def purge_contact(session, *, data):
    repository.purge(session, "contact", data["contact_id"], data["org_id"])


def purge_account(session, *, data):
    repository.purge(session, "account", data["account_id"], data["org_id"])


# The delete preview (C-10) ------------------------------------------------------------------------------------

def dependents_of(session, *, actor, record_type, record_id):
    """The delete preview's part: the opportunities and tasks hanging on the record that ``actor`` sees, listed
    and counted (those they cannot see are neither: issue 10 §1)."""
    opportunities = dependents.opportunities_hanging_on(session, actor, record_type=record_type, record_id=record_id)
    tasks = dependents.tasks_hanging_on(session, actor, record_type=record_type, record_id=record_id)
    return {"opportunities": [{"id": r["id"], "title": r["title"], "probability": r["probability"],
                               "total": str(r["total"]), "read_only": r["source"] != "crm"}
                              for r in opportunities],
            "opportunities_total": len(opportunities),
            "tasks": [{"id": r["id"], "type": r["type"], "status": r["status"], "title": r["title"],
                       "due_at": r["due_at"].isoformat() if r["due_at"] else None,
                       "assignee_id": r["assignee_id"]} for r in tasks],
            "tasks_total": len(tasks)}


def dependents_to_delete(session, *, actor, contact_ids, accounts):
    """What a delete with ``dependents=delete`` by ``actor`` takes (issue 10 §1): the records deleted are the
    contacts ``contact_ids`` and the accounts ``accounts`` (``{id, contact_ids}``: the contacts deleted with each).

    Only the opportunities and tasks ``actor`` sees are considered; of those, each one ``actor`` may delete goes
    to the one deleted record it hangs on (a contact it names before an account it is on), read-only ones
    (O-7) are ``left`` with their reason. Those ``actor`` cannot see are neither taken nor mentioned.
    Returns ``{"by_record": {record_id: {"opportunities": [ids], "tasks": [ids]}}, "left": [{type, id, reason}]}``.
    """
    contacts = list(dict.fromkeys(contact_ids))
    account_of = {}  # a contact deleted with an account → that account
    for account in accounts:
        for contact_id in account.get("contact_ids") or ():
            account_of.setdefault(contact_id, account["id"])
    account_ids = [account["id"] for account in accounts]
    by_record = {record_id: {"opportunities": [], "tasks": []} for record_id in (*contacts, *account_ids)}
    named, left = set(contacts), []
    for row in dependents.seen_opportunities_on(session, actor, contact_ids=contacts, account_ids=account_ids):
        owner = row["contact_id"] if row["contact_id"] in named else row["account_id"]
        if owner not in by_record:
            continue
        if row["source"] != "crm":
            left.append({"type": "opportunity", "id": row["id"], "reason": "read_only"})
        else:
            by_record[owner]["opportunities"].append(row["id"])
    for row in dependents.seen_tasks_on(session, actor, contact_ids=[*contacts, *account_of],
                                        account_ids=account_ids):
        if row["contact_id"] in named:
            owner = row["contact_id"]
        elif row["account_id"] in by_record:
            owner = row["account_id"]
        else:
            owner = account_of.get(row["contact_id"])
        if owner in by_record:
            by_record[owner]["tasks"].append(row["id"])
    return {"by_record": by_record, "left": left}


def _planned(data, kind):
    """The ids of ``kind`` (opportunities, tasks) the caller may delete, as the delete event names them."""
    planned = data.get("dependent_ids")
    ids = planned.get(kind) if isinstance(planned, dict) else None
    return [i for i in ids if isinstance(i, str)] if isinstance(ids, list) else []


# Tasks of deleted, restored and purged records (C-10) ---------------------------------------------------------

def _publish_tasks(session, outbox, event_type, rows, actor_id):
    for row in rows:
        outbox.add(session, event_type, events.task_payload(row, actor_id))


def _deleted_tasks(session, outbox, rows, actor_id):
    for row in rows:
        queue_cancellations(session, task=row, sequence=row["version"], actor_id=actor_id)
        outbox.add(session, events.TASK_DELETED, events.task_payload(row, actor_id))


def tasks_of_deleted_contact(session, *, outbox, data):
    """``delete``: the tasks the caller may delete go with the contact; the others, as with ``reattach``, move to
    its account when it has one."""
    org_id, contact_id, actor_id = data["org_id"], data["contact_id"], data.get("actor_id")
    if data.get("dependents") == "delete":
        _deleted_tasks(session, outbox, dependents.delete_contact_tasks(
            session, org_id=org_id, contact_id=contact_id, ids=_planned(data, "tasks")), actor_id)
    if data.get("account_id"):
        rows = dependents.reattach_tasks(session, org_id=org_id, contact_id=contact_id, account_id=data["account_id"])
        _publish_tasks(session, outbox, events.TASK_UPDATED, rows, actor_id)


def tasks_of_deleted_account(session, *, outbox, data):
    """``delete``: the tasks the caller may delete go with the account; the others stay, hidden with it."""
    if data.get("dependents") != "delete":
        return
    rows = dependents.delete_account_tasks(session, org_id=data["org_id"], account_id=data["account_id"],
                                           contact_ids=list(data.get("contact_ids") or []),
                                           ids=_planned(data, "tasks"))
    _deleted_tasks(session, outbox, rows, data.get("actor_id"))


def tasks_of_restored_contact(session, *, outbox, data):
    rows = dependents.restore_tasks(session, org_id=data["org_id"], record_ids=[data["contact_id"]])
    _publish_tasks(session, outbox, events.TASK_UPDATED, rows, data.get("actor_id"))


def tasks_of_restored_account(session, *, outbox, data):
    rows = dependents.restore_tasks(session, org_id=data["org_id"],
                                    record_ids=[data["account_id"], *(data.get("contact_ids") or [])])
    _publish_tasks(session, outbox, events.TASK_UPDATED, rows, data.get("actor_id"))


def _unlink_tasks(session, outbox, *, org_id, column, ids, actor_id):
    """Records named by ``column`` (contact_id, account_id or opportunity_id) are purged: tasks lose the link,
    and a task left without any link is removed (nothing can show it again)."""
    if not ids:
        return
    rows = dependents.unlink_tasks(session, org_id=org_id, column=column, ids=ids)
    orphans = {row["id"] for row in rows if all(row[key] is None for key in LINKS)}
    for row in rows:
        if row["deleted_at"] is not None:
            continue  # already published as deleted
        if row["id"] in orphans:
            queue_cancellations(session, task=row, sequence=row["version"], actor_id=actor_id)
            outbox.add(session, events.TASK_DELETED, events.task_payload(row, actor_id))
        else:
            outbox.add(session, events.TASK_UPDATED, events.task_payload(row, actor_id))
    _remove_tasks(session, list(orphans))


def _remove_tasks(session, task_ids):
    if task_ids:
        dependents.remove_tasks(session, task_ids)


def _purge_tasks(session, outbox, *, org_id, record_id, column):
    _remove_tasks(session, list(dependents.tasks_deleted_with(session, org_id=org_id, record_id=record_id)))
    _unlink_tasks(session, outbox, org_id=org_id, column=column, ids=[record_id], actor_id=None)


def tasks_of_purged_contact(session, *, outbox, data):
    _purge_tasks(session, outbox, org_id=data["org_id"], record_id=data["contact_id"], column="contact_id")


def tasks_of_purged_account(session, *, outbox, data):
    _purge_tasks(session, outbox, org_id=data["org_id"], record_id=data["account_id"], column="account_id")


# Opportunities of deleted, restored and purged records (C-10) -------------------------------------------------

def _publish_deleted(session, outbox, rows, actor_id):
    for row in rows:
        outbox.add(session, events.OPPORTUNITY_DELETED, events.deleted_payload(row, actor_id))


def _publish_updated(session, outbox, ids, actor_id):
    """``opportunity_updated`` without ``custom``: these changes never touch the values (consumers keep theirs)."""
    if not ids:
        return
    for row in dependents.opportunity_rows(session, ids):
        outbox.add(session, events.OPPORTUNITY_UPDATED, events.opportunity_payload(row, actor_id))


def opportunities_of_deleted_contact(session, *, outbox, data):
    """``delete``: the opportunities the caller may delete go with the contact (naming it still, for a restore);
    the others, as with ``reattach``, stay on its account and no longer name it."""
    org_id, contact_id, actor_id = data["org_id"], data["contact_id"], data.get("actor_id")
    if data.get("dependents") == "delete":
        rows = dependents.delete_contact_opportunities(session, org_id=org_id, contact_id=contact_id,
                                                       ids=_planned(data, "opportunities"))
        _publish_deleted(session, outbox, rows, actor_id)
        rows = dependents.unname_contact(session, org_id=org_id, contact_id=contact_id, live_only=True)
    else:
        rows = dependents.unname_contact(session, org_id=org_id, contact_id=contact_id)
    _publish_updated(session, outbox, [row.id for row in rows], actor_id)


def opportunities_of_deleted_account(session, *, outbox, data):
    """``delete``: the opportunities the caller may delete go with the account; the others stay, hidden with it."""
    if data.get("dependents") == "delete":
        rows = dependents.delete_account_opportunities(session, org_id=data["org_id"], account_id=data["account_id"],
                                                       ids=_planned(data, "opportunities"))
        _publish_deleted(session, outbox, rows, data.get("actor_id"))


def opportunities_of_restored_contact(session, *, outbox, data):
    ids = dependents.restore_opportunities(session, org_id=data["org_id"], record_ids=[data["contact_id"]])
    _publish_updated(session, outbox, list(ids), data.get("actor_id"))


def opportunities_of_restored_account(session, *, outbox, data):
    ids = dependents.restore_opportunities(session, org_id=data["org_id"],
                                           record_ids=[data["account_id"], *(data.get("contact_ids") or [])])
    _publish_updated(session, outbox, list(ids), data.get("actor_id"))


def _purged(session, outbox, org_id, rows):
    """Opportunities removed for good (by the purge timer: no actor): the removal of those still live is
    published, and tasks linked to any of them lose that link."""
    _publish_deleted(session, outbox, [row for row in rows if row["deleted_at"] is None], None)
    _unlink_tasks(session, outbox, org_id=org_id, column="opportunity_id", ids=[row["id"] for row in rows],
                  actor_id=None)


def opportunities_of_purged_contact(session, *, outbox, data):
    org_id, contact_id = data["org_id"], data["contact_id"]
    _purged(session, outbox, org_id, dependents.purge_contact_opportunities(session, org_id=org_id,
                                                                           contact_id=contact_id))
    rows = dependents.unname_contact(session, org_id=org_id, contact_id=contact_id)
    _publish_updated(session, outbox, [row.id for row in rows if row.deleted_at is None], None)


def opportunities_of_purged_account(session, *, outbox, data):
    org_id = data["org_id"]
    _purged(session, outbox, org_id, dependents.purge_account_opportunities(session, org_id=org_id,
                                                                           account_id=data["account_id"]))
