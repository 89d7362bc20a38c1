"""Use cases of merges (C-20 merge and undo; C-10, C-17, N-3): the preview, the merge, its undo within 30 days, and
the list of merges. Each runs inside the caller's transaction; SQL is built by ``merges/repository.py`` and the
records area's repository only.

Two records of the caller's organization that the caller sees (else 404, as any record they cannot GET): the
*winner* keeps its id, the *loser* leaves. ``merges/fields.py`` proposes the winner's value of each field; the
caller may pick each one. The ``version`` read of both records guards against a concurrent edit (409 naming
``winner_version`` or ``loser_version``). A record merged with itself is 422; a record already merged away (a
merge not undone names it as loser) is 409 ``already_merged``. A primary contact (C-13) is never merged away
(``_check_primary``).

What the merge does, in one transaction:
- the winner takes the chosen values (C-17: one history entry per changed field, and a ``merged`` entry);
- list memberships: the winner joins every list of the loser (union; C-9);
- relations (C-5): the loser's are re-pointed to the winner, except one between the two (no self-relation) and
  one whose pair the winner already has (no duplicate);
- history (C-17): the loser's entries are moved to the winner, whole, and stay readable there; the winner gets a
  ``merged`` entry (new: the loser's id), the loser a ``merged_into`` one (new: the winner's id);
- an account's contacts (C-7, C-8): those of the losing account move to the winning one;
- documents (C-21): the loser's attachments move to the winner (the documents area's ``move_attachments``; one
  attached to both stays once), and come back on undo (``restore_attachments``);
- the loser leaves the active records: ``deleted_at`` is set (so it is in no list, search, export or count, and
  its GET answers 404) without a trash entry (it is not restorable from the trash, only by undoing the merge); the
  trash's purge removes it for good 30 days later, when the undo has expired anyway;
- tasks and opportunities (T-*, O-*) live in the opportunities service: the ``contact_merged`` /
  ``account_merged`` event (outbox, after commit, N-3) makes it move the loser's to the winner and remember which
  it moved, so that ``*_merge_undone`` moves exactly those back (carnet_opportunities/merges/). The winner's
  changes are published as usual (``contact_updated``/``account_updated``, ``membership_changed``, each moved
  contact's ``contact_updated``) so every read model converges.

The snapshot (``merges.snapshot``) holds what the undo needs: both records' values before, the winner's after,
the lists the winner joined, the loser's relations and those re-pointed, the history entries moved, the contacts
moved, the documents moved.

The undo, until ``undo_until`` (30 days, ``UNDO_WINDOW``; then 409 ``merge_expired``, as once the loser was purged;
409 rather than 410 because the merge itself is still there to read, only its undo is over):
the winner gets back its values before, the lists it joined are left (those the winner is still in), the
re-pointed relations go and the loser's come back, the history entries go back to the loser (a ``merge_undone``
entry is added to both), the moved contacts go back, the loser is active again, and ``*_merge_undone`` moves the
tasks and opportunities back. If the winner's fields were edited since the merge, the undo is refused (409
``merge_winner_changed`` naming each field): restoring would silently drop that edit. Lists and relations added
since are kept. A deleted winner must be restored from the trash first (409 ``merge_winner_deleted``).
"""
import uuid
from datetime import datetime, timedelta

from carnet_common.errors import Conflict, Forbidden, InvalidInput, NotFound
from carnet_contacts import events, norms
from carnet_contacts.customization import repository as customization
from carnet_contacts.documents import usecases as documents
from carnet_contacts.lifecycle.repository import mark_deleted
from carnet_contacts.lifecycle.usecases import record_name
from carnet_contacts.lists.usecases import Scope
from carnet_contacts.merges import fields as merge_fields
from carnet_contacts.merges import repository
from carnet_contacts.records import repository as records
from carnet_contacts.records import usecases as record_usecases
from carnet_custom_fields import values as custom_values

