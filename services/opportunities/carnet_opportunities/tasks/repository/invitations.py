"""The queries of task invitations (T-3): requests stored for the sending job (and what they are counted against:
the quotas, an earlier request of the same address for the same task version), the job's claim and outcomes, and
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


def by_key_or_none(session, *, task_id, idempotency_key):
    return session.execute(sa.select(task_invitations).where(
        task_invitations.c.task_id == task_id,
        task_invitations.c.idempotency_key == idempotency_key)).mappings().first()


def lock_organization(session, org_id):
    """Until the transaction ends, the organization's invitation requests are counted and stored one at a time (two
    at once cannot both take the last place of a quota, nor both send to the same address)."""
    session.execute(sa.select(sa.func.pg_advisory_xact_lock(
        sa.func.hashtextextended(f"{task_invitations.fullname}:{org_id}", 0))))


# A REQUEST in these states has gone or will go to its address: asking again for the same version sends nothing.
# Not ``unknown`` (the user is told to send it again by hand if it did not arrive) nor ``failed``.
WILL_ARRIVE = ("pending", "sending", "sent")


def request_since(session, *, task_id, email, since):
    """The latest REQUEST of the task to ``email`` (any case) stored at or after ``since`` (the task's last change)
    that has gone or will go, or None."""
    t = task_invitations
    return session.execute(sa.select(t).where(
        t.c.task_id == task_id, t.c.method == "REQUEST", sa.func.lower(t.c.email) == email.lower(),
        t.c.status.in_(WILL_ARRIVE), t.c.created_at >= since)
        .order_by(t.c.created_at.desc()).limit(1)).mappings().first()


def addresses_since(session, *, task_id, since):
    """``{address (lower case): its latest request}`` of the task's REQUESTs stored since ``since``."""
    t = task_invitations
    rows = session.execute(sa.select(sa.func.lower(t.c.email), sa.func.max(t.c.created_at)).where(
        t.c.task_id == task_id, t.c.method == "REQUEST", t.c.created_at > since)
        .group_by(sa.func.lower(t.c.email))).all()
    return dict(rows)


def requests_since(session, *, org_id, since, user_id=None):
    """``(count, oldest created_at)`` of the organization's REQUESTs (the user's, when given) stored since
    ``since`` (read by the ``task_invitations_recent`` index)."""
    t = task_invitations
    query = sa.select(sa.func.count(), sa.func.min(t.c.created_at)).where(
        t.c.org_id == org_id, t.c.created_at > since, t.c.method == "REQUEST")
    if user_id is not None:
        query = query.where(t.c.created_by == user_id)
    count, oldest = session.execute(query).one()
    return count, oldest


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
