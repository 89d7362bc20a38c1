"""The queries of task invitations (T-3): requests stored for the sending job, the job's claim and outcomes, and
the CANCEL rows of a deleted task."""
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from carnet_opportunities.models import task_invitations, tasks


def insert_invitation(session, values):
    """False when the row is already there (the same task and ``idempotency_key``, or the same id)."""
    inserted = session.execute(insert(task_invitations).values(**values).on_conflict_do_nothing()
                               .returning(task_invitations.c.id)).first()
    return inserted is not None


def by_key(session, *, task_id, idempotency_key):
    return session.execute(sa.select(task_invitations).where(
        task_invitations.c.task_id == task_id,
        task_invitations.c.idempotency_key == idempotency_key)).mappings().one()


def of_task(session, task_id):
    """Every invitation of the task, oldest first."""
    return session.execute(sa.select(task_invitations).where(task_invitations.c.task_id == task_id)
                           .order_by(task_invitations.c.created_at, task_invitations.c.id)).mappings().all()


def claim_due(session, *, now):
    """The next ``pending`` invitation due at ``now``, locked (``SKIP LOCKED``: replicas never share one)."""
    return session.execute(
        sa.select(task_invitations)
        .where(task_invitations.c.status == "pending", task_invitations.c.next_attempt_at <= now)
        .order_by(task_invitations.c.next_attempt_at).limit(1)
        .with_for_update(skip_locked=True)).mappings().first()


def task_of(session, task_id):
    return session.execute(sa.select(tasks).where(tasks.c.id == task_id)).mappings().first()


def set_values(session, invitation_id, **values):
    session.execute(sa.update(task_invitations).where(task_invitations.c.id == invitation_id).values(**values))


def mark_stalled(session, *, claimed_before):
    """Rows left in ``sending`` since before ``claimed_before``: ``unknown``; how many."""
    return session.execute(
        sa.update(task_invitations)
        .where(task_invitations.c.status == "sending", task_invitations.c.claimed_at < claimed_before)
        .values(status="unknown", last_error="interrupted")).rowcount


def drop_waiting_requests(session, task_id):
    """REQUESTs of the task not sent yet will never be: ``failed`` (``task_deleted``)."""
    session.execute(sa.update(task_invitations).where(
        task_invitations.c.task_id == task_id, task_invitations.c.method == "REQUEST",
        task_invitations.c.status == "pending").values(status="failed", last_error="task_deleted"))
