"""Merges of duplicate contacts and accounts (C-20 merge and undo), served by the contacts service
(``carnet_contacts/merges/``): a preview (dry run), the merge, its undo within 30 days, the list of merges.

Authorization. Both records must be ones the caller sees (404 otherwise, as their GET; another organization's
too). A merge edits the winner and removes the loser from the active records, so it needs the module's write and
delete permissions (``contacts`` or ``accounts`` by ``record_type``); the preview needs read. The undo needs the same
as the merge, for the merge's record type, which only the service knows once it has found the merge: the gateway
sends the kinds the role may write and delete, and the service refuses the others (403), as a trash restore.

Field permissions (S-3). The service keeps the winner's value for every field the caller may not read or write
(``_locked``), refuses a choice on one (422 ``field_locked``), and the preview leaves out the fields the caller may
not read, the names they may not read, and the counts of modules their role does not read (opportunities, tasks,
documents, and an account's contacts): a preview never shows more than the records' own GETs.

The loser's GET answers 404 once merged (it is out of every list, search and export); ``GET /merges/{id}`` and
the list say where it went (``winner_id``).
"""
from carnet_common.errors import NotFound
from carnet_contracts import permissions
from carnet_gateway import actors, records, services
from carnet_gateway.api import Need, When, api
from carnet_gateway.schemas import merges as s

TAGS = ("merges",)
MERGE_ERRORS = (401, 403, 404, 409, 422)


def _of(record, getter):
    return When(f"`record_type` is `{record.kind}`", lambda call: getter(call).get("record_type") == record.kind)


def _needs(getter, actions):
    return [Need(record.module, action, _of(record, getter)) for record in records.RECORDS for action in actions]


def _locked(principal, module):
    """The fields of ``module`` the caller may not read or write (S-3), as ``<module>.<field>`` keys, and
    ``special.primary_contact`` when the role may not write a primary contact (C-13)."""
    names = set(records.BY_MODULE[module].read._declared_fields) - set(records.CONTROL_FIELDS) - {"custom"}
    names |= {key.split(".", 1)[1] for key in principal["permissions"]["fields"] if key.startswith(module + ".")}
    locked = sorted(f"{module}.{name}" for name in names
                    if not (permissions.may_field(principal, module, name, "read")
                            and permissions.may_field(principal, module, name, "write")))
    special = ((principal.get("permissions") or {}).get("special") or {}).get("primary_contact") or {}
    if not special.get("write"):
        locked.append("special.primary_contact")  # C-13: a primary contact is edited with that permission only
    return locked


def kinds_merging(principal):
    """The record kinds whose merges the role may make and undo (write and delete of their module)."""
    return [record.kind for record in records.RECORDS
            if permissions.may(principal, record.module, "write") and permissions.may(principal, record.module,
                                                                                      "delete")]


def _named(principal, merge):
    if not records.name_readable(principal, merge["record_type"]):
        merge = {**merge, "winner_name": "", "loser_name": ""}
    return merge


COUNTED_MODULES = {"opportunities": "opportunities", "tasks": "tasks", "documents": "documents",
                   "contacts": "contacts"}


def readable_preview(principal, preview):
    """The preview as the caller may see it (module docstring)."""
    module = records.BY_KIND[preview["record_type"]].module
    preview["fields"] = [entry for entry in preview["fields"]
                         if permissions.may_field(principal, module, entry["field"], "read")]
    if not records.name_readable(principal, preview["record_type"]):
        for side in ("winner", "loser"):
            preview[side].pop("name", None)
    for key, counted in COUNTED_MODULES.items():
        if key in preview["moves"] and not permissions.may(principal, counted, "read"):
            preview["moves"].pop(key)
    return preview


@api.route("/merges/preview", "GET", query=s.MergePreviewQuery, response=s.MergePreview, tags=TAGS,
           permission=_needs(lambda call: call.query, ("read",)), errors=MERGE_ERRORS,
           summary="Dry run of a merge: per field both values and the proposed one (the caller may pick each), "
                   "and what would move to the winner; changes nothing")
def preview_merge(call):
    module = records.BY_KIND[call.query["record_type"]].module
    found = services.contacts.call("preview_merge", call.actor(actors.CONTACTS), call.query,
                                   _locked(call.principal, module))
    return readable_preview(call.principal, found)


@api.route("/merges", "POST", body=s.MergeCreate, response=s.MergeRead, status=201, tags=TAGS,
           permission=_needs(lambda call: call.body, ("write", "delete")), errors=MERGE_ERRORS,
           summary="Merge the loser into the winner: chosen values, every list, relation, history entry, document, "
                   "task and opportunity kept on the winner; the loser's GET answers 404 afterwards. Undo within "
                   "30 days")
def merge_records(call):
    module = records.BY_KIND[call.body["record_type"]].module
    merged = services.contacts.call("merge_records", call.actor(actors.CONTACTS), call.body,
                                    _locked(call.principal, module))
    return _named(call.principal, merged)


@api.route("/merges", "GET", query=s.MergeQuery, response=s.MergePage, tags=TAGS, errors=(401, 422),
           summary="Recent merges whose surviving record the caller sees, newest first, with their undo deadline")
def list_merges(call):
    page = services.contacts.call("list_merges", call.actor(actors.CONTACTS),
                                  records.kinds_allowed(call.principal, "read"), call.query)
    return {**page, "items": [_named(call.principal, item) for item in page["items"]]}


@api.route("/merges/{merge_id}", "GET", response=s.MergeRead, tags=TAGS, errors=(401, 404),
           summary="A merge (where a merged record went), when the caller sees the record that stayed")
def get_merge(call):
    merge = services.contacts.call("get_merge", call.actor(actors.CONTACTS), call.path["merge_id"])
    if merge["record_type"] not in records.kinds_allowed(call.principal, "read"):
        raise NotFound()
    return _named(call.principal, merge)


@api.route("/merges/{merge_id}/undo", "POST", response=s.MergeRead, tags=TAGS, errors=(401, 403, 404, 409),
           permission=[Need(record.module, action, When(f"the merge is of {record.module} (checked by the contacts "
                                                        "service once it has found the merge)"))
                       for record in records.RECORDS for action in ("write", "delete")],
           summary="Undo a merge within 30 days: both records back exactly as they were (409 when the kept record "
                   "was edited since, naming the fields, or past the deadline)")
def undo_merge(call):
    undone = services.contacts.call("undo_merge", call.actor(actors.CONTACTS), call.path["merge_id"],
                                    kinds_merging(call.principal))
    return _named(call.principal, undone)