UNDO_WINDOW = timedelta(days=30)
PRIMARY_CONTACT = "special.primary_contact"  # in ``locked``: the caller may not write a primary contact (C-13)
MODULES = {"contact": "contacts", "account": "accounts"}
# Events of this area (``contacts.<name>``), read by the opportunities service (carnet_opportunities/merges/):
# contact_merged        {org_id, actor_id, merge_id, winner_id, loser_id, winner_account_id, loser_account_id}
# account_merged        {org_id, actor_id, merge_id, winner_id, loser_id, contact_ids}: contact_ids moved with it
# contact_merge_undone  {org_id, actor_id, merge_id, winner_id, loser_id}
# account_merge_undone  {org_id, actor_id, merge_id, winner_id, loser_id, contact_ids}: moved back
MERGED = {"contact": "contact_merged", "account": "account_merged"}
UNDONE = {"contact": "contact_merge_undone", "account": "account_merge_undone"}


def _iso(value):
    return value.isoformat() if isinstance(value, datetime) else value


def _history(actor, record_type, record_id, field, old=None, new=None):
    return {"org_id": actor["org_id"], "record_type": record_type, "record_id": record_id,
            "user_id": actor["user_id"], "field": field, "old": old, "new": new}


def _custom_keys(session, actor, record_type):
    """``(keys, hidden)``: every custom field of the module, and those hidden for everyone (C-14)."""
    module = MODULES[record_type]
    definitions = customization.custom_field_rows_by_module(session, org_id=actor["org_id"], modules=[module])[module]
    shown = custom_values.visible_values(definitions, dict.fromkeys(definitions, 1))
    return list(definitions), {key for key in definitions if key not in shown}


def _locked(record_type, locked, hidden_custom):
    """The fields the merge keeps as the winner's: the caller's ``locked`` (S-3, sent by the gateway as
    ``<module>.<field>`` permission keys or bare field names) and custom fields hidden for everyone."""
    prefix = MODULES[record_type] + "."
    names = {key[len(prefix):] if key.startswith(prefix) else key for key in locked or ()}
    return names | {f"custom.{key}" for key in hidden_custom}


def _pair(session, actor, scope, record_type, winner_id, loser_id, *, for_update=False):
    """Both records as the caller sees them (locked for a merge), after the checks every merge call shares."""
    if winner_id == loser_id:
        raise InvalidInput("merge_with_itself", errors={"loser_id": ["merge_with_itself"]})
    merged = repository.active_merge_of(session, [winner_id, loser_id], org_id=actor["org_id"])
    if merged is not None:
        if records.get_visible(session, record_type, merged["winner_id"], actor=actor,
                               list_ids=scope.selected) is None:
            raise NotFound()  # told only to who sees where it went (issue 10 §1)
        field = "winner_id" if merged["loser_id"] == winner_id else "loser_id"
        raise Conflict("already_merged", errors={field: ["already_merged"]}, params={"merge_id": merged["id"]})
    rows = []
    for record_id in sorted({winner_id, loser_id}):  # lock in id order: two merges of one pair never deadlock
        row = records.get_visible(session, record_type, record_id, actor=actor, list_ids=scope.selected,
                                  for_update=for_update)
        if row is None:
            raise NotFound()
        rows.append(row)
    by_id = {row["id"]: row for row in rows}
    return by_id[winner_id], by_id[loser_id]


def _values(session, actor, record_type, winner, loser, locked):
    keys, hidden = _custom_keys(session, actor, record_type)
    locked = _locked(record_type, locked, hidden)
    mine = merge_fields.values_of(winner, record_type, keys)
    theirs = merge_fields.values_of(loser, record_type, keys)
    proposal = merge_fields.propose(record_type, mine, theirs, winner_newer=winner["updated_at"] >= loser["updated_at"],
                                    locked=locked)
    return mine, theirs, proposal, locked, hidden


def _summary(row, record_type):
    return {"id": row["id"], "name": record_name(record_type, row), "version": row["version"],
            "updated_at": _iso(row["updated_at"])}


# Preview ---------------------------------------------------------------------------------------------------

