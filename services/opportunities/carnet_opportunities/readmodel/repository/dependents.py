"""The queries of the delete conversation (C-10): what hangs on a contact or an account that the caller sees (the
delete preview, and what a delete with ``dependents=delete`` may take), and what its delete, restore and purge do
to those opportunities and tasks. Updates return the rows they changed, so that each change is published.

Only what the caller sees is ever read for them: the preview lists and counts those, and a delete takes nothing
else (issue 10 §1: a count never reveals more than the records' own GET)."""
import sqlalchemy as sa

from carnet_opportunities.models import contact_refs, opportunities, task_invitations, tasks
from carnet_opportunities.opportunities.repository import now, o4_order
from carnet_opportunities.opportunities.repository.visibility import opportunity_visible
from carnet_opportunities.readmodel.repository.visibility import id_array
from carnet_opportunities.tasks.repository import ORDER
from carnet_opportunities.tasks.repository.visibility import task_visible

# The delete preview --------------------------------------------------------------------------------------------

def opportunities_hanging_on(session, actor, *, record_type, record_id):
    """Live opportunities hanging on a contact (named on it) or an account (on it) that ``actor`` sees, in O-4
    order."""
    column = opportunities.c.contact_id if record_type == "contact" else opportunities.c.account_id
    return session.execute(sa.select(opportunities).where(
        opportunity_visible(actor), column == record_id).order_by(*o4_order())).mappings().all()


def _tasks_hanging_on(org_id, record_type, record_id):
    """A contact's tasks are those linked to it; an account's, those linked to it or to one of its live contacts."""
    if record_type == "contact":
        return tasks.c.contact_id == record_id
    contacts = sa.select(contact_refs.c.id).where(contact_refs.c.org_id == org_id,
                                                  contact_refs.c.account_id == record_id,
                                                  contact_refs.c.deleted_at.is_(None))
    return sa.or_(tasks.c.account_id == record_id, tasks.c.contact_id.in_(contacts))


def tasks_hanging_on(session, actor, *, record_type, record_id):
    """Live tasks hanging on the record that ``actor`` sees, soonest due first."""
    return session.execute(
        sa.select(tasks.c.id, tasks.c.type, tasks.c.status, tasks.c.title, tasks.c.due_at, tasks.c.assignee_id)
        .where(task_visible(actor), _tasks_hanging_on(actor["org_id"], record_type, record_id))
        .order_by(*ORDER)).mappings().all()


# What a delete with dependents=delete may take (issue 10 §1) --------------------------------------------------

def seen_opportunities_on(session, actor, *, contact_ids, account_ids):
    """Live opportunities ``actor`` sees that name one of ``contact_ids`` or are on one of ``account_ids``:
    ``id``, ``contact_id``, ``account_id``, ``source``, in O-4 order."""
    return session.execute(
        sa.select(opportunities.c.id, opportunities.c.contact_id, opportunities.c.account_id, opportunities.c.source)
        .where(opportunity_visible(actor),
               sa.or_(opportunities.c.contact_id == sa.any_(id_array("contact_ids", contact_ids)),
                      opportunities.c.account_id == sa.any_(id_array("account_ids", account_ids))))
        .order_by(*o4_order())).mappings().all()


def seen_tasks_on(session, actor, *, contact_ids, account_ids):
    """Live tasks ``actor`` sees linked to one of ``contact_ids`` or ``account_ids``: ``id``, ``contact_id``,
    ``account_id``, soonest due first."""
    return session.execute(
        sa.select(tasks.c.id, tasks.c.contact_id, tasks.c.account_id)
        .where(task_visible(actor),
               sa.or_(tasks.c.contact_id == sa.any_(id_array("contact_ids", contact_ids)),
                      tasks.c.account_id == sa.any_(id_array("account_ids", account_ids))))
        .order_by(*ORDER)).mappings().all()


# Opportunities ---------------------------------------------------------------------------------------------

def opportunity_rows(session, ids):
    return session.execute(sa.select(opportunities).where(opportunities.c.id.in_(ids))).mappings().all()


def _delete_opportunities(session, where, record_id, ids):
    """Of ``ids``, the live opportunities ``where`` selects, deleted with ``record_id``: never a read-only one (O-7:
    what an accounting system sent is deleted there)."""
    return session.execute(opportunities.update().where(
        *where, opportunities.c.id == sa.any_(id_array("ids", ids)), opportunities.c.deleted_at.is_(None),
        opportunities.c.source == "crm")
        .values(deleted_at=now(), deleted_with=record_id, version=opportunities.c.version + 1)
        .returning(*opportunities.c)).mappings().all()


def delete_contact_opportunities(session, *, org_id, contact_id, ids):
    """Of ``ids``, the live opportunities naming the contact, deleted with it: the rows."""
    return _delete_opportunities(session, [opportunities.c.org_id == org_id, opportunities.c.contact_id == contact_id],
                                 contact_id, ids)


def delete_account_opportunities(session, *, org_id, account_id, ids):
    """Of ``ids``, the live opportunities on the account, deleted with it: the rows."""
    return _delete_opportunities(session, [opportunities.c.org_id == org_id, opportunities.c.account_id == account_id],
                                 account_id, ids)


