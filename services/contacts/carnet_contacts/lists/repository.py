"""The queries of lists, grants and selections (L-1..L-3, S-6): the only module of the area that builds SQL
(docs/conventions.md: repositories hold every query, including predicates such as who may access a list)."""
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from carnet_contacts.models import list_grants, lists, selected_lists
from carnet_contacts.records.repository import ICU, now


def list_accessible(lists, grants, actor):
    """Lists ``actor`` may access: their own, granted, or "access to all users" (admins: every
    non-private one); a private list only by its creator (L-1)."""
    user_id = actor["user_id"]
    granted = sa.exists(sa.select(1).where(grants.c.list_id == lists.c.id, grants.c.user_id == user_id))
    shared = sa.or_(lists.c.access_all_users, granted) if not actor.get("is_admin") else sa.true()
    return sa.and_(lists.c.org_id == actor["org_id"],
                   sa.or_(lists.c.created_by == user_id, sa.and_(sa.not_(lists.c.private), shared)))


def accessible_lists(session, actor):
    """Every list ``actor`` may access, each with ``selected`` (L-2)."""
    selected = sa.exists(sa.select(1).where(selected_lists.c.list_id == lists.c.id,
                                            selected_lists.c.user_id == actor["user_id"]))
    return session.execute(
        sa.select(lists, selected.label("selected"))
        .where(list_accessible(lists, list_grants, actor))
        .order_by(lists.c.name.collate(ICU), lists.c.id)).mappings().all()


def existing_list_ids(session, list_ids):
    """Which of ``list_ids`` exist in any organization (to tell unknown ids from invisible ones)."""
    if not list_ids:
        return set()
    return set(session.scalars(sa.select(lists.c.id).where(lists.c.id.in_(list(list_ids)))))


def get_list(session, list_id, *, for_update=False):
    query = sa.select(lists).where(lists.c.id == list_id)
    if for_update:
        query = query.with_for_update()
    return session.execute(query).mappings().first()


def insert_list(session, values):
    session.execute(lists.insert().values(**values))


def update_list(session, list_id, values):
    """``values`` and ``updated_at`` stamped now."""
    session.execute(lists.update().where(lists.c.id == list_id).values(**values, updated_at=now()))


def delete_list(session, list_id):
    session.execute(lists.delete().where(lists.c.id == list_id))


def list_grant_user_ids(session, list_id):
    return list(session.scalars(sa.select(list_grants.c.user_id).where(list_grants.c.list_id == list_id)
                                .order_by(list_grants.c.user_id)))


def set_list_grants(session, list_id, user_ids):
    session.execute(list_grants.delete().where(list_grants.c.list_id == list_id))
    if user_ids:
        session.execute(list_grants.insert(), [{"list_id": list_id, "user_id": u} for u in user_ids])


def select_list(session, *, user_id, list_id):
    session.execute(insert(selected_lists).values(user_id=user_id, list_id=list_id).on_conflict_do_nothing())


def set_selected_lists(session, *, user_id, list_ids):
    """Replace the user's selection (rows of lists they no longer access go too)."""
    session.execute(selected_lists.delete().where(selected_lists.c.user_id == user_id))
    if list_ids:
        session.execute(selected_lists.insert(), [{"user_id": user_id, "list_id": i} for i in list_ids])
