"""The queries of merges (C-20): the ``merges`` table, and the moves a merge and its undo make on memberships,
relations, history and an account's contacts; the only module of the area that builds SQL (docs/conventions.md).
Records are read and written through the records area's repository, whose visibility rule these queries reuse;
the counts of tasks and opportunities read contacts' summaries with their own visibility (``summary_visibility``)."""
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from carnet_contacts.merges.tables import merges
from carnet_contacts.models import contacts, history, opportunity_summaries, relations, task_summaries
from carnet_contacts.records import repository as records
from carnet_contacts.records.repository.summary_visibility import opportunity_seen, task_seen
from carnet_contacts.records.repository.visibility import id_array

# The merges table ------------------------------------------------------------------------------------------


def insert_merge(session, values):
    session.execute(merges.insert().values(**values))


def get_merge(session, merge_id, *, org_id, for_update=False):
    query = sa.select(merges).where(merges.c.id == merge_id, merges.c.org_id == org_id)
    if for_update:
        query = query.with_for_update()
    return session.execute(query).mappings().first()


def active_merge_of(session, record_ids, *, org_id):
    """The merge (not undone) that merged one of ``record_ids`` away, or None."""
    return session.execute(sa.select(merges).where(
        merges.c.org_id == org_id, merges.c.loser_id == sa.any_(id_array("ids", record_ids)),
        merges.c.undone_at.is_(None)).order_by(merges.c.merged_at.desc()).limit(1)).mappings().first()


def merges_page(session, *, actor, list_ids, record_types, page, per_page):
    """The organization's merges of ``record_types`` whose surviving record the caller sees, newest first, and
    their total."""
    clauses = [merges.c.org_id == actor["org_id"], merges.c.record_type == sa.any_(id_array("types", record_types))]
    seen = [sa.and_(merges.c.record_type == kind, sa.exists(sa.select(1).select_from(records.TABLES[kind]).where(
        records.TABLES[kind].c.id == merges.c.winner_id, records.visible(kind, actor=actor, list_ids=list_ids))))
        for kind in record_types]
    where = sa.and_(*clauses, sa.or_(*seen) if seen else sa.false())
    total = session.execute(sa.select(sa.func.count()).select_from(merges).where(where)).scalar_one()
    rows = session.execute(sa.select(merges).where(where).order_by(merges.c.merged_at.desc(), merges.c.id)
                           .limit(per_page).offset((page - 1) * per_page)).mappings().all()
    return rows, total


def mark_undone(session, merge_id, *, at, by):
    session.execute(merges.update().where(merges.c.id == merge_id).values(undone_at=at, undone_by=by))


# Memberships ---------------------------------------------------------------------------------------------------

def add_members(session, record_type, record_id, list_ids):
    """``record_id`` joins ``list_ids``; returns those it was not in yet."""
    if not list_ids:
        return []
    table, key = records.MEMBERS[record_type]
    rows = session.execute(insert(table).values([{"list_id": i, key: record_id} for i in list_ids])
                           .on_conflict_do_nothing().returning(table.c.list_id)).all()
    return sorted(row[0] for row in rows)


def remove_members(session, record_type, record_id, list_ids):
    """``record_id`` leaves ``list_ids``; returns those it was in."""
    if not list_ids:
        return []
    table, key = records.MEMBERS[record_type]
    rows = session.execute(table.delete().where(table.c[key] == record_id,
                                                table.c.list_id == sa.any_(id_array("lists", list_ids)))
                           .returning(table.c.list_id)).all()
    return sorted(row[0] for row in rows)


# Relations (C-5) ---------------------------------------------------------------------------------------------

def relations_of(session, contact_id):
    """Every relation of the contact (whoever sees the other side), as stored."""
    rows = session.execute(sa.select(relations).where(
        sa.or_(relations.c.contact_a == contact_id, relations.c.contact_b == contact_id))
        .order_by(relations.c.contact_a, relations.c.contact_b)).mappings().all()
    return [dict(row) for row in rows]


def delete_relations_of(session, contact_id):
    session.execute(relations.delete().where(
        sa.or_(relations.c.contact_a == contact_id, relations.c.contact_b == contact_id)))


_INSERT_RELATIONS = sa.text(
    "INSERT INTO contacts.relations (contact_a, contact_b, org_id, label, created_by, created_at) "
    "SELECT r.a, r.b, r.org, r.label, r.created_by, r.created_at "
    "FROM unnest(:a, :b, :org, :label, :created_by, :created_at) AS r(a, b, org, label, created_by, created_at) "
    "WHERE EXISTS (SELECT 1 FROM contacts.contacts c WHERE c.id = r.a) "
    "AND EXISTS (SELECT 1 FROM contacts.contacts c WHERE c.id = r.b) "
    "ON CONFLICT DO NOTHING RETURNING contact_a, contact_b").bindparams(
    sa.bindparam("a", type_=sa.ARRAY(sa.Text)), sa.bindparam("b", type_=sa.ARRAY(sa.Text)),
    sa.bindparam("org", type_=sa.ARRAY(sa.Text)), sa.bindparam("label", type_=sa.ARRAY(sa.Text)),
    sa.bindparam("created_by", type_=sa.ARRAY(sa.Text)),
    sa.bindparam("created_at", type_=sa.ARRAY(sa.DateTime(timezone=True))))


