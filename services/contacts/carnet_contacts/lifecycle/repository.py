"""The queries of the lifecycle area (C-5, C-7, C-9, C-10): the ``trash`` and ``relations`` tables, the purge, and
the locked selections and membership writes of bulk actions; the only module of the area that builds SQL
(docs/conventions.md). Records themselves are read and written through the records area's repository, whose visibility
rule these queries reuse."""
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from carnet_contacts.models import accounts, contacts, history, relations, trash
from carnet_contacts.records import repository as records
from carnet_contacts.records.repository.visibility import id_array, rep_ids

# Deletes and the trash (C-10) -----------------------------------------------------------------------------


def remaining_contacts(session, account_id):
    """How many live contacts the account still has."""
    return session.execute(sa.select(sa.func.count()).select_from(contacts).where(
        contacts.c.account_id == account_id, contacts.c.deleted_at.is_(None))).scalar_one()


def insert_trash_entries(session, entries):
    if entries:
        session.execute(trash.insert(), entries)


def lock_contacts_of_accounts(session, account_ids):
    """The live contacts of the accounts (every one, seen or not), locked, by account then id."""
    if not account_ids:
        return []
    return session.execute(sa.select(contacts).where(contacts.c.account_id == sa.any_(id_array("ids", account_ids)),
                                                     contacts.c.deleted_at.is_(None))
                           .order_by(contacts.c.account_id, contacts.c.id).with_for_update()).mappings().all()


def mark_deleted(session, record_type, record_ids, deleted_at):
    """The records (locked by the caller) go to the trash in one statement: ``deleted_at`` set, version up."""
    if record_ids:
        table = records.TABLES[record_type]
        session.execute(table.update().where(table.c.id == sa.any_(id_array("ids", record_ids)))
                        .values(deleted_at=deleted_at, version=table.c.version + 1))


def visible_contacts_of_account(session, account_id, *, actor, list_ids):
    """The account's live contacts the caller sees, by id, read without row locks (a preview changes nothing)."""
    return session.execute(sa.select(contacts).where(
        contacts.c.account_id == account_id, records.visible("contact", actor=actor, list_ids=list_ids))
        .order_by(contacts.c.id)).mappings().all()


def _trashed_visible(record_type, actor, list_ids):
    """The visibility rule of ``records/repository/visibility.record_visible`` applied to deleted records."""
    table = records.TABLES[record_type]
    members, key = records.MEMBERS[record_type]
    clauses = [table.c.id == trash.c.id, table.c.org_id == actor["org_id"], table.c.deleted_at.is_not(None)]
    if not list_ids:
        return sa.false()
    clauses.append(sa.exists(sa.select(1).where(members.c[key] == table.c.id, members.c.list_id.in_(list(list_ids)))))
    reps = rep_ids(actor)
    if reps is not None:
        clauses.append(sa.or_(table.c.rep1_id.in_(reps), table.c.rep2_id.in_(reps)))
    return sa.exists(sa.select(1).where(*clauses))


def seen_ids(session, record_type, ids, *, actor, list_ids):
    """Of ``ids``, the records the caller sees, deleted or not: the rule of ``record_visible`` without its
    ``deleted_at`` (what the trash and a restore may name of what went with an entry)."""
    if not ids or not list_ids:
        return set()
    table = records.TABLES[record_type]
    members, key = records.MEMBERS[record_type]
    clauses = [table.c.id == sa.any_(id_array("ids", ids)), table.c.org_id == actor["org_id"],
               sa.exists(sa.select(1).where(members.c[key] == table.c.id, members.c.list_id.in_(list(list_ids))))]
    reps = rep_ids(actor)
    if reps is not None:
        clauses.append(sa.or_(table.c.rep1_id.in_(reps), table.c.rep2_id.in_(reps)))
    return set(session.scalars(sa.select(table.c.id).where(*clauses)))


def _entries_where(actor, list_ids, record_types):
    kinds = [sa.and_(trash.c.record_type == t, _trashed_visible(t, actor, list_ids))
             for t in ("contact", "account") if t in record_types]
    return [trash.c.org_id == actor["org_id"], sa.or_(*kinds) if kinds else sa.false()]


def trash_page(session, *, actor, list_ids, record_types, page, per_page):
    """``(total, rows)``: the trash entries of ``record_types`` the caller sees, newest first."""
    where = _entries_where(actor, list_ids, record_types)
    total = session.execute(sa.select(sa.func.count()).select_from(trash).where(*where)).scalar_one()
    rows = session.execute(sa.select(trash).where(*where).order_by(trash.c.deleted_at.desc(), trash.c.id)
                           .limit(per_page).offset((page - 1) * per_page)).mappings().all()
    return total, rows


