"""The trash (C-10 [beyond]): deletes, their consequences, restore within 30 days, purge after.

A delete only sets ``deleted_at``: memberships, relations, custom values and history stay in place, so a
restore brings the record back whole by clearing it. Each delete writes one ``trash`` entry keyed by the
deleted record's id; what went with it (an account's contacts, or the account a contact's delete emptied)
is listed in ``dependants`` and comes back with it. The purge removes records deleted more than
``RETENTION`` ago for good (memberships and relations cascade; their history goes too) and says so
(``contact_purged``/``account_purged``), so the opportunities service drops what was deleted with them.

What hangs on a deleted record in the opportunities service (its opportunities and tasks, C-10) is the caller's
choice, ``dependents``, carried by the delete events: ``delete`` takes them to the trash with the record (back
with it), ``reattach`` keeps a contact's on its account; an account's have nothing to be reattached to, so with
``reattach`` they stay, hidden with it, and come back with it. The preview (``delete_preview``) lists them and
says which applies (``reattach_to``).

This module builds the queries of the ``trash`` table itself (kept apart from ``repository.py`` while
several areas edit that module at once); records are read and written through ``repository``.
"""
from datetime import timedelta

import sqlalchemy as sa

from carnet_common.errors import Conflict, Forbidden, NotFound
from carnet_contacts import events, repository, visibility
from carnet_contacts.models import accounts, contacts, history, trash

RETENTION = timedelta(days=30)
MODULES = {"contact": "contacts", "account": "accounts"}


def selected_lists(session, actor):
    """The caller's selected lists they may access (L-2): the scope of every visibility check."""
    return {row["id"] for row in repository.accessible_lists(session, actor) if row["selected"]}


def visible_row(session, record_type, record_id, actor, *, for_update=False):
    row = repository.get_visible(session, record_type, record_id, actor=actor,
                                 list_ids=selected_lists(session, actor), for_update=for_update)
    if row is None:
        raise NotFound()
    return row


def record_name(record_type, row):
    if record_type == "account":
        return row["name"]
    return " ".join(p for p in (row["first_name"], row["last_name"]) if p) or row["email"] or row["id"]


def _iso(value):
    return value.isoformat() if value is not None else None


def _history(actor, record_type, record_id, field):
    return {"org_id": actor["org_id"], "record_type": record_type, "record_id": record_id,
            "user_id": actor["user_id"], "field": field, "old": None, "new": None}


def _mark(session, record_type, row, deleted_at):
    repository.update(session, repository.TABLES[record_type], row["id"],
                      {"deleted_at": deleted_at, "version": row["version"] + 1})


def _remaining_contacts(session, account_id):
    return session.execute(sa.select(sa.func.count()).select_from(contacts).where(
        contacts.c.account_id == account_id, contacts.c.deleted_at.is_(None))).scalar_one()


# Deletes ------------------------------------------------------------------------------------------------

