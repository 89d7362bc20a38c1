"""Relations (C-5) and moves between accounts (C-7 [beyond]).

A relation is one row for an ordered pair (``contact_a < contact_b``), so it is symmetric by construction
and a duplicate from either side hits the primary key. Only relations whose other contact the caller
sees are shown; a deleted contact's relations stay stored, hidden, and come back on restore (C-10).
"""
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from carnet_common.errors import Conflict, InvalidInput, NotFound
from carnet_contacts import events, norms, repository, trash, usecases
from carnet_contacts.models import contacts, relations


def _pair(one, other):
    return (one, other) if one < other else (other, one)


def _history(actor, contact_id, field, old, new):
    return {"org_id": actor["org_id"], "record_type": "contact", "record_id": contact_id,
            "user_id": actor["user_id"], "field": field, "old": old, "new": new}


def list_relations(session, *, actor, contact_id):
    list_ids = trash.selected_lists(session, actor)
    if repository.get_visible(session, "contact", contact_id, actor=actor, list_ids=list_ids) is None:
        raise NotFound()
    other = sa.case((relations.c.contact_a == contact_id, relations.c.contact_b), else_=relations.c.contact_a)
    rows = session.execute(
        sa.select(relations.c.label, relations.c.created_at, relations.c.created_by, contacts)
        .join(contacts, contacts.c.id == other)
        .where(sa.or_(relations.c.contact_a == contact_id, relations.c.contact_b == contact_id),
               repository.visible("contact", actor=actor, list_ids=list_ids))
        .order_by(relations.c.created_at, contacts.c.id)).mappings().all()
    return [{"other_id": r["id"], "label": r["label"], "other_name": trash.record_name("contact", r),
             "created_at": r["created_at"].isoformat(), "created_by": r["created_by"]} for r in rows]


def _both_visible(session, actor, contact_id, other_id):
    list_ids = trash.selected_lists(session, actor)
    for record_id in (contact_id, other_id):
        if repository.get_visible(session, "contact", record_id, actor=actor, list_ids=list_ids) is None:
            raise NotFound()


def add_relation(session, *, actor, contact_id, data):
    other_id = data["other_id"]
    if other_id == contact_id:
        raise InvalidInput(errors={"other_id": ["relation_to_self"]})
    _both_visible(session, actor, contact_id, other_id)
    first, second = _pair(contact_id, other_id)
    created = session.execute(insert(relations).values(
        contact_a=first, contact_b=second, org_id=actor["org_id"], label=data["label"],
        created_by=actor["user_id"]).on_conflict_do_nothing().returning(relations.c.contact_a)).first()
    if created is None:
        raise Conflict("relation_exists", errors={"other_id": ["relation_exists"]})
    repository.add_history(session, [
        _history(actor, contact_id, "relation_added", None, {"label": data["label"], "other_id": other_id}),
        _history(actor, other_id, "relation_added", None, {"label": data["label"], "other_id": contact_id})])
    return next(r for r in list_relations(session, actor=actor, contact_id=contact_id) if r["other_id"] == other_id)


def remove_relation(session, *, actor, contact_id, other_id):
    _both_visible(session, actor, contact_id, other_id)
    first, second = _pair(contact_id, other_id)
    removed = session.execute(relations.delete().where(relations.c.contact_a == first, relations.c.contact_b == second)
                              .returning(relations.c.label)).first()
    if removed is None:
        raise NotFound()
    repository.add_history(session, [
        _history(actor, contact_id, "relation_removed", {"label": removed.label, "other_id": other_id}, None),
        _history(actor, other_id, "relation_removed", {"label": removed.label, "other_id": contact_id}, None)])


def move_contact(session, *, outbox, actor, contact_id, data):
    """C-7 "changed jobs": the contact joins another account; its history records the move and
    ``contact_moved`` lets the opportunities service keep its tasks and opportunities on the old one."""
    list_ids = trash.selected_lists(session, actor)
    row = repository.get_visible(session, "contact", contact_id, actor=actor, list_ids=list_ids, for_update=True)
    if row is None:
        raise NotFound()
    to_id = data["account_id"]
    account = repository.get_visible(session, "account", to_id, actor=actor, list_ids=list_ids)
    if account is None:
        raise InvalidInput(errors={"account_id": ["unknown_account"]})
    from_id = row["account_id"]
    if from_id == to_id:
        raise InvalidInput(errors={"account_id": ["same_account"]})
    repository.update(session, contacts, contact_id, {
        "account_id": to_id, **norms.contact_norms({**row, "account_id": to_id}, account),
        "version": row["version"] + 1, "updated_at": repository.now()})
    repository.add_history(session, [_history(actor, contact_id, "account_id", from_id, to_id)])
    outbox.add(session, events.CONTACT_MOVED, {
        "org_id": actor["org_id"], "actor_id": actor["user_id"], "contact_id": contact_id,
        "from_account_id": from_id, "to_account_id": to_id})
    return usecases.get_record(session, actor=actor, record_type="contact", record_id=contact_id)
