"""Tasks in the delete conversation of contacts and accounts (C-10), beside ``opportunity_dependents``.

What hangs on a record: a contact's tasks are those linked to it; an account's, those linked to it or to one of
its contacts (deleted with it). The delete preview lists those the caller sees and counts them all
(``tasks_of``). The caller's choice travels in contacts' ``contact_deleted``/``account_deleted`` events and is
applied here through the read model's hooks (same transaction as the Inbox record, so once):
- ``delete``: the tasks are deleted with the record (``deleted_with`` its id, hidden everywhere) and come back
  when it is restored from the trash (``contact_restored``/``account_restored``);
- ``reattach`` (the default) on a contact: its tasks move to its account (``account_id`` kept when they already
  name one, their opportunity kept); a contact without an account has nothing to reattach them to: they stay
  on it, hidden with it, and come back with it;
- ``reattach`` on an account: nothing to reattach to (its contacts go with it): the tasks stay, hidden with
  it, and come back with it.
When contacts purges a record for good (``contact_purged``/``account_purged``), the tasks deleted with it are
removed, and live tasks lose their link to it (removed when no link is left, as nothing can show them again).
A task deleted here withdraws its calendar invitations (T-3, ``invitation_jobs.queue_cancellations``).
Each change is published (``task_deleted`` / ``task_updated`` with the new ``version``) for contacts' summaries.
"""
import sqlalchemy as sa

from carnet_common.events import make_envelope
from carnet_opportunities import invitation_jobs, readmodel, repository, task_events
from carnet_opportunities.models import contact_refs, outbox, task_invitations, tasks
from carnet_opportunities.task_usecases import LINKS, ORDER, task_visible


def _hanging_on(org_id, record_type, record_id):
    if record_type == "contact":
        return tasks.c.contact_id == record_id
    contacts = sa.select(contact_refs.c.id).where(contact_refs.c.org_id == org_id,
                                                  contact_refs.c.account_id == record_id,
                                                  contact_refs.c.deleted_at.is_(None))
    return sa.or_(tasks.c.account_id == record_id, tasks.c.contact_id.in_(contacts))


def tasks_of(session, *, actor, record_type, record_id):
    """C-10 preview: the live tasks hanging on the record that ``actor`` sees, and how many there are in all."""
    rows = session.execute(
        sa.select(tasks.c.id, tasks.c.type, tasks.c.status, tasks.c.title, tasks.c.due_at, tasks.c.assignee_id,
                  task_visible(actor).label("shown"))
        .where(tasks.c.org_id == actor["org_id"], tasks.c.deleted_at.is_(None),
               _hanging_on(actor["org_id"], record_type, record_id))
        .order_by(*ORDER)).mappings().all()
    return {"tasks": [{"id": r["id"], "type": r["type"], "status": r["status"], "title": r["title"],
                       "due_at": r["due_at"].isoformat() if r["due_at"] else None,
                       "assignee_id": r["assignee_id"]} for r in rows if r["shown"]],
            "tasks_total": len(rows)}


def _emit(session, event_type, row, actor_id):
    envelope = make_envelope(task_events.payload(row, {"user_id": actor_id}))
    session.execute(outbox.insert().values(id=envelope["event_id"], event_type=event_type, envelope=envelope,
                                           headers={}))


def _soft_delete(session, where, record_id, actor_id):
    rows = session.execute(tasks.update().where(*where, tasks.c.deleted_at.is_(None))
                           .values(deleted_at=repository.now(), deleted_with=record_id,
                                   version=tasks.c.version + 1, updated_at=repository.now())
                           .returning(*tasks.c)).mappings().all()
    for row in rows:
        invitation_jobs.queue_cancellations(session, task=row, sequence=row["version"], actor_id=actor_id)
        _emit(session, task_events.TASK_DELETED, row, actor_id)


