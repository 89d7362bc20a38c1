"""Lists, contacts and accounts (SPEC §3, §10), served by the contacts service.

Visibility (C-2, S-4, S-5) is decided by the service from the actor, which carries the caller's flags and
subordinates from the principal (refreshed at the next request after an identity change), so contacts
never calls identity. Field permissions (S-3) are applied here: unreadable fields are left out of every
response and history, writing a field the role may not write is a 403 naming it.
"""
from flask import current_app

from carnet_common.errors import Forbidden
from carnet_gateway import auth, scope
from carnet_gateway.api import ADMIN, api
from carnet_gateway.schemas import contacts as s
from carnet_gateway.schemas import lifecycle as lifecycle_schemas

LISTS, CONTACTS, ACCOUNTS = ("lists",), ("contacts",), ("accounts",)
READ_ERRORS = (401, 403, 404)
WRITE_ERRORS = (401, 403, 404, 409, 422)
# Not record fields: never narrowed by field permissions.
CONTROL_FIELDS = {"list_ids", "version"}
HISTORY_EVENTS = {"created", "deleted", "list_ids"}


def rpc(method, *args):
    return current_app.extensions["carnet.rpc"].call("contacts", method, *args)


def actor(call):
    principal = call.principal
    return {**call.actor, "flags": principal.get("flags") or {},
            "subordinate_ids": principal.get("subordinate_ids") or []}


def readable(principal, module, record):
    """``record`` without the fields the role may not read (an allow-list: unknown keys go too); custom
    values are narrowed by ``<module>.custom.<key>`` like standard fields (S-3, C-14)."""
    schema_fields = (s.ContactRead if module == "contacts" else s.AccountRead)._declared_fields
    result = {key: value for key, value in record.items()
              if key in schema_fields and (key in s.ALWAYS_READABLE or auth.may_field(principal, module, key, "read"))}
    if isinstance(result.get("custom"), dict):
        result["custom"] = auth.readable_custom(principal, module, result["custom"])
    return result


def readable_page(principal, module, page):
    return {**page, "items": [readable(principal, module, item) for item in page["items"]]}


def check_writable(principal, module, body):
    names = [key for key in body if key not in CONTROL_FIELDS and key != "custom"]
    auth.refuse_unwritable(principal, module, names + [f"custom.{key}" for key in body.get("custom") or {}])


def unreadable_keys(principal):
    """Permission keys (``contacts.title``, ``accounts.custom.size``, or a whole module) the caller may not
    read: the service refuses criteria and sorts on them (S-3: filtering would reveal their values)."""
    keys = [key for key, entry in principal["permissions"]["fields"].items() if not entry.get("read")]
    # "opportunities", "tasks": their action criteria (C-12) need the module's read permission too
    return keys + [m for m in ("contacts", "accounts", "opportunities", "tasks") if not auth.may(principal, m, "read")]


def readable_history(principal, module, entries):
    return [e for e in entries
            if e["field"] in HISTORY_EVENTS or auth.may_field(principal, module, e["field"], "read")]


# Lists (L-1..L-3, S-6) -----------------------------------------------------------------------------

@api.route("/lists", "GET", response=s.ListRead, many=True, tags=LISTS, errors=(401,),
           summary="Lists the caller may access (own, granted, shared with all users), with `selected`")
def list_lists(call):
    return rpc("list_lists", actor(call))


@api.route("/lists", "POST", body=s.ListCreate, response=s.ListRead, status=201, tags=LISTS, errors=(401, 422),
           summary="Create a list; it is selected for its creator (L-1, L-2)")
def create_list(call):
    created = rpc("create_list", actor(call), call.body)
    scope.lists_changed(call.principal)
    return created


@api.route("/lists/{list_id}", "PATCH", body=s.ListUpdate, response=s.ListRead, tags=LISTS,
           errors=WRITE_ERRORS, summary="Rename or share a list (its creator or an administrator); a private "
                                         "list is never made public again (422)")
def update_list(call):
    updated = rpc("update_list", actor(call), call.path["list_id"], call.body)
    scope.lists_changed(call.principal)
    return updated


@api.route("/lists/{list_id}", "DELETE", status=204, tags=LISTS, errors=READ_ERRORS,
           summary="Delete a list and its memberships (records stay)")
