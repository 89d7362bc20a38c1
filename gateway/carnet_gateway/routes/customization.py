"""Custom fields (C-14), saved filters (C-12) and list layouts (C-15), served by the contacts service, except
the custom fields of opportunities: the opportunities service owns them (``/custom-fields/opportunities``, the
same operations with a ``product_type``).

Administrators manage custom fields and layouts (S-9); everyone reads them, without the fields their
role may not read (S-3) nor, except administrators on the custom-field routes, hidden ones. Saved
filters belong to their user: another user's filter is a 404.
"""
from carnet_contracts import permissions
from carnet_gateway import actors, services
from carnet_gateway.api import ADMIN, READ_ERRORS, WRITE_ERRORS, api
from carnet_gateway.records import unreadable_keys
from carnet_gateway.schemas import customization as s

FIELDS, FILTERS, LAYOUTS = ("custom fields",), ("filters",), ("layouts",)
# The opportunities service's custom-field RPCs read the caller's language; they filter no records.
OPPORTUNITY_FIELDS_ACTOR = actors.Shape(visibility=True, language=True)


def _readable_field(principal, module, key):
    return principal["is_admin"] or permissions.may_field(principal, module, f"custom.{key}", "read")


@api.route("/custom-fields/{module}", "GET", response=s.CustomFieldRead, many=True, tags=FIELDS,
           errors=READ_ERRORS, summary="Custom fields of contacts or accounts (hidden ones: administrators only)")
def list_custom_fields(call):
    module = call.path["module"]
    found = services.contacts.call("list_custom_fields", call.actor(actors.CONTACTS), module)
    return [field for field in found if _readable_field(call.principal, module, field["key"])]


@api.route("/custom-fields/{module}", "POST", auth=ADMIN, body=s.CustomFieldCreate, response=s.CustomFieldRead,
           status=201, tags=FIELDS, errors=WRITE_ERRORS,
           summary="Add a custom field (at most 70 per module; key unique per module: 409)")
def create_custom_field(call):
    return services.contacts.call("create_custom_field", call.actor(actors.CONTACTS), call.path["module"], call.body)


@api.route("/custom-fields/{module}/{key}", "PATCH", auth=ADMIN, body=s.CustomFieldUpdate,
           response=s.CustomFieldRead, tags=FIELDS, errors=WRITE_ERRORS,
           summary="Change a custom field's labels, hidden flag, height or choices (never its key or type)")
def update_custom_field(call):
    return services.contacts.call("update_custom_field", call.actor(actors.CONTACTS), call.path["module"],
                                  call.path["key"], call.body)


@api.route("/custom-fields/{module}/{key}", "DELETE", auth=ADMIN, status=204, tags=FIELDS, errors=READ_ERRORS,
           summary="Delete a custom field and its values on every record")
def delete_custom_field(call):
    services.contacts.call("delete_custom_field", call.actor(actors.CONTACTS), call.path["module"], call.path["key"])


# Opportunity custom fields (C-14), owned by the opportunities service: the same RPCs as contacts' --------------
# Static paths: werkzeug matches them before ``/custom-fields/{module}``.

OPPORTUNITIES = "opportunities"


@api.route("/custom-fields/opportunities", "GET", response=s.OpportunityCustomFieldRead, many=True, tags=FIELDS,
           errors=READ_ERRORS, summary="Custom fields of opportunities, with the product type a field is tied to "
                                       "(hidden ones: administrators only)")
def list_opportunity_custom_fields(call):
    found = services.opportunities.call("list_custom_fields", call.actor(OPPORTUNITY_FIELDS_ACTOR), OPPORTUNITIES)
    return [field for field in found if _readable_field(call.principal, OPPORTUNITIES, field["key"])]


@api.route("/custom-fields/opportunities", "POST", auth=ADMIN, body=s.OpportunityCustomFieldCreate,
           response=s.OpportunityCustomFieldRead, status=201, tags=FIELDS, errors=WRITE_ERRORS,
           summary="Add a custom field to opportunities, optionally tied to a product type (at most 70; key "
                   "unique: 409)")
