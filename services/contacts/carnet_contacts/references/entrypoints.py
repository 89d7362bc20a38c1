"""RPC entrypoint of the read-through (``references/usecases.py`` says what it answers): parse → use case."""
from carnet_common.contracts import load_or_raise
from carnet_common.entrypoints import rpc_method
from carnet_contacts.contracts import actor_of
from carnet_contacts.references import contracts, usecases


class ReferencesRpc:
    """Mixed into ContactsService (which provides ``db``)."""

    @rpc_method
    def get_record_refs(self, actor, refs):
        """The contacts and accounts ``refs`` names (``{"contact": [ids], "account": [ids]}``), as a read model of
        them holds them, for ``actor``."""
        actor, refs = actor_of(actor), load_or_raise(contracts.RecordRefsQuery(), refs)
        return usecases.record_refs(self.db, actor=actor, refs=refs)
