"""Entrypoints of the opportunities service for the read model of contacts (ids, accounts, lists, reps, names),
fed by the contacts events (``carnet_contacts/events.py``); it never reads the contacts schema.

Each event is applied once (the Inbox records its ``event_id`` in the same transaction). Events may be handled
out of order (several workers, redeliveries), so every projection is written to converge whatever the order:
- record events (created/updated) carry the record's ``version``: the newest version wins, an older one is
  ignored. ``list_ids`` come from ``*_created`` (all of them) and ``membership_changed`` (added/removed);
  an updated record's ``list_ids`` are narrowed to its author's lists, so they are never taken from it.
- deletes and restores carry no version: the event's ``occurred_at`` is kept in ``lifecycle_at`` and an older
  delete/restore than the one applied is ignored. An event about a record not seen yet leaves a placeholder
  (version 0) that the record's creation fills in.
- a purge (the record left the contacts' trash for good, 30 days after its delete) removes the ref.
Other areas react to the same events through ``HOOKS`` (e.g. what happens to a deleted contact's
opportunities and tasks, C-10): ``register("contact_deleted", fn)`` with ``fn(session, data)``.
"""
from datetime import datetime

import sqlalchemy as sa
from nameko.events import event_handler
from sqlalchemy.dialects.postgresql import insert

from carnet_opportunities.models import account_refs, contact_refs

SOURCE = "contacts"
HOOKS = {}


def register(event_type, fn):
    """Run ``fn(session, data)`` after the read model applied ``event_type`` (same transaction)."""
    HOOKS.setdefault(event_type, []).append(fn)
    return fn


def _run_hooks(event_type, session, data):
    for fn in HOOKS.get(event_type, ()):
        fn(session, data)


def _timestamp(value):
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


# Projections (pure SQL on a session) ------------------------------------------------------------------------

def _account_values(data, record):
    return {"id": record["id"], "org_id": data["org_id"], "name": record.get("name") or "",
            "rep1_id": record.get("rep1_id"), "rep2_id": record.get("rep2_id")}


def _contact_values(data, record):
    return {"id": record["id"], "org_id": data["org_id"], "account_id": record.get("account_id"),
            "first_name": record.get("first_name"), "last_name": record.get("last_name"),
            "email": record.get("email"), "rep1_id": record.get("rep1_id"), "rep2_id": record.get("rep2_id")}


def upsert_record(session, table, values, *, version, list_ids, with_lists):
    """Insert or update a ref when ``version`` is newer than the stored one (placeholders are version 0)."""
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


def set_deleted(session, table, record_ids, org_id, *, deleted_at, occurred_at):
    """Delete (``deleted_at`` set) or restore (None) refs, unless a later delete/restore was applied."""
    for record_id in record_ids:
        _placeholder(session, table, record_id, org_id)
    if not record_ids:
        return
    newer = sa.true() if occurred_at is None else sa.or_(table.c.lifecycle_at.is_(None),
                                                          table.c.lifecycle_at < occurred_at)
    session.execute(table.update().where(table.c.id.in_(list(record_ids)), table.c.org_id == org_id, newer)
                    .values(deleted_at=deleted_at, lifecycle_at=occurred_at))


def change_membership(session, table, record_id, org_id, *, added, removed):
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