def preview(session, *, actor, record_type, winner_id, loser_id, locked=()):
    """The dry run (C-20): per field both values and the proposed source and value; what would move, counted as
    the caller sees it. Changes nothing. Fields hidden for everyone (C-14) are left out here; those the caller may
    not read (S-3) are left out by the gateway."""
    scope = Scope(session, actor)
    winner, loser = _pair(session, actor, scope, record_type, winner_id, loser_id)
    mine, theirs, proposal, locked_names, hidden = _values(session, actor, record_type, winner, loser, locked)
    entries = []
    for field, source in proposal.items():
        if field.startswith("custom.") and field[len("custom."):] in hidden:
            continue
        entries.append({"field": field, "winner": mine[field], "loser": theirs[field], "proposed": source,
                        "proposed_value": merge_fields.value_from(source, field, mine, theirs),
                        "sources": list(merge_fields.sources_for(record_type, field)),
                        "locked": field in locked_names})
    members = records.member_list_ids(session, record_type, [winner_id, loser_id])
    joined = sorted(i for i in set(members[loser_id]) - set(members[winner_id]) if i in scope.accessible)
    opportunity_count, task_count = repository.seen_dependents(session, record_type, loser_id, actor=actor,
                                                               list_ids=scope.selected)
    moves = {"list_ids": joined, "lists": len(joined), "opportunities": opportunity_count, "tasks": task_count,
             "history": repository.count_history(session, record_type, loser_id, hidden_fields=sorted(locked_names)),
             "documents": _count_documents(session, actor=actor, record_type=record_type, record_id=loser_id)}
    if record_type == "contact":
        moves["relations"] = repository.seen_relations_count(session, loser_id, excluding=winner_id, actor=actor,
                                                             list_ids=scope.selected)
    else:
        moves["contacts"] = repository.seen_contacts_count(session, loser_id, actor=actor, list_ids=scope.selected)
    return {"record_type": record_type, "winner": _summary(winner, record_type), "loser": _summary(loser, record_type),
            "fields": entries, "moves": moves, "undo_days": UNDO_WINDOW.days}


# Documents (C-21): the documents area's functions -----------------------------------------------------------

def _count_documents(session, *, actor, record_type, record_id):
    """The documents attached to the record that the caller sees (as the record's documents tab lists them)."""
    return len(documents.list_documents(session, actor=actor, query={f"{record_type}_id": record_id},
                                        readable=[record_type]))


# Merge -----------------------------------------------------------------------------------------------------

def _check_versions(winner, loser, data):
    for key, row in (("winner_version", winner), ("loser_version", loser)):
        if data[key] != row["version"]:
            raise Conflict("version_conflict", errors={key: ["version_conflict"]}, params={"version": row["version"]})


def _stored(values):
    """``{field: value}`` (with ``custom.<key>`` entries) → the record's columns, ``custom`` whole."""
    columns = {key: value for key, value in values.items() if not key.startswith("custom.")}
    return columns, {key[len("custom."):]: value for key, value in values.items()
                     if key.startswith("custom.") and not merge_fields.empty(value)}


def _write_values(session, *, outbox, actor, scope, record_type, row, values, custom, extra_history=()):
    """The record takes ``values`` and ``custom`` (whole), with its norms, history (C-17) and ``*_updated`` event;
    returns the changed field names."""
    before = {**{key: row[key] for key in values}, **{f"custom.{k}": v for k, v in (row["custom"] or {}).items()}}
    after = {**values, **{f"custom.{k}": v for k, v in custom.items()}}
    changed = [field for field in dict.fromkeys([*before, *after]) if before.get(field) != after.get(field)]
    merged = {**row, **values, "custom": custom}
    if record_type == "contact":
        account = records.get_account(session, merged["account_id"]) if merged["account_id"] else None
        computed = norms.contact_norms(merged, account)
    else:
        computed = norms.account_norms(merged)
    records.update_record(session, record_type, row["id"], {
        **values, "custom": custom, **computed, "version": row["version"] + 1, "updated_at": records.now()})
    records.add_history(session, [_history(actor, record_type, row["id"], field, before.get(field), after.get(field))
                                  for field in changed] + list(extra_history))
    if record_type == "account" and {"name", "city", "street"} & set(changed):
        for contact in records.contacts_of_account(session, row["id"]):  # C-8: searched through its contacts
            records.update_record(session, "contact", contact["id"], norms.contact_norms(contact, merged))
    if changed:
        read = record_usecases._reads_of(session, record_type, [row["id"]], scope)[0]
        kind = events.CONTACT_UPDATED if record_type == "contact" else events.ACCOUNT_UPDATED
        outbox.add(session, kind, events.record_payload(read, actor, changed=changed))
    return changed


