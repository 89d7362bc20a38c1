"""The contacts and accounts lists (issue 11, part A1): the user's layout and sort (C-15), pages and capped totals,
the search box (C-11), the filter builder and saved filters (C-12), the selected lists (L-2), bulk actions (C-9,
C-10) and the export job (C-18, N-4).

Every read and write is the ``/api/v1`` operation (``calls.run``): the columns are the layout the API answers (it
leaves out fields the role may not read), the rows are the search's items (already narrowed by field permissions),
and an error of the API (a bad prefix, an unreadable field, a list of another organization) is shown in the page's
alert region with the API's status. Record pages are another area's: rows link to them by path.
"""
import json
from dataclasses import dataclass

from flask import abort, redirect, render_template, request, url_for

from carnet_common.errors import CarnetError
from carnet_contracts.permissions import may, may_field
from carnet_contracts.tasks import STATUSES as TASK_STATUSES
from carnet_contracts.tasks import TYPES as TASK_TYPES
from carnet_gateway.web import blueprint, calls, forms, i18n, session
from carnet_gateway.web.pages import flash


@dataclass(frozen=True)
class Module:
    name: str           # contacts, accounts: the API path and permission module
    kind: str           # contact, account
    title: str          # catalogue key of the page's heading
    new_label: str
    new_path: str
    name_fields: tuple  # what a row's link shows when its first column is empty
    bulk_actions: tuple


MODULES = {
    "contacts": Module("contacts", "contact", "lists.contacts_title", "lists.new_contact", "/app/contacts/new",
                       ("first_name", "last_name", "email"), ("copy_to_list", "move_to_list", "delete")),
    "accounts": Module("accounts", "account", "lists.accounts_title", "lists.new_account", "/app/accounts/new",
                       ("name",), ("copy_to_list", "move_to_list", "remove_from_list", "delete")),
}
BULK_LABELS = {"copy_to_list": "lists.bulk_copy", "move_to_list": "lists.bulk_move",
               "remove_from_list": "lists.bulk_remove", "delete": "lists.bulk_delete"}
SEARCH_PREFIXES = ("t", "p", "r1", "r2", "c", "a", "e", "id", "s")
QUERY_KEYS = ("q", "criteria", "filter_id", "sort")
PAGE_KEYS = ("per_page",)
USER_FIELDS = ("rep1_id", "rep2_id")
# Comparisons by the kind of value a criterion takes (the API's, docs of RecordQuery.criteria).
CMPS = {
    "text": ("contains", "eq", "ne", "starts_with", "empty", "not_empty"),
    "number": ("eq", "ne", "gt", "lt", "empty", "not_empty"),
    "date": ("eq", "ne", "before", "after", "empty", "not_empty"),
    "boolean": ("eq", "ne", "empty", "not_empty"),
    "choice": ("eq", "ne", "empty", "not_empty"),
    "choices": ("contains", "empty", "not_empty"),
    "membership": ("eq", "ne"),
    "status": ("eq", "ne"),
    "task": ("eq", "ne"),
}
# Fields offered by the filter builder (and sortable when a list column), with their value kind.
TEXT = ("first_name", "last_name", "title", "email", "language", "phone", "mobile", "fax", "other_phone", "street",
        "city", "province", "postal_code", "country", "website")
STANDARD = {
    "contacts": {**dict.fromkeys(TEXT, "text"), "status": "status", "subscribed": "boolean",
                 "is_primary": "boolean", "created_at": "date", "updated_at": "date"},
    "accounts": {**dict.fromkeys(("name", "email", "phone", "fax", "website", "street", "city", "province",
                                  "postal_code", "country"), "text"),
                 "status": "status", "created_at": "date", "updated_at": "date"},
}
SORTABLE_EXTRA = ("id", "rep1_id", "rep2_id", "account_id")
ACCOUNT_FIELDS_ON_CONTACTS = ("name", "city", "province", "country", "status")
CUSTOM_KINDS = {"number": "number", "decimal": "number", "date": "date", "boolean": "boolean",
                "multi_choice": "choices", "single_choice": "choice"}