def unname_contact(session, *, org_id, contact_id, live_only=False):
    """Opportunities naming the contact (``live_only``: those not deleted) no longer do (they stay on its account):
    ``(id, deleted_at)`` of each."""
    where = [opportunities.c.org_id == org_id, opportunities.c.contact_id == contact_id]
    if live_only:
        where.append(opportunities.c.deleted_at.is_(None))
    return session.execute(opportunities.update().where(*where)
                           .values(contact_id=None, version=opportunities.c.version + 1, updated_at=now())
                           .returning(opportunities.c.id, opportunities.c.deleted_at)).all()


def restore_opportunities(session, *, org_id, record_ids):
    """The ids of the opportunities deleted with one of ``record_ids``, back."""
    return session.scalars(opportunities.update().where(
        opportunities.c.org_id == org_id, opportunities.c.deleted_with.in_(record_ids),
        opportunities.c.deleted_at.is_not(None)).values(deleted_at=None, deleted_with=None,
                                                        version=opportunities.c.version + 1)
        .returning(opportunities.c.id)).all()


def _purge_opportunities(session, org_id, where):
    return session.execute(opportunities.delete().where(opportunities.c.org_id == org_id, where)
                           .returning(*opportunities.c)).mappings().all()


def purge_contact_opportunities(session, *, org_id, contact_id):
    """Remove for good the opportunities deleted with the contact (their lines cascade): the rows removed."""
    return _purge_opportunities(session, org_id, sa.and_(opportunities.c.deleted_with == contact_id,
                                                         opportunities.c.deleted_at.is_not(None)))


def purge_account_opportunities(session, *, org_id, account_id):
    """Remove for good every opportunity on the account or deleted with it (their lines cascade): the rows."""
    return _purge_opportunities(session, org_id, sa.or_(opportunities.c.account_id == account_id,
                                                        opportunities.c.deleted_with == account_id))


# Tasks -----------------------------------------------------------------------------------------------------

def _delete_tasks(session, where, record_id, ids):
    return session.execute(tasks.update().where(*where, tasks.c.id == sa.any_(id_array("ids", ids)),
                                                tasks.c.deleted_at.is_(None))
                           .values(deleted_at=now(), deleted_with=record_id,
                                   version=tasks.c.version + 1, updated_at=now())
                           .returning(*tasks.c)).mappings().all()


def delete_contact_tasks(session, *, org_id, contact_id, ids):
    """Of ``ids``, the live tasks linked to the contact, deleted with it: the rows."""
    return _delete_tasks(session, [tasks.c.org_id == org_id, tasks.c.contact_id == contact_id], contact_id, ids)


def delete_account_tasks(session, *, org_id, account_id, contact_ids, ids):
    """Of ``ids``, the live tasks linked to the account or to one of its ``contact_ids`` (deleted with it),
    deleted with it: the rows."""
    return _delete_tasks(session, [tasks.c.org_id == org_id, sa.or_(
        tasks.c.account_id == account_id, tasks.c.contact_id == sa.any_(id_array("contact_ids", contact_ids)))],
        account_id, ids)


def reattach_tasks(session, *, org_id, contact_id, account_id):
    """Live tasks of the contact move to ``account_id`` (kept when they already name an account)."""
    return session.execute(tasks.update().where(tasks.c.org_id == org_id, tasks.c.contact_id == contact_id,
                                                tasks.c.deleted_at.is_(None)).values(
        contact_id=None, account_id=sa.func.coalesce(tasks.c.account_id, account_id),
        version=tasks.c.version + 1, updated_at=now()).returning(*tasks.c)).mappings().all()


def restore_tasks(session, *, org_id, record_ids):
    return session.execute(tasks.update().where(
        tasks.c.org_id == org_id, tasks.c.deleted_with.in_(record_ids), tasks.c.deleted_at.is_not(None))
        .values(deleted_at=None, deleted_with=None, version=tasks.c.version + 1, updated_at=now())
        .returning(*tasks.c)).mappings().all()


def tasks_deleted_with(session, *, org_id, record_id):
    return session.scalars(sa.select(tasks.c.id).where(tasks.c.org_id == org_id, tasks.c.deleted_with == record_id,
                                                       tasks.c.deleted_at.is_not(None))).all()


def unlink_tasks(session, *, org_id, column, ids):
    """Tasks linked by ``column`` (contact_id, account_id or opportunity_id) to one of ``ids`` lose that link."""
    return session.execute(tasks.update().where(tasks.c.org_id == org_id, tasks.c[column].in_(list(ids)))
                           .values({column: None, "version": tasks.c.version + 1, "updated_at": now()})
                           .returning(*tasks.c)).mappings().all()


def remove_tasks(session, task_ids):
    """Tasks gone for good, with their finished invitations (a CANCEL still due keeps its row)."""
    session.execute(task_invitations.delete().where(task_invitations.c.task_id.in_(task_ids),
                                                    task_invitations.c.status.not_in(("pending", "sending"))))
    session.execute(tasks.delete().where(tasks.c.id.in_(task_ids)))