def _membership_event(outbox, session, actor, record_type, record_id, added, removed):
    if added or removed:
        outbox.add(session, events.MEMBERSHIP_CHANGED, {
            "org_id": actor["org_id"], "record_type": record_type, "record_id": record_id, "added": added,
            "removed": removed, "actor_id": actor["user_id"]})


def _move_contacts(session, *, outbox, actor, scope, contact_ids, from_id, to_id):
    """The contacts ``contact_ids`` still on account ``from_id`` move to ``to_id``; returns those moved."""
    account = records.get_account(session, to_id)
    moved = []
    for contact in repository.lock_contacts(session, contact_ids):
        if contact["account_id"] != from_id:
            continue
        records.update_record(session, "contact", contact["id"], {
            "account_id": to_id, **norms.contact_norms({**contact, "account_id": to_id}, account),
            "version": contact["version"] + 1, "updated_at": records.now()})
        records.add_history(session, [_history(actor, "contact", contact["id"], "account_id", from_id, to_id)])
        moved.append(contact["id"])
    for read in record_usecases._reads_of(session, "contact", moved, scope):
        outbox.add(session, events.CONTACT_UPDATED, events.record_payload(read, actor, changed=["account_id"]))
    return moved


def _check_primary(session, record_type, winner, loser, locked):
    """C-13: a primary contact (synced with accounting) is edited only with the "primary contact" write permission
    (the gateway puts ``PRIMARY_CONTACT`` in ``locked`` without it), and never merged away: the accounting system
    knows it by its id, so it must be the record that stays. Two accounts that each have one are not merged (the
    account would have two)."""
    if record_type == "contact":
        if loser["is_primary"]:
            raise Conflict("merge_primary_contact", errors={"loser_id": ["merge_primary_contact"]})
        if winner["is_primary"] and PRIMARY_CONTACT in (locked or ()):
            raise Forbidden("primary_contact_permission")
    elif repository.has_primary_contact(session, winner["id"]) and repository.has_primary_contact(session,
                                                                                                 loser["id"]):
        raise Conflict("merge_two_primary_contacts", errors={"loser_id": ["merge_two_primary_contacts"]})