def lock_trash_entry(session, trash_id, *, actor, list_ids):
    """The entry, locked, when the caller sees its record (of either type), else None."""
    where = _entries_where(actor, list_ids, ("contact", "account"))
    return session.execute(sa.select(trash).where(trash.c.id == trash_id, *where).with_for_update(of=trash)
                           ).mappings().first()


def lock_record(session, record_type, record_id):
    """The record (deleted or not), locked, or None."""
    table = records.TABLES[record_type]
    return session.execute(sa.select(table).where(table.c.id == record_id).with_for_update()).mappings().first()


def delete_trash_entry(session, trash_id):
    session.execute(trash.delete().where(trash.c.id == trash_id))


def deleted_before(session, cutoff):
    """``(contact rows, account rows)`` deleted before ``cutoff`` (every organization): id, org, account."""
    contact_rows = session.execute(sa.select(contacts.c.id, contacts.c.org_id, contacts.c.account_id)
                                   .where(contacts.c.deleted_at < cutoff)).mappings().all()
    account_rows = session.execute(sa.select(accounts.c.id, accounts.c.org_id)
                                   .where(accounts.c.deleted_at < cutoff)).mappings().all()
    return contact_rows, account_rows


def purge(session, *, cutoff, contact_ids, account_ids):
    """Remove the records for good with their history, then the trash entries older than ``cutoff`` or naming
    them; returns how many entries went. Contacts go first (their memberships and relations cascade), then
    accounts, after unlinking any contact still pointing at one."""
    if contact_ids:
        session.execute(contacts.delete().where(contacts.c.id.in_(contact_ids)))
        session.execute(history.delete().where(history.c.record_type == "contact",
                                               history.c.record_id.in_(contact_ids)))
    if account_ids:
        session.execute(contacts.update().where(contacts.c.account_id.in_(account_ids)).values(account_id=None))
        session.execute(accounts.delete().where(accounts.c.id.in_(account_ids)))
        session.execute(history.delete().where(history.c.record_type == "account",
                                               history.c.record_id.in_(account_ids)))
    return len(session.execute(trash.delete().where(sa.or_(
        trash.c.deleted_at < cutoff, trash.c.id.in_(contact_ids + account_ids))).returning(trash.c.id)).all())


# Relations (C-5) ---------------------------------------------------------------------------------------------

def relations_of(session, contact_id, *, actor, list_ids):
    """The contact's relations whose other contact the caller sees, with that contact's row, oldest first."""
    other = sa.case((relations.c.contact_a == contact_id, relations.c.contact_b), else_=relations.c.contact_a)
    return session.execute(
        sa.select(relations.c.label, relations.c.created_at, relations.c.created_by, contacts)
        .join(contacts, contacts.c.id == other)
        .where(sa.or_(relations.c.contact_a == contact_id, relations.c.contact_b == contact_id),
               records.visible("contact", actor=actor, list_ids=list_ids))
        .order_by(relations.c.created_at, contacts.c.id)).mappings().all()


def insert_relation(session, values):
    """False when the pair already has a relation (the ordered pair is the primary key)."""
    return session.execute(insert(relations).values(**values).on_conflict_do_nothing()
                           .returning(relations.c.contact_a)).first() is not None


def delete_relation(session, contact_a, contact_b):
    """The removed relation's label, or None when there was none."""
    removed = session.execute(relations.delete().where(relations.c.contact_a == contact_a,
                                                       relations.c.contact_b == contact_b)
                              .returning(relations.c.label)).first()
    return None if removed is None else removed.label


# Bulk actions (C-9) ------------------------------------------------------------------------------------------

def lock_records(session, record_type, predicates, *, limit):
    """At most ``limit`` rows of ``record_type`` (contact, account) ``predicates`` select, by id, locked."""
    table = records.TABLES[record_type]
    return session.execute(sa.select(table).where(*predicates).order_by(table.c.id)
                           .limit(limit).with_for_update(of=table)).mappings().all()


def move_memberships(session, record_type, record_ids, *, add=None, remove=None):
    """The records join list ``add`` and/or leave list ``remove``; their version goes up."""
    table = records.TABLES[record_type]
    members, key = records.MEMBERS[record_type]
    if remove is not None:
        session.execute(members.delete().where(members.c.list_id == remove, members.c[key].in_(record_ids)))
    if add is not None:
        session.execute(insert(members).on_conflict_do_nothing(), [{"list_id": add, key: i} for i in record_ids])
    session.execute(table.update().where(table.c.id.in_(record_ids))
                    .values(version=table.c.version + 1, updated_at=records.now()))
