"""The contacts nameko service: parse → use case → dump, nothing else."""
from nameko.events import event_handler
from nameko.timer import timer

from carnet_common.context import RequestContext
from carnet_common.contracts import load_or_raise
from carnet_common.db import Database
from carnet_common.entrypoints import OpsEndpoints, rpc_method
from carnet_common.inbox import Inbox
from carnet_common.metrics import Metrics
from carnet_common.outbox import Outbox
from carnet_contacts import contracts, models, usecases
from carnet_contacts.customization import CustomizationRpc
from carnet_contacts.exports import ExportRpc
from carnet_contacts.lifecycle import LifecycleRpc
from carnet_contacts.opportunity_summary import OpportunitySummaryHandlers  # opportunities area (C-12)
from carnet_contacts.task_summary import TaskSummaryHandlers  # opportunities area (C-12)

SERVICE = "contacts"


def _actor(actor):
    return load_or_raise(contracts.Actor(), actor)


def _id(value):
    """Path ids arrive as text; anything else cannot name a record."""
    return value if isinstance(value, str) and 0 < len(value) <= 64 else ""


def _names(values):
    return [v for v in values if isinstance(v, str)] if isinstance(values, (list, tuple)) else []


class ContactsService(CustomizationRpc, LifecycleRpc, ExportRpc, OpportunitySummaryHandlers, TaskSummaryHandlers,
                      OpsEndpoints):
    name = SERVICE

    db = Database()
    outbox = Outbox(models.outbox)
    inbox = Inbox(models.inbox, models.inbox_failures)
    call_metrics = Metrics()
    request_context = RequestContext()

    # Lists (L-1..L-3, S-6) ------------------------------------------------------------------------
    @rpc_method
    def list_lists(self, actor):
        return usecases.list_lists(self.db, actor=_actor(actor))

    @rpc_method
    def create_list(self, actor, data):
        actor, data = _actor(actor), load_or_raise(contracts.ListCreate(), data)
        with self.db.begin():
            return usecases.create_list(self.db, outbox=self.outbox, actor=actor, data=data)

    @rpc_method
    def update_list(self, actor, list_id, data):
        actor, data = _actor(actor), load_or_raise(contracts.ListUpdate(), data)
        with self.db.begin():
            return usecases.update_list(self.db, outbox=self.outbox, actor=actor, list_id=_id(list_id),
                                        data=data)

    @rpc_method
    def delete_list(self, actor, list_id):
        with self.db.begin():
            usecases.delete_list(self.db, outbox=self.outbox, actor=_actor(actor), list_id=_id(list_id))

    @rpc_method
    def get_list_grants(self, actor, list_id):
        return usecases.get_grants(self.db, actor=_actor(actor), list_id=_id(list_id))

    @rpc_method
    def set_list_grants(self, actor, list_id, data):
        actor, data = _actor(actor), load_or_raise(contracts.Grants(), data)
        with self.db.begin():
            return usecases.set_grants(self.db, outbox=self.outbox, actor=actor, list_id=_id(list_id),
                                       data=data)

    @rpc_method
    def get_selected_lists(self, actor):
        return usecases.get_selected_lists(self.db, actor=_actor(actor))

    @rpc_method
    def set_selected_lists(self, actor, data):
        actor, data = _actor(actor), load_or_raise(contracts.SelectedLists(), data)
        with self.db.begin():
            return usecases.set_selected_lists(self.db, actor=actor, data=data)

    # Contacts ----------------------------------------------------------------------------------------
    @rpc_method
    def search_contacts(self, actor, query=None, unreadable=()):
        """``unreadable``: field permission keys the caller may not read (no criteria or sort on them)."""
        actor, query = _actor(actor), load_or_raise(contracts.SearchQuery(), query or {})
        with self.db.begin():  # the sort used is remembered (C-15)
            return usecases.search_records(self.db, actor=actor, record_type="contact", query=query,
                                           unreadable=_names(unreadable))

    @rpc_method
    def get_contact(self, actor, contact_id):
        return usecases.get_record(self.db, actor=_actor(actor), record_type="contact",
                                   record_id=_id(contact_id))

    @rpc_method
    def create_contact(self, actor, data):
        actor, data = _actor(actor), load_or_raise(contracts.ContactCreate(), data)
        with self.db.begin():
            return usecases.create_contact(self.db, outbox=self.outbox, actor=actor, data=data)

    @rpc_method
    def update_contact(self, actor, contact_id, data):
        actor, data = _actor(actor), load_or_raise(contracts.ContactUpdate(), data, partial=True)
        with self.db.begin():
            return usecases.update_contact(self.db, outbox=self.outbox, actor=actor,
                                           contact_id=_id(contact_id), data=data)

    @rpc_method
    def delete_contact(self, actor, contact_id):
        with self.db.begin():
            usecases.delete_contact(self.db, outbox=self.outbox, actor=_actor(actor), contact_id=_id(contact_id))

    @rpc_method
    def set_contact_lists(self, actor, contact_id, data):
        actor, data = _actor(actor), load_or_raise(contracts.ListIds(), data)
        with self.db.begin():
            return usecases.set_record_lists(self.db, outbox=self.outbox, actor=actor, record_type="contact",
                                             record_id=_id(contact_id), data=data)

    @rpc_method
    def get_contact_history(self, actor, contact_id):
        return usecases.get_history(self.db, actor=_actor(actor), record_type="contact",
                                    record_id=_id(contact_id))

    # Accounts ----------------------------------------------------------------------------------------
    @rpc_method
    def search_accounts(self, actor, query=None, unreadable=()):
        """``unreadable``: field permission keys the caller may not read (no criteria or sort on them)."""
        actor, query = _actor(actor), load_or_raise(contracts.SearchQuery(), query or {})
        with self.db.begin():  # the sort used is remembered (C-15)
            return usecases.search_records(self.db, actor=actor, record_type="account", query=query,
                                           unreadable=_names(unreadable))

    @rpc_method
    def get_account(self, actor, account_id):
        return usecases.get_record(self.db, actor=_actor(actor), record_type="account",
                                   record_id=_id(account_id))

    @rpc_method
    def create_account(self, actor, data):
        actor, data = _actor(actor), load_or_raise(contracts.AccountCreate(), data)
        with self.db.begin():
            return usecases.create_account(self.db, outbox=self.outbox, actor=actor, data=data)

    @rpc_method
    def update_account(self, actor, account_id, data):
        actor, data = _actor(actor), load_or_raise(contracts.AccountUpdate(), data, partial=True)
        with self.db.begin():
            return usecases.update_account(self.db, outbox=self.outbox, actor=actor,
                                           account_id=_id(account_id), data=data)

    @rpc_method
    def delete_account(self, actor, account_id):
        with self.db.begin():
            usecases.delete_account(self.db, outbox=self.outbox, actor=_actor(actor), account_id=_id(account_id))

    @rpc_method
    def set_account_lists(self, actor, account_id, data):
        actor, data = _actor(actor), load_or_raise(contracts.ListIds(), data)
        with self.db.begin():
            return usecases.set_record_lists(self.db, outbox=self.outbox, actor=actor, record_type="account",
                                             record_id=_id(account_id), data=data)

    @rpc_method
    def get_account_history(self, actor, account_id):
        return usecases.get_history(self.db, actor=_actor(actor), record_type="account",
                                    record_id=_id(account_id))

    @rpc_method
    def list_account_contacts(self, actor, account_id, query=None, unreadable=()):
        actor, query = _actor(actor), load_or_raise(contracts.SearchQuery(), query or {})
        return usecases.search_records(self.db, actor=actor, record_type="contact", query=query,
                                       account_id=_id(account_id), unreadable=_names(unreadable))

    @rpc_method
    def create_account_contact(self, actor, account_id, data):
        actor, data = _actor(actor), load_or_raise(contracts.AccountContactCreate(), data)
        with self.db.begin():
            return usecases.create_contact(self.db, outbox=self.outbox, actor=actor, data=data,
                                           account_id=_id(account_id))

    # Outbox relay ------------------------------------------------------------------------------------
    @timer(interval=0.25)
    def relay_outbox(self):
        self.outbox.relay()

    # Users read model (identity's events, handled once each) -----------------------------------------
    @event_handler("identity", "user_created", requeue_on_error=True)
    def on_user_created(self, envelope):
        self.inbox.handle(envelope, lambda session, data: usecases.record_user(session, data=data))

    @event_handler("identity", "user_updated", requeue_on_error=True)
    def on_user_updated(self, envelope):
        self.inbox.handle(envelope, lambda session, data: usecases.record_user(session, data=data))