def on_contact_deleted(session, data):
    org_id, contact_id, actor_id = data["org_id"], data["contact_id"], data.get("actor_id")
    where = [tasks.c.org_id == org_id, tasks.c.contact_id == contact_id]
    if data.get("dependents") == "delete":
        _soft_delete(session, where, contact_id, actor_id)
    elif data.get("account_id"):
        rows = session.execute(tasks.update().where(*where, tasks.c.deleted_at.is_(None)).values(
            contact_id=None, account_id=sa.func.coalesce(tasks.c.account_id, data["account_id"]),
            version=tasks.c.version + 1, updated_at=repository.now()).returning(*tasks.c)).mappings().all()
        for row in rows:
            _emit(session, task_events.TASK_UPDATED, row, actor_id)


def on_account_deleted(session, data):
    if data.get("dependents") != "delete":
        return
    org_id, account_id = data["org_id"], data["account_id"]
    contact_ids = list(data.get("contact_ids") or [])
    _soft_delete(session, [tasks.c.org_id == org_id,
                           sa.or_(tasks.c.account_id == account_id, tasks.c.contact_id.in_(contact_ids))],
                 account_id, data.get("actor_id"))


def _restore(session, org_id, record_ids, actor_id):
    rows = session.execute(tasks.update().where(
        tasks.c.org_id == org_id, tasks.c.deleted_with.in_(record_ids), tasks.c.deleted_at.is_not(None))
        .values(deleted_at=None, deleted_with=None, version=tasks.c.version + 1, updated_at=repository.now())
        .returning(*tasks.c)).mappings().all()
    for row in rows:
        _emit(session, task_events.TASK_UPDATED, row, actor_id)


def on_contact_restored(session, data):
    _restore(session, data["org_id"], [data["contact_id"]], data.get("actor_id"))


def on_account_restored(session, data):
    _restore(session, data["org_id"], [data["account_id"], *(data.get("contact_ids") or [])], data.get("actor_id"))


# Purge --------------------------------------------------------------------------------------------------

def _remove(session, task_ids):
    """Tasks gone for good, with their finished invitations (a CANCEL still due keeps its row)."""
    if not task_ids:
        return
    session.execute(task_invitations.delete().where(task_invitations.c.task_id.in_(task_ids),
                                                    task_invitations.c.status.not_in(("pending", "sending"))))
    session.execute(tasks.delete().where(tasks.c.id.in_(task_ids)))


def unlink(session, *, org_id, column, ids, actor_id):
    """Records named by ``column`` (contact_id, account_id or opportunity_id) are purged: tasks lose the link,
    and a task left without any link is removed (nothing can show it again)."""
    if not ids:
        return
    rows = session.execute(tasks.update().where(tasks.c.org_id == org_id, tasks.c[column].in_(list(ids)))
                           .values({column: None, "version": tasks.c.version + 1, "updated_at": repository.now()})
                           .returning(*tasks.c)).mappings().all()
    orphans = {row["id"] for row in rows if all(row[key] is None for key in LINKS)}
    for row in rows:
        if row["deleted_at"] is not None:
            continue  # already published as deleted
        if row["id"] in orphans:
            invitation_jobs.queue_cancellations(session, task=row, sequence=row["version"], actor_id=actor_id)
            _emit(session, task_events.TASK_DELETED, row, actor_id)
        else:
            _emit(session, task_events.TASK_UPDATED, row, actor_id)
    _remove(session, list(orphans))


def _purge(session, org_id, record_id, column):
    gone = session.scalars(sa.select(tasks.c.id).where(tasks.c.org_id == org_id, tasks.c.deleted_with == record_id,
                                                       tasks.c.deleted_at.is_not(None))).all()
    _remove(session, list(gone))
    unlink(session, org_id=org_id, column=column, ids=[record_id], actor_id=None)


def on_contact_purged(session, data):
    _purge(session, data["org_id"], data["contact_id"], "contact_id")


def on_account_purged(session, data):
    _purge(session, data["org_id"], data["account_id"], "account_id")


readmodel.register("contact_deleted", on_contact_deleted)
readmodel.register("account_deleted", on_account_deleted)
readmodel.register("contact_restored", on_contact_restored)
readmodel.register("account_restored", on_account_restored)
readmodel.register("contact_purged", on_contact_purged)
readmodel.register("account_purged", on_account_purged)
