"""RPCs of the builder area (F-1, F-2): parse (contracts: ``carnet_contracts.forms``, the gateway's) → use case →
dump. usecases.py has the rules."""
from carnet_common.contracts import load_or_raise
from carnet_common.entrypoints import rpc_method
from carnet_contracts import forms as contracts
from carnet_forms.arguments import actor_of, path_id
from carnet_forms.builder import usecases


class BuilderEntrypoints:
    """Mixed into FormsService (which provides ``db`` and ``contacts``, the proxy to the contacts service)."""

    @rpc_method(read_only=True)
    def list_forms(self, actor):
        return usecases.list_forms(self.db, actor=actor_of(actor))

    @rpc_method(read_only=True)
    def get_form(self, actor, form_id):
        return usecases.get_form(self.db, actor=actor_of(actor), form_id=path_id(form_id))

    @rpc_method
    def create_form(self, actor, data):
        actor, data = actor_of(actor), load_or_raise(contracts.FormCreate(), data)
        with self.db.begin():
            return usecases.create_form(self.db, actor=actor, data=data, contacts=self.contacts)

    @rpc_method
    def update_form(self, actor, form_id, data):
        actor, data = actor_of(actor), load_or_raise(contracts.FormUpdate(), data)
        with self.db.begin():
            return usecases.update_form(self.db, actor=actor, form_id=path_id(form_id), data=data,
                                        contacts=self.contacts)

    @rpc_method
    def publish_form(self, actor, form_id):
        actor = actor_of(actor)
        with self.db.begin():
            return usecases.publish_form(self.db, actor=actor, form_id=path_id(form_id), contacts=self.contacts)

    @rpc_method
    def unpublish_form(self, actor, form_id):
        actor = actor_of(actor)
        with self.db.begin():
            return usecases.unpublish_form(self.db, actor=actor, form_id=path_id(form_id))

    @rpc_method
    def delete_form(self, actor, form_id):
        actor = actor_of(actor)
        with self.db.begin():
            usecases.delete_form(self.db, actor=actor, form_id=path_id(form_id))

    @rpc_method
    def rotate_webhook_secret(self, actor, form_id):
        actor = actor_of(actor)
        with self.db.begin():
            return usecases.rotate_webhook_secret(self.db, actor=actor, form_id=path_id(form_id))

    @rpc_method
    def list_form_versions(self, actor, form_id):
        actor = actor_of(actor)
        with self.db.begin():   # the form and its versions in one snapshot
            return usecases.list_form_versions(self.db, actor=actor, form_id=path_id(form_id))

    @rpc_method
    def get_form_version(self, actor, form_id, number):
        actor = actor_of(actor)
        with self.db.begin():
            return usecases.get_form_version(self.db, actor=actor, form_id=path_id(form_id), number=number)

    @rpc_method
    def form_field_catalog(self, actor, contacts_actor=None):
        """The catalogue of fields a form may hold. ``contacts_actor`` (the gateway's contacts shape) is accepted
        for the design's signature; the builder builds the shape it needs from ``actor`` (definitions only)."""
        return usecases.form_field_catalog(actor=actor_of(actor), contacts=self.contacts)
