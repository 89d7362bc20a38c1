"""Who sees which tasks (T-1, C-2, S-4, S-5), as SQL predicates built without I/O: the same rule for the list, the
board, get, edit, the delete preview (C-10) and, for a user's own tasks, the dashboard (D-1).

A task linked to a contact, an account and/or an opportunity inherits their visibility (each link must be
visible: ``readmodel/repository/visibility.py``, ``opportunities/repository/visibility.py``); a task without
links is seen by its assignee, its creator and administrators. ``own_records_only`` (S-4) narrows every task to
those assigned to or created by the caller. A task deleted with its contact or account (C-10) is hidden
everywhere until that record is restored.
"""
import sqlalchemy as sa

from carnet_opportunities.models import account_refs, contact_refs, opportunities, tasks
from carnet_opportunities.opportunities.repository.visibility import opportunity_visible
from carnet_opportunities.readmodel.repository.visibility import own_records_only, ref_visible, visible_by_key

LINKS = ("contact_id", "account_id", "opportunity_id")


def _links_visible(actor):
    """Each link of the task, when set, names a record ``actor`` sees, looked up by key per task."""
    return [visible_by_key(contact_refs, tasks.c.contact_id, ref_visible(contact_refs, actor=actor)),
            visible_by_key(account_refs, tasks.c.account_id, ref_visible(account_refs, actor=actor)),
            visible_by_key(opportunities, tasks.c.opportunity_id, opportunity_visible(actor))]


def own_tasks(actor):
    """Predicate on ``tasks``: the caller's own (assigned to or created by them): what S-4 leaves a limited user,
    in the lists and the dashboard alike."""
    return sa.or_(tasks.c.assignee_id == actor["user_id"], tasks.c.created_by == actor["user_id"])


def _task_rule(actor, links_visible):
    """The rule on the task itself, around the check of its links: the organization's, not deleted with a
    record (C-10); without links, only administrators, its assignee and its creator see it; with
    ``own_records_only`` (S-4), only the caller's own."""
    clauses = [tasks.c.org_id == actor["org_id"], tasks.c.deleted_at.is_(None), *links_visible]
    if own_records_only(actor):
        clauses.append(own_tasks(actor))
    elif not actor.get("is_admin"):
        clauses.append(sa.or_(*(tasks.c[key].isnot(None) for key in LINKS), own_tasks(actor)))
    return sa.and_(*clauses)


def task_visible(actor):
    """Predicate on ``tasks``: what ``actor`` may see.

    Every set link visible, each looked up by key per task the other filters keep (``visible_by_key``): the cost
    follows the tasks filtered (``_task_rule`` for the rest)."""
    return _task_rule(actor, _links_visible(actor))
