"""Entrypoints of the opportunities service for tasks and the board (T-1, T-2, C-22), invitations (T-3)
and the dashboard (D-1). What becomes of tasks when their contact or account is deleted (C-10) is handled
on the contacts events by ``task_dependents``."""
import functools

from nameko.timer import timer

import carnet_opportunities.task_dependents  # noqa: F401 - registers the tasks' delete hooks (C-10)
from carnet_common.contracts import load_or_raise
from carnet_common.entrypoints import rpc_method
from carnet_opportunities import dashboard, invitation_jobs, mailer, task_usecases
from carnet_opportunities import task_contracts as contracts

BATCH = 20


def _actor(actor):
    return load_or_raise(contracts.TaskActor(), actor)


def _id(value):
    """Path ids arrive as text; anything else cannot name a record."""
    return value if isinstance(value, str) and 0 < len(value) <= 64 else ""


@functools.lru_cache(maxsize=1)
def _invitation_settings():
    return invitation_jobs.InvitationSettings.from_env()


class TasksRpc:
    """Mixed into OpportunitiesService."""

    @rpc_method
    def list_tasks(self, actor, query=None):
        actor, query = _actor(actor), load_or_raise(contracts.TaskQuery(), query or {})
        return task_usecases.list_tasks(self.db, actor=actor, query=query)

    @rpc_method
    def get_task(self, actor, task_id):
        return task_usecases.get_task(self.db, actor=_actor(actor), task_id=_id(task_id))

    @rpc_method
    def create_task(self, actor, data):
        actor, data = _actor(actor), load_or_raise(contracts.TaskCreate(), data)
        with self.db.begin():
            return task_usecases.create_task(self.db, outbox=self.outbox, actor=actor, data=data)

    @rpc_method
    def update_task(self, actor, task_id, data):
        actor, data = _actor(actor), load_or_raise(contracts.TaskUpdate(), data)
        with self.db.begin():
            return task_usecases.update_task(self.db, outbox=self.outbox, actor=actor, task_id=_id(task_id),
                                             data=data)

    @rpc_method
    def delete_task(self, actor, task_id):
        with self.db.begin():
            task_usecases.delete_task(self.db, outbox=self.outbox, actor=_actor(actor), task_id=_id(task_id))

    @rpc_method
    def invite_task(self, actor, task_id, data):
        actor, data = _actor(actor), load_or_raise(contracts.InvitationCreate(), data)
        with self.db.begin():
            return task_usecases.request_invitation(self.db, actor=actor, task_id=_id(task_id), data=data)

    @rpc_method
    def list_task_invitations(self, actor, task_id):
        return task_usecases.list_invitations(self.db, actor=_actor(actor), task_id=_id(task_id))

    @rpc_method
    def get_dashboard(self, actor, query=None):
        actor, query = _actor(actor), load_or_raise(contracts.DashboardQuery(), query or {})
        return dashboard.get_dashboard(self.db, actor=actor, query=query)

    @timer(interval=0.5)
    def send_invitations(self):
        """Sends due invitations (``invitation_jobs``: at most once each, retried while refused)."""
        engine = self.db.get_bind()
        smtp = mailer.SmtpSettings.from_config(self.config)
        settings = _invitation_settings()
        invitation_jobs.mark_stalled(engine, settings=settings)
        for _ in range(BATCH):
            if not invitation_jobs.deliver_next(engine, smtp=smtp, settings=settings):
                break
