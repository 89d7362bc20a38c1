"""RPC entrypoints of enrichment (C-6): parse (contracts) → use case → result.

The provider is a dependency of the service (``providers.EnrichmentProvider``, chosen by ``ENRICHMENT_PROVIDER``),
passed to the use case. A proposal runs outside any transaction (``read_only``): its lookup may take the fetch's
whole deadline (3 s), during which no row stays locked and no connection idles in a transaction."""
from carnet_common.contracts import load_or_raise
from carnet_common.entrypoints import rpc_method
from carnet_contacts.contracts import actor_of, path_id
from carnet_contacts.enrichment import contracts, usecases
from carnet_contacts.enrichment.providers import EnrichmentProvider


class EnrichmentRpc:
    """Mixed into ContactsService (which provides ``db``, ``outbox``, ...)."""

    enrichment_provider = EnrichmentProvider()

    @rpc_method(read_only=True)
    def propose_contact_enrichment(self, actor, contact_id, authority):
        """``{contact_id, version, provider, outcome, source, proposals: [{field, current, proposed}],
        other_facts}``; writes nothing."""
        actor, authority = actor_of(actor), load_or_raise(contracts.Authority(), authority)
        return usecases.propose(self.db, actor=actor, contact_id=path_id(contact_id),
                                readable=authority["readable"], primary_allowed=authority["primary_allowed"],
                                provider=self.enrichment_provider)

    @rpc_method
    def apply_contact_enrichment(self, actor, contact_id, data, authority):
        """The contact as updated with the chosen fields (its read, as ``update_contact`` answers)."""
        actor = actor_of(actor)
        data = load_or_raise(contracts.EnrichmentApply(), data)
        authority = load_or_raise(contracts.Authority(), authority)
        with self.db.begin():
            return usecases.apply(self.db, outbox=self.outbox, actor=actor, contact_id=path_id(contact_id),
                                  data=data, primary_allowed=authority["primary_allowed"])
