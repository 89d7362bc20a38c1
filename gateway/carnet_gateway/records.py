"""Contacts and accounts: the contacts service's two record kinds, what differs between them in one table
(``RECORDS``), and the field permissions (S-3) every answer about them goes through.

The routes both kinds share (search, create, get, update, delete, history, lists, export, delete preview) are
declared once per row of the table (``routes/contacts.py``, ``routes/exports.py``, ``routes/lifecycle.py``).
Names follow the service's verb_noun rule: ``search_contacts``, ``get_account``, ``trash_contact``,
``get_account_history``, ``set_contact_lists``.

Field permissions are applied at the gateway: unreadable fields are left out of every response and history,
writing a field the role may not write is a 403 naming it.
"""
from dataclasses import dataclass

from carnet_contracts import permissions
from carnet_gateway.api import Need, When
from carnet_gateway.schemas import contacts as s
from carnet_gateway.schemas import lifecycle as lifecycle_schemas

# Not record fields: never narrowed by field permissions.
CONTROL_FIELDS = {"list_ids", "version"}
HISTORY_EVENTS = {"created", "deleted", "list_ids"}
# Modules whose criteria the contacts service evaluates; "opportunities" and "tasks" are its action
# criteria (C-12), which need the module's read permission too.
CRITERIA_MODULES = ("contacts", "accounts", "opportunities", "tasks")
# C-10: ``dependents=delete`` deletes from these modules too, so it needs their delete permission (issue 10 §1)
DEPENDENT_MODULES = ("opportunities", "tasks")
DEPENDENTS_DELETE = When("`dependents=delete`", lambda call: call.query.get("dependents") == "delete")
DEPENDENTS_NEEDS = tuple(Need(module, "delete", DEPENDENTS_DELETE) for module in DEPENDENT_MODULES)


@dataclass(frozen=True)
class Record:
    kind: str                 # contact: RPC and view names, ``{kind}_id`` path parameters, trash record types
    module: str               # contacts: permission module, path, tag
    noun: str                 # "a contact", in summaries
    create: type
    update: type
    read: type
    page: type
    delete_query: type
    name_fields: tuple        # what the trash and relations show as its name (hidden unless all are readable)
    delete_needs: tuple = ()  # permissions a delete needs beyond the module's own
    with_account: bool = False  # its export has its account's columns too
    update_note: str = "send the `version` read to refuse a concurrent edit (409)"
    delete_summary: str = ""
    export_note: str = ""
    preview_note: str = ""

    @property
    def id_param(self):
        return f"{self.kind}_id"


CONTACT = Record(
    kind="contact", module="contacts", noun="a contact", create=s.ContactCreate, update=s.ContactUpdate,
    read=s.ContactRead, page=s.ContactPage, delete_query=lifecycle_schemas.DeleteContactQuery,
    name_fields=("first_name", "last_name", "email"), with_account=True,
    delete_needs=(Need("accounts", "delete", when=When.query_flag("delete_account")), *DEPENDENTS_NEEDS),
    delete_summary="Delete a contact to the trash (C-10); `delete_account=true` also deletes an account left "
                   "without contacts (needs the accounts delete permission)",
    export_note=", with their account's columns",
    preview_note="offers_account_delete for the last one")
ACCOUNT = Record(
    kind="account", module="accounts", noun="an account", create=s.AccountCreate, update=s.AccountUpdate,
    read=s.AccountRead, page=s.AccountPage, delete_query=lifecycle_schemas.DeleteAccountQuery,
    name_fields=("name",), delete_needs=DEPENDENTS_NEEDS,
    update_note="its name shows on every contact of it (C-8); send the `version` read to refuse a concurrent "
                "edit (409)",
    delete_summary="Delete an account and its contacts to the trash (C-10); `dependents` as on a contact",
    preview_note="its contacts")
RECORDS = (CONTACT, ACCOUNT)
BY_MODULE = {record.module: record for record in RECORDS}
BY_KIND = {record.kind: record for record in RECORDS}


def readable(principal, module, item):
    """``item`` without the fields the role may not read (an allow-list: unknown keys go too); custom
    values are narrowed by ``<module>.custom.<key>`` like standard fields (S-3, C-14)."""
    return permissions.readable(principal, module, item, BY_MODULE[module].read._declared_fields,
                                always=s.ALWAYS_READABLE)


def readable_page(principal, module, page):
    return {**page, "items": [readable(principal, module, item) for item in page["items"]]}


def readable_fields(principal, module):
    """The record fields ``principal`` may read, by the same rule as every response (exports read only those)."""
    return sorted(readable(principal, module, dict.fromkeys(BY_MODULE[module].read._declared_fields)))


def name_readable(principal, kind):
    record = BY_KIND[kind]
    return all(permissions.may_field(principal, record.module, name, "read") for name in record.name_fields)


def check_writable(principal, module, body):
    names = [key for key in body if key not in CONTROL_FIELDS and key != "custom"]
    permissions.refuse_unwritable(principal, module, names + [f"custom.{key}" for key in body.get("custom") or {}])


def unreadable_keys(principal):
    """Permission keys (``contacts.title``, ``accounts.custom.size``, or a whole module) the caller may not
    read: the service refuses criteria and sorts on them (S-3: filtering would reveal their values). A key whose
    own entry allows reading is unreadable all the same when a key it is tied to is not (``READ_TIES``: hiding
    ``opportunities.lines`` hides ``opportunities.total`` from the action criteria too)."""
    keys = [key for key, entry in principal["permissions"]["fields"].items() if not entry.get("read")]
    keys += [key for key in permissions.READ_TIES if key not in keys
             and not permissions.may_field(principal, *key.split(".", 1), "read")]
    return keys + [module for module in CRITERIA_MODULES if not permissions.may(principal, module, "read")]


def readable_history(principal, module, entries):
    return [e for e in entries
            if e["field"] in HISTORY_EVENTS or permissions.may_field(principal, module, e["field"], "read")]


def kinds_allowed(principal, action):
    """The record kinds whose module ``action`` the role allows (the trash lists and restores only those)."""
    return [record.kind for record in RECORDS if permissions.may(principal, record.module, action)]
