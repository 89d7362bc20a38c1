"""Deletes and their consequences, the trash, relations, moves and bulk actions (C-5, C-7, C-9, C-10), served
by the contacts service (``carnet_contacts/lifecycle/entrypoints.py``).

Visibility is the service's: records the caller cannot see are 404 everywhere. The module permissions are
declared beside each route: a bulk delete needs the contacts "delete" permission, deleting the emptied
accounts too the accounts one. Restoring needs the "delete" permission of the trashed record's module, which
only the service knows once it has found the (visible) entry: the gateway passes the record kinds the role
may delete and the service refuses the others.

A delete preview lists the opportunities and tasks hanging on the record and says, in the caller's language,
what each ``dependents`` choice of the delete would do with them (``dependents_choices``): a contact's can be
reattached to its account; an account's have nothing to be reattached to (they stay hidden with it). It lists
and counts only what the caller sees, and never names an account they cannot see (issue 10 §1). Each opportunity
and task is shown through the caller's field permissions by the opportunities and tasks routes' own ``readable``
(S-3), and a role that may not read one of those modules is shown neither the list nor the count (``_readable``).

Accounts have the same bulk actions (``/accounts/bulk``: copy or move to a list, remove from one, delete with their
contacts), with the permissions of ``DELETE /accounts/{id}`` for a delete (the accounts one, and with
``dependents=delete`` those of opportunities and tasks; not the contacts one, as there).

``dependents=delete`` deletes from other modules: it needs their delete permission (opportunities and tasks,
``records.DEPENDENTS_NEEDS`` and ``BULK_DEPENDENTS``: 403 naming the one missing), takes only what the caller sees
and may delete, and answers what it did (``deletes.py``: 200 with a ``DeleteResult`` instead of 204; the bulk
result's ``dependents``), with why each one the caller sees stayed.
"""
from carnet_contracts import permissions
from carnet_gateway import actors, deletes, messages, problems, records, services
from carnet_gateway.api import INPUT_ERRORS, READ_ERRORS, WRITE_ERRORS, Need, When, api
from carnet_gateway.records import check_writable, kinds_allowed, name_readable, readable, unreadable_keys
from carnet_gateway.routes import opportunities, tasks
from carnet_gateway.schemas import contacts as cs
from carnet_gateway.schemas import lifecycle as s

TRASH, CONTACTS, ACCOUNTS = ("trash",), ("contacts",), ("accounts",)
BULK_DELETE = When("`action` is `delete`", lambda call: call.body["action"] == "delete")
BULK_DELETE_ACCOUNTS = When("`action` is `delete` with `delete_empty_accounts`",
                            lambda call: BULK_DELETE.test(call) and bool(call.body.get("delete_empty_accounts")))
BULK_DELETE_DEPENDENTS = When("`action` is `delete` with `dependents` `delete`",
                              lambda call: BULK_DELETE.test(call) and call.body.get("dependents") == "delete")
BULK_DEPENDENTS = tuple(Need(module, "delete", BULK_DELETE_DEPENDENTS) for module in records.DEPENDENT_MODULES)


# Trash (C-10 [beyond]) ---------------------------------------------------------------------------------

@api.route("/trash", "GET", query=s.TrashQuery, response=s.TrashPage, tags=TRASH, errors=(401, 422),
           summary="Deleted contacts and accounts the caller sees, newest first, restorable until expires_at")
def list_trash(call):
    page = services.contacts.call("list_trash", call.actor(actors.CONTACTS), kinds_allowed(call.principal, "read"),
                                  call.query)
    for item in page["items"]:
        if not name_readable(call.principal, item["record_type"]):
            item["name"] = ""
    return page


@api.route("/trash/{trash_id}/restore", "POST", response=s.RestoreResult, tags=TRASH, errors=(401, 403, 404, 409),
           permission=[Need(record.module, "delete", When(f"the deleted record is {record.noun} (checked by the "
                                                          "contacts service once it has found the entry)"))
                       for record in records.RECORDS],
           summary="Restore a deleted record whole, with what was deleted with it")
def restore_from_trash(call):
    return services.contacts.call("restore_from_trash", call.actor(actors.CONTACTS), call.path["trash_id"],
                                  kinds_allowed(call.principal, "delete"))


# Delete consequences (C-10) -----------------------------------------------------------------------------

def _preview_route(record):
    @api.route(f"/{record.module}/{{{record.id_param}}}/delete-preview", "GET", response=s.DeletePreview,
               tags=(record.module,), permission=(record.module, "read"), errors=READ_ERRORS,
               name=f"preview_{record.kind}_delete",
               summary=f"What deleting this {record.kind} would take (dry run): {record.preview_note}")
    def preview(call):
        found = services.contacts.call("preview_delete", call.actor(actors.CONTACTS), record.kind,
                                       call.path[record.id_param])
        return _with_choices(_readable(call.principal, found))


for _record in records.RECORDS:
    _preview_route(_record)


# What hangs on a deleted record, by preview key: its module and how its routes show one to the caller (S-3)
DEPENDENTS_SHOWN = {"opportunities": (opportunities.MODULE, opportunities.readable),
                    "tasks": (tasks.MODULE, tasks.readable)}


