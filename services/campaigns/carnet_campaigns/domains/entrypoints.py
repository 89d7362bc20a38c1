"""Entrypoints of the domains area (E-5, E-6): parse (contracts) → use case → dump. usecases.py has the design.

The approval RPCs (``list_pending_domains``, ``approve_domain``, ``refuse_domain``) take no actor: they are the
installation's administrator's, called by ``python -m carnet_campaigns.operator`` over the message bus; the gateway
never exposes them."""
from carnet_campaigns.arguments import actor_of, path_id
from carnet_campaigns.domains import usecases
from carnet_common.contracts import load_or_raise
from carnet_common.entrypoints import rpc_method
from carnet_contracts import sending_domains as contracts


class DomainsEntrypoints:
    """Mixed into CampaignsService (which provides ``db``)."""

    @rpc_method(read_only=True)
    def list_sending_domains(self, actor):
        return usecases.list_domains(self.db, actor=actor_of(actor))

    @rpc_method(read_only=True)
    def get_sending_domain(self, actor, domain_id):
        return usecases.get_domain(self.db, actor=actor_of(actor), domain_id=path_id(domain_id))

    @rpc_method(read_only=True)
    def usable_sending_domains(self, actor):
        """The domains the caller's organization may send from (the builder's select)."""
        return usecases.usable_domains(self.db, org_id=actor_of(actor)["org_id"])

    @rpc_method
    def add_sending_domain(self, actor, data):
        actor, data = actor_of(actor), load_or_raise(contracts.DomainCreate(), data)
        with self.db.begin():
            return usecases.add_domain(self.db, actor=actor, data=data)

    @rpc_method
    def check_sending_domain(self, actor, domain_id):
        actor = actor_of(actor)
        with self.db.begin():
            return usecases.check_domain(self.db, actor=actor, domain_id=path_id(domain_id))

    @rpc_method
    def delete_sending_domain(self, actor, domain_id):
        actor = actor_of(actor)
        with self.db.begin():
            usecases.delete_domain(self.db, actor=actor, domain_id=path_id(domain_id))

    # The installation's administrator (operator CLI); no actor.
    @rpc_method(read_only=True)
    def list_pending_domains(self):
        return usecases.list_pending_domains(self.db)

    @rpc_method
    def approve_domain(self, domain):
        with self.db.begin():
            return usecases.approve_domain(self.db, domain=domain)

    @rpc_method
    def refuse_domain(self, domain, reason):
        with self.db.begin():
            return usecases.refuse_domain(self.db, domain=domain, reason=reason)
