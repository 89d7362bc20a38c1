"""The queries of tasks, their list and their board (SQLAlchemy Core over ``models``); beside them, who sees which
task (``visibility``) and the queries of their invitations (``invitations``)."""
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from carnet_opportunities.models import tasks
from carnet_opportunities.tasks.repository.visibility import task_visible

ORDER = (tasks.c.due_at.asc().nulls_last(), tasks.c.created_at, tasks.c.id)
# For a caller who may not read due times (S-3): the oldest created first.
BY_CREATION = (tasks.c.created_at, tasks.c.id)


def visible_task(session, actor, task_id, *, for_update=False):
    """The task when ``actor`` sees it, else None."""
    query = sa.select(tasks).where(tasks.c.id == task_id, task_visible(actor))
    if for_update:
        query = query.with_for_update(of=tasks)
    return session.execute(query).mappings().first()


def insert_task(session, values):
    session.execute(sa.insert(tasks).values(**values))


def insert_task_once(session, values):
    """Insert a task whose ``id`` derives from what asked for it (a form submission, F-3): False when it exists."""
    stmt = insert(tasks).values(**values).on_conflict_do_nothing(index_elements=[tasks.c.id])
    return session.execute(stmt.returning(tasks.c.id)).first() is not None


def update_task(session, task_id, changes):
    session.execute(sa.update(tasks).where(tasks.c.id == task_id).values(**changes))


def delete_task(session, task_id):
    session.execute(sa.delete(tasks).where(tasks.c.id == task_id))


def filters(actor, query):
    """The predicates of the tasks ``actor`` sees that ``query`` selects (list and board alike)."""
    clauses = [task_visible(actor)]
    for key in ("assignee_id", "contact_id", "account_id", "opportunity_id", "status", "type"):
        if query.get(key):
            clauses.append(tasks.c[key] == query[key])
    if query.get("due_before"):
        clauses.append(tasks.c.due_at < query["due_before"])
    return clauses


def count_capped(session, clauses, *, status, cap):
    """How many tasks of ``status`` the ``clauses`` select, counting no further than ``cap + 1``."""
    capped_set = sa.select(tasks.c.id).where(*clauses, tasks.c.status == status).limit(cap + 1).subquery()
    return session.execute(sa.select(sa.func.count()).select_from(capped_set)).scalar_one()


def column_page(session, clauses, *, status, per_page, offset, by_creation=False):
    order = BY_CREATION if by_creation else ORDER
    return session.execute(sa.select(tasks).where(*clauses, tasks.c.status == status).order_by(*order)
                           .limit(per_page).offset(offset)).mappings().all()


def page(session, clauses, *, page, per_page, by_creation=False):
    """``(rows, total)``: a page of what ``clauses`` select, soonest due first (``by_creation``: oldest created
    first), and how many they select."""
    where = sa.and_(*clauses)
    rows = session.execute(sa.select(tasks).where(where).order_by(*(BY_CREATION if by_creation else ORDER))
                           .limit(per_page).offset((page - 1) * per_page)).mappings().all()
    total = session.execute(sa.select(sa.func.count()).select_from(tasks).where(where)).scalar_one()
    return rows, total
