"""RPC entrypoints of the lifecycle area: deletes to the trash, restore and purge (C-10), relations (C-5), moves
between accounts (C-7) and bulk actions (C-9). Parse (contracts) → use case → result; the delete preview and the
deletes (``dependents=delete`` asks what it may take) get the service's ``opportunities`` proxy (a ``ServiceRpc``
with a timeout per call) and pass it on."""
from nameko.timer import timer

from carnet_common.contracts import load_or_raise
from carnet_common.entrypoints import rpc_method
from carnet_contacts.contracts import actor_of, names, path_id
from carnet_contacts.lifecycle import contracts, usecases

PURGE_INTERVAL = 3600  # seconds; a purge is idempotent, so a missed or doubled run changes nothing


class LifecycleRpc:
    """Mixed into ContactsService (which provides ``db``, ``outbox`` and ``opportunities``)."""

    # Deletes and the trash (C-10) ---------------------------------------------------------------------
    @rpc_method
    def delete_contact(self, actor, contact_id):
        """To the trash, restorable for 30 days; what hangs on it is reattached to its account."""
        with self.db.begin():
            usecases.delete_contact(self.db, outbox=self.outbox, actor=actor_of(actor), contact_id=path_id(contact_id))

    @rpc_method
    def delete_account(self, actor, account_id):
        """To the trash with its contacts, restorable together for 30 days."""
        with self.db.begin():
            usecases.delete_account(self.db, outbox=self.outbox, actor=actor_of(actor), account_id=path_id(account_id))

    @rpc_method
    def trash_contact(self, actor, contact_id, options=None):
        """DELETE /contacts/{id}: to the trash; ``delete_account`` also trashes an account left empty."""
        actor, options = actor_of(actor), load_or_raise(contracts.DeleteOptions(), options or {})
        with self.db.begin():
            return usecases.delete_contact(self.db, outbox=self.outbox, actor=actor, contact_id=path_id(contact_id),
                                           delete_account=options["delete_account"],
                                           dependents=options["dependents"], opportunities=self.opportunities)

    @rpc_method
    def trash_account(self, actor, account_id, options=None):
        """DELETE /accounts/{id}: to the trash with its contacts; ``dependents`` as for a contact."""
        actor, options = actor_of(actor), load_or_raise(contracts.DeleteAccountOptions(), options or {})
        with self.db.begin():
            return usecases.delete_account(self.db, outbox=self.outbox, actor=actor, account_id=path_id(account_id),
                                           dependents=options["dependents"], opportunities=self.opportunities)

    @rpc_method
    def preview_delete(self, actor, record_type, record_id):
        record_type = contracts.record_type(record_type)
        return usecases.delete_preview(self.db, actor=actor_of(actor), record_type=record_type,
                                       record_id=path_id(record_id), opportunities=self.opportunities)

    @rpc_method
    def list_trash(self, actor, record_types, query=None):
        actor, query = actor_of(actor), load_or_raise(contracts.TrashQuery(), query or {})
        return usecases.list_trash(self.db, actor=actor, record_types=contracts.record_types(record_types), **query)

    @rpc_method
    def restore_from_trash(self, actor, trash_id, record_types):
        actor = actor_of(actor)
        with self.db.begin():
            return usecases.restore(self.db, outbox=self.outbox, actor=actor, trash_id=path_id(trash_id),
                                    record_types=contracts.record_types(record_types))

    @rpc_method
    def purge_trash(self):
        """Run the purge now (the timer runs it hourly); for operators and tests."""
        with self.db.begin():
            return usecases.purge(self.db, outbox=self.outbox)

    @timer(interval=PURGE_INTERVAL)
    def purge_trash_periodically(self):
        with self.db.begin():
            usecases.purge(self.db, outbox=self.outbox)

    # Relations (C-5) and moves (C-7) ------------------------------------------------------------------
    @rpc_method
    def list_contact_relations(self, actor, contact_id):
        return usecases.list_relations(self.db, actor=actor_of(actor), contact_id=path_id(contact_id))

    @rpc_method
    def add_contact_relation(self, actor, contact_id, data):
        actor, data = actor_of(actor), load_or_raise(contracts.RelationCreate(), data)
        with self.db.begin():
            return usecases.add_relation(self.db, actor=actor, contact_id=path_id(contact_id), data=data)

    @rpc_method
    def remove_contact_relation(self, actor, contact_id, other_id):
        with self.db.begin():
            usecases.remove_relation(self.db, actor=actor_of(actor), contact_id=path_id(contact_id),
                                     other_id=path_id(other_id))

    @rpc_method
    def move_contact(self, actor, contact_id, data):
        actor, data = actor_of(actor), load_or_raise(contracts.ContactMove(), data)
        with self.db.begin():
            return usecases.move_contact(self.db, outbox=self.outbox, actor=actor, contact_id=path_id(contact_id),
                                         data=data)

    # Bulk (C-9, C-10) -------------------------------------------------------------------------------------
    @rpc_method
    def bulk_contacts(self, actor, data, unreadable=()):
        """``unreadable``: field permission keys the caller may not read (no criteria on them, as in search)."""
        actor, data = actor_of(actor), load_or_raise(contracts.BulkAction(), data)
        with self.db.begin():
            return usecases.bulk_action(self.db, outbox=self.outbox, actor=actor, data=data,
                                        unreadable=names(unreadable), opportunities=self.opportunities)

    @rpc_method
    def bulk_accounts(self, actor, data, unreadable=()):
        """As ``bulk_contacts``, on accounts: copy, move, remove from a list, delete with their contacts."""
        actor, data = actor_of(actor), load_or_raise(contracts.AccountBulkAction(), data)
        with self.db.begin():
            return usecases.bulk_accounts(self.db, outbox=self.outbox, actor=actor, data=data,
                                          unreadable=names(unreadable), opportunities=self.opportunities)