def _both(method, pattern):
    """``pattern`` ("/{module}/bulk") for contacts and accounts, as static paths: a record page's
    ``/contacts/<contact_id>`` (another area's) would otherwise take ``/contacts/bulk`` for a record id."""
    def register(view):
        for name in MODULES:
            blueprint.add_url_rule("/" + pattern.format(module=name).lstrip("/"), view_func=view, methods=[method],
                                   defaults={"module_name": name})
        return view
    return register


# Pages -------------------------------------------------------------------------------------------------

@blueprint.get("/contacts")
@session.login_required
def contacts():
    return _list_page(MODULES["contacts"])


@blueprint.get("/accounts")
@session.login_required
def accounts():
    return _list_page(MODULES["accounts"])


def _module(name):
    found = MODULES.get(name)
    if found is None:
        abort(404)
    return found


def _search_args(source=None):
    """The search the page shows (q, criteria, saved filter, sort), as strings, empty ones left out."""
    source = request.args if source is None else source
    return {key: source.get(key, "").strip() for key in QUERY_KEYS if source.get(key, "").strip()}


def _list_page(module, *, error=None, status=200):
    principal = session.principal()
    args = _search_args()
    paging = {key: request.args.get(key) for key in ("page", *PAGE_KEYS) if request.args.get(key)}
    layout = calls.run("GET", "/layouts/{module}", module=module.name)
    custom = calls.run("GET", "/custom-fields/{module}", module=module.name)
    lists = calls.run("GET", "/lists")
    saved = calls.run("GET", "/filters/{module}", module=module.name)
    errors = {}
    try:
        page = calls.run("GET", f"/{module.name}", query={**args, **paging})
    except CarnetError as exc:
        errors, message = forms.shown(exc, (403, 404, 422))
        page = {"items": [], "total": 0, "page": 1, "per_page": 25, "total_capped": False}
        error, errors, status = message, errors, exc.status
    labels = _custom_labels(custom)
    columns = _columns(module, layout, page["items"], labels)
    sort = args.get("sort") or layout.get("sort") or ""
    applied = next((f for f in saved if f["id"] == args.get("filter_id")), None)
    criteria = args.get("criteria") or (json.dumps(applied["criteria"], ensure_ascii=False) if applied else "")
    users = _user_names(columns, page["items"])
    rows = [{"id": item["id"], "name": _name(module, item),
             "cells": [[_value(item, name, custom, users) for name in column["fields"]] for column in columns]}
            for item in page["items"]]
    return render_template(
        "lists/list.html", module=module, page=page, columns=columns, rows=rows, sort=sort, args=args,
        pager_args={**args, **{k: v for k, v in paging.items() if k in PAGE_KEYS}}, error=error, errors=errors,
        lists=lists, saved=saved,
        applied=applied, criteria=criteria, criteria_invalid=any(k.startswith("criteria") for k in errors),
        filter_fields=_filter_fields(principal, module, custom, lists),
        cmps={kind: [(cmp, i18n.t(f"lists.cmp_{cmp}")) for cmp in ops] for kind, ops in CMPS.items()},
        prefixes=[(prefix, i18n.t(f"lists.prefix_{prefix}")) for prefix in SEARCH_PREFIXES],
        sorted_labels={state: i18n.t(f"lists.sorted_{state}") for state in ("ascending", "descending")},
        bulk_actions=[(a, BULK_LABELS[a]) for a in module.bulk_actions],
        may_write=may(principal, module.name, "write"), may_export=may(principal, module.name, "export"),
        may_delete=may(principal, module.name, "delete"), sort_link=_sort_link,
        may_delete_accounts=module.kind == "contact" and may(principal, "accounts", "delete"),
        next_url=request.full_path.rstrip("?") if request.method == "GET" else url_for(f"web.{module.name}")), status


