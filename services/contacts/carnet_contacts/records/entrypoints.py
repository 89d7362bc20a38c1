"""RPC entrypoints of contacts and accounts: reads, writes, memberships, history and search (C-2..C-17).
Parse (contracts) → use case → result; deleting is the lifecycle area's (to the trash, C-10)."""
from carnet_common.contracts import load_or_raise
from carnet_common.entrypoints import rpc_method
from carnet_contacts.contracts import Actor, names, path_id
from carnet_contacts.records import contracts, usecases

# The contracts of the hot reads, built once: a marshmallow schema keeps no state between loads, and building one
# (its fields bound, its nested schemas) cost more than the load (``Schema.__init__`` was 6 % of the service's CPU
# on a get-by-id, issue 9 §3 cut 15).
ACTOR = Actor()
SEARCH_QUERY = contracts.SearchQuery()


def actor_of(value):
    """The caller as the gateway sent it, checked (``InvalidInput`` otherwise), by the one ``ACTOR``."""
    return load_or_raise(ACTOR, value)


class RecordsRpc:
    """Mixed into ContactsService (which provides ``db`` and ``outbox``)."""

    # Contacts ----------------------------------------------------------------------------------------
    @rpc_method
    def search_contacts(self, actor, query=None, unreadable=()):
        """``unreadable``: field permission keys the caller may not read (no criteria or sort on them)."""
        actor, query = actor_of(actor), load_or_raise(SEARCH_QUERY, query or {})
        with self.db.begin():  # the sort used is remembered (C-15)
            return usecases.search_records(self.db, actor=actor, record_type="contact", query=query,
                                           unreadable=names(unreadable))

    @rpc_method(read_only=True)  # one statement (records/repository read_visible)
    def get_contact(self, actor, contact_id):
        return usecases.get_record(self.db, actor=actor_of(actor), record_type="contact",
                                   record_id=path_id(contact_id))

    @rpc_method
    def create_contact(self, actor, data):
        actor, data = actor_of(actor), load_or_raise(contracts.ContactCreate(), data)
        with self.db.begin():
            return usecases.create_contact(self.db, outbox=self.outbox, actor=actor, data=data)

    @rpc_method
    def update_contact(self, actor, contact_id, data):
        actor, data = actor_of(actor), load_or_raise(contracts.ContactUpdate(), data, partial=True)
        with self.db.begin():
            return usecases.update_contact(self.db, outbox=self.outbox, actor=actor,
                                           contact_id=path_id(contact_id), data=data)

    @rpc_method
    def set_contact_lists(self, actor, contact_id, data):
        actor, data = actor_of(actor), load_or_raise(contracts.ListIds(), data)
        with self.db.begin():
            return usecases.set_record_lists(self.db, outbox=self.outbox, actor=actor, record_type="contact",
                                             record_id=path_id(contact_id), data=data)

    @rpc_method
    def get_contact_history(self, actor, contact_id):
        return usecases.get_history(self.db, actor=actor_of(actor), record_type="contact",
                                    record_id=path_id(contact_id))

    # Accounts ----------------------------------------------------------------------------------------
    @rpc_method
    def search_accounts(self, actor, query=None, unreadable=()):
        """``unreadable``: field permission keys the caller may not read (no criteria or sort on them)."""
        actor, query = actor_of(actor), load_or_raise(SEARCH_QUERY, query or {})
        with self.db.begin():  # the sort used is remembered (C-15)
            return usecases.search_records(self.db, actor=actor, record_type="account", query=query,
                                           unreadable=names(unreadable))

    @rpc_method(read_only=True)  # one statement (records/repository read_visible)
    def get_account(self, actor, account_id):
        return usecases.get_record(self.db, actor=actor_of(actor), record_type="account",
                                   record_id=path_id(account_id))

    @rpc_method
    def create_account(self, actor, data):
        actor, data = actor_of(actor), load_or_raise(contracts.AccountCreate(), data)
        with self.db.begin():
            return usecases.create_account(self.db, outbox=self.outbox, actor=actor, data=data)

    @rpc_method
    def update_account(self, actor, account_id, data):
        actor, data = actor_of(actor), load_or_raise(contracts.AccountUpdate(), data, partial=True)
        with self.db.begin():
            return usecases.update_account(self.db, outbox=self.outbox, actor=actor,
                                           account_id=path_id(account_id), data=data)

    @rpc_method
    def set_account_lists(self, actor, account_id, data):
        actor, data = actor_of(actor), load_or_raise(contracts.ListIds(), data)
        with self.db.begin():
            return usecases.set_record_lists(self.db, outbox=self.outbox, actor=actor, record_type="account",
                                             record_id=path_id(account_id), data=data)

    @rpc_method
    def get_account_history(self, actor, account_id):
        return usecases.get_history(self.db, actor=actor_of(actor), record_type="account",
                                    record_id=path_id(account_id))

    @rpc_method
    def list_account_contacts(self, actor, account_id, query=None, unreadable=()):
        actor, query = actor_of(actor), load_or_raise(SEARCH_QUERY, query or {})
        return usecases.search_records(self.db, actor=actor, record_type="contact", query=query,
                                       account_id=path_id(account_id), unreadable=names(unreadable))

    @rpc_method
    def create_account_contact(self, actor, account_id, data):
        actor, data = actor_of(actor), load_or_raise(contracts.AccountContactCreate(), data)
        with self.db.begin():
            return usecases.create_contact(self.db, outbox=self.outbox, actor=actor, data=data,
                                           account_id=path_id(account_id))
