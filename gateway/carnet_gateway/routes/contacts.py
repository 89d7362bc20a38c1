"""Lists, contacts and accounts (docs/rules/contacts.md, docs/rules/http-api.md), served by the contacts service.

Visibility (C-2, S-4, S-5) is decided by the service from the actor, which carries the caller's flags and
subordinates (``actors.CONTACTS``), so contacts never calls identity. Field permissions (S-3) are applied
here (``records.py``), and the users a write names (reps, list grantees) are checked here against identity
(``user_refs.py``: active users of the caller's organization). The routes contacts and accounts share are
declared once per row of ``records.RECORDS``.
"""
from carnet_gateway import actors, deletes, records, scope, services, user_refs
from carnet_gateway.api import ADMIN, INPUT_ERRORS, READ_ERRORS, SEARCH_ERRORS, WRITE_ERRORS, api
from carnet_gateway.records import check_writable, readable, readable_history, readable_page, unreadable_keys
from carnet_gateway.schemas import contacts as s

LISTS = ("lists",)


# Lists (L-1..L-3, S-6) -----------------------------------------------------------------------------

@api.route("/lists", "GET", response=s.ListRead, many=True, tags=LISTS, errors=(401,),
           summary="Lists the caller may access (own, granted, shared with all users), with `selected`")
def list_lists(call):
    return services.contacts.call("list_lists", call.actor(actors.CONTACTS))


@api.route("/lists", "POST", body=s.ListCreate, response=s.ListRead, status=201, tags=LISTS, errors=(401, 422),
           summary="Create a list; it is selected for its creator (L-1, L-2)")
def create_list(call):
    created = services.contacts.call("create_list", call.actor(actors.CONTACTS), call.body)
    scope.lists_changed(call.principal)
    return created


@api.route("/lists/{list_id}", "PATCH", body=s.ListUpdate, response=s.ListRead, tags=LISTS,
           errors=WRITE_ERRORS, summary="Rename or share a list (its creator or an administrator); a private "
                                         "list is never made public again (422)")
def update_list(call):
    updated = services.contacts.call("update_list", call.actor(actors.CONTACTS), call.path["list_id"], call.body)
    scope.lists_changed(call.principal)
    return updated


@api.route("/lists/{list_id}", "DELETE", status=204, tags=LISTS, errors=READ_ERRORS,
           summary="Delete a list and its memberships (records stay)")
def delete_list(call):
    services.contacts.call("delete_list", call.actor(actors.CONTACTS), call.path["list_id"])
    scope.lists_changed(call.principal)


@api.route("/lists/{list_id}/grants", "GET", auth=ADMIN, response=s.GrantsBody, tags=LISTS, errors=READ_ERRORS,
           summary="Users granted access to a list (S-6)")
def get_list_grants(call):
    return services.contacts.call("get_list_grants", call.actor(actors.CONTACTS), call.path["list_id"])


@api.route("/lists/{list_id}/grants", "PUT", auth=ADMIN, body=s.GrantsBody, response=s.GrantsBody, tags=LISTS,
           errors=WRITE_ERRORS, summary="Replace the users granted access to a list (L-3, S-6)")
def set_list_grants(call):
    actor = call.actor(actors.CONTACTS)
    user_refs.check_users(call, {"user_ids": call.body["user_ids"]},
                          held=lambda: services.contacts.call("get_list_grants", actor, call.path["list_id"]))
    grants = services.contacts.call("set_list_grants", actor, call.path["list_id"], call.body)
    scope.lists_changed(call.principal)
    return grants


@api.route("/me/selected-lists", "GET", response=s.SelectedListsBody, tags=LISTS, errors=(401,),
           summary="The caller's active lists (L-2)")
def get_selected_lists(call):
    return services.contacts.call("get_selected_lists", call.actor(actors.CONTACTS))


@api.route("/me/selected-lists", "PUT", body=s.SelectedListsBody, response=s.SelectedListsBody, tags=LISTS,
           errors=(401, 422), summary="Choose the caller's active lists among those they may access")
def set_selected_lists(call):
    selected = services.contacts.call("set_selected_lists", call.actor(actors.CONTACTS), call.body)
    scope.lists_changed(call.principal)
    return selected


# Contacts and accounts, one set of routes per row of records.RECORDS ---------------------------------------