def _custom_labels(custom):
    key = "label_fr" if i18n.language() == "fr" else "label_en"
    return {f"custom.{field['key']}": field[key] for field in custom}


def _label(name, labels):
    if name in labels:
        return labels[name]
    if name.startswith("account.") and name != "account_name" and name != "account_id":
        return i18n.t("lists.field.account", field=_label(name[len("account."):], labels))
    key = f"lists.field.{name}"
    from carnet_gateway import messages
    return i18n.t(key) if key in messages.MESSAGES else name


def _columns(module, layout, items, labels):
    """The layout's columns (the API left out those the role may not read); a column whose title field no item
    carries (an answer narrowed by field permissions) is left out as well."""
    shown = []
    for fields in layout["columns"]:
        title = fields[0]
        if items and not title.startswith("custom.") and not any(title in item for item in items):
            continue
        sortable = title in STANDARD[module.name] or title in SORTABLE_EXTRA or (
            title.startswith("custom.") and title in labels)
        shown.append({"title": title, "label": _label(title, labels), "fields": fields, "sortable": sortable})
    return shown


def _sort_link(module, args, field, current):
    """The list sorted by ``field``: ascending, then descending when it already is (C-15)."""
    wanted = f"-{field}" if current == field else field
    return url_for(f"web.{module.name}", **{**args, "sort": wanted})


def _name(module, item):
    parts = [str(item.get(name) or "") for name in module.name_fields if item.get(name)]
    if module.kind == "contact" and len(parts) == 3:
        parts = parts[:2]
    return " ".join(parts) or i18n.t("lists.unnamed")


def _user_names(columns, items):
    """Reps are shown by name: the users the page's reps name, as ``GET /users`` lists them (every user may)."""
    wanted = {item.get(name) for item in items for column in columns for name in column["fields"]
              if name in USER_FIELDS} - {None}
    if not wanted:
        return {}
    names, page_no = {}, 1
    while True:
        found = calls.run("GET", "/users", query={"page": page_no, "per_page": 200})
        names.update({user["id"]: user.get("full_name") or user.get("username") for user in found["items"]})
        if wanted <= names.keys() or page_no * found["per_page"] >= found["total"]:
            return names
        page_no += 1