def delete_list(call):
    rpc("delete_list", actor(call), call.path["list_id"])
    scope.lists_changed(call.principal)


@api.route("/lists/{list_id}/grants", "GET", auth=ADMIN, response=s.GrantsBody, tags=LISTS, errors=READ_ERRORS,
           summary="Users granted access to a list (S-6)")
def get_list_grants(call):
    return rpc("get_list_grants", actor(call), call.path["list_id"])


@api.route("/lists/{list_id}/grants", "PUT", auth=ADMIN, body=s.GrantsBody, response=s.GrantsBody, tags=LISTS,
           errors=WRITE_ERRORS, summary="Replace the users granted access to a list (L-3, S-6)")
def set_list_grants(call):
    grants = rpc("set_list_grants", actor(call), call.path["list_id"], call.body)
    scope.lists_changed(call.principal)
    return grants


@api.route("/me/selected-lists", "GET", response=s.SelectedListsBody, tags=LISTS, errors=(401,),
           summary="The caller's active lists (L-2)")
def get_selected_lists(call):
    return rpc("get_selected_lists", actor(call))


@api.route("/me/selected-lists", "PUT", body=s.SelectedListsBody, response=s.SelectedListsBody, tags=LISTS,
           errors=(401, 404, 422), summary="Choose the caller's active lists among those they may access")
def set_selected_lists(call):
    selected = rpc("set_selected_lists", actor(call), call.body)
    scope.lists_changed(call.principal)
    return selected


# Contacts ------------------------------------------------------------------------------------------------

@api.route("/contacts", "GET", query=s.RecordQuery, response=s.ContactPage, tags=CONTACTS,
           permission=("contacts", "read"), errors=(401, 403, 422),
           summary="Search the visible contacts (C-2, C-11), sorted by name")
def search_contacts(call):
    return readable_page(call.principal, "contacts", rpc("search_contacts", actor(call), call.query,
                                                                 unreadable_keys(call.principal)))


@api.route("/contacts", "POST", body=s.ContactCreate, response=s.ContactRead, status=201, tags=CONTACTS,
           permission=("contacts", "write"), errors=WRITE_ERRORS, summary="Create a contact in chosen lists (C-4)")
def create_contact(call):
    check_writable(call.principal, "contacts", call.body)
    return readable(call.principal, "contacts", rpc("create_contact", actor(call), call.body))


@api.route("/contacts/{contact_id}", "GET", response=s.ContactRead, tags=CONTACTS, permission=("contacts", "read"),
           errors=READ_ERRORS, summary="One contact (404 when absent or not visible)")
def get_contact(call):
    return readable(call.principal, "contacts", rpc("get_contact", actor(call), call.path["contact_id"]))


@api.route("/contacts/{contact_id}", "PATCH", body=s.ContactUpdate, response=s.ContactRead, tags=CONTACTS,
           permission=("contacts", "write"), errors=WRITE_ERRORS,
           summary="Update a contact; send the `version` read to refuse a concurrent edit (409)")
def update_contact(call):
    check_writable(call.principal, "contacts", call.body)
    return readable(call.principal, "contacts",
                    rpc("update_contact", actor(call), call.path["contact_id"], call.body))


@api.route("/contacts/{contact_id}", "DELETE", query=lifecycle_schemas.DeleteContactQuery, status=204, tags=CONTACTS,
           permission=("contacts", "delete"), errors=(401, 403, 404, 422),
           summary="Delete a contact to the trash (C-10); `delete_account=true` also deletes an account left "
                   "without contacts (needs the accounts delete permission)")
def delete_contact(call):
    if call.query["delete_account"] and not auth.may(call.principal, "accounts", "delete"):
        raise Forbidden("missing_permission", params={"module": "accounts", "action": "delete"})
    rpc("trash_contact", actor(call), call.path["contact_id"], call.query)


@api.route("/contacts/{contact_id}/history", "GET", response=s.HistoryEntry, many=True, tags=CONTACTS,
           permission=("contacts", "read"), errors=READ_ERRORS, summary="Who changed what and when (C-17)")
def contact_history(call):
    return readable_history(call.principal, "contacts",
                            rpc("get_contact_history", actor(call), call.path["contact_id"]))


