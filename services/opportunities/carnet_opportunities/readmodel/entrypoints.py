"""Entrypoints of the read model of contacts and of the delete conversation (C-10): the handlers of the contacts
events and the delete preview (``readmodel/usecases.py`` says what each does).

Every handler applies its event once, through the Inbox, in one transaction: the read model first, then — for a
delete, a restore or a purge — what it does to the tasks, then to the opportunities hanging on the record
(publishing each change through the outbox, with the request id of the event that caused it).
"""
from nameko.events import event_handler

from carnet_common.contracts import load_or_raise
from carnet_common.entrypoints import rpc_method
from carnet_opportunities.opportunities.contracts import Actor
from carnet_opportunities.readmodel import contracts, usecases

SOURCE = "contacts"


class ReadModelEntrypoints:
    """Mixed into OpportunitiesService (which provides ``db``, ``inbox`` and ``outbox``)."""

    @rpc_method
    def dependents_of(self, actor, record_type, record_id):
        """What hangs on a contact or an account (its opportunities and tasks), for the delete preview."""
        actor = load_or_raise(Actor(), actor)
        query = load_or_raise(contracts.DependentsQuery(), {"record_type": record_type, "record_id": record_id})
        return usecases.dependents_of(self.db, actor=actor, **query)

    @rpc_method
    def dependents_to_delete(self, actor, selection):
        """What a delete with ``dependents=delete`` by ``actor`` may take of what hangs on the records it deletes
        (``selection``: ``{contact_ids, accounts: [{id, contact_ids}]}``), and what it leaves (issue 10 §1)."""
        actor = load_or_raise(Actor(), actor)
        selection = load_or_raise(contracts.DeleteSelection(), selection)
        return usecases.dependents_to_delete(self.db, actor=actor, **selection)

    @event_handler(SOURCE, "account_created", requeue_on_error=True)
    def on_account_created(self, envelope):
        self.inbox.handle(envelope, lambda session, data: usecases.save_account(session, data=data, created=True))

    @event_handler(SOURCE, "account_updated", requeue_on_error=True)
    def on_account_updated(self, envelope):
        self.inbox.handle(envelope, lambda session, data: usecases.save_account(session, data=data, created=False))

    @event_handler(SOURCE, "contact_created", requeue_on_error=True)
    def on_contact_created(self, envelope):
        self.inbox.handle(envelope, lambda session, data: usecases.save_contact(session, data=data, created=True))

    @event_handler(SOURCE, "contact_updated", requeue_on_error=True)
    def on_contact_updated(self, envelope):
        self.inbox.handle(envelope, lambda session, data: usecases.save_contact(session, data=data, created=False))

    @event_handler(SOURCE, "contact_moved", requeue_on_error=True)
    def on_contact_moved(self, envelope):
        self.inbox.handle(envelope, lambda session, data: usecases.move_contact(session, data=data))

    @event_handler(SOURCE, "membership_changed", requeue_on_error=True)
    def on_membership_changed(self, envelope):
        self.inbox.handle(envelope, lambda session, data: usecases.change_membership(session, data=data))

    @event_handler(SOURCE, "list_deleted", requeue_on_error=True)
    def on_list_deleted(self, envelope):
        self.inbox.handle(envelope, lambda session, data: usecases.remove_list(session, data=data))

    @event_handler(SOURCE, "contact_deleted", requeue_on_error=True)
    def on_contact_deleted(self, envelope):
        def apply(session, data):
            usecases.delete_contact(session, data=data, occurred_at=envelope.get("occurred_at"))
            usecases.tasks_of_deleted_contact(session, outbox=self.outbox, data=data)
            usecases.opportunities_of_deleted_contact(session, outbox=self.outbox, data=data)
        self.inbox.handle(envelope, apply)

    @event_handler(SOURCE, "account_deleted", requeue_on_error=True)
    def on_account_deleted(self, envelope):
        def apply(session, data):
            usecases.delete_account(session, data=data, occurred_at=envelope.get("occurred_at"))
            usecases.tasks_of_deleted_account(session, outbox=self.outbox, data=data)
            usecases.opportunities_of_deleted_account(session, outbox=self.outbox, data=data)
        self.inbox.handle(envelope, apply)

    @event_handler(SOURCE, "contact_restored", requeue_on_error=True)
    def on_contact_restored(self, envelope):
        def apply(session, data):
            usecases.restore_contact(session, data=data, occurred_at=envelope.get("occurred_at"))
            usecases.tasks_of_restored_contact(session, outbox=self.outbox, data=data)
            usecases.opportunities_of_restored_contact(session, outbox=self.outbox, data=data)
        self.inbox.handle(envelope, apply)

    @event_handler(SOURCE, "account_restored", requeue_on_error=True)
    def on_account_restored(self, envelope):
        def apply(session, data):
            usecases.restore_account(session, data=data, occurred_at=envelope.get("occurred_at"))
            usecases.tasks_of_restored_account(session, outbox=self.outbox, data=data)
            usecases.opportunities_of_restored_account(session, outbox=self.outbox, data=data)
        self.inbox.handle(envelope, apply)

    @event_handler(SOURCE, "contact_purged", requeue_on_error=True)
    def on_contact_purged(self, envelope):
        def apply(session, data):
            usecases.purge_contact(session, data=data)
            usecases.tasks_of_purged_contact(session, outbox=self.outbox, data=data)
            usecases.opportunities_of_purged_contact(session, outbox=self.outbox, data=data)
        self.inbox.handle(envelope, apply)

    @event_handler(SOURCE, "account_purged", requeue_on_error=True)
    def on_account_purged(self, envelope):
        def apply(session, data):
            usecases.purge_account(session, data=data)
            usecases.tasks_of_purged_account(session, outbox=self.outbox, data=data)
            usecases.opportunities_of_purged_account(session, outbox=self.outbox, data=data)
        self.inbox.handle(envelope, apply)
