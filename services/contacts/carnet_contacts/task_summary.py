"""A summary of each task (opportunities area of issue 5, C-12 "has a task of type … (status …)").

Contacts never reads the opportunities schema: the opportunities service publishes ``task_created``,
``task_updated`` and ``task_deleted`` (its ``task_events.py``: id, org, type, status, links, version) and these
handlers keep, per task, what the criterion reads, in ``contacts.task_summaries``. Each event is applied once
(the Inbox); the newest ``version`` wins, so a late or redelivered older event changes nothing; a delete is
kept as a tombstone at the task's last version, so an update arriving after it cannot bring the task back
(tasks have no restore; a restore would come with a newer version, as opportunities' do).

Who may count a task (S-4, summary_visibility.py): the summary keeps its assignee (``assignee_id`` of every
event) and its author, the actor of ``task_created`` (tasks are created by the caller, task_usecases.py
``created_by``), kept whatever order the events arrive in and never changed by later events.

Whose tasks (criteria.py ``task_action``): a contact has the tasks naming it (``contact_id``), an account the
tasks naming it (``account_id``). Unlike opportunities (O-1: shown on each contact of the account), a contact
does not inherit its account's tasks: a call or a note (C-22) is with or about one person, and a contact that
changes jobs leaves its tasks on the old account (C-7). ``account.task`` reaches the account's tasks from a
contact when that is what a filter means.

Consumed events (queues ``evt-opportunities-task_created--contacts.on_task_created`` and the like, declared
by the bootstrap from these entrypoints):
``opportunities.task_created``, ``opportunities.task_updated``, ``opportunities.task_deleted``; beside them
``opportunities.opportunity_*`` (opportunity_summary.py) and ``identity.user_created/updated`` (service.py).
"""
from nameko.events import event_handler
from sqlalchemy.dialects.postgresql import insert

from carnet_contacts.models import task_summaries

SOURCE = "opportunities"


def _values(data, *, deleted):
    return {"org_id": data["org_id"], "contact_id": data.get("contact_id"), "account_id": data.get("account_id"),
            "opportunity_id": data.get("opportunity_id"), "type": data["type"], "status": data["status"],
            "assignee_id": data["assignee_id"], "version": data["version"], "deleted": deleted}


def apply_upsert(session, data):
    """Created or updated: stored when newer than what is kept (never over a tombstone of the same version)."""
    table, values = task_summaries, _values(data, deleted=False)
    session.execute(insert(table).values(id=data["id"], **values).on_conflict_do_update(
        index_elements=[table.c.id], set_=values, where=table.c.version < values["version"]))


def apply_created(session, data):
    """Created: stored like an update, and its author recorded once (even behind a newer update or a tombstone)."""
    apply_upsert(session, data)
    table = task_summaries
    session.execute(table.update().where(table.c.id == data["id"], table.c.created_by.is_(None))
                    .values(created_by=data.get("created_by") or data["actor_id"]))


def apply_deleted(session, data):
    """Deleted: a tombstone at the task's last version, which wins over every update of that version or older."""
    table, values = task_summaries, _values(data, deleted=True)
    session.execute(insert(table).values(id=data["id"], **values).on_conflict_do_update(
        index_elements=[table.c.id], set_={"deleted": True, "version": values["version"]},
        where=table.c.version <= values["version"]))


class TaskSummaryHandlers:
    """Mixed into ContactsService (which provides ``inbox``)."""

    @event_handler(SOURCE, "task_created", requeue_on_error=True)
    def on_task_created(self, envelope):
        self.inbox.handle(envelope, apply_created)

    @event_handler(SOURCE, "task_updated", requeue_on_error=True)
    def on_task_updated(self, envelope):
        self.inbox.handle(envelope, apply_upsert)

    @event_handler(SOURCE, "task_deleted", requeue_on_error=True)
    def on_task_deleted(self, envelope):
        self.inbox.handle(envelope, apply_deleted)
