"""Automations (AU-1): what ``/api/v1/automations`` takes and the contacts service loads again, and what it answers.
The criteria are C-12's JSON, compiled by the service (the records area's criteria) against the caller's fields."""
from marshmallow import ValidationError, fields, validates_schema

from carnet_common.contracts import Contract, StrictBoolean, identifier, text
from carnet_contracts.customization import CRITERIA_DOC

CRITERIA_EXAMPLE = {"op": "or", "items": [{"field": "first_name", "cmp": "empty"},
                                          {"field": "first_name", "cmp": "not_empty"}]}
TRIGGERS = ("manual", "change")
RUN_STATUSES = ("queued", "running", "done", "failed")


class AutomationUpdate(Contract):
    name = text(max_length=100, metadata={"example": "Montréal → Infolettre"})
    source_list_id = identifier(metadata={"description": "The list whose contacts are copied (one the caller may "
                                                         "access)."})
    target_list_id = identifier(metadata={"description": "The list they are copied into (one the caller may "
                                                         "access; not the source)."})
    criteria = fields.Dict(metadata={"description": CRITERIA_DOC, "example": CRITERIA_EXAMPLE})
    on_change = StrictBoolean(metadata={"description": "Also copy a contact of the source list when it changes "
                                                       "(created, edited, added to a list, moved, restored)."})

    @validates_schema
    def _two_lists(self, data, **kwargs):
        if data.get("source_list_id") and data.get("source_list_id") == data.get("target_list_id"):
            raise ValidationError("automation_same_list", "target_list_id")


class AutomationCreate(AutomationUpdate):
    name = text(required=True, max_length=100, metadata={"example": "Montréal → Infolettre"})
    source_list_id = identifier(required=True)
    target_list_id = identifier(required=True)
    criteria = fields.Dict(required=True, metadata={"description": CRITERIA_DOC, "example": CRITERIA_EXAMPLE})
    on_change = StrictBoolean(load_default=False)


class AutomationRun(Contract):
    """The latest run of an automation: on demand (``manual``, a job) or on a contact's change (``change``)."""
    trigger = fields.String(metadata={"enum": list(TRIGGERS)})
    status = fields.String(metadata={"enum": list(RUN_STATUSES)})
    job_id = fields.String(allow_none=True, metadata={"description": "The job of a manual run (GET /jobs/{id})."})
    contact_id = fields.String(allow_none=True, metadata={"description": "The contact whose change ran it."})
    matched = fields.Integer(allow_none=True, metadata={"description": "Contacts of the source list that matched."})
    added = fields.Integer(allow_none=True, metadata={"description": "Of them, those copied into the target list "
                                                                    "(the others were in it already)."})
    error = fields.String(allow_none=True, metadata={"description": "Why it failed, in the caller's language."})
    at = fields.String(metadata={"description": "When it was queued or ran (UTC)."})


class AutomationRead(Contract):
    id = fields.String()
    name = fields.String()
    source_list_id = fields.String()
    target_list_id = fields.String()
    criteria = fields.Dict(metadata={"example": CRITERIA_EXAMPLE})
    on_change = fields.Boolean()
    created_by = fields.String()
    last_run = fields.Nested(AutomationRun, allow_none=True)
    changes_handled = fields.Integer(metadata={"description": "Contact changes it was asked about (on change)."})
    version = fields.Integer()
    created_at = fields.String()
    updated_at = fields.String()