def _value(item, name, custom, users=None):
    """A cell's text: the item's value as the page's language reads it ("" when the API did not send it)."""
    if name in USER_FIELDS and item.get(name):
        return (users or {}).get(item[name]) or item[name]
    if name.startswith("custom."):
        key = name[len("custom."):]
        value = (item.get("custom") or {}).get(key)
        kind = next((f["type"] for f in custom if f["key"] == key), "text")
    else:
        value = item.get(name)
        kind = {"created_at": "datetime", "updated_at": "datetime", "subscribed": "boolean",
                "is_primary": "boolean", "status": "status"}.get(name, "text")
    if value is None or value == "":
        return ""
    if kind == "boolean":
        return i18n.t("lists.yes") if value else i18n.t("lists.no")
    if kind == "datetime":
        return i18n.date(value)
    if kind == "date":
        return i18n.date(value)
    if kind in ("number", "decimal"):
        return i18n.number(value)
    if kind == "status":
        return i18n.t(f"lists.status.{value}")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _filter_fields(principal, module, custom, lists):
    """What the filter builder offers: the fields the role may read (the API refuses the others with a 403), the
    custom fields, the account's on contacts, list membership and the action criteria (C-12)."""
    t = i18n.t
    choices_status = [("active", t("lists.status.active")), ("inactive", t("lists.status.inactive"))]
    offered = []

    def add(field, label, kind, choices=()):
        offered.append({"field": field, "label": label, "kind": kind,
                        "choices": [{"value": v, "label": lab} for v, lab in choices]})

    for name, kind in STANDARD[module.name].items():
        if may_field(principal, module.name, name, "read"):
            add(name, _label(name, {}), kind, choices_status if kind == "status" else ())
    labels = _custom_labels(custom)
    for field in custom:
        kind = CUSTOM_KINDS.get(field["type"], "text")
        add(f"custom.{field['key']}", labels[f"custom.{field['key']}"], kind,
            [(c, c) for c in field.get("choices") or ()])
    if module.kind == "contact" and may(principal, "accounts", "read"):
        for name in ACCOUNT_FIELDS_ON_CONTACTS:
            if may_field(principal, "accounts", name, "read"):
                add(f"account.{name}", _label(f"account.{name}", {}), STANDARD["accounts"][name],
                    choices_status if name == "status" else ())
    add("list", t("lists.field.list"), "membership", [(item["id"], item["name"]) for item in lists])
    if may(principal, "opportunities", "read"):
        stages = calls.run("GET", "/stages")
        if may_field(principal, "opportunities", "stage_id", "read"):
            add("opportunity.stage_id", t("lists.field.opportunity.stage_id"), "choice",
                [(stage["id"], stage["label"]) for stage in stages])
        if may_field(principal, "opportunities", "total", "read"):
            add("opportunity.total", t("lists.field.opportunity.total"), "number")
    if may(principal, "tasks", "read"):
        if may_field(principal, "tasks", "type", "read"):
            add("task.type", t("lists.field.task.type"), "task",
                [(v, t(f"lists.task_type.{v}")) for v in TASK_TYPES])
        if may_field(principal, "tasks", "status", "read"):
            add("task.status", t("lists.field.task.status"), "task",
                [(v, t(f"lists.task_status.{v}")) for v in TASK_STATUSES])
    return offered


# Saved filters (C-12) ------------------------------------------------------------------------------------

@_both("POST", "/{module}/filters")
@session.login_required
def save_filter(module_name):
    module = _module(module_name)
    text = request.form.get("criteria", "").strip()
    if not text:
        return _list_page(module, error=i18n.t("lists.filter_none_to_save"), status=422)
    try:
        criteria = json.loads(text)
    except ValueError:
        return _list_page(module, error=i18n.t("lists.filter_bad_json"), status=422)
    try:
        created = calls.run("POST", "/filters/{module}", module=module.name,
                            body={"name": forms.text("name"), "criteria": criteria})
    except CarnetError as exc:
        errors, message = forms.shown(exc, (403, 404, 422))
        detail = "; ".join(f"{field}: {' '.join(texts)}" for field, texts in errors.items())
        return _list_page(module, error=" ".join(filter(None, (message, detail))), status=exc.status)
    flash("lists.filter_saved")
    return redirect(url_for(f"web.{module.name}", filter_id=created["id"]), 303)


@_both("POST", "/{module}/filters/<filter_id>/delete")
@session.login_required
def delete_filter(module_name, filter_id):
    module = _module(module_name)
    calls.run("DELETE", "/filters/{module}/{filter_id}", module=module.name, filter_id=filter_id)
    flash("lists.filter_deleted")
    return redirect(url_for(f"web.{module.name}"), 303)


# Selected lists (L-2) --------------------------------------------------------------------------------------

@blueprint.post("/selected-lists")
@session.login_required
def selected_lists():
    target = session.safe_next(request.form.get("next"))
    module = _module(request.form.get("module", "contacts"))
    try:
        calls.run("PUT", "/me/selected-lists", body={"list_ids": request.form.getlist("list_ids")})
    except CarnetError as exc:
        forms.shown(exc, (403, 404, 422))
        return _error_on_list(module, exc)
    flash("lists.selected_saved")
    return redirect(target, 303)


def _error_on_list(module, exc):
    detail = [text for texts in forms.field_errors(exc).values() for text in texts]
    return _list_page(module, error=" ".join([forms.summary(exc), *detail]), status=exc.status)


# Bulk actions (C-9, C-10) ------------------------------------------------------------------------------------