@api.route("/contacts/{contact_id}/lists", "PUT", body=s.ListIdsBody, response=s.ContactRead, tags=CONTACTS,
           permission=("contacts", "write"), errors=WRITE_ERRORS,
           summary="Set a contact's lists among those the caller may access; others are kept (C-9)")
def set_contact_lists(call):
    return readable(call.principal, "contacts",
                    rpc("set_contact_lists", actor(call), call.path["contact_id"], call.body))


# Accounts ------------------------------------------------------------------------------------------------

@api.route("/accounts", "GET", query=s.RecordQuery, response=s.AccountPage, tags=ACCOUNTS,
           permission=("accounts", "read"), errors=(401, 403, 422), summary="Search the visible accounts")
def search_accounts(call):
    return readable_page(call.principal, "accounts", rpc("search_accounts", actor(call), call.query,
                                                                 unreadable_keys(call.principal)))


@api.route("/accounts", "POST", body=s.AccountCreate, response=s.AccountRead, status=201, tags=ACCOUNTS,
           permission=("accounts", "write"), errors=WRITE_ERRORS, summary="Create an account in chosen lists")
def create_account(call):
    check_writable(call.principal, "accounts", call.body)
    return readable(call.principal, "accounts", rpc("create_account", actor(call), call.body))


@api.route("/accounts/{account_id}", "GET", response=s.AccountRead, tags=ACCOUNTS, permission=("accounts", "read"),
           errors=READ_ERRORS, summary="One account")
def get_account(call):
    return readable(call.principal, "accounts", rpc("get_account", actor(call), call.path["account_id"]))


@api.route("/accounts/{account_id}", "PATCH", body=s.AccountUpdate, response=s.AccountRead, tags=ACCOUNTS,
           permission=("accounts", "write"), errors=WRITE_ERRORS,
           summary="Update an account; its name shows on every contact of it (C-8)")
def update_account(call):
    check_writable(call.principal, "accounts", call.body)
    return readable(call.principal, "accounts",
                    rpc("update_account", actor(call), call.path["account_id"], call.body))


@api.route("/accounts/{account_id}", "DELETE", query=lifecycle_schemas.DeleteAccountQuery, status=204,
           tags=ACCOUNTS, permission=("accounts", "delete"), errors=(401, 403, 404, 422),
           summary="Delete an account and its contacts to the trash (C-10); `dependents` as on a contact")
def delete_account(call):
    rpc("trash_account", actor(call), call.path["account_id"], call.query)


@api.route("/accounts/{account_id}/history", "GET", response=s.HistoryEntry, many=True, tags=ACCOUNTS,
           permission=("accounts", "read"), errors=READ_ERRORS, summary="An account's history (C-17)")
def account_history(call):
    return readable_history(call.principal, "accounts",
                            rpc("get_account_history", actor(call), call.path["account_id"]))


@api.route("/accounts/{account_id}/lists", "PUT", body=s.ListIdsBody, response=s.AccountRead, tags=ACCOUNTS,
           permission=("accounts", "write"), errors=WRITE_ERRORS, summary="Set an account's lists")
def set_account_lists(call):
    return readable(call.principal, "accounts",
                    rpc("set_account_lists", actor(call), call.path["account_id"], call.body))


@api.route("/accounts/{account_id}/contacts", "GET", query=s.RecordQuery, response=s.ContactPage, tags=ACCOUNTS,
           permission=("contacts", "read"), errors=(401, 403, 404, 422), summary="The visible contacts of an account")
def account_contacts(call):
    return readable_page(call.principal, "contacts",
                         rpc("list_account_contacts", actor(call), call.path["account_id"], call.query,
                             unreadable_keys(call.principal)))


@api.route("/accounts/{account_id}/contacts", "POST", body=s.AccountContactCreate, response=s.ContactRead,
           status=201, tags=ACCOUNTS, permission=("contacts", "write"), errors=WRITE_ERRORS,
           summary="Create a contact from its account's record (C-7), in the account's lists by default")
def create_account_contact(call):
    check_writable(call.principal, "contacts", call.body)
    return readable(call.principal, "contacts",
                    rpc("create_account_contact", actor(call), call.path["account_id"], call.body))