def insert_relations(session, rows):
    """Inserts, in one statement, the relations whose pair has none yet and whose contacts both still exist;
    returns those inserted."""
    if not rows:
        return []
    columns = ("contact_a", "contact_b", "org_id", "label", "created_by", "created_at")
    params = dict(zip(("a", "b", "org", "label", "created_by", "created_at"),
                      ([row[column] for row in rows] for column in columns), strict=True))
    inserted = {(a, b) for a, b in session.execute(_INSERT_RELATIONS, params)}
    return [row for row in rows if (row["contact_a"], row["contact_b"]) in inserted]


def delete_relation_pairs(session, pairs):
    if pairs:
        session.execute(relations.delete().where(sa.tuple_(relations.c.contact_a, relations.c.contact_b).in_(
            [tuple(pair) for pair in pairs])))


def seen_relations_count(session, contact_id, *, excluding, actor, list_ids):
    """How many relations of the contact name another contact the caller sees, other than ``excluding``."""
    other = sa.case((relations.c.contact_a == contact_id, relations.c.contact_b), else_=relations.c.contact_a)
    return session.execute(sa.select(sa.func.count()).select_from(relations).join(contacts, contacts.c.id == other)
                           .where(sa.or_(relations.c.contact_a == contact_id, relations.c.contact_b == contact_id),
                                  contacts.c.id != excluding,
                                  records.visible("contact", actor=actor, list_ids=list_ids))).scalar_one()


# History (C-17) ----------------------------------------------------------------------------------------------

def history_ids(session, record_type, record_id):
    return [row[0] for row in session.execute(sa.select(history.c.id).where(
        history.c.record_type == record_type, history.c.record_id == record_id).order_by(history.c.id))]


def count_history(session, record_type, record_id, *, hidden_fields):
    return session.execute(sa.select(sa.func.count()).select_from(history).where(
        history.c.record_type == record_type, history.c.record_id == record_id,
        history.c.field.not_in(list(hidden_fields)) if hidden_fields else sa.true())).scalar_one()


def repoint_history(session, ids, record_id):
    """The history entries ``ids`` now belong to ``record_id`` (kept whole: who, when, field, old, new)."""
    if ids:
        session.execute(history.update().where(history.c.id == sa.any_(sa.bindparam(
            "hids", list(ids), type_=sa.ARRAY(sa.BigInteger)))).values(record_id=record_id))


# What hangs on a record in the opportunities service, as contacts' summaries know it -----------------------

def seen_dependents(session, record_type, record_id, *, actor, list_ids):
    """``(opportunities, tasks)``: how many the caller would see hang on the record (a contact named on them, or
    an account they are on), by the rules of ``summary_visibility``."""
    opportunity_column = (opportunity_summaries.c.contact_id if record_type == "contact"
                          else opportunity_summaries.c.account_id)
    task_column = task_summaries.c.contact_id if record_type == "contact" else task_summaries.c.account_id
    opportunity_count = session.execute(sa.select(sa.func.count()).select_from(opportunity_summaries).where(
        opportunity_column == record_id, opportunity_seen(opportunity_summaries, actor, list_ids))).scalar_one()
    task_count = session.execute(sa.select(sa.func.count()).select_from(task_summaries).where(
        task_column == record_id, task_seen(task_summaries, actor, list_ids))).scalar_one()
    return opportunity_count, task_count


# An account's contacts (C-7, C-8) ----------------------------------------------------------------------------

def has_primary_contact(session, account_id):
    return session.execute(sa.select(contacts.c.id).where(
        contacts.c.account_id == account_id, contacts.c.is_primary, contacts.c.deleted_at.is_(None))
        .limit(1)).first() is not None


def seen_contacts_count(session, account_id, *, actor, list_ids):
    return session.execute(sa.select(sa.func.count()).select_from(contacts).where(
        contacts.c.account_id == account_id, records.visible("contact", actor=actor, list_ids=list_ids))).scalar_one()


def lock_records(session, record_type, ids):
    """``{id: row}`` of the records ``ids`` (deleted or not), locked in id order."""
    table = records.TABLES[record_type]
    rows = session.execute(sa.select(table).where(table.c.id == sa.any_(id_array("ids", ids)))
                           .order_by(table.c.id).with_for_update()).mappings().all()
    return {row["id"]: row for row in rows}


def lock_contacts(session, ids):
    """The contacts ``ids`` (deleted or not), locked, by id."""
    if not ids:
        return []
    return session.execute(sa.select(contacts).where(contacts.c.id == sa.any_(id_array("ids", ids)))
                           .order_by(contacts.c.id).with_for_update()).mappings().all()