def _readable(principal, preview):
    """The preview's opportunities and tasks as their own routes show them to ``principal``: each through its
    module's ``readable`` (issue 10 §1, S-3: a hidden total or title is not shown here either); the list and its
    count left out when the role may not read the module at all."""
    for key, (module, readable_item) in DEPENDENTS_SHOWN.items():
        if key not in preview:
            continue
        if not permissions.may(principal, module, "read"):
            preview.pop(key)
            preview.pop(f"{key}_total", None)
        else:
            preview[key] = [readable_item(principal, item) for item in preview[key]]
    return preview


def _with_choices(preview):
    """C-10: what ``dependents=delete|reattach`` would do with what hangs on the record; an account the caller
    cannot see (``account_name`` None) is not named, by name or id."""
    language = problems.language()
    kind = preview["record_type"]
    if kind == "account":
        reattach = messages.render("dependents_reattach_account", language)
    elif preview.get("reattach_to") and preview.get("account_name"):
        reattach = messages.render("dependents_reattach_contact", language, {"account": preview["account_name"]})
    elif preview.get("reattach_to"):
        reattach = messages.render("dependents_reattach_unseen_account", language)
    else:
        reattach = messages.render("dependents_reattach_no_account", language)
    preview["dependents_choices"] = {"delete": messages.render(f"dependents_delete_{kind}", language),
                                     "reattach": reattach}
    return preview


# Relations (C-5) and moves (C-7) ------------------------------------------------------------------------

def _relation(principal, relation):
    if not name_readable(principal, "contact"):
        relation = {key: value for key, value in relation.items() if key != "other_name"}
    return relation


@api.route("/contacts/{contact_id}/relations", "GET", response=s.RelationRead, many=True, tags=CONTACTS,
           permission=("contacts", "read"), errors=READ_ERRORS,
           summary="The contact's relations (symmetric) with contacts the caller sees")
def list_relations(call):
    relations = services.contacts.call("list_contact_relations", call.actor(actors.CONTACTS), call.path["contact_id"])
    return [_relation(call.principal, relation) for relation in relations]


@api.route("/contacts/{contact_id}/relations", "POST", body=s.RelationCreate, response=s.RelationRead, status=201,
           tags=CONTACTS, permission=("contacts", "write"), errors=WRITE_ERRORS,
           summary="Relate two contacts under a name; shown from both sides (409 when already related)")
def add_relation(call):
    added = services.contacts.call("add_contact_relation", call.actor(actors.CONTACTS), call.path["contact_id"],
                                   call.body)
    return _relation(call.principal, added)


@api.route("/contacts/{contact_id}/relations/{other_id}", "DELETE", status=204, tags=CONTACTS,
           permission=("contacts", "write"), errors=READ_ERRORS, summary="Remove a relation (from either side)")
def remove_relation(call):
    services.contacts.call("remove_contact_relation", call.actor(actors.CONTACTS), call.path["contact_id"],
                           call.path["other_id"])


@api.route("/contacts/{contact_id}/move", "POST", body=s.ContactMove, response=cs.ContactRead, tags=CONTACTS,
           permission=("contacts", "write"), errors=WRITE_ERRORS,
           summary='Move a contact to another account ("changed jobs", C-7): recorded in its history; its '
                   "tasks and opportunities stay with the old account")
def move_contact(call):
    check_writable(call.principal, "contacts", call.body)
    moved = services.contacts.call("move_contact", call.actor(actors.CONTACTS), call.path["contact_id"], call.body)
    return readable(call.principal, "contacts", moved)


# Bulk (C-9, C-10) ---------------------------------------------------------------------------------------

@api.route("/contacts/bulk", "POST", body=s.BulkAction, response=s.BulkResult, tags=CONTACTS,
           permission=[("contacts", "write"), Need("contacts", "delete", BULK_DELETE),
                       Need("accounts", "delete", BULK_DELETE_ACCOUNTS), *BULK_DEPENDENTS], errors=INPUT_ERRORS,
           summary="Copy or move contacts to a list, or delete them to the trash, by ids or by q/criteria; "
                   "at most 10,000 in one call")
def bulk_contacts(call):
    result = services.contacts.call("bulk_contacts", call.actor(actors.CONTACTS), call.body,
                                    unreadable_keys(call.principal))
    if "dependents" in result:
        result["dependents"] = deletes.told(result["dependents"], "contact")
    return result


@api.route("/accounts/bulk", "POST", body=s.AccountBulkAction, response=s.BulkResult, tags=ACCOUNTS,
           permission=[("accounts", "write"), Need("accounts", "delete", BULK_DELETE), *BULK_DEPENDENTS],
           errors=INPUT_ERRORS,
           summary="Copy or move accounts to a list, remove them from one, or delete them to the trash with their "
                   "contacts (as DELETE /accounts/{account_id}), by ids or by q/criteria; at most 10,000 in one call")
def bulk_accounts(call):
    result = services.contacts.call("bulk_accounts", call.actor(actors.CONTACTS), call.body,
                                    unreadable_keys(call.principal))
    if not permissions.may(call.principal, "contacts", "read"):
        result.pop("contacts_deleted", None)  # a role that may not read contacts is not told their ids
    if "dependents" in result:
        result["dependents"] = deletes.told(result["dependents"], "account")
    return result
