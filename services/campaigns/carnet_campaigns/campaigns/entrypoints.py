"""Entrypoints of the campaigns area: parse (contracts) → use case → dump. ``usecases.py`` has the rules."""
from carnet_campaigns.arguments import actor_of, path_id
from carnet_campaigns.campaigns import usecases
from carnet_common.contracts import load_or_raise
from carnet_common.entrypoints import rpc_method
from carnet_contracts import campaigns as contracts


class CampaignsEntrypoints:
    """Mixed into CampaignsService (which provides ``db``, ``outbox`` and ``contacts``)."""

    @rpc_method(read_only=True)
    def list_campaigns(self, actor, query=None):
        actor, query = actor_of(actor), load_or_raise(contracts.CampaignQuery(), query or {})
        return usecases.list_campaigns(self.db, actor=actor, query=query)

    @rpc_method(read_only=True)
    def get_campaign(self, actor, campaign_id):
        return usecases.get_campaign(self.db, actor=actor_of(actor), campaign_id=path_id(campaign_id))

    @rpc_method
    def create_campaign(self, actor, data):
        actor, data = actor_of(actor), load_or_raise(contracts.CampaignCreate(), data)
        with self.db.begin():
            return usecases.create_campaign(self.db, actor=actor, data=data)

    @rpc_method
    def update_campaign(self, actor, campaign_id, data):
        actor, data = actor_of(actor), load_or_raise(contracts.CampaignUpdate(), data)
        with self.db.begin():
            return usecases.update_campaign(self.db, actor=actor, campaign_id=path_id(campaign_id), data=data)

    @rpc_method
    def delete_campaign(self, actor, campaign_id):
        actor = actor_of(actor)
        with self.db.begin():
            usecases.delete_campaign(self.db, actor=actor, campaign_id=path_id(campaign_id))

    @rpc_method
    def copy_campaign(self, actor, campaign_id):
        actor = actor_of(actor)
        with self.db.begin():
            return usecases.copy_campaign(self.db, actor=actor, campaign_id=path_id(campaign_id))

    @rpc_method
    def campaign_counters(self, actor, campaign_id):
        actor = actor_of(actor)
        with self.db.begin():
            return usecases.counters(self.db, actor=actor, campaign_id=path_id(campaign_id))

    @rpc_method
    def send_campaign(self, actor, campaign_id, data):
        actor, data = actor_of(actor), load_or_raise(contracts.CampaignVersion(), data)
        with self.db.begin():
            return usecases.send_campaign(self.db, outbox=self.outbox, actor=actor, campaign_id=path_id(campaign_id),
                                          version=data["version"])

    def _transition(self, actor, campaign_id, action):
        actor = actor_of(actor)
        with self.db.begin():
            return usecases.transition(self.db, outbox=self.outbox, actor=actor, campaign_id=path_id(campaign_id),
                                       action=action)

    @rpc_method
    def pause_campaign(self, actor, campaign_id):
        return self._transition(actor, campaign_id, "pause")

    @rpc_method
    def resume_campaign(self, actor, campaign_id):
        return self._transition(actor, campaign_id, "resume")

    @rpc_method
    def cancel_campaign(self, actor, campaign_id):
        return self._transition(actor, campaign_id, "cancel")

    @rpc_method(read_only=True)
    def campaign_progress(self, actor, campaign_id):
        return usecases.progress(self.db, actor=actor_of(actor), campaign_id=path_id(campaign_id))

    @rpc_method
    def send_single_email(self, actor, contact_id, sender, data):
        """``sender``: the caller's own ``{email, name}`` as the gateway read them from the principal (E-5)."""
        actor, data = actor_of(actor), load_or_raise(contracts.SingleEmailCreate(), data)
        sender = load_or_raise(contracts.Sender(), sender)
        with self.db.begin():
            return usecases.send_single(self.db, outbox=self.outbox, contacts=self.contacts, actor=actor,
                                        contact_id=path_id(contact_id), sender=sender, data=data)

    @rpc_method(read_only=True)
    def list_sent_emails(self, actor, query=None):
        actor, query = actor_of(actor), load_or_raise(contracts.SentEmailQuery(), query or {})
        return usecases.list_sent(self.db, actor=actor, query=query)
