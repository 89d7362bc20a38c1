"""The queries of the read model of contacts (``account_refs``, ``contact_refs``): what the contacts events write
into it, and what the other areas read from it. Who sees which record is ``visibility``; what the delete
conversation does to the opportunities and tasks hanging on a record is ``dependents``."""
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from carnet_opportunities.models import account_refs, contact_refs
from carnet_opportunities.readmodel.repository.visibility import ref_visible

REFS = {"account": account_refs, "contact": contact_refs}


# Writes: the projections of the contacts events ------------------------------------------------------------

def upsert_record(session, kind, values, *, version, list_ids, with_lists):
    """Insert or update a ref when ``version`` is newer than the stored one (placeholders are version 0)."""
    table = REFS[kind]
    changes = dict(values)
    changes.pop("id")
    if with_lists:
        changes["list_ids"] = list_ids
    stmt = insert(table).values(**values, list_ids=list_ids, version=version)
    session.execute(stmt.on_conflict_do_update(
        index_elements=[table.c.id], set_={**changes, "version": version},
        where=table.c.version < version))


def _placeholder(session, table, record_id, org_id):
    values = {"id": record_id, "org_id": org_id, "list_ids": [], "version": 0}
    if table is account_refs:
        values["name"] = ""
    session.execute(insert(table).values(**values).on_conflict_do_nothing(index_elements=[table.c.id]))


def set_deleted(session, kind, record_ids, org_id, *, deleted_at, occurred_at):
    """Delete (``deleted_at`` set) or restore (None) refs, unless a later delete/restore was applied."""
    table = REFS[kind]
    for record_id in record_ids:
        _placeholder(session, table, record_id, org_id)
    if not record_ids:
        return
    newer = sa.true() if occurred_at is None else sa.or_(table.c.lifecycle_at.is_(None),
                                                          table.c.lifecycle_at < occurred_at)
    session.execute(table.update().where(table.c.id.in_(list(record_ids)), table.c.org_id == org_id, newer)
                    .values(deleted_at=deleted_at, lifecycle_at=occurred_at))


def move_contact(session, contact_id, org_id, *, account_id):
    _placeholder(session, contact_refs, contact_id, org_id)
    session.execute(contact_refs.update().where(contact_refs.c.id == contact_id, contact_refs.c.org_id == org_id)
                    .values(account_id=account_id))


def change_membership(session, kind, record_id, org_id, *, added, removed):
    table = REFS[kind]
    _placeholder(session, table, record_id, org_id)
    current = session.execute(sa.select(table.c.list_ids).where(table.c.id == record_id, table.c.org_id == org_id)
                              .with_for_update()).scalar()
    if current is None:
        return
    after = sorted((set(current) | set(added)) - set(removed))
    session.execute(table.update().where(table.c.id == record_id).values(list_ids=after))


def remove_list(session, org_id, list_id):
    """A deleted list takes its memberships with it (records stay)."""
    for table in (account_refs, contact_refs):
        session.execute(table.update().where(table.c.org_id == org_id, table.c.list_ids.any(list_id))
                        .values(list_ids=sa.func.array_remove(table.c.list_ids, list_id)))


def purge(session, kind, record_id, org_id):
    table = REFS[kind]
    session.execute(table.delete().where(table.c.id == record_id, table.c.org_id == org_id))


# Reads of the other areas ------------------------------------------------------------------------------------

def visible_account(session, actor, account_id):
    return session.execute(sa.select(account_refs).where(
        account_refs.c.id == account_id, ref_visible(account_refs, actor=actor))).mappings().first()


def visible_contact(session, actor, contact_id):
    return session.execute(sa.select(contact_refs).where(
        contact_refs.c.id == contact_id, ref_visible(contact_refs, actor=actor))).mappings().first()


def account_names(session, ids):
    ids = [i for i in set(ids) if i]
    if not ids:
        return {}
    return dict(session.execute(sa.select(account_refs.c.id, account_refs.c.name).where(account_refs.c.id.in_(ids))
                                ).all())


def contact_names(session, ids):
    ids = [i for i in set(ids) if i]
    if not ids:
        return {}
    rows = session.execute(sa.select(contact_refs).where(contact_refs.c.id.in_(ids))).mappings().all()
    return {r["id"]: " ".join(p for p in (r["first_name"], r["last_name"]) if p) or r["email"] or "" for r in rows}
