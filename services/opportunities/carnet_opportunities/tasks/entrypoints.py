"""Entrypoints of tasks and the board (T-1, T-2, C-22) and their invitations (T-3): the RPCs, and the timer of the
job that emails the invitations (``usecases.send_due_invitations``: at most once each, retried while refused), and
the handler of the forms service's ``submission_applied`` (the follow-up task a form asks for, F-3).
What becomes of tasks when their contact or account is deleted (C-10) is the read model's (``readmodel``)."""
from nameko.events import event_handler
from nameko.timer import timer

from carnet_common.contracts import load_or_raise
from carnet_common.entrypoints import rpc_method
from carnet_contracts import permissions
from carnet_opportunities.tasks import contracts, invitations, usecases


def _actor(actor):
    return load_or_raise(contracts.TaskActor(), actor)


def _id(value):
    """Path ids arrive as text; anything else cannot name a record."""
    return value if isinstance(value, str) and 0 < len(value) <= 64 else ""


class TasksEntrypoints:
    """Mixed into OpportunitiesService (which provides ``db``, ``outbox``, ``inbox``, ``contacts``, ``mailer`` and
    ``invitation_settings``)."""

    @rpc_method
    def list_tasks(self, actor, query=None, fields=None):
        """``fields``: the task fields the caller may read (S-3; None: all), which decide the order."""
        actor, query = _actor(actor), load_or_raise(contracts.TaskQuery(), query or {})
        return usecases.list_tasks(self.db, actor=actor, query=query, fields=permissions.field_names(fields))

    @rpc_method
    def get_task(self, actor, task_id):
        return usecases.get_task(self.db, actor=_actor(actor), task_id=_id(task_id))

    @rpc_method
    def create_task(self, actor, data):
        actor, data = _actor(actor), load_or_raise(contracts.TaskCreate(), data)
        with self.db.begin():
            return usecases.create_task(self.db, outbox=self.outbox, contacts=self.contacts, actor=actor, data=data)

    @rpc_method
    def update_task(self, actor, task_id, data):
        actor, data = _actor(actor), load_or_raise(contracts.TaskUpdate(), data)
        with self.db.begin():
            return usecases.update_task(self.db, outbox=self.outbox, contacts=self.contacts, actor=actor,
                                        task_id=_id(task_id), data=data)

    @rpc_method
    def delete_task(self, actor, task_id):
        with self.db.begin():
            usecases.delete_task(self.db, outbox=self.outbox, actor=_actor(actor), task_id=_id(task_id))

    @rpc_method
    def invite_task(self, actor, task_id, data):
        actor, data = _actor(actor), load_or_raise(contracts.InvitationCreate(), data)
        with self.db.begin():
            return usecases.request_invitation(self.db, contacts=self.contacts, actor=actor, task_id=_id(task_id),
                                               data=data, settings=self.invitation_settings)

    @rpc_method
    def list_task_invitations(self, actor, task_id):
        return usecases.list_invitations(self.db, actor=_actor(actor), task_id=_id(task_id))

    @timer(interval=0.5)
    def send_invitations(self):
        usecases.send_due_invitations(self.db, mailer=self.mailer, settings=self.invitation_settings,
                                      clock=invitations.utc_now)

    @event_handler("forms", "submission_applied", requeue_on_error=True)
    def tasks_on_form_submission_applied(self, envelope):
        """F-3: the follow-up task a form asks for, once per submission (the inbox, and the task's derived id)."""
        self.inbox.handle(envelope, lambda session, data: usecases.form_submission_task(
            session, outbox=self.outbox, data=data))
