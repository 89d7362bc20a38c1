"""The writes of the read models (users, opportunity and task summaries): the only module of the area that
builds SQL (docs/conventions.md). Each is an upsert guarded by what the row already holds, so an older or repeated fact
changes nothing whatever order the events arrive in."""
from sqlalchemy.dialects.postgresql import insert

from carnet_contacts.models import opportunity_summaries, rep_users, task_summaries


def upsert_rep_user(session, values):
    """Newer facts win: an update delivered before its creation, or twice, changes nothing."""
    statement = insert(rep_users).values(**values)
    session.execute(statement.on_conflict_do_update(
        index_elements=[rep_users.c.id],
        set_={key: statement.excluded[key] for key in ("username", "full_name", "name_norm", "updated_at")},
        where=rep_users.c.updated_at <= statement.excluded.updated_at))


def _newer(session, table, row_id, values):
    """Stored when newer than what is kept (``values["version"]``), never over a tombstone of the same version."""
    session.execute(insert(table).values(id=row_id, **values).on_conflict_do_update(
        index_elements=[table.c.id], set_=values, where=table.c.version < values["version"]))


def _tombstone(session, table, row_id, values):
    """A tombstone at ``values["version"]``, which wins over every update of that version or older."""
    version = values["version"]
    session.execute(insert(table).values(id=row_id, **values).on_conflict_do_update(
        index_elements=[table.c.id], set_={"deleted": True, "version": version}, where=table.c.version <= version))


def upsert_opportunity_summary(session, opportunity_id, values):
    _newer(session, opportunity_summaries, opportunity_id, values)


def tombstone_opportunity_summary(session, opportunity_id, values):
    _tombstone(session, opportunity_summaries, opportunity_id, values)


def upsert_task_summary(session, task_id, values):
    _newer(session, task_summaries, task_id, values)


def tombstone_task_summary(session, task_id, values):
    _tombstone(session, task_summaries, task_id, values)


def set_task_author(session, task_id, author):
    """The task's author, recorded once: a later event never changes it."""
    table = task_summaries
    session.execute(table.update().where(table.c.id == task_id, table.c.created_by.is_(None))
                    .values(created_by=author))
