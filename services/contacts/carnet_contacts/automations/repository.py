"""The queries of automations (AU-1): the only module of the area that builds SQL (docs/conventions.md). The
selection of a run is the records area's predicates (visibility, criteria) and ``in_source`` here; the copy is the
lifecycle area's bulk copy, with its own queries."""
import sqlalchemy as sa

from carnet_common.outbox import ThreadOutbox
from carnet_contacts.automations.tables import automations
from carnet_contacts.models import contacts, jobs, list_members, outbox
from carnet_contacts.records.repository import now


def insert(session, values):
    session.execute(automations.insert().values(**values))


def get_owned(session, *, actor, automation_id, for_update=False):
    """The automation when it is the caller's own (same organization and creator), else None."""
    query = sa.select(automations).where(automations.c.id == automation_id,
                                         automations.c.org_id == actor["org_id"],
                                         automations.c.created_by == actor["user_id"])
    if for_update:
        query = query.with_for_update()
    return session.execute(query).mappings().first()


def owned(session, actor):
    """The caller's automations, by name then id."""
    return session.execute(sa.select(automations).where(automations.c.org_id == actor["org_id"],
                                                        automations.c.created_by == actor["user_id"])
                           .order_by(automations.c.name, automations.c.id)).mappings().all()


def update(session, automation_id, values):
    session.execute(automations.update().where(automations.c.id == automation_id).values(**values, updated_at=now()))


def delete(session, automation_id):
    session.execute(automations.delete().where(automations.c.id == automation_id))


def set_last_run(session, automation_id, last_run):
    """The outcome of the automation's latest run (not a change of the automation: ``updated_at`` stays)."""
    session.execute(automations.update().where(automations.c.id == automation_id).values(last_run=last_run))


def jobs_by_id(session, job_ids):
    """``{job_id: {status, progress, error}}`` of the jobs of manual runs, read beside their automations."""
    if not job_ids:
        return {}
    rows = session.execute(sa.select(jobs.c.id, jobs.c.status, jobs.c.progress, jobs.c.error)
                           .where(jobs.c.id.in_(list(job_ids)))).mappings().all()
    return {row["id"]: dict(row) for row in rows}


def on_change_for(session, *, org_id, contact_id):
    """The automations with ``on_change`` of the organization whose source list holds the contact, locked (their
    counter and last run are written), in id order (two handlers lock them in the same order)."""
    in_source = sa.exists(sa.select(1).where(list_members.c.contact_id == contact_id,
                                             list_members.c.list_id == automations.c.source_list_id))
    return session.execute(sa.select(automations).where(automations.c.org_id == org_id, automations.c.on_change,
                                                        in_source)
                           .order_by(automations.c.id).with_for_update()).mappings().all()


def any_on_change(session, org_id):
    """Whether the organization has an automation with ``on_change`` (the partial index answers it)."""
    return session.execute(sa.select(sa.exists().where(automations.c.org_id == org_id, automations.c.on_change))
                           ).scalar()


def count_handled(session, automation_ids):
    """One more contact change handled by each of ``automation_ids``: what proves a change was looked at."""
    if automation_ids:
        session.execute(automations.update().where(automations.c.id.in_(list(automation_ids)))
                        .values(changes_handled=automations.c.changes_handled + 1))


def in_source(list_id):
    """Predicate on contacts: a member of ``list_id`` (the automation's source list)."""
    return sa.exists(sa.select(1).where(list_members.c.contact_id == contacts.c.id, list_members.c.list_id == list_id))


def count_matching(session, predicates):
    return session.execute(sa.select(sa.func.count()).select_from(contacts).where(*predicates)).scalar()


def matching_ids(session, predicates, *, after=None, limit):
    """At most ``limit`` ids of the contacts ``predicates`` select, in id order, after ``after`` (keyset paging)."""
    query = sa.select(contacts.c.id).where(*predicates)
    if after is not None:
        query = query.where(contacts.c.id > after)
    return list(session.scalars(query.order_by(contacts.c.id).limit(limit)))


def swept_outbox():
    """The outbox of a run's thread: its events kept and written in one statement before each batch commits
    (``flush``), relayed by the service's sweep (carnet_common.outbox.ThreadOutbox)."""
    return ThreadOutbox(outbox, buffered=True)
