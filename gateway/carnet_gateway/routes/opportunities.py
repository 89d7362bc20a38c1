"""Stages (O-3), opportunities and their product lines (O-1, O-2, O-4..O-7) and their export (O-6), served
by the opportunities service (``carnet_opportunities``).

Visibility is the service's, decided on its read model of contacts: the gateway supplies the caller's
selected accessible lists (asked of contacts once per request) with the flags and subordinates of the
principal (``actors.OPPORTUNITIES``). Module permissions
(opportunities read/write/delete/export) are declared beside each route. Reps are active users of the caller's
organization (``user_refs.py``).

Field permissions (S-3, ``carnet_contracts.permissions``) cover the standard fields (``opportunities.total``) and
the custom ones (``opportunities.custom.<key>``, C-14) alike: an unreadable field is left out of every response and
export, writing an unwritable one is a 403 naming it, and a filter over one (``stage``, ``q``…) is a 403 naming it.
A value tied to others shows only when they are readable: ``probability`` with the stage, ``lines`` with the total,
``account_name`` with ``accounts.name``, ``contact_name`` with the contact's name and email fields.
"""
import base64

from carnet_contracts import permissions
from carnet_gateway import actors, services, user_refs
from carnet_gateway.api import ADMIN, READ_ERRORS, SEARCH_ERRORS, WRITE_ERRORS, api
from carnet_gateway.routes import exports
from carnet_gateway.schemas import exports as export_schemas
from carnet_gateway.schemas import opportunities as s

# Field permissions (S-3) --------------------------------------------------------------------------------------

MODULE = "opportunities"
ALWAYS_READABLE = ("id", "version", "created_at", "updated_at")
# The fields each filter of the list and the export selects on.
QUERY_FIELDS = {"account_id": ("account_id",), "contact_id": ("contact_id",), "stage": ("stage_id",),
                "q": ("title", "account_name")}


def readable(principal, opportunity):
    """``opportunity`` without the fields (standard and custom) the caller's role may not read."""
    return permissions.readable(principal, MODULE, opportunity, s.OpportunityRead._declared_fields,
                                always=ALWAYS_READABLE)


def readable_page(principal, page):
    return {**page, "items": [readable(principal, item) for item in page["items"]]}


def check_writable(principal, body):
    """403 naming the first field of ``body`` the role may not write (``version`` is no field)."""
    names = [key for key in body if key not in ("version", "custom")]
    permissions.refuse_unwritable(principal, MODULE, names + [f"custom.{key}" for key in body.get("custom") or {}])


def check_query(principal, query):
    """403 naming the field a filter of ``query`` selects on when the role may not read it."""
    permissions.refuse_unreadable(principal, MODULE, {key: QUERY_FIELDS[key] for key in query if key in QUERY_FIELDS})


def standard_fields(principal):
    """The standard fields the role may read: an export's columns, and what decides the list's order (O-4 sorts
    on the stage and the close date: without them, the oldest created first)."""
    return permissions.readable_names(principal, MODULE, [name for name in s.OpportunityRead._declared_fields
                                                          if name != "custom"])


STAGES, OPPORTUNITIES = ("stages",), ("opportunities",)


# Stages (O-3) -----------------------------------------------------------------------------------------------

@api.route("/stages", "GET", response=s.StageRead, many=True, tags=STAGES, permission=("opportunities", "read"),
           errors=(401, 403), summary="The stages with their fixed probabilities and colours, labels in the "
                                      "caller's language (and both), and their sub-stages")
def list_stages(call):
    return services.opportunities.call("list_stages", call.actor(actors.OPPORTUNITIES))


@api.route("/stages/{stage_id}", "PATCH", auth=ADMIN, body=s.StageUpdate, response=s.StageRead, tags=STAGES,
           errors=WRITE_ERRORS, summary="Rename a stage (labels only: probability and colour are fixed, 422)")
def rename_stage(call):
    return services.opportunities.call("rename_stage", call.actor(actors.OPPORTUNITIES), call.path["stage_id"],
                                       call.body)


@api.route("/stages/{stage_id}/substages", "POST", auth=ADMIN, body=s.SubstageCreate, response=s.SubstageRead,
           status=201, tags=STAGES, errors=WRITE_ERRORS,
           summary="Add a sub-stage under a stage; `locked` for one an accounting sync uses")
def add_substage(call):
    return services.opportunities.call("add_substage", call.actor(actors.OPPORTUNITIES), call.path["stage_id"],
                                       call.body)


