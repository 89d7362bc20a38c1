"""The one query of the read-through: records of the caller's organization by id, whatever their state, with
every list they are in and whether the caller sees them (the records area's rule, ``records.repository.visible``),
in one statement, so the answer is one snapshot."""
import sqlalchemy as sa

from carnet_contacts.records import repository as records
from carnet_contacts.records.repository.visibility import id_array

REF_COLUMNS = {"contact": ("account_id", "first_name", "last_name", "email"), "account": ("name",)}


def refs_of(session, record_type, ids, *, actor, list_ids):
    """Rows (``id``, the columns of ``REF_COLUMNS``, ``rep1_id``, ``rep2_id``, ``version``, ``deleted_at``,
    ``list_ids``: all of them, ``visible``: to ``actor`` whose selected accessible lists are ``list_ids``) of the
    records of ``ids`` in the caller's organization; absent ids have no row."""
    table = records.TABLES[record_type]
    members, key = records.MEMBERS[record_type]
    all_lists = sa.func.array(sa.select(members.c.list_id).where(members.c[key] == table.c.id)
                              .order_by(members.c.list_id).scalar_subquery())
    columns = [table.c.id, *(table.c[name] for name in REF_COLUMNS[record_type]), table.c.rep1_id, table.c.rep2_id,
               table.c.version, table.c.deleted_at, all_lists.label("list_ids"),
               records.visible(record_type, actor=actor, list_ids=list_ids).label("visible")]
    query = sa.select(*columns).where(table.c.id == sa.any_(id_array("ref_ids", ids)),
                                      table.c.org_id == actor["org_id"])
    return session.execute(query).mappings().all()
