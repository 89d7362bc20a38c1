"""Batched creation of contacts and accounts, for the imports (C-19): the same records, memberships, history
entries (C-17), events (N-3), normalised columns and versions as ``usecases.create_contact`` / ``create_account``
write one by one, in a handful of statements per batch instead of ~11 per record.

The rules are the use cases' own, called here, not copied: the lists checked by the caller's ``Scope`` (L-1), an
account by ``usecases._account_for`` (C-7), custom values by ``carnet_custom_fields.values`` against the module's
definitions (C-14), the normalised columns by ``norms`` (C-8), the history's ``created`` entry by
``usecases._event_row``, the read (and the event's payload) by ``usecases._reads`` over ``repository.reads_by_ids``.
What is per batch: the caller's lists and the custom field definitions are read once, an account once per id; the
records, memberships and history entries are one multi-row INSERT each (``records/repository/batch.py``), the reads
one SELECT, the events one INSERT when the outbox has ``add_many`` (else one per event).

A row refused by a rule (an unknown list or account, a bad custom value) is that row's ``CarnetError`` in the
result, the others are written. A failure of the writes themselves (a constraint) raises: the caller, which wrapped
the call in a savepoint, rolls it back and writes that batch one row at a time, so one bad row never costs others.
"""
from carnet_common.errors import CarnetError
from carnet_contacts import events, norms
from carnet_contacts.lists.usecases import Scope
from carnet_contacts.models import ACCOUNT_FIELDS, CONTACT_FIELDS
from carnet_contacts.records import repository, usecases
from carnet_contacts.records.repository import batch as batch_repository
from carnet_custom_fields import values as custom_values

CREATED = {"contact": events.CONTACT_CREATED, "account": events.ACCOUNT_CREATED}


def create_records(session, *, outbox, actor, record_type, rows):
    """Create one record of ``record_type`` per body of ``rows`` (as the API's contract loaded it). Returns, in the
    order of ``rows``, each record's read (what ``create_contact``/``create_account`` return) or the
    ``CarnetError`` that refused it."""
    scope = Scope(session, actor)
    definitions = usecases._custom_definitions(session, actor["org_id"], record_type)
    accounts = {}
    results = [None] * len(rows)
    prepared = []   # (position, values, list_ids)
    for position, data in enumerate(rows):
        try:
            list_ids = scope.check(session, data["list_ids"])
            values = _values(session, actor, scope, record_type, data, definitions, accounts)
        except CarnetError as exc:
            results[position] = exc
            continue
        prepared.append((position, values, list_ids))
    if not prepared:
        return results
    ids = [values["id"] for _, values, _ in prepared]
    batch_repository.insert_records(session, record_type, [values for _, values, _ in prepared])
    batch_repository.add_members(session, record_type,
                                 [(values["id"], list_id) for _, values, list_ids in prepared for list_id in list_ids])
    repository.add_history(session, [usecases._event_row(record_type, record_id, actor, "created")
                                     for record_id in ids])
    reads = usecases._reads(session, record_type,
                            repository.reads_by_ids(session, record_type, ids, accessible=scope.accessible),
                            definitions=definitions)
    payloads = [events.record_payload(read, actor, list_ids=list_ids)
                for read, (_, _, list_ids) in zip(reads, prepared, strict=True)]
    if hasattr(outbox, "add_many"):
        outbox.add_many(session, CREATED[record_type], payloads)
    else:
        for payload in payloads:
            outbox.add(session, CREATED[record_type], payload)
    for read, (position, _, _) in zip(reads, prepared, strict=True):
        results[position] = read
    return results


def _values(session, actor, scope, record_type, data, definitions, accounts):
    """The row ``create_contact``/``create_account`` insert for ``data``."""
    custom = (custom_values.merge({}, custom_values.clean_values(definitions, data["custom"]))
              if data.get("custom") else {})
    if record_type == "contact":
        account_id = data.get("account_id")
        if account_id and account_id not in accounts:
            accounts[account_id] = usecases._account_for(session, actor, scope, account_id)
        values = {key: data.get(key) for key in CONTACT_FIELDS}
        values.update(id=usecases.new_id(), org_id=actor["org_id"], subscribed=data.get("subscribed", True),
                      status=data.get("status") or "active", is_primary=False, custom=custom, version=1,
                      created_by=actor["user_id"], rep1_id=data.get("rep1_id", actor["user_id"]))
        values.update(norms.contact_norms(values, accounts.get(account_id) if account_id else None))
        return values
    values = {key: data.get(key) for key in ACCOUNT_FIELDS}
    values.update(id=usecases.new_id(), org_id=actor["org_id"], status=data.get("status") or "active", custom=custom,
                  version=1, created_by=actor["user_id"], rep1_id=data.get("rep1_id", actor["user_id"]))
    values.update(norms.account_norms(values))
    return values
