"""What a merge of contacts or accounts (C-20) does here, as the contacts service's events say
(carnet_contacts/merges/usecases.py): each handled once (Inbox), in one transaction with its effects (N-3).

- ``contact_merged``: the merged-away contact leaves the read model (as deleted) and its tasks and opportunities
  name the contact that stayed (their account is kept: C-7's rule, a contact's history stays on its account).
- ``account_merged``: the merged-away account leaves the read model and its tasks and opportunities move to the
  account that stayed (its contacts moved there too: their ``contact_updated`` events carry it).
- ``*_merge_undone``: exactly what the merge moved goes back (those still on the record they were moved to), and
  the merged-away record is back in the read model. An undo handled before its merge (events may be handled out of
  order) marks the merge undone, and the merge's event then moves nothing.
Every move is published (``task_updated``/``opportunity_updated`` with the new version) for contacts' summaries.
"""
from carnet_opportunities import events
from carnet_opportunities.merges import repository
from carnet_opportunities.readmodel import repository as refs
from carnet_opportunities.readmodel.usecases import timestamp

LINKS = {"contact": "contact_id", "account": "account_id"}


def _publish(session, outbox, item_type, rows, actor_id):
    for row in rows:
        if row["deleted_at"] is not None:
            continue  # hidden with what it was deleted with: nothing for summaries to show
        if item_type == "task":
            outbox.add(session, events.TASK_UPDATED, events.task_payload(row, actor_id))
        else:
            outbox.add(session, events.OPPORTUNITY_UPDATED, events.opportunity_payload(row, actor_id))


def merged(session, *, outbox, record_type, data, occurred_at):
    org_id, merge_id = data["org_id"], data["merge_id"]
    at = timestamp(occurred_at)
    refs.set_deleted(session, record_type, [data["loser_id"]], org_id, deleted_at=at, occurred_at=at)
    if repository.is_undone(session, merge_id):
        return
    for item_type in ("task", "opportunity"):
        rows = repository.move(session, merge_id=merge_id, org_id=org_id, item_type=item_type,
                               link=LINKS[record_type], from_id=data["loser_id"], to_id=data["winner_id"])
        _publish(session, outbox, item_type, rows, data.get("actor_id"))


def undone(session, *, outbox, record_type, data, occurred_at):
    org_id, merge_id = data["org_id"], data["merge_id"]
    refs.set_deleted(session, record_type, [data["loser_id"]], org_id, deleted_at=None,
                     occurred_at=timestamp(occurred_at))
    repository.mark_undone(session, merge_id, org_id)
    for item_type in ("task", "opportunity"):
        rows = repository.move_back(session, merge_id=merge_id, item_type=item_type)
        _publish(session, outbox, item_type, rows, data.get("actor_id"))
