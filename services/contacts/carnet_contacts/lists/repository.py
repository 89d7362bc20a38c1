"""The queries of lists, grants and selections (L-1..L-3, S-6): the only module of the area that builds SQL
(docs/conventions.md: repositories hold every query, including predicates such as who may access a list)."""
import functools

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


def _selected(user_id):
    return sa.exists(sa.select(1).where(selected_lists.c.list_id == lists.c.id, selected_lists.c.user_id == user_id))


def accessible_lists(session, actor):
    """Every list ``actor`` may access, each with ``selected`` (L-2)."""
    return session.execute(
        sa.select(lists, _selected(actor["user_id"]).label("selected"))
        .where(list_accessible(lists, list_grants, actor))
        .order_by(lists.c.name.collate(ICU), lists.c.id)).mappings().all()


def _parameters(*, admin):
    """The caller as bind parameters (``org_id``, ``user_id``) for statements built once per shape."""
    return {"org_id": sa.bindparam("org_id"), "user_id": sa.bindparam("user_id"), "is_admin": admin}


@functools.cache
def _scope_statement(admin):
    caller = _parameters(admin=admin)
    return (sa.select(lists.c.id, _selected(caller["user_id"]).label("selected"))
            .where(list_accessible(lists, list_grants, caller)))


def scope_ids(session, actor):
    """``[(list_id, selected), …]`` of every list ``actor`` may access (L-2): what a visibility check needs, read by
    a statement built once (issue 9 §3, cut 6) without the lists' other columns or their order."""
    return session.execute(_scope_statement(bool(actor.get("is_admin"))),
                           {"org_id": actor["org_id"], "user_id": actor["user_id"]}).all()


@functools.cache
def scope_subqueries(*, admin):
    """``(accessible, selected)``: the ids of the lists the caller may access, and of those they selected, as
    subqueries over the bind parameters ``org_id`` and ``user_id``, for a statement that reads a record and its
    visibility at once (records' ``read_visible``)."""
    caller = _parameters(admin=admin)
    accessible = sa.select(lists.c.id).where(list_accessible(lists, list_grants, caller))
    return accessible, accessible.where(_selected(caller["user_id"]))


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