def delete_contacts(session, *, outbox, actor, rows, delete_empty_accounts=False, list_ids=None,
                    dependents="reattach"):
    """Trash visible contact ``rows`` (locked by the caller); accounts they leave without contacts are
    reported and, with ``delete_empty_accounts``, trashed as dependants of the contact that emptied them.

    Returns ``{"deleted": [ids], "accounts_left_empty": [ids], "accounts_deleted": [ids]}``.
    """
    deleted_at = repository.now()
    account_ids = []
    for row in rows:
        _mark(session, "contact", row, deleted_at)
        if row["account_id"] and row["account_id"] not in account_ids:
            account_ids.append(row["account_id"])
    repository.add_history(session, [_history(actor, "contact", row["id"], "deleted") for row in rows])
    last_of = {}  # account id → the contact whose delete emptied it
    for row in rows:
        if row["account_id"]:
            last_of[row["account_id"]] = row
    if list_ids is None:
        list_ids = selected_lists(session, actor)
    # Only accounts the caller sees are reported (or deleted): others' existence is not revealed.
    left_empty = [i for i in account_ids if _remaining_contacts(session, i) == 0 and repository.get_visible(
        session, "account", i, actor=actor, list_ids=list_ids, for_update=True) is not None]
    deletable = set(left_empty) if delete_empty_accounts else set()
    entries, payloads = [], []
    for row in rows:
        dependants = []
        account_id = row["account_id"]
        if account_id in deletable and last_of[account_id]["id"] == row["id"]:
            account = repository.get_account(session, account_id)
            _mark(session, "account", account, deleted_at)
            repository.add_history(session, [_history(actor, "account", account_id, "deleted")])
            dependants.append({"type": "account", "id": account_id})
        entries.append({"id": row["id"], "org_id": actor["org_id"], "record_type": "contact",
                        "name": record_name("contact", row), "deleted_at": deleted_at,
                        "deleted_by": actor["user_id"], "dependants": dependants})
        # C-10: the caller's choice for what hangs on the contact (and on the account it emptied, deleted with
        # it) travels with the events; opportunities applies it.
        payloads.append((events.CONTACT_DELETED, events.contact_deleted_payload(row, actor, deleted_at,
                                                                                dependents=dependents)))
        if dependants:
            payloads.append((events.ACCOUNT_DELETED, events.account_deleted_payload(
                account_id, [], actor, deleted_at, dependents=dependents)))
    if entries:
        session.execute(trash.insert(), entries)
    for event_type, payload in payloads:
        outbox.add(session, event_type, payload)
    return {"deleted": [row["id"] for row in rows], "accounts_left_empty": left_empty,
            "accounts_deleted": [i for i in left_empty if i in deletable]}


def delete_contact(session, *, outbox, actor, contact_id, delete_account=False, dependents="reattach"):
    """C-10: one contact to the trash; ``delete_account`` also trashes its account when it is left empty."""
    list_ids = selected_lists(session, actor)
    row = repository.get_visible(session, "contact", contact_id, actor=actor, list_ids=list_ids, for_update=True)
    if row is None:
        raise NotFound()
    return delete_contacts(session, outbox=outbox, actor=actor, rows=[row], delete_empty_accounts=delete_account,
                           list_ids=list_ids, dependents=dependents)


def delete_account(session, *, outbox, actor, account_id, dependents="reattach"):
    """C-10: an account goes to the trash with its contacts (every one, as the account holds them);
    ``dependents``: what becomes of the opportunities and tasks hanging on them (module docstring)."""
    row = visible_row(session, "account", account_id, actor, for_update=True)
    deleted_at = repository.now()
    _mark(session, "account", row, deleted_at)
    contact_rows = repository.contacts_of_account(session, account_id)
    for contact in contact_rows:
        _mark(session, "contact", contact, deleted_at)
    contact_ids = [c["id"] for c in contact_rows]
    repository.add_history(session, [_history(actor, "account", account_id, "deleted")]
                           + [_history(actor, "contact", i, "deleted") for i in contact_ids])
    session.execute(trash.insert().values(
        id=account_id, org_id=actor["org_id"], record_type="account", name=record_name("account", row),
        deleted_at=deleted_at, deleted_by=actor["user_id"],
        dependants=[{"type": "contact", "id": i} for i in contact_ids]))
    outbox.add(session, events.ACCOUNT_DELETED,
               events.account_deleted_payload(account_id, contact_ids, actor, deleted_at, dependents=dependents))
    return {"deleted": [account_id], "contacts_deleted": contact_ids}


def delete_preview(session, *, actor, record_type, record_id):
    """What a delete would take with it (C-10), changing nothing.

    ``tasks`` and ``opportunities`` come from the opportunities service (empty, with ``dependents_unavailable``,
    when it does not answer). ``reattach_to``: the account that ``dependents=reattach`` would move them to — a
    contact's account; None for an account, or a contact without one: they then stay hidden with the record.
    """
    list_ids = selected_lists(session, actor)
    row = repository.get_visible(session, record_type, record_id, actor=actor, list_ids=list_ids)
    if row is None:
        raise NotFound()
    preview = {"record_type": record_type, "id": record_id, "name": record_name(record_type, row),
               "tasks": [], "opportunities": []}
    preview.update(opportunities_dependents(actor, list_ids, record_type, record_id))
    if record_type == "account":
        dependants = session.execute(sa.select(contacts).where(  # read only: no row locks for a dry run
            contacts.c.account_id == record_id, contacts.c.deleted_at.is_(None))
            .order_by(contacts.c.id)).mappings().all()
        shown = set(session.scalars(sa.select(contacts.c.id).where(
            contacts.c.account_id == record_id, repository.visible("contact", actor=actor, list_ids=list_ids))))
        preview["contacts"] = [{"id": c["id"], "name": record_name("contact", c)}
                               for c in dependants if c["id"] in shown]
        preview["contacts_total"] = len(dependants)
        preview["reattach_to"] = None
        return preview
    account_id = row["account_id"]
    account = account_id and repository.get_visible(session, "account", account_id, actor=actor,
                                                    list_ids=list_ids)
    preview.update(account_id=account_id, account_name=account["name"] if account else None,
                   offers_account_delete=bool(account) and _remaining_contacts(session, account_id) == 1,
                   reattach_to=account_id)
    return preview


