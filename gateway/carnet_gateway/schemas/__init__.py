"""HTTP shapes of /api/v1 (marshmallow): what routes dump, and what OpenAPI documents. The bodies and queries
routes load and forward to a service are ``carnet_contracts``' (each module here re-exports those its routes
use), so the gateway and the service load the same declaration; what stays here is the gateway's own: responses,
pages, problems, the login."""
from marshmallow import fields

from carnet_common.contracts import Contract


class Problem(Contract):
    type = fields.String(required=True, metadata={"example": "urn:carnet:problem:validation"})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    code = fields.String(required=True, metadata={"description": "Stable machine-readable message key."})
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                         metadata={"description": "Field path → messages, for input errors."})
    request_id = fields.String()


def page_of(item_schema, name):
    return type(name, (Contract,), {
        "items": fields.List(fields.Nested(item_schema), required=True),
        "total": fields.Integer(required=True),
        "page": fields.Integer(required=True),
        "per_page": fields.Integer(required=True),
    })
