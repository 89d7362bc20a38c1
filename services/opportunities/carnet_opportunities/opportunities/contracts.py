"""RPC contracts of stages, opportunities, their custom fields and their export. What the gateway loads and
forwards is declared once for both sides in ``carnet_contracts`` (``opportunities``, as this service loads it:
money and quantities as ``Decimal``, the close date as a ``date``; ``customization`` for the custom fields, with a
product type, O-2), the caller in ``carnet_contracts.actors`` (also the caller of the delete conversation,
``readmodel``); the names here are those the entrypoints use. Only this service's own stays here: the imports
from accounting and the custom keys an export leaves out."""
from marshmallow import fields, validate

from carnet_common.contracts import text
from carnet_contracts import actors, customization, opportunities
from carnet_contracts.opportunities import OpportunityQuery as OpportunityQuery
from carnet_contracts.opportunities import StageUpdate as StageUpdate
from carnet_contracts.opportunities import SubstageCreate as SubstageCreate
from carnet_contracts.opportunities import SubstageUpdate as SubstageUpdate

EXTERNAL_SOURCES = ("acomba", "quickbooks")
Actor = actors.OpportunitiesActor
LineIn = opportunities.ParsedLineIn
OpportunityCreate = opportunities.ParsedOpportunityCreate
OpportunityUpdate = opportunities.ParsedOpportunityUpdate
CustomFieldCreate = customization.OpportunityCustomFieldCreate
CustomFieldUpdate = customization.OpportunityCustomFieldUpdate


class OpportunityImport(OpportunityCreate):
    """An opportunity from an accounting system (A-8), read-only here (O-7): where it comes from."""
    source = fields.String(required=True, validate=validate.OneOf(EXTERNAL_SOURCES))
    external_ref = text(max_length=200)


def denied_custom(values):
    """The custom keys the caller may not read (S-3: the gateway passes them to an export), whatever the caller
    sent (non-strings are no keys)."""
    return sorted({v for v in values if isinstance(v, str)}) if isinstance(values, (list, tuple)) else []
