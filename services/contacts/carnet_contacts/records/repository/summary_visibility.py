"""Which summarized opportunities and tasks a caller counts in an action criterion (C-12 with C-2, O-1, S-4,
S-5), as SQL predicates built without I/O.

Only those the opportunities service would show the caller (its visibility rules of opportunities and of
tasks), decided on contacts' own tables, of which its read model is a copy:
- an opportunity: not deleted, on an account the caller sees (in one of their selected lists and, unless they
  see every rep's records, with them or a user below them as rep 1 or rep 2: ``visibility.record_visible``);
  with ``own_records_only`` (S-4) only when the caller is its rep 1 or rep 2;
- a task: not deleted, each of its links seen (its contact and account as above, its opportunity as an
  opportunity); with ``own_records_only`` only when it is assigned to or was created by the caller. A task
  with no link belongs to no record, so no criterion meets it.
What a summary does not know yet (reps an event did not carry, the author of a task whose ``task_created``
has not arrived) is nobody's: a limited caller does not count it. Without a caller, nothing counts.

The subqueries read aliases of contacts' tables, so they never correlate with the record being filtered.
Repository code (docs/conventions.md: query predicates belong to the repository side), used by ``criteria.py``.
"""
import sqlalchemy as sa

from carnet_contacts.models import account_members, accounts, contacts, list_members, opportunity_summaries
from carnet_contacts.records.repository import visibility


def _seen(table, members, key, record_id, actor, selected):
    return visibility.seen(table, members, key, record_id, actor=actor, list_ids=selected)


def _own(actor):
    return bool((actor.get("flags") or {}).get("own_records_only"))


def opportunity_seen(table, actor, selected):
    """Predicate on ``opportunity_summaries`` (or an alias of it): ``actor`` would see the opportunity."""
    if actor is None:
        return sa.false()
    clauses = [sa.not_(table.c.deleted),
               _seen(accounts, account_members, "account_id", table.c.account_id, actor, selected)]
    if _own(actor):
        clauses.append(sa.or_(table.c.rep1_id == actor["user_id"], table.c.rep2_id == actor["user_id"]))
    return sa.and_(*clauses)


def task_seen(table, actor, selected):
    """Predicate on ``task_summaries``: ``actor`` would see the task."""
    if actor is None:
        return sa.false()
    linked = opportunity_summaries.alias()
    clauses = [
        sa.not_(table.c.deleted),
        sa.or_(table.c.contact_id.is_(None),
               _seen(contacts, list_members, "contact_id", table.c.contact_id, actor, selected)),
        sa.or_(table.c.account_id.is_(None),
               _seen(accounts, account_members, "account_id", table.c.account_id, actor, selected)),
        sa.or_(table.c.opportunity_id.is_(None),
               sa.exists(sa.select(1).where(linked.c.id == table.c.opportunity_id,
                                            opportunity_seen(linked, actor, selected))))]
    if _own(actor):
        clauses.append(sa.or_(table.c.assignee_id == actor["user_id"], table.c.created_by == actor["user_id"]))
    return sa.and_(*clauses)