@api.route("/substages/{substage_id}", "PATCH", auth=ADMIN, body=s.SubstageUpdate, response=s.SubstageRead,
           tags=STAGES, errors=WRITE_ERRORS, summary="Rename a sub-stage; a locked one refuses (409)")
def rename_substage(call):
    return services.opportunities.call("rename_substage", call.actor(actors.OPPORTUNITIES),
                                       call.path["substage_id"], call.body)


# Opportunities (O-1, O-2, O-4, O-5, O-7) ---------------------------------------------------------------------

@api.route("/opportunities", "GET", query=s.OpportunityQuery, response=s.OpportunityPage, tags=OPPORTUNITIES,
           permission=("opportunities", "read"), errors=SEARCH_ERRORS,
           summary="The visible opportunities, 1–99 % first by oldest close date, then 0 % and 100 % newest "
                   "first (O-4); on an account, a contact (and its account), a stage, or q in the title")
def search_opportunities(call):
    check_query(call.principal, call.query)
    page = services.opportunities.call("search_opportunities", call.actor(actors.OPPORTUNITIES), call.query,
                                       standard_fields(call.principal))
    return readable_page(call.principal, page)


@api.route("/opportunities", "POST", body=s.OpportunityCreate, response=s.OpportunityRead, status=201,
           tags=OPPORTUNITIES, permission=("opportunities", "write"), errors=WRITE_ERRORS,
           summary="Create an opportunity on a visible account (404 otherwise), optionally a contact of it, "
                   "with product lines; totals are computed (O-5)")
def create_opportunity(call):
    check_writable(call.principal, call.body)
    user_refs.check_users(call, user_refs.reps(call.body))
    created = services.opportunities.call("create_opportunity", call.actor(actors.OPPORTUNITIES), call.body)
    return readable(call.principal, created)


@api.route("/opportunities/export.xlsx", "GET", query=s.ExportQuery, permission=("opportunities", "export"),
           response=export_schemas.JobStarted, status=202, tags=OPPORTUNITIES, errors=exports.EXPORT_ERRORS,
           extra_responses={200: {"description": "The file, up to EXPORT_SYNC_MAX_ROWS (5,000) opportunities",
                                  **exports.FILE}},
           summary="Export the opportunities the filters select to .xlsx (O-6), in O-4 order; 202 and a job "
                   "above 5,000 (poll GET /jobs/{id}, then download); 429 past the caps on queued jobs, as contacts' "
                   "exports")
def export_opportunities(call):
    check_query(call.principal, call.query)
    denied = permissions.denied_custom(call.principal, MODULE)
    result = services.opportunities.call("export_opportunities", call.actor(actors.OPPORTUNITIES), call.query,
                                         denied, standard_fields(call.principal))
    if "job_id" in result:
        return exports.job_started(result["job_id"])
    return exports.attachment(base64.b64decode(result["content"]), result["filename"],
                              **{"X-Export-Rows": str(result["rows"])})


@api.route("/opportunities/{opportunity_id}", "GET", response=s.OpportunityRead, tags=OPPORTUNITIES,
           permission=("opportunities", "read"), errors=READ_ERRORS,
           summary="One opportunity with its lines (404 when absent or its account is not visible)")
def get_opportunity(call):
    found = services.opportunities.call("get_opportunity", call.actor(actors.OPPORTUNITIES),
                                        call.path["opportunity_id"])
    return readable(call.principal, found)


@api.route("/opportunities/{opportunity_id}", "PATCH", body=s.OpportunityUpdate, response=s.OpportunityRead,
           tags=OPPORTUNITIES, permission=("opportunities", "write"), errors=WRITE_ERRORS,
           summary="Update an opportunity; `lines` replaces them all; 409 when it comes from accounting (O-7)")
def update_opportunity(call):
    check_writable(call.principal, call.body)
    actor, opportunity_id = call.actor(actors.OPPORTUNITIES), call.path["opportunity_id"]
    user_refs.check_users(call, user_refs.reps(call.body),
                          held=lambda: services.opportunities.call("get_opportunity", actor, opportunity_id))
    updated = services.opportunities.call("update_opportunity", actor, opportunity_id, call.body)
    return readable(call.principal, updated)


@api.route("/opportunities/{opportunity_id}", "DELETE", status=204, tags=OPPORTUNITIES,
           permission=("opportunities", "delete"), errors=(401, 403, 404, 409),
           summary="Delete an opportunity; 409 when it comes from accounting (O-7)")
def delete_opportunity(call):
    services.opportunities.call("delete_opportunity", call.actor(actors.OPPORTUNITIES), call.path["opportunity_id"])
