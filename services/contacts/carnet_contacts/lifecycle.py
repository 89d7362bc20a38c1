"""Entrypoints of the contacts service for relations (C-5), moves between accounts (C-7), bulk actions (C-9),
trash, restore and purge (C-10), with their RPC contracts (the gateway keeps its own copy in
``carnet_gateway/schemas/lifecycle.py``; tests/contract compares them)."""
from marshmallow import ValidationError, fields, validate, validates_schema
from nameko.timer import timer

from carnet_common.contracts import Contract, StrictBoolean, identifier, load_or_raise, text
from carnet_common.entrypoints import rpc_method
from carnet_contacts import bulk, contracts, relations, trash

BULK_ACTIONS = ("copy_to_list", "move_to_list", "delete")
DEPENDENTS = ("delete", "reattach")
PURGE_INTERVAL = 3600  # seconds; a purge is idempotent, so a missed or doubled run changes nothing


class RelationCreate(Contract):
    other_id = identifier(required=True)
    label = text(required=True, max_length=100)


class ContactMove(Contract):
    account_id = identifier(required=True)


def _dependents():
    """C-10: what hangs on the deleted records (opportunities, tasks) is deleted with them, or reattached
    (``trash.py``)."""
    return fields.String(load_default="reattach", validate=validate.OneOf(DEPENDENTS))


class DeleteOptions(Contract):
    delete_account = fields.Boolean(load_default=False)
    dependents = _dependents()


class DeleteAccountOptions(Contract):
    dependents = _dependents()


class TrashQuery(Contract):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class BulkAction(Contract):
    action = fields.String(required=True, validate=validate.OneOf(BULK_ACTIONS))
    ids = fields.List(identifier(), validate=validate.Length(min=1, max=bulk.MAX_RECORDS))
    q = fields.String(validate=validate.Length(max=500))
    criteria = fields.Dict()
    list_id = identifier()
    from_list_id = identifier()
    delete_empty_accounts = StrictBoolean()
    dependents = _dependents()

    @validates_schema
    def _selection_and_lists(self, data, **kwargs):
        if ("ids" in data) == ("q" in data or "criteria" in data):
            raise ValidationError("bulk_selection_required", "ids")
        if data.get("action") in ("copy_to_list", "move_to_list") and "list_id" not in data:
            raise ValidationError("Missing data for required field.", "list_id")
        if data.get("action") == "move_to_list" and "from_list_id" not in data:
            raise ValidationError("Missing data for required field.", "from_list_id")


RECORD_TYPES = ("contact", "account")


def _actor(actor):
    return load_or_raise(contracts.Actor(), actor)


def _id(value):
    return value if isinstance(value, str) and 0 < len(value) <= 64 else ""


def _types(record_types):
    if not isinstance(record_types, list) or not set(record_types) <= set(RECORD_TYPES):
        raise ValidationError({"record_types": ["Invalid value."]})
    return record_types


class LifecycleRpc:
    """Mixed into ContactsService (which provides ``db`` and ``outbox``)."""

    # Deletes and the trash (C-10) ---------------------------------------------------------------------
    @rpc_method
    def trash_contact(self, actor, contact_id, options=None):
        """DELETE /contacts/{id}: to the trash; ``delete_account`` also trashes an account left empty."""
        actor, options = _actor(actor), load_or_raise(DeleteOptions(), options or {})
        with self.db.begin():
            return trash.delete_contact(self.db, outbox=self.outbox, actor=actor, contact_id=_id(contact_id),
                                        delete_account=options["delete_account"],
                                        dependents=options["dependents"])

    @rpc_method
    def trash_account(self, actor, account_id, options=None):
        """DELETE /accounts/{id}: to the trash with its contacts; ``dependents`` as for a contact."""
        actor, options = _actor(actor), load_or_raise(DeleteAccountOptions(), options or {})
        with self.db.begin():
            return trash.delete_account(self.db, outbox=self.outbox, actor=actor, account_id=_id(account_id),
                                        dependents=options["dependents"])

    @rpc_method
    def preview_delete(self, actor, record_type, record_id):
        if record_type not in RECORD_TYPES:
            raise ValidationError({"record_type": ["Invalid value."]})
        return trash.delete_preview(self.db, actor=_actor(actor), record_type=record_type, record_id=_id(record_id))

    @rpc_method
    def list_trash(self, actor, record_types, query=None):
        actor, query = _actor(actor), load_or_raise(TrashQuery(), query or {})
        return trash.list_trash(self.db, actor=actor, record_types=_types(record_types), **query)

    @rpc_method
    def restore_from_trash(self, actor, trash_id, record_types):
        actor = _actor(actor)
        with self.db.begin():
            return trash.restore(self.db, outbox=self.outbox, actor=actor, trash_id=_id(trash_id),
                                 record_types=_types(record_types))

    @rpc_method
    def purge_trash(self):
        """Run the purge now (the timer runs it hourly); for operators and tests."""
        with self.db.begin():
            return trash.purge(self.db, outbox=self.outbox)

    @timer(interval=PURGE_INTERVAL)
    def purge_trash_periodically(self):
        with self.db.begin():
            trash.purge(self.db, outbox=self.outbox)

    # Relations (C-5) and moves (C-7) ------------------------------------------------------------------
    @rpc_method
    def list_contact_relations(self, actor, contact_id):
        return relations.list_relations(self.db, actor=_actor(actor), contact_id=_id(contact_id))

    @rpc_method
    def add_contact_relation(self, actor, contact_id, data):
        actor, data = _actor(actor), load_or_raise(RelationCreate(), data)
        with self.db.begin():
            return relations.add_relation(self.db, actor=actor, contact_id=_id(contact_id), data=data)

    @rpc_method
    def remove_contact_relation(self, actor, contact_id, other_id):
        with self.db.begin():
            relations.remove_relation(self.db, actor=_actor(actor), contact_id=_id(contact_id),
                                      other_id=_id(other_id))

    @rpc_method
    def move_contact(self, actor, contact_id, data):
        actor, data = _actor(actor), load_or_raise(ContactMove(), data)
        with self.db.begin():
            return relations.move_contact(self.db, outbox=self.outbox, actor=actor, contact_id=_id(contact_id),
                                          data=data)

    # Bulk (C-9, C-10) -------------------------------------------------------------------------------------
    @rpc_method
    def bulk_contacts(self, actor, data, unreadable=()):
        """``unreadable``: field permission keys the caller may not read (no criteria on them, as in search)."""
        actor, data = _actor(actor), load_or_raise(BulkAction(), data)
        unreadable = [v for v in unreadable if isinstance(v, str)] if isinstance(unreadable, (list, tuple)) else []
        with self.db.begin():
            return bulk.run(self.db, outbox=self.outbox, actor=actor, data=data, unreadable=unreadable)