def apply(session, event_type, data, occurred_at=None):
    """Apply one contacts event to the read model; ``occurred_at`` is the envelope's (a datetime)."""
    org_id = data["org_id"]
    if event_type in ("account_created", "account_updated"):
        record = data["record"]
        created = event_type == "account_created"
        upsert_record(session, account_refs, _account_values(data, record), version=record["version"],
                      list_ids=list(data.get("list_ids") or record.get("list_ids") or []), with_lists=created)
    elif event_type in ("contact_created", "contact_updated"):
        record = data["record"]
        created = event_type == "contact_created"
        upsert_record(session, contact_refs, _contact_values(data, record), version=record["version"],
                      list_ids=list(data.get("list_ids") or record.get("list_ids") or []), with_lists=created)
    elif event_type == "contact_deleted":
        set_deleted(session, contact_refs, [data["contact_id"]], org_id,
                    deleted_at=_timestamp(data.get("deleted_at")) or occurred_at, occurred_at=occurred_at)
    elif event_type == "contact_restored":
        set_deleted(session, contact_refs, [data["contact_id"]], org_id, deleted_at=None, occurred_at=occurred_at)
    elif event_type == "account_deleted":
        deleted_at = _timestamp(data.get("deleted_at")) or occurred_at
        set_deleted(session, account_refs, [data["account_id"]], org_id, deleted_at=deleted_at,
                    occurred_at=occurred_at)
        set_deleted(session, contact_refs, list(data.get("contact_ids") or []), org_id, deleted_at=deleted_at,
                    occurred_at=occurred_at)
    elif event_type == "account_restored":
        set_deleted(session, account_refs, [data["account_id"]], org_id, deleted_at=None, occurred_at=occurred_at)
        set_deleted(session, contact_refs, list(data.get("contact_ids") or []), org_id, deleted_at=None,
                    occurred_at=occurred_at)
    elif event_type == "contact_moved":
        _placeholder(session, contact_refs, data["contact_id"], org_id)
        session.execute(contact_refs.update().where(contact_refs.c.id == data["contact_id"],
                                                    contact_refs.c.org_id == org_id)
                        .values(account_id=data.get("to_account_id")))
    elif event_type == "membership_changed":
        table = account_refs if data["record_type"] == "account" else contact_refs
        change_membership(session, table, data["record_id"], org_id, added=data.get("added") or [],
                          removed=data.get("removed") or [])
    elif event_type == "list_deleted":
        remove_list(session, org_id, data["list_id"])
    elif event_type == "contact_purged":
        session.execute(contact_refs.delete().where(contact_refs.c.id == data["contact_id"],
                                                    contact_refs.c.org_id == org_id))
    elif event_type == "account_purged":
        session.execute(account_refs.delete().where(account_refs.c.id == data["account_id"],
                                                    account_refs.c.org_id == org_id))
    _run_hooks(event_type, session, data)


EVENT_TYPES = ("account_created", "account_updated", "account_deleted", "account_restored", "contact_created",
               "contact_updated", "contact_deleted", "contact_restored", "contact_moved", "membership_changed",
               "list_deleted", "contact_purged", "account_purged")


class ReadModelHandlers:
    """Mixed into OpportunitiesService (which provides ``inbox``)."""

    def _apply(self, event_type, envelope):
        occurred_at = _timestamp(envelope.get("occurred_at")) if isinstance(envelope, dict) else None
        self.inbox.handle(envelope, lambda session, data: apply(session, event_type, data, occurred_at))

    @event_handler(SOURCE, "account_created", requeue_on_error=True)
    def on_account_created(self, envelope):
        self._apply("account_created", envelope)

    @event_handler(SOURCE, "account_updated", requeue_on_error=True)
    def on_account_updated(self, envelope):
        self._apply("account_updated", envelope)

    @event_handler(SOURCE, "account_deleted", requeue_on_error=True)
    def on_account_deleted(self, envelope):
        self._apply("account_deleted", envelope)

    @event_handler(SOURCE, "account_restored", requeue_on_error=True)
    def on_account_restored(self, envelope):
        self._apply("account_restored", envelope)

    @event_handler(SOURCE, "contact_created", requeue_on_error=True)
    def on_contact_created(self, envelope):
        self._apply("contact_created", envelope)

    @event_handler(SOURCE, "contact_updated", requeue_on_error=True)
    def on_contact_updated(self, envelope):
        self._apply("contact_updated", envelope)

    @event_handler(SOURCE, "contact_deleted", requeue_on_error=True)
    def on_contact_deleted(self, envelope):
        self._apply("contact_deleted", envelope)

    @event_handler(SOURCE, "contact_restored", requeue_on_error=True)
    def on_contact_restored(self, envelope):
        self._apply("contact_restored", envelope)

    @event_handler(SOURCE, "contact_moved", requeue_on_error=True)
    def on_contact_moved(self, envelope):
        self._apply("contact_moved", envelope)

    @event_handler(SOURCE, "membership_changed", requeue_on_error=True)
    def on_membership_changed(self, envelope):
        self._apply("membership_changed", envelope)

    @event_handler(SOURCE, "list_deleted", requeue_on_error=True)
    def on_list_deleted(self, envelope):
        self._apply("list_deleted", envelope)

    @event_handler(SOURCE, "contact_purged", requeue_on_error=True)
    def on_contact_purged(self, envelope):
        self._apply("contact_purged", envelope)

    @event_handler(SOURCE, "account_purged", requeue_on_error=True)
    def on_account_purged(self, envelope):
        self._apply("account_purged", envelope)
