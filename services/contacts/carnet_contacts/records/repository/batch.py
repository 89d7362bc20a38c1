"""The multi-row writes of a batched creation (``records/batch.py``, used by the imports of C-19): records and
their memberships in one statement each (SQLAlchemy's executemany, sent by psycopg as multi-row ``INSERT … VALUES``
pages), beside the one-row writes of ``records/repository/__init__.py`` that the API's use cases call. History
entries go through that module's ``add_history``, which already takes many rows."""
from carnet_contacts.records.repository import MEMBERS, TABLES


def insert_records(session, record_type, rows):
    """New records (each a full row of values, the same keys in every row)."""
    if rows:
        session.execute(TABLES[record_type].insert(), rows)


def add_members(session, record_type, pairs):
    """Memberships of new records: ``[(record_id, list_id)]`` (no delete: a new record has none yet)."""
    table, key = MEMBERS[record_type]
    if pairs:
        session.execute(table.insert(), [{"list_id": list_id, key: record_id} for record_id, list_id in pairs])
