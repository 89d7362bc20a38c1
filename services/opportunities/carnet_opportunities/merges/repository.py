"""The queries of merges (C-20): moves of tasks and opportunities from one contact or account to another, recorded
in ``merge_moves`` so that an undo moves exactly those back; the only module of the area that builds SQL."""
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from carnet_opportunities.models import merge_moves, opportunities, tasks
from carnet_opportunities.opportunities.repository import now

ITEMS = {"task": tasks, "opportunity": opportunities}
UNDONE = "undone"


def is_undone(session, merge_id):
    return session.execute(sa.select(merge_moves.c.merge_id).where(
        merge_moves.c.merge_id == merge_id, merge_moves.c.item_type == UNDONE)).first() is not None


def mark_undone(session, merge_id, org_id):
    session.execute(insert(merge_moves).values(merge_id=merge_id, item_type=UNDONE, item_id=merge_id, link="-",
                                               org_id=org_id, from_id="", to_id="").on_conflict_do_nothing())


def move(session, *, merge_id, org_id, item_type, link, from_id, to_id):
    """Every task or opportunity (``item_type``) whose ``link`` (contact_id, account_id) is ``from_id`` now names
    ``to_id`` (version up); each move is recorded under ``merge_id``. Returns the rows moved."""
    table = ITEMS[item_type]
    rows = session.execute(table.update().where(table.c.org_id == org_id, table.c[link] == from_id)
                           .values({link: to_id, "version": table.c.version + 1, "updated_at": now()})
                           .returning(*table.c)).mappings().all()
    if rows:
        session.execute(insert(merge_moves).on_conflict_do_nothing(), [
            {"merge_id": merge_id, "item_type": item_type, "item_id": row["id"], "link": link, "org_id": org_id,
             "from_id": from_id, "to_id": to_id} for row in rows])
    return rows


def move_back(session, *, merge_id, item_type):
    """What ``merge_id`` moved of ``item_type`` goes back, where it still names the record it was moved to; the
    records of those moves are removed. Returns the rows moved back."""
    table = ITEMS[item_type]
    moved = session.execute(merge_moves.delete().where(merge_moves.c.merge_id == merge_id,
                                                       merge_moves.c.item_type == item_type)
                            .returning(merge_moves.c.item_id, merge_moves.c.link, merge_moves.c.from_id,
                                       merge_moves.c.to_id)).all()
    rows = []
    for item_id, link, from_id, to_id in moved:
        rows += session.execute(table.update().where(table.c.id == item_id, table.c[link] == to_id)
                                .values({link: from_id, "version": table.c.version + 1, "updated_at": now()})
                                .returning(*table.c)).mappings().all()
    return rows