def _record_routes(record):
    module, kind, id_param, tags = record.module, record.kind, record.id_param, (record.module,)
    item = f"/{module}/{{{id_param}}}"

    @api.route(f"/{module}", "GET", query=s.RecordQuery, response=record.page, tags=tags,
               permission=(module, "read"), errors=SEARCH_ERRORS, name=f"search_{module}",
               summary=f"Search the visible {module} (C-2, C-11), sorted by name unless `sort` says otherwise")
    def search(call):
        page = services.contacts.call(f"search_{module}", call.actor(actors.CONTACTS), call.query,
                                      unreadable_keys(call.principal))
        return readable_page(call.principal, module, page)

    @api.route(f"/{module}", "POST", body=record.create, response=record.read, status=201, tags=tags,
               permission=(module, "write"), errors=WRITE_ERRORS, name=f"create_{kind}",
               summary=f"Create {record.noun} in chosen lists (C-4)")
    def create(call):
        check_writable(call.principal, module, call.body)
        user_refs.check_users(call, user_refs.reps(call.body))
        created = services.contacts.call(f"create_{kind}", call.actor(actors.CONTACTS), call.body)
        return readable(call.principal, module, created)

    @api.route(item, "GET", response=record.read, tags=tags, permission=(module, "read"), errors=READ_ERRORS,
               name=f"get_{kind}", summary=f"One {kind} (404 when absent or not visible)")
    def get(call):
        found = services.contacts.call(f"get_{kind}", call.actor(actors.CONTACTS), call.path[id_param])
        return readable(call.principal, module, found)

    @api.route(item, "PATCH", body=record.update, response=record.read, tags=tags, permission=(module, "write"),
               errors=WRITE_ERRORS, name=f"update_{kind}", summary=f"Update {record.noun}; {record.update_note}")
    def update(call):
        check_writable(call.principal, module, call.body)
        actor, record_id = call.actor(actors.CONTACTS), call.path[id_param]
        user_refs.check_users(call, user_refs.reps(call.body),
                              held=lambda: services.contacts.call(f"get_{kind}", actor, record_id))
        updated = services.contacts.call(f"update_{kind}", actor, record_id, call.body)
        return readable(call.principal, module, updated)

    @api.route(item, "DELETE", query=record.delete_query, status=204, tags=tags,
               permission=[(module, "delete"), *record.delete_needs], errors=INPUT_ERRORS, name=f"delete_{kind}",
               extra_responses=deletes.DELETE_RESPONSES, summary=record.delete_summary)
    def delete(call):
        result = services.contacts.call(f"trash_{kind}", call.actor(actors.CONTACTS), call.path[id_param], call.query)
        return deletes.deleted(call, record, result)

    @api.route(f"{item}/history", "GET", response=s.HistoryEntry, many=True, tags=tags,
               permission=(module, "read"), errors=READ_ERRORS, name=f"{kind}_history",
               summary=f"Who changed what and when on {record.noun} (C-17)")
    def history(call):
        entries = services.contacts.call(f"get_{kind}_history", call.actor(actors.CONTACTS), call.path[id_param])
        return readable_history(call.principal, module, entries)

    @api.route(f"{item}/lists", "PUT", body=s.ListIdsBody, response=record.read, tags=tags,
               permission=(module, "write"), errors=WRITE_ERRORS, name=f"set_{kind}_lists",
               summary=f"Set {record.noun}'s lists among those the caller may access; others are kept (C-9)")
    def set_lists(call):
        updated = services.contacts.call(f"set_{kind}_lists", call.actor(actors.CONTACTS), call.path[id_param],
                                         call.body)
        return readable(call.principal, module, updated)


for _record in records.RECORDS:
    _record_routes(_record)


# Contacts of an account ----------------------------------------------------------------------------------

@api.route("/accounts/{account_id}/contacts", "GET", query=s.RecordQuery, response=s.ContactPage, tags=("accounts",),
           permission=("contacts", "read"), errors=INPUT_ERRORS, summary="The visible contacts of an account")
def account_contacts(call):
    page = services.contacts.call("list_account_contacts", call.actor(actors.CONTACTS), call.path["account_id"],
                                  call.query, unreadable_keys(call.principal))
    return readable_page(call.principal, "contacts", page)


@api.route("/accounts/{account_id}/contacts", "POST", body=s.AccountContactCreate, response=s.ContactRead,
           status=201, tags=("accounts",), permission=("contacts", "write"), errors=WRITE_ERRORS,
           summary="Create a contact from its account's record (C-7), in the account's lists by default")
def create_account_contact(call):
    check_writable(call.principal, "contacts", call.body)
    user_refs.check_users(call, user_refs.reps(call.body))
    created = services.contacts.call("create_account_contact", call.actor(actors.CONTACTS), call.path["account_id"],
                                     call.body)
    return readable(call.principal, "contacts", created)