@_both("POST", "/{module}/bulk")
@session.login_required
def bulk(module_name):
    module = _module(module_name)
    target = session.safe_next(request.form.get("next") or url_for(f"web.{module.name}"))
    action = request.form.get("action", "")
    ids = request.form.getlist("ids")
    if not ids:
        return _list_page(module, error=i18n.t("lists.bulk_none"), status=422)
    body = {"action": action, "ids": ids}
    for name in ("list_id", "from_list_id"):
        if request.form.get(name):
            body[name] = request.form[name]
    if action == "delete" and module.kind == "contact" and request.form.get("delete_empty_accounts") == "true":
        body["delete_empty_accounts"] = True   # C-10: the accounts the delete leaves without contacts go too
    try:
        result = calls.run("POST", f"/{module.name}/bulk", body=body)
    except CarnetError as exc:
        forms.shown(exc, (403, 404, 409, 422))
        return _error_on_list(module, exc)
    counts = {"changed": result.get("changed", 0), "missing": len(result.get("not_found") or ())}
    if result.get("not_found") and not result.get("matched"):
        flash("lists.bulk_not_found", **counts)
    elif result.get("not_found"):
        flash("lists.bulk_partly", **counts)
    elif not result.get("changed"):
        flash("lists.bulk_nothing", **counts)
    else:
        flash("lists.bulk_done", **counts)
    return redirect(target, 303)


@_both("GET", "/{module}/bulk")
@_both("GET", "/{module}/filters")
def back_to_list(module_name):
    """A form's address asked again (a reload after a refused post): the list."""
    return redirect(url_for(f"web.{_module(module_name).name}"), 303)


@blueprint.get("/selected-lists")
def back_to_contacts():
    return redirect(url_for("web.contacts"), 303)


# Export (C-18) and its job (N-4) --------------------------------------------------------------------------

@_both("GET", "/{module}/export")
@session.login_required
def export(module_name):
    """Up to the API's synchronous limit the file itself; above, a job whose page follows its progress."""
    module = _module(module_name)
    try:
        answer = calls.run("GET", f"/{module.name}/export.xlsx", query=_search_args())
    except CarnetError as exc:
        forms.shown(exc, (403, 404, 422, 429))
        return _error_on_list(module, exc)
    if answer.status_code == 202:
        return redirect(url_for("web.job", job_id=answer.get_json()["job_id"]), 303)
    return answer


# The job page of each kind (N-4): its title, and where "back" leads with what label. An import's job has a page of
# its own (imports_pages.imports_job: counts, row errors), to which /app/jobs/<id> leads.
EXPORT_JOB_PAGE = ("lists.job_title", "/app/contacts", "lists.job_back")
JOB_PAGES = {"export_contacts": EXPORT_JOB_PAGE,
             "export_accounts": ("lists.job_title", "/app/accounts", "lists.job_back"),
             "export_opportunities": ("lists.job_title", "/app/opportunities", "lists.job_back"),
             "automation_run": ("automations.last_run", "/app/automations", "automations.back")}


@blueprint.get("/jobs/<job_id>")
@session.login_required
def job(job_id):
    """A job's status and progress, and its file's download only when the API gives it one (``download_url``: an
    automation run has none, its result is the automation's last run)."""
    found = calls.run("GET", "/jobs/{job_id}", job_id=job_id)
    if found.get("import_id"):
        return redirect(url_for("web.imports_job", import_id=found["import_id"], job_id=found["id"]), 303)
    title, back, back_label = JOB_PAGES.get(found.get("kind"), EXPORT_JOB_PAGE)
    return render_template("lists/job.html", job=found, title=title, back=back, back_label=back_label,
                           finished=found["status"] in ("done", "failed"))


@blueprint.get("/jobs/<job_id>/download")
@session.login_required
def job_download(job_id):
    return calls.run("GET", "/jobs/{job_id}/download", job_id=job_id)
