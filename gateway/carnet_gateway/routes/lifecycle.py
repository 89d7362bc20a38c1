"""Deletes and their consequences, the trash, relations, moves and bulk actions (C-5, C-7, C-9, C-10), served
by the contacts service (``carnet_contacts/lifecycle.py``).

Visibility is the service's: records the caller cannot see are 404 everywhere. The module permissions are
checked here: restoring needs the "delete" permission of the record's module, a bulk delete the contacts
"delete" permission, deleting the emptied accounts too the accounts one.

A delete preview lists the opportunities and tasks hanging on the record and says, in the caller's language,
what each ``dependents`` choice of the delete would do with them (``dependents_choices``): a contact's can be
reattached to its account; an account's have nothing to be reattached to (they stay hidden with it).
"""
from carnet_common.errors import Forbidden
from carnet_gateway import auth, messages, problems
from carnet_gateway.api import api
from carnet_gateway.routes.contacts import actor, check_writable, readable, rpc, unreadable_keys
from carnet_gateway.schemas import contacts as cs
from carnet_gateway.schemas import lifecycle as s

TRASH, CONTACTS, ACCOUNTS = ("trash",), ("contacts",), ("accounts",)
READ_ERRORS = (401, 403, 404)
WRITE_ERRORS = (401, 403, 404, 409, 422)
MODULES = {"contact": "contacts", "account": "accounts"}


def record_types(principal, action):
    """The record types whose module ``action`` the role allows."""
    return [record_type for record_type, module in MODULES.items() if auth.may(principal, module, action)]


def require(principal, module, action):
    if not auth.may(principal, module, action):
        raise Forbidden("missing_permission", params={"module": module, "action": action})


def _name_readable(principal, record_type):
    if record_type == "account":
        return auth.may_field(principal, "accounts", "name", "read")
    return all(auth.may_field(principal, "contacts", f, "read") for f in ("first_name", "last_name", "email"))


# Trash (C-10 [beyond]) ---------------------------------------------------------------------------------

@api.route("/trash", "GET", query=s.TrashQuery, response=s.TrashPage, tags=TRASH, errors=(401, 422),
           summary="Deleted contacts and accounts the caller sees, newest first, restorable until expires_at")
def list_trash(call):
    page = rpc("list_trash", actor(call), record_types(call.principal, "read"), call.query)
    for item in page["items"]:
        if not _name_readable(call.principal, item["record_type"]):
            item["name"] = ""
    return page


@api.route("/trash/{trash_id}/restore", "POST", response=s.RestoreResult, tags=TRASH, errors=(401, 403, 404, 409),
           summary="Restore a deleted record whole, with what was deleted with it (needs the module's delete "
                   "permission)")
def restore_from_trash(call):
    return rpc("restore_from_trash", actor(call), call.path["trash_id"], record_types(call.principal, "delete"))


# Delete consequences (C-10) -----------------------------------------------------------------------------

@api.route("/contacts/{contact_id}/delete-preview", "GET", response=s.DeletePreview, tags=CONTACTS,
           permission=("contacts", "read"), errors=READ_ERRORS,
           summary="What deleting this contact would take (dry run): offers_account_delete for the last one")
def preview_contact_delete(call):
    return _with_choices(rpc("preview_delete", actor(call), "contact", call.path["contact_id"]))


@api.route("/accounts/{account_id}/delete-preview", "GET", response=s.DeletePreview, tags=ACCOUNTS,
           permission=("accounts", "read"), errors=READ_ERRORS,
           summary="What deleting this account would take (dry run): its contacts")
def preview_account_delete(call):
    return _with_choices(rpc("preview_delete", actor(call), "account", call.path["account_id"]))


def _with_choices(preview):
    """C-10: what ``dependents=delete|reattach`` would do with what hangs on the record."""
    language = problems.language()
    kind = preview["record_type"]
    if kind == "account":
        reattach = messages.render("dependents_reattach_account", language)
    elif preview.get("reattach_to"):
        account = preview.get("account_name") or preview["reattach_to"]
        reattach = messages.render("dependents_reattach_contact", language, {"account": account})
    else:
        reattach = messages.render("dependents_reattach_no_account", language)
    preview["dependents_choices"] = {"delete": messages.render(f"dependents_delete_{kind}", language),
                                     "reattach": reattach}
    return preview


# Relations (C-5) and moves (C-7) ------------------------------------------------------------------------

def _relation(principal, relation):
    if not _name_readable(principal, "contact"):
        relation = {key: value for key, value in relation.items() if key != "other_name"}
    return relation


@api.route("/contacts/{contact_id}/relations", "GET", response=s.RelationRead, many=True, tags=CONTACTS,
           permission=("contacts", "read"), errors=READ_ERRORS,
           summary="The contact's relations (symmetric) with contacts the caller sees")
def list_relations(call):
    return [_relation(call.principal, r) for r in rpc("list_contact_relations", actor(call), call.path["contact_id"])]


@api.route("/contacts/{contact_id}/relations", "POST", body=s.RelationCreate, response=s.RelationRead, status=201,
           tags=CONTACTS, permission=("contacts", "write"), errors=WRITE_ERRORS,
           summary="Relate two contacts under a name; shown from both sides (409 when already related)")
def add_relation(call):
    return _relation(call.principal, rpc("add_contact_relation", actor(call), call.path["contact_id"], call.body))


@api.route("/contacts/{contact_id}/relations/{other_id}", "DELETE", status=204, tags=CONTACTS,
           permission=("contacts", "write"), errors=READ_ERRORS, summary="Remove a relation (from either side)")
def remove_relation(call):
    rpc("remove_contact_relation", actor(call), call.path["contact_id"], call.path["other_id"])


@api.route("/contacts/{contact_id}/move", "POST", body=s.ContactMove, response=cs.ContactRead, tags=CONTACTS,
           permission=("contacts", "write"), errors=WRITE_ERRORS,
           summary='Move a contact to another account ("changed jobs", C-7): recorded in its history; its '
                   "tasks and opportunities stay with the old account")
def move_contact(call):
    check_writable(call.principal, "contacts", call.body)
    return readable(call.principal, "contacts",
                    rpc("move_contact", actor(call), call.path["contact_id"], call.body))


# Bulk (C-9, C-10) ---------------------------------------------------------------------------------------

@api.route("/contacts/bulk", "POST", body=s.BulkAction, response=s.BulkResult, tags=CONTACTS,
           permission=("contacts", "write"), errors=(401, 403, 404, 422),
           summary="Copy or move contacts to a list, or delete them to the trash, by ids or by q/criteria; "
                   "at most 10,000 in one call")
def bulk_contacts(call):
    if call.body["action"] == "delete":
        require(call.principal, "contacts", "delete")
        if call.body.get("delete_empty_accounts"):
            require(call.principal, "accounts", "delete")
    return rpc("bulk_contacts", actor(call), call.body, unreadable_keys(call.principal))
