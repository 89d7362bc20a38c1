"""The read-through of other services' read models (opportunities keeps contacts and accounts, fed by this
service's events): what this service holds of each record asked about, answered at once, so a caller whose copy
lags the event's trip can confirm a record it does not have yet, or learn that one it has went to the trash.

For each id of the caller's organization (an id of another organization, or of no record, has no answer):
- ``live``: not deleted and visible to the caller (C-2, S-4, S-5: the rule of every read of this service, with
  the caller's selected accessible lists read here, at the source): ``record`` is the record as the events
  carry it to a read model (``events.record_payload``'s ``record``: the fields read models keep, all its
  ``list_ids`` and its ``version``, which orders it with the events);
- ``hidden``: not deleted, but not visible to the caller: nothing more is said of it;
- ``deleted``: in the trash (C-10).
"""
from carnet_contacts.lists.usecases import selected_lists
from carnet_contacts.references import repository
from carnet_contacts.references.repository import REF_COLUMNS

LIVE, HIDDEN, DELETED = "live", "hidden", "deleted"


def _answer(record_type, row):
    if row["deleted_at"] is not None:
        return {"id": row["id"], "state": DELETED}
    if not row["visible"]:
        return {"id": row["id"], "state": HIDDEN}
    record = {key: row[key] for key in ("id", *REF_COLUMNS[record_type], "rep1_id", "rep2_id", "version")}
    record["list_ids"] = list(row["list_ids"])
    return {"id": row["id"], "state": LIVE, "record": record}


def record_refs(session, *, actor, refs):
    """``{"contact": [answer, …], "account": [answer, …]}`` for the ids of ``refs`` (same keys)."""
    list_ids = selected_lists(session, actor)
    answers = {}
    for record_type in ("contact", "account"):
        ids = sorted(set(refs.get(record_type) or ()))
        rows = repository.refs_of(session, record_type, ids, actor=actor, list_ids=list_ids) if ids else []
        answers[record_type] = [_answer(record_type, row) for row in rows]
    return answers