def merge(session, *, outbox, actor, data, locked=()):
    """Merge ``data["loser_id"]`` into ``data["winner_id"]`` (module docstring); returns the merge as ``read``."""
    record_type, winner_id, loser_id = data["record_type"], data["winner_id"], data["loser_id"]
    scope = Scope(session, actor)
    winner, loser = _pair(session, actor, scope, record_type, winner_id, loser_id, for_update=True)
    _check_versions(winner, loser, data)
    _check_primary(session, record_type, winner, loser, locked)
    mine, theirs, proposal, locked_names, _ = _values(session, actor, record_type, winner, loser, locked)
    sources, errors = merge_fields.apply_choices(record_type, proposal, data.get("choices"), locked=locked_names)
    if errors:
        raise InvalidInput(errors=errors)
    after = merge_fields.merged_values(sources, mine, theirs)
    values, custom = _stored(after)
    hidden_custom = {k: v for k, v in (winner["custom"] or {}).items() if f"custom.{k}" not in after}
    custom = {**hidden_custom, **custom}  # values of deleted custom fields stay as they were
    merge_id, now = str(uuid.uuid4()), records.now()
    snapshot = {"winner": {**{k: winner[k] for k in values}, "custom": winner["custom"] or {}},
                "loser": {**{k: loser[k] for k in values}, "custom": loser["custom"] or {}},
                "winner_after": {**values, "custom": custom}, "sources": sources}
    # Winner's values and history; then what moves from the loser.
    _write_values(session, outbox=outbox, actor=actor, scope=scope, record_type=record_type, row=winner,
                  values=values, custom=custom)
    members = records.member_list_ids(session, record_type, [loser_id])[loser_id]
    snapshot["lists_added"] = repository.add_members(session, record_type, winner_id, members)
    _membership_event(outbox, session, actor, record_type, winner_id, snapshot["lists_added"], [])
    if snapshot["lists_added"]:
        records.add_history(session, [_history(actor, record_type, winner_id, "list_ids", None,
                                               snapshot["lists_added"])])
    if record_type == "contact":
        stored = repository.relations_of(session, loser_id)
        repository.delete_relations_of(session, loser_id)
        pointed = []
        for relation in stored:
            other = relation["contact_b"] if relation["contact_a"] == loser_id else relation["contact_a"]
            if other != winner_id:
                first, second = sorted((winner_id, other))
                pointed.append({**relation, "contact_a": first, "contact_b": second})
        added = repository.insert_relations(session, pointed)
        snapshot["relations_removed"] = [{**r, "created_at": _iso(r["created_at"])} for r in stored]
        snapshot["relations_added"] = [[r["contact_a"], r["contact_b"]] for r in added]
        snapshot["contacts_moved"] = []
    else:
        snapshot["contacts_moved"] = _move_contacts(
            session, outbox=outbox, actor=actor, scope=scope, from_id=loser_id, to_id=winner_id,
            contact_ids=[c["id"] for c in records.contacts_of_account(session, loser_id)])
    snapshot["history_ids"] = repository.history_ids(session, record_type, loser_id)
    repository.repoint_history(session, snapshot["history_ids"], winner_id)
    snapshot["documents_moved"] = documents.move_attachments(session, org_id=actor["org_id"],
                                                             record_type=record_type, from_id=loser_id,
                                                             to_id=winner_id)
    mark_deleted(session, record_type, [loser_id], now)
    snapshot["winner_version"] = winner["version"] + 1
    records.add_history(session, [
        _history(actor, record_type, winner_id, "merged", None, loser_id),
        _history(actor, record_type, loser_id, "merged_into", None, winner_id)])
    row = {"id": merge_id, "org_id": actor["org_id"], "record_type": record_type, "winner_id": winner_id,
           "loser_id": loser_id, "winner_name": record_name(record_type, {**winner, **values}),
           "loser_name": record_name(record_type, loser), "merged_by": actor["user_id"], "merged_at": now,
           "undo_until": now + UNDO_WINDOW, "undone_at": None, "undone_by": None, "snapshot": snapshot}
    repository.insert_merge(session, row)
    payload = {"org_id": actor["org_id"], "actor_id": actor["user_id"], "merge_id": merge_id,
               "winner_id": winner_id, "loser_id": loser_id}
    if record_type == "contact":
        payload.update(winner_account_id=values["account_id"], loser_account_id=loser["account_id"])
    else:
        payload["contact_ids"] = snapshot["contacts_moved"]
    outbox.add(session, MERGED[record_type], payload)
    return read(row, now=now)


# Undo ------------------------------------------------------------------------------------------------------

def _changed_since(row, snapshot):
    """The winner's fields whose value is no longer the one the merge gave it."""
    after = snapshot["winner_after"]
    changed = [key for key, value in after.items() if key != "custom" and row[key] != value]
    custom, stored = after["custom"], row["custom"] or {}
    changed += [f"custom.{key}" for key in sorted(set(custom) | set(stored)) if custom.get(key) != stored.get(key)]
    return changed