# C-10 (opportunities area): what hangs on the record in the opportunities service, asked over RPC with a
# timeout of its own (nameko's in-service proxy has none). When opportunities does not answer, the preview says
# so (``dependents_unavailable``) rather than wait or fail: the delete itself does not depend on it.
DEPENDENTS_TIMEOUT = 3  # seconds


def opportunities_dependents(actor, list_ids, record_type, record_id):
    from nameko.standalone.rpc import ClusterRpcProxy

    from carnet_common import config

    caller = {**actor, "list_ids": sorted(list_ids)}
    try:
        with ClusterRpcProxy({"AMQP_URI": config.amqp_uri(), "serializer": "json"},
                             timeout=DEPENDENTS_TIMEOUT) as proxy:
            answer = proxy.opportunities.dependents_of(caller, record_type, record_id)
    except Exception:  # noqa: BLE001 - unknown service, timeout, broker down: the preview goes on without
        return {"dependents_unavailable": True}
    return {"opportunities": answer.get("opportunities", []), "tasks": answer.get("tasks", []),
            "opportunities_total": answer.get("opportunities_total", 0),
            "tasks_total": answer.get("tasks_total", 0)}


# Trash and restore --------------------------------------------------------------------------------------

def _trashed_visible(record_type, actor, list_ids):
    """The visibility rule of ``visibility.record_visible`` applied to deleted records."""
    table = repository.TABLES[record_type]
    members, key = repository.MEMBERS[record_type]
    clauses = [table.c.id == trash.c.id, table.c.org_id == actor["org_id"], table.c.deleted_at.is_not(None)]
    if not list_ids:
        return sa.false()
    clauses.append(sa.exists(sa.select(1).where(members.c[key] == table.c.id, members.c.list_id.in_(list(list_ids)))))
    reps = visibility.rep_ids(actor)
    if reps is not None:
        clauses.append(sa.or_(table.c.rep1_id.in_(reps), table.c.rep2_id.in_(reps)))
    return sa.exists(sa.select(1).where(*clauses))


def _entries_where(actor, list_ids, record_types):
    kinds = [sa.and_(trash.c.record_type == t, _trashed_visible(t, actor, list_ids))
             for t in ("contact", "account") if t in record_types]
    return [trash.c.org_id == actor["org_id"], sa.or_(*kinds) if kinds else sa.false()]


def entry_read(row):
    return {"id": row["id"], "record_type": row["record_type"], "name": row["name"],
            "deleted_at": _iso(row["deleted_at"]), "deleted_by": row["deleted_by"],
            "expires_at": _iso(row["deleted_at"] + RETENTION), "dependants": row["dependants"]}


def list_trash(session, *, actor, record_types, page=1, per_page=50):
    """The caller's visible trash entries of ``record_types``, newest first."""
    where = _entries_where(actor, selected_lists(session, actor), record_types)
    total = session.execute(sa.select(sa.func.count()).select_from(trash).where(*where)).scalar_one()
    rows = session.execute(sa.select(trash).where(*where).order_by(trash.c.deleted_at.desc(), trash.c.id)
                           .limit(per_page).offset((page - 1) * per_page)).mappings().all()
    return {"items": [entry_read(r) for r in rows], "total": total, "page": page, "per_page": per_page}


