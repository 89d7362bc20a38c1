"""Entrypoints of the content area (E-2, E-8): parse (contracts) → use case → dump. usecases.py has the rules."""
from carnet_campaigns.arguments import actor_of, path_id
from carnet_campaigns.content import usecases
from carnet_common.contracts import load_or_raise
from carnet_common.entrypoints import rpc_method
from carnet_contracts import templates as contracts


class ContentEntrypoints:
    """Mixed into CampaignsService (which provides ``db`` and ``contacts``, the proxy to the contacts service)."""

    @rpc_method(read_only=True)
    def list_templates(self, actor):
        return usecases.list_templates(self.db, actor=actor_of(actor))

    @rpc_method(read_only=True)
    def get_template(self, actor, template_id):
        return usecases.get_template(self.db, actor=actor_of(actor), template_id=path_id(template_id))

    @rpc_method
    def create_template(self, actor, data):
        actor, data = actor_of(actor), load_or_raise(contracts.TemplateCreate(), data)
        with self.db.begin():
            return usecases.create_template(self.db, actor=actor, data=data)

    @rpc_method
    def update_template(self, actor, template_id, data):
        actor, data = actor_of(actor), load_or_raise(contracts.TemplateUpdate(), data)
        with self.db.begin():
            return usecases.update_template(self.db, actor=actor, template_id=path_id(template_id), data=data)

    @rpc_method
    def delete_template(self, actor, template_id):
        actor = actor_of(actor)
        with self.db.begin():
            usecases.delete_template(self.db, actor=actor, template_id=path_id(template_id))

    @rpc_method
    def create_template_from_campaign(self, actor, campaign_id, data=None):
        actor, data = actor_of(actor), load_or_raise(contracts.TemplateFromCampaign(), data or {})
        with self.db.begin():
            return usecases.template_from_campaign(self.db, actor=actor, campaign_id=path_id(campaign_id), data=data)

    @rpc_method(read_only=True)
    def preview_template(self, actor, template_id, query=None):
        actor, query = actor_of(actor), load_or_raise(contracts.PreviewQuery(), query or {})
        return usecases.preview_template(self.db, actor=actor, template_id=path_id(template_id),
                                         language=query.get("language"), contact_id=query.get("contact_id"),
                                         contacts=self.contacts)