def undo(session, *, outbox, actor, merge_id, record_types):
    """Undo a merge within its window (module docstring). ``record_types``: the kinds whose module the caller may
    write and delete (the gateway's); another kind's merge is 403 as a restore of the trash."""
    row = repository.get_merge(session, merge_id, org_id=actor["org_id"], for_update=True)
    if row is None:
        raise NotFound()
    record_type, winner_id, loser_id = row["record_type"], row["winner_id"], row["loser_id"]
    scope = Scope(session, actor)
    locked_rows = repository.lock_records(session, record_type, [winner_id, loser_id])
    winner, loser = locked_rows.get(winner_id), locked_rows.get(loser_id)
    if winner is None or (winner["deleted_at"] is None and records.get_visible(
            session, record_type, winner_id, actor=actor, list_ids=scope.selected) is None):
        raise NotFound()
    if record_type not in record_types:
        raise Forbidden("missing_permission", params={"module": MODULES[record_type], "action": "delete"})
    if row["undone_at"] is not None:
        raise Conflict("merge_already_undone", errors={"merge_id": ["merge_already_undone"]})
    now = records.now()
    if now > row["undo_until"] or loser is None:
        raise Conflict("merge_expired", errors={"merge_id": ["merge_expired"]},
                       params={"until": _iso(row["undo_until"])})
    if winner["deleted_at"] is not None:
        raise Conflict("merge_winner_deleted", errors={"merge_id": ["merge_winner_deleted"]})
    snapshot = row["snapshot"]
    changed = _changed_since(winner, snapshot)
    if changed:
        raise Conflict("merge_winner_changed", errors={field: ["changed_since_merge"] for field in changed},
                       params={"fields": ", ".join(changed)})
    before = dict(snapshot["winner"])
    custom = before.pop("custom")
    _write_values(session, outbox=outbox, actor=actor, scope=scope, record_type=record_type, row=winner,
                  values=before, custom=custom)
    removed = repository.remove_members(session, record_type, winner_id, snapshot["lists_added"])
    _membership_event(outbox, session, actor, record_type, winner_id, [], removed)
    if removed:
        records.add_history(session, [_history(actor, record_type, winner_id, "list_ids", removed, None)])
    if record_type == "contact":
        repository.delete_relation_pairs(session, [tuple(pair) for pair in snapshot["relations_added"]])
        repository.insert_relations(session, [
            {**r, "created_at": datetime.fromisoformat(r["created_at"])} for r in snapshot["relations_removed"]])
    repository.repoint_history(session, snapshot["history_ids"], loser_id)
    documents.restore_attachments(session, org_id=actor["org_id"], record_type=record_type, from_id=loser_id,
                                  to_id=winner_id, moved=snapshot["documents_moved"], user_id=actor["user_id"])
    records.update_record(session, record_type, loser_id, {"deleted_at": None, "version": loser["version"] + 1})
    moved_back = []
    if record_type == "account":
        moved_back = _move_contacts(session, outbox=outbox, actor=actor, scope=scope, from_id=winner_id,
                                    to_id=loser_id, contact_ids=snapshot["contacts_moved"])
    records.add_history(session, [
        _history(actor, record_type, record_id, "merge_undone", None, other)
        for record_id, other in ((winner_id, loser_id), (loser_id, winner_id))])
    repository.mark_undone(session, merge_id, at=now, by=actor["user_id"])
    payload = {"org_id": actor["org_id"], "actor_id": actor["user_id"], "merge_id": merge_id,
               "winner_id": winner_id, "loser_id": loser_id}
    if record_type == "account":
        payload["contact_ids"] = moved_back
    outbox.add(session, UNDONE[record_type], payload)
    return read({**row, "undone_at": now, "undone_by": actor["user_id"]}, now=now)


# Reads -----------------------------------------------------------------------------------------------------

def read(row, *, now):
    """A merge as the API shows it; ``can_undo``: not undone and within its window."""
    return {"id": row["id"], "record_type": row["record_type"], "winner_id": row["winner_id"],
            "loser_id": row["loser_id"], "winner_name": row["winner_name"], "loser_name": row["loser_name"],
            "merged_by": row["merged_by"], "merged_at": _iso(row["merged_at"]), "undo_until": _iso(row["undo_until"]),
            "undone_at": _iso(row["undone_at"]), "undone_by": row["undone_by"],
            "can_undo": row["undone_at"] is None and now <= row["undo_until"]}


def get_merge(session, *, actor, merge_id):
    """A merge whose surviving record the caller sees (else 404)."""
    row = repository.get_merge(session, merge_id, org_id=actor["org_id"])
    scope = Scope(session, actor)
    if row is None or records.get_visible(session, row["record_type"], row["winner_id"], actor=actor,
                                          list_ids=scope.selected) is None:
        raise NotFound()
    return read(row, now=records.now())


def list_merges(session, *, actor, record_types, page, per_page):
    """The organization's merges whose surviving record the caller sees, newest first (with their undo deadline)."""
    scope = Scope(session, actor)
    rows, total = repository.merges_page(session, actor=actor, list_ids=scope.selected, record_types=record_types,
                                         page=page, per_page=per_page)
    now = records.now()
    return {"items": [read(row, now=now) for row in rows], "total": total, "page": page, "per_page": per_page}