def restore(session, *, outbox, actor, trash_id, record_types):
    """Bring an entry's record and its dependants back (C-10); 404 when not visible, 403 when the role
    may not delete records of that module."""
    where = _entries_where(actor, selected_lists(session, actor), ("contact", "account"))
    entry = session.execute(sa.select(trash).where(trash.c.id == trash_id, *where).with_for_update(of=trash)
                            ).mappings().first()
    if entry is None:
        raise NotFound()
    if entry["record_type"] not in record_types:
        raise Forbidden("missing_permission", params={"module": MODULES[entry["record_type"]], "action": "delete"})
    items = [{"type": entry["record_type"], "id": entry["id"]}] + list(entry["dependants"])
    restored_ids = {item["id"] for item in items}
    if entry["record_type"] == "contact":
        contact = repository.contacts_by_ids(session, [entry["id"]])[0]
        account_id = contact["account_id"]
        if account_id and account_id not in restored_ids \
                and repository.get_account(session, account_id)["deleted_at"] is not None:
            raise Conflict("restore_account_first", errors={"id": ["restore_account_first"]},
                           params={"account_id": account_id})
    rows = {}
    for item in items:
        table = repository.TABLES[item["type"]]
        row = session.execute(sa.select(table).where(table.c.id == item["id"]).with_for_update()).mappings().first()
        if row is not None and row["deleted_at"] is not None:
            rows[item["id"]] = (item["type"], row)
            repository.update(session, table, item["id"], {"deleted_at": None, "version": row["version"] + 1})
    repository.add_history(session, [_history(actor, t, i, "restored") for i, (t, _) in rows.items()])
    session.execute(trash.delete().where(trash.c.id == trash_id))
    contact_ids = [i for i, (t, _) in rows.items() if t == "contact"]
    for record_id, (record_type, row) in rows.items():
        if record_type == "account":
            outbox.add(session, events.ACCOUNT_RESTORED, {
                "org_id": actor["org_id"], "account_id": record_id, "contact_ids": contact_ids,
                "actor_id": actor["user_id"]})
        else:
            outbox.add(session, events.CONTACT_RESTORED, {
                "org_id": actor["org_id"], "contact_id": record_id, "account_id": row["account_id"],
                "actor_id": actor["user_id"]})
    return {"id": trash_id, "record_type": entry["record_type"],
            "restored": [{"type": t, "id": i} for i, (t, _) in rows.items()]}


def purge(session, *, outbox, now=None):
    """Remove for good what was deleted more than ``RETENTION`` ago (every organization); idempotent.

    Contacts go first (their memberships and relations cascade), then accounts, after unlinking any
    contact still pointing at one. Each record removed is published (``contact_purged``/``account_purged``)
    so that what was deleted with it in other services goes too. Returns the counts removed.
    """
    cutoff = (now or repository.now()) - RETENTION
    contact_rows = session.execute(sa.select(contacts.c.id, contacts.c.org_id, contacts.c.account_id)
                                   .where(contacts.c.deleted_at < cutoff)).mappings().all()
    account_rows = session.execute(sa.select(accounts.c.id, accounts.c.org_id)
                                   .where(accounts.c.deleted_at < cutoff)).mappings().all()
    contact_ids = [row["id"] for row in contact_rows]
    account_ids = [row["id"] for row in account_rows]
    if contact_ids:
        session.execute(contacts.delete().where(contacts.c.id.in_(contact_ids)))
        session.execute(history.delete().where(history.c.record_type == "contact",
                                               history.c.record_id.in_(contact_ids)))
    if account_ids:
        session.execute(contacts.update().where(contacts.c.account_id.in_(account_ids)).values(account_id=None))
        session.execute(accounts.delete().where(accounts.c.id.in_(account_ids)))
        session.execute(history.delete().where(history.c.record_type == "account",
                                               history.c.record_id.in_(account_ids)))
    entries = session.execute(trash.delete().where(sa.or_(
        trash.c.deleted_at < cutoff, trash.c.id.in_(contact_ids + account_ids))).returning(trash.c.id)).all()
    for row in contact_rows:
        outbox.add(session, events.CONTACT_PURGED, events.contact_purged_payload(row))
    for row in account_rows:
        outbox.add(session, events.ACCOUNT_PURGED, events.account_purged_payload(row))
    return {"contacts": len(contact_ids), "accounts": len(account_ids), "entries": len(entries)}
