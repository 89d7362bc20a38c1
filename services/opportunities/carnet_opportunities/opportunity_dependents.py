"""What hangs on a contact or an account, and what becomes of it when they are deleted (C-10).

The conversation: contacts' delete preview asks ``opportunities.dependents_of`` (RPC, with a timeout) and
lists what it answers; the delete request carries the caller's choice ``dependents=delete|reattach``, which
contacts puts in its ``contact_deleted``/``account_deleted`` event. Handling that event here (through the Inbox,
so exactly once and in the same transaction as the read model's change):
- ``reattach`` (the default) on a contact: its opportunities stay on its account, no longer naming it;
- ``delete``: its opportunities (a contact's: those naming it; an account's: all of them) are deleted with it,
  marked ``deleted_with`` the record, and come back when it is restored from the trash.
An account's opportunities cannot be reattached (there is no account left): with ``reattach`` they stay on
the deleted account, hidden with it, and come back with it.
When contacts purges a record from its trash for good (``contact_purged``/``account_purged``), the opportunities
deleted with it go too (their lines cascade), as do all of a purged account's (nothing can show them again);
live ones naming a purged contact stop naming it. Tasks linked to a purged opportunity lose that link
(``task_dependents.unlink``).
Tasks answer for themselves in ``task_dependents`` (its hooks are registered on the same events).
"""
import sqlalchemy as sa

from carnet_common.events import make_envelope
from carnet_opportunities import events, readmodel, repository, task_dependents
from carnet_opportunities.models import opportunities, outbox

DEPENDENTS = ("delete", "reattach")


def dependents_of(session, *, actor, record_type, record_id):
    """The delete preview's part (C-10): opportunities and tasks hanging on the record, those ``actor`` sees
    listed, all of them counted."""
    rows = repository.dependents(session, actor, record_type=record_type, record_id=record_id)
    shown = [r for r in rows if r["shown"]]
    return {"opportunities": [{"id": r["id"], "title": r["title"], "probability": r["probability"],
                               "total": str(r["total"]), "read_only": r["source"] != "crm"} for r in shown],
            "opportunities_total": len(rows),
            **task_dependents.tasks_of(session, actor=actor, record_type=record_type, record_id=record_id)}


def _emit_deleted(session, rows, actor_id):
    for row in rows:
        envelope = make_envelope(events.deleted_payload(row, actor_id))
        session.execute(outbox.insert().values(id=envelope["event_id"], event_type=events.OPPORTUNITY_DELETED,
                                               envelope=envelope, headers={}))


def _emit_updated(session, ids, actor_id):
    if not ids:
        return
    rows = session.execute(sa.select(opportunities).where(opportunities.c.id.in_(ids))).mappings().all()
    for row in rows:
        envelope = make_envelope(events.opportunity_payload(row, actor_id))
        session.execute(outbox.insert().values(id=envelope["event_id"], event_type=events.OPPORTUNITY_UPDATED,
                                               envelope=envelope, headers={}))


def _soft_delete(session, where, record_id, actor_id):
    rows = session.execute(opportunities.update().where(*where, opportunities.c.deleted_at.is_(None))
                           .values(deleted_at=repository.now(), deleted_with=record_id,
                                   version=opportunities.c.version + 1)
                           .returning(*opportunities.c)).mappings().all()
    _emit_deleted(session, rows, actor_id)


def on_contact_deleted(session, data):
    where = [opportunities.c.org_id == data["org_id"], opportunities.c.contact_id == data["contact_id"]]
    if data.get("dependents") == "delete":
        _soft_delete(session, where, data["contact_id"], data.get("actor_id"))
        return
    ids = session.scalars(opportunities.update().where(*where).values(
        contact_id=None, version=opportunities.c.version + 1, updated_at=repository.now())
        .returning(opportunities.c.id)).all()
    _emit_updated(session, list(ids), data.get("actor_id"))


def on_account_deleted(session, data):
    if data.get("dependents") == "delete":
        _soft_delete(session, [opportunities.c.org_id == data["org_id"],
                               opportunities.c.account_id == data["account_id"]],
                     data["account_id"], data.get("actor_id"))


def _restore(session, org_id, record_ids, actor_id):
    ids = session.scalars(opportunities.update().where(
        opportunities.c.org_id == org_id, opportunities.c.deleted_with.in_(record_ids),
        opportunities.c.deleted_at.is_not(None)).values(deleted_at=None, deleted_with=None,
                                                        version=opportunities.c.version + 1)
        .returning(opportunities.c.id)).all()
    _emit_updated(session, list(ids), actor_id)


def on_contact_restored(session, data):
    _restore(session, data["org_id"], [data["contact_id"]], data.get("actor_id"))


def on_account_restored(session, data):
    _restore(session, data["org_id"], [data["account_id"], *(data.get("contact_ids") or [])], data.get("actor_id"))


def _purge(session, org_id, where):
    """Remove for good the opportunities ``where`` selects (by the purge timer: no actor); publish the removal
    of those still live."""
    rows = session.execute(opportunities.delete().where(opportunities.c.org_id == org_id, where)
                           .returning(*opportunities.c)).mappings().all()
    _emit_deleted(session, [row for row in rows if row["deleted_at"] is None], None)
    task_dependents.unlink(session, org_id=org_id, column="opportunity_id", ids=[row["id"] for row in rows],
                           actor_id=None)


def on_contact_purged(session, data):
    org_id, contact_id = data["org_id"], data["contact_id"]
    _purge(session, org_id, sa.and_(opportunities.c.deleted_with == contact_id,
                                    opportunities.c.deleted_at.is_not(None)))
    rows = session.execute(opportunities.update().where(
        opportunities.c.org_id == org_id, opportunities.c.contact_id == contact_id)
        .values(contact_id=None, version=opportunities.c.version + 1, updated_at=repository.now())
        .returning(opportunities.c.id, opportunities.c.deleted_at)).all()
    _emit_updated(session, [row.id for row in rows if row.deleted_at is None], None)


def on_account_purged(session, data):
    account_id = data["account_id"]
    _purge(session, data["org_id"], sa.or_(opportunities.c.account_id == account_id,
                                           opportunities.c.deleted_with == account_id))


readmodel.register("contact_deleted", on_contact_deleted)
readmodel.register("account_deleted", on_account_deleted)
readmodel.register("contact_restored", on_contact_restored)
readmodel.register("account_restored", on_account_restored)
readmodel.register("contact_purged", on_contact_purged)
readmodel.register("account_purged", on_account_purged)