def create_opportunity_custom_field(call):
    return services.opportunities.call("create_custom_field", call.actor(OPPORTUNITY_FIELDS_ACTOR), OPPORTUNITIES,
                                       call.body)


@api.route("/custom-fields/opportunities/{key}", "PATCH", auth=ADMIN, body=s.OpportunityCustomFieldUpdate,
           response=s.OpportunityCustomFieldRead, tags=FIELDS, errors=WRITE_ERRORS,
           summary="Change an opportunity field's labels, hidden flag, height, choices or product type (never its "
                   "key or type)")
def update_opportunity_custom_field(call):
    return services.opportunities.call("update_custom_field", call.actor(OPPORTUNITY_FIELDS_ACTOR), OPPORTUNITIES,
                                       call.path["key"], call.body)


@api.route("/custom-fields/opportunities/{key}", "DELETE", auth=ADMIN, status=204, tags=FIELDS, errors=READ_ERRORS,
           summary="Delete an opportunity custom field and its values on every opportunity")
def delete_opportunity_custom_field(call):
    services.opportunities.call("delete_custom_field", call.actor(OPPORTUNITY_FIELDS_ACTOR), OPPORTUNITIES,
                                call.path["key"])


@api.route("/filters/{module}", "GET", response=s.FilterRead, many=True, tags=FILTERS, errors=READ_ERRORS,
           summary="The caller's saved filters of a module (contacts or accounts)")
def list_filters(call):
    return services.contacts.call("list_filters", call.actor(actors.CONTACTS), call.path["module"])


@api.route("/filters/{module}", "POST", body=s.FilterCreate, response=s.FilterRead, status=201, tags=FILTERS,
           errors=WRITE_ERRORS, summary="Save criteria under a name (validated: 422 naming the bad path)")
def create_filter(call):
    return services.contacts.call("create_filter", call.actor(actors.CONTACTS), call.path["module"], call.body,
                                  unreadable_keys(call.principal))


@api.route("/filters/{module}/{filter_id}", "PATCH", body=s.FilterUpdate, response=s.FilterRead, tags=FILTERS,
           errors=WRITE_ERRORS, summary="Rename a saved filter or change its criteria")
def update_filter(call):
    return services.contacts.call("update_filter", call.actor(actors.CONTACTS), call.path["module"],
                                  call.path["filter_id"], call.body, unreadable_keys(call.principal))


@api.route("/filters/{module}/{filter_id}", "DELETE", status=204, tags=FILTERS, errors=READ_ERRORS,
           summary="Delete a saved filter")
def delete_filter(call):
    services.contacts.call("delete_filter", call.actor(actors.CONTACTS), call.path["module"], call.path["filter_id"])


@api.route("/layouts/{module}", "GET", response=s.LayoutRead, tags=LAYOUTS, errors=READ_ERRORS,
           summary="The list columns of contacts or accounts, and the caller's remembered sort")
def get_layout(call):
    layout = services.contacts.call("get_layout", call.actor(actors.CONTACTS), call.path["module"])
    return _readable_layout(call.principal, call.path["module"], layout)


@api.route("/layouts/{module}", "PUT", auth=ADMIN, body=s.LayoutPut, response=s.LayoutRead, tags=LAYOUTS,
           errors=WRITE_ERRORS, summary="Set the list columns (unknown fields: 422)")
def put_layout(call):
    layout = services.contacts.call("put_layout", call.actor(actors.CONTACTS), call.path["module"], call.body)
    return _readable_layout(call.principal, call.path["module"], layout)


def _readable_layout(principal, module, layout):
    columns = [[name for name in column if permissions.may_field(principal, module, name, "read")]
               for column in layout["columns"]]
    return {**layout, "columns": [column for column in columns if column]}
