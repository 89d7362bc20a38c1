"""Contact and account records (issue 11, part A2): the record page, the create and edit forms, the delete
conversation and the trash.

Every read and write is the ``/api/v1`` operation itself (``calls.run``): the record shows the keys its GET
answers (field permissions are the API's), a form shows the standard fields the role may write
(``may_field``: a hint, the API stays the judge) and sends only what changed (``forms.changed``) with the
``version`` read (a 409 is shown with a reload link). Every change is post/redirect/get, so the pages work
without JavaScript.

Phones are ``tel:`` links (C-23: RFC 3966, the extension as ``;ext=``): ``tel_href``.
"""
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from flask import redirect, render_template, request
from markupsafe import Markup

from carnet_common.errors import CarnetError, Forbidden, NotFound, ServiceUnavailable
from carnet_contracts.permissions import may, may_field
from carnet_gateway.web import blueprint, calls, forms, i18n, session
from carnet_gateway.web.pages import flash

# An extension at the end of a number, as the contacts service reads one (C-3): "x444", "ext. 444", "poste 444".
EXTENSION = re.compile(r"\s*(?:x|×|ext\.?|extension|poste|p\.|#)\s*(\d{1,8})\s*$", re.IGNORECASE)
PHONE_FIELDS = ("phone", "mobile", "other_phone", "fax")
PER_PAGE = 20
MANY = 200  # the most one page of the API answers: choices of users, accounts, lists
CHOICE_TYPES = ("single_choice", "multi_choice")


@dataclass(frozen=True)
class Kind:
    module: str       # contacts: the API path and permission module
    kind: str         # contact
    id_param: str     # contact_id
    fields: tuple     # (name, input kind) of the form, in the order the record shows them
    required: tuple = ()

    @property
    def item(self):
        return f"/{self.module}/{{{self.id_param}}}"

    def url(self, record_id):
        return f"/app/{self.module}/{record_id}"


COMMON = (("email", "email"), ("phone", "tel"), ("fax", "tel"), ("website", "url"), ("street", "text"),
          ("city", "text"), ("province", "text"), ("postal_code", "text"), ("country", "text"))
CONTACT = Kind("contacts", "contact", "contact_id", (
    ("first_name", "text"), ("last_name", "text"), ("title", "text"), ("account_id", "account"),
    ("email", "email"), ("phone", "tel"), ("mobile", "tel"), ("other_phone", "tel"), ("fax", "tel"),
    ("website", "url"), ("street", "text"), ("city", "text"), ("province", "text"), ("postal_code", "text"),
    ("country", "text"), ("language", "language"), ("subscribed", "checkbox"), ("status", "status"),
    ("rep1_id", "user"), ("rep2_id", "user")))
ACCOUNT = Kind("accounts", "account", "account_id", (
    ("name", "text"), *COMMON, ("status", "status"), ("rep1_id", "user"), ("rep2_id", "user")), required=("name",))
KINDS = {"contacts": CONTACT, "accounts": ACCOUNT}
# Shown on the record page besides the form's fields, when the API answers them
READ_ONLY = ("is_primary",)


# Formatting -------------------------------------------------------------------------------------------------

def tel_href(value):
    """C-23: a phone as typed -> an RFC 3966 ``tel:`` URI that dials it, the extension as ``;ext=``. A
    North-American number (10 digits, or 11 with the leading 1) is made global (+1); a number typed with ``+`` or
    ``011`` keeps its country; any other is a local number of the +1 plan (``phone-context``). None: no digits."""
    if not value:
        return None
    text = str(value).strip()
    found = EXTENSION.search(text)
    extension = found.group(1) if found else None
    main = text[:found.start()] if found else text
    digits = re.sub(r"\D", "", main)
    if not digits:
        return None
    if main.lstrip().startswith("+"):
        number = "+" + digits
    elif digits.startswith("011") and len(digits) > 10:
        number = "+" + digits[3:]
    elif len(digits) == 11 and digits.startswith("1"):
        number = f"+1-{digits[1:4]}-{digits[4:7]}-{digits[7:]}"
    elif len(digits) == 10:
        number = f"+1-{digits[0:3]}-{digits[3:6]}-{digits[6:]}"
    else:
        number = f"{digits};phone-context=+1"
    return f"tel:{number}" + (f";ext={extension}" if extension else "")


def web_href(value):
    """A website as a link only when it is http(s) (a ``javascript:`` text stays text); a bare host gets https."""
    text = str(value or "").strip()
    if re.match(r"^https?://", text, re.IGNORECASE):
        return text
    if re.match(r"^[\w.-]+\.[a-z]{2,}(/\S*)?$", text, re.IGNORECASE):
        return "https://" + text
    return None


def custom_label(definition):
    return definition.get("label_fr" if i18n.language() == "fr" else "label_en") or definition["key"]


def shown_value(kind, value):
    """A value as the page shows it: {"text", "href"} (a link when it has one)."""
    if value is None or value == "" or value == []:
        return {"text": "", "href": None}
    if kind in ("tel", "phone"):
        return {"text": str(value), "href": tel_href(value)}
    if kind == "email":
        return {"text": str(value), "href": f"mailto:{value}"}
    if kind == "url":
        return {"text": str(value), "href": web_href(value)}
    if kind in ("boolean", "checkbox"):
        return {"text": i18n.t("records.yes" if value else "records.no"), "href": None}
    if kind == "number":
        return {"text": i18n.number(value), "href": None}
    if kind == "decimal":
        try:
            return {"text": i18n.number(Decimal(str(value))), "href": None}
        except InvalidOperation:
            return {"text": str(value), "href": None}
    if kind == "date":
        try:
            return {"text": i18n.date(value), "href": None}
        except ValueError:
            return {"text": str(value), "href": None}
    if kind == "multi_choice":
        return {"text": ", ".join(str(v) for v in value), "href": None}
    if kind == "html":  # C-14: stored as sent; shown as its text, never as markup
        return {"text": Markup(str(value)).striptags(), "href": None}
    if kind == "status":
        return {"text": i18n.t(f"records.status.{value}"), "href": None}
    if kind == "language":
        return {"text": i18n.t(f"records.language.{value}") if value in i18n.LANGS else str(value), "href": None}
    return {"text": str(value), "href": None}


# What every page of a record reads ---------------------------------------------------------------------------

def users_by_id():
    """Users of the organization by id (every user may list them: reps are chosen among them)."""
    try:
        page = calls.run("GET", "/users", query={"per_page": MANY})
    except CarnetError:
        return {}
    return {user["id"]: user for user in page["items"]}


def _custom_fields(kind):
    try:
        return calls.run("GET", "/custom-fields/{module}", module=kind.module)
    except Forbidden:
        return []


def _lists():
    return calls.run("GET", "/lists")


def _timezone():
    return ((session.principal() or {}).get("organization") or {}).get("timezone")


def user_name(users, user_id):
    if not user_id:
        return i18n.t("records.nobody")
    user = users.get(user_id)
    return user["full_name"] if user else i18n.t("records.unknown_user")


def record_name(kind, record):
    if kind is ACCOUNT:
        return record.get("name") or i18n.t("records.unnamed")
    name = " ".join(part for part in (record.get("first_name"), record.get("last_name")) if part)
    return name or record.get("email") or i18n.t("records.unnamed")


def _fields_shown(kind, record, users):
    """The standard fields the API answered, in the form's order: (name, label, {"text", "href", "url"})."""
    shown = []
    for name, input_kind in kind.fields + tuple((name, "checkbox") for name in READ_ONLY):
        if name not in record:
            continue  # S-3: a field the role may not read is absent from the API's answer
        value = record[name]
        if input_kind == "user":
            entry = {"text": user_name(users, value) if value else "", "href": None}
        elif input_kind == "account":
            entry = _account_entry(record)
        else:
            entry = shown_value(input_kind, value)
        shown.append((name, i18n.t(f"records.field.{name}"), entry))
    return shown


def _account_entry(contact):
    """The contact's account: a link when the caller sees it, else its name only, as the contact's GET gives it."""
    account_id, name = contact.get("account_id"), contact.get("account_name")
    if not account_id:
        return {"text": "", "href": None}
    try:
        calls.run("GET", "/accounts/{account_id}", account_id=account_id)
    except (NotFound, Forbidden):
        return {"text": name or i18n.t("records.hidden_account"), "href": None}
    return {"text": name or i18n.t("records.unnamed"), "href": ACCOUNT.url(account_id)}


def _custom_shown(record, definitions):
    values = record.get("custom") or {}
    return [(custom_label(d), shown_value(d["type"], values.get(d["key"])))
            for d in definitions if d["key"] in values]


def _history(kind, record, definitions, users, lists_by_id):
    labels = {f"custom.{d['key']}": custom_label(d) for d in definitions}
    types = {f"custom.{d['key']}": d["type"] for d in definitions}
    types.update(dict(kind.fields))
    entries = calls.run("GET", kind.item + "/history", **{kind.id_param: record["id"]})
    shown = []
    for entry in entries:  # newest first, as the API answers
        field = entry["field"]
        if field in labels:
            label = labels[field]
        elif field in dict(kind.fields) or field in READ_ONLY:
            label = i18n.t(f"records.field.{field}")
        else:
            label = i18n.t(f"records.event.{field}") if f"records.event.{field}" in _catalogue() else field
        shown.append({"at": entry["at"], "who": user_name(users, entry.get("user_id")), "label": label,
                      "old": _history_value(field, types, entry.get("old"), entry.get("old_hidden"), users,
                                            lists_by_id, record),
                      "new": _history_value(field, types, entry.get("new"), entry.get("new_hidden"), users,
                                            lists_by_id, record)})
    return shown


def _history_value(field, types, value, hidden, users, lists_by_id, record):
    if hidden:
        return {"text": i18n.t("records.hidden_account"), "href": None}
    if field in ("created", "deleted", "restored"):
        return {"text": "", "href": None}
    if field in ("relation_added", "relation_removed"):
        if not isinstance(value, dict):
            return {"text": "", "href": None}
        other = value.get("other_id")
        return {"text": value.get("label") or "", "href": CONTACT.url(other) if other else None}
    if field == "list_ids":
        names = [lists_by_id[i]["name"] for i in (value or []) if i in lists_by_id]
        return {"text": ", ".join(names), "href": None}
    kind = types.get(field, "text")
    if kind == "user":
        return {"text": user_name(users, value) if value else "", "href": None}
    if kind == "account":
        if not value:
            return {"text": "", "href": None}
        name = record.get("account_name") if value == record.get("account_id") else i18n.t("records.an_account")
        return {"text": name, "href": ACCOUNT.url(value)}
    return shown_value(kind, value)


def _catalogue():
    from carnet_gateway import messages
    return messages.MESSAGES


def _linked(module, query):
    """A page of the record's tasks or opportunities (``GET /tasks?contact_id=``, ``GET /opportunities?...``), or
    None when the role may not read that module."""
    principal = session.principal()
    if not may(principal, module, "read"):
        return None
    try:
        return calls.run("GET", f"/{module}", query={**query, "per_page": PER_PAGE})
    except ServiceUnavailable:  # the opportunities service: the record shows without them, and says so
        return {"items": [], "total": 0, "page": 1, "per_page": PER_PAGE, "unavailable": True}


# Record pages -----------------------------------------------------------------------------------------------

@blueprint.get("/contacts/<contact_id>")
@session.login_required
def contact(contact_id):
    return _record_page(CONTACT, contact_id)


@blueprint.get("/accounts/<account_id>")
@session.login_required
def account(account_id):
    return _record_page(ACCOUNT, account_id)


def _record_page(kind, record_id, *, status=200, errors=None, message="", values=None, section=None):
    principal = session.principal()
    record = calls.run("GET", kind.item, **{kind.id_param: record_id})
    definitions = _custom_fields(kind)
    users = users_by_id()
    lists = _lists()
    lists_by_id = {item["id"]: item for item in lists}
    context = {
        "kind": kind, "record": record, "name": record_name(kind, record),
        "fields": _fields_shown(kind, record, users), "custom": _custom_shown(record, definitions),
        "lists": [lists_by_id[i]["name"] for i in record.get("list_ids") or [] if i in lists_by_id],
        "all_lists": lists,
        "other_lists": len([i for i in record.get("list_ids") or [] if i not in lists_by_id]),
        "history": _history(kind, record, definitions, users, lists_by_id), "timezone": _timezone(),
        "may_write": may(principal, kind.module, "write"), "may_delete": may(principal, kind.module, "delete"),
        "errors": errors or {}, "message": message, "values": values or {}, "section": section,
        "tasks": _linked("tasks", {f"{kind.kind}_id": record_id}),
        "opportunities": _linked("opportunities", {f"{kind.kind}_id": record_id}),
        "tel": tel_href,
    }
    if kind is CONTACT:
        context["relations"] = calls.run("GET", "/contacts/{contact_id}/relations", contact_id=record_id)
        context["relate_q"] = request.args.get("relate_q", "").strip()[:200]
        context["candidates"] = _relation_candidates(record_id, context["relate_q"], context["relations"])
    else:
        context["contacts"] = (calls.run("GET", "/accounts/{account_id}/contacts", account_id=record_id,
                                         query={"per_page": PER_PAGE, "page": _page_arg("contacts_page")})
                               if may(principal, "contacts", "read") else None)
        context["may_add_contact"] = may(principal, "contacts", "write")
        context["contact_fields"] = [(name, input_kind) for name, input_kind in CONTACT.fields
                                     if name in ("first_name", "last_name", "title", "email", "phone")
                                     and may_field(principal, "contacts", name, "write")]
    return render_template("records/record.html", **context), status


def _page_arg(name):
    value = request.args.get(name, "1")
    return value if value.isdigit() and 0 < int(value) <= 100_000 else "1"


def _relation_candidates(contact_id, q, relations):
    if not q:
        return None
    related = {r["other_id"] for r in relations}
    try:
        page = calls.run("GET", "/contacts", query={"q": q, "per_page": 10})
    except CarnetError as exc:
        return {"error": forms.summary(exc), "items": []}
    return {"error": "", "items": [item for item in page["items"]
                                   if item["id"] != contact_id and item["id"] not in related]}


# Lists (C-9), relations (C-5) and the account's contacts (C-7) ----------------------------------------------

@blueprint.post("/contacts/<contact_id>/lists")
@session.login_required
def set_contact_lists(contact_id):
    return _set_lists(CONTACT, contact_id)


@blueprint.post("/accounts/<account_id>/lists")
@session.login_required
def set_account_lists(account_id):
    return _set_lists(ACCOUNT, account_id)


def _set_lists(kind, record_id):
    """The record's lists among those the user may access (``PUT /{module}/{id}/lists``: the others are kept)."""
    body = {"list_ids": [value for value in request.form.getlist("list_ids") if value]}
    try:
        calls.run("PUT", kind.item + "/lists", body=body, **{kind.id_param: record_id})
    except CarnetError as exc:
        errors, message = forms.shown(exc)
        return _record_page(kind, record_id, status=exc.status, errors=errors,
                            message=message, section="lists")
    flash("records.lists_saved")
    return redirect(kind.url(record_id) + "#lists", 303)


@blueprint.post("/contacts/<contact_id>/relations")
@session.login_required
def add_relation(contact_id):
    body = {"other_id": forms.text("other_id"), "label": forms.text("label")}
    try:
        calls.run("POST", "/contacts/{contact_id}/relations", contact_id=contact_id, body=body)
    except CarnetError as exc:
        errors, message = forms.shown(exc)
        return _record_page(CONTACT, contact_id, status=exc.status, errors=errors,
                            message=message, section="relations")
    flash("records.relation_added")
    return redirect(CONTACT.url(contact_id) + "#relations", 303)


@blueprint.post("/contacts/<contact_id>/relations/<other_id>/delete")
@session.login_required
def remove_relation(contact_id, other_id):
    calls.run("DELETE", "/contacts/{contact_id}/relations/{other_id}", contact_id=contact_id, other_id=other_id)
    flash("records.relation_removed")
    return redirect(CONTACT.url(contact_id) + "#relations", 303)


@blueprint.post("/accounts/<account_id>/contacts")
@session.login_required
def add_account_contact(account_id):
    values = forms.texts(["first_name", "last_name", "title", "email", "phone"])
    body = {key: value for key, value in values.items() if value}
    try:
        created = calls.run("POST", "/accounts/{account_id}/contacts", account_id=account_id, body=body)
    except CarnetError as exc:
        errors, message = forms.shown(exc)
        return _record_page(ACCOUNT, account_id, status=exc.status, errors=errors,
                            message=message, values=values, section="contacts")
    flash("records.contact_created")
    return redirect(CONTACT.url(created["id"]), 303)


# Create and edit --------------------------------------------------------------------------------------------

@blueprint.get("/contacts/new")
@session.login_required
def new_contact():
    return _form_page(CONTACT, None, _initial_values(CONTACT))


@blueprint.get("/accounts/new")
@session.login_required
def new_account():
    return _form_page(ACCOUNT, None, _initial_values(ACCOUNT))


@blueprint.post("/contacts/new")
@session.login_required
def create_contact():
    return _create(CONTACT)


@blueprint.post("/accounts/new")
@session.login_required
def create_account():
    return _create(ACCOUNT)


@blueprint.get("/contacts/<contact_id>/edit")
@session.login_required
def edit_contact(contact_id):
    record = calls.run("GET", CONTACT.item, contact_id=contact_id)
    return _form_page(CONTACT, record, _record_values(CONTACT, record))


@blueprint.get("/accounts/<account_id>/edit")
@session.login_required
def edit_account(account_id):
    record = calls.run("GET", ACCOUNT.item, account_id=account_id)
    return _form_page(ACCOUNT, record, _record_values(ACCOUNT, record))


@blueprint.post("/contacts/<contact_id>/edit")
@session.login_required
def update_contact(contact_id):
    return _update(CONTACT, contact_id)


@blueprint.post("/accounts/<account_id>/edit")
@session.login_required
def update_account(account_id):
    return _update(ACCOUNT, account_id)


def _writable(kind, record=None):
    """The standard fields the form shows: those the role may write (S-3; the API stays the judge) and, on an
    edit, that the API answered (a field the role may not read is not shown to be written over)."""
    principal = session.principal()
    return [(name, input_kind) for name, input_kind in kind.fields
            if may_field(principal, kind.module, name, "write") and (record is None or name in record)]


def _writable_custom(kind, definitions, record=None):
    principal = session.principal()
    return [d for d in definitions if not d.get("hidden")
            and may_field(principal, kind.module, f"custom.{d['key']}", "write")
            and (record is None or d["key"] in (record.get("custom") or {}) or _custom_readable(kind, d))]


def _custom_readable(kind, definition):
    return may_field(session.principal(), kind.module, f"custom.{definition['key']}", "read")


def _initial_values(kind):
    principal = session.principal()
    values = {"subscribed": True, "status": "active", "rep1_id": principal["user"]["id"]}
    if kind is CONTACT and request.args.get("account_id"):
        values["account_id"] = request.args["account_id"][:64]
    lists = _lists()
    values["list_ids"] = [item["id"] for item in lists if item.get("selected")]
    return values


def _record_values(kind, record):
    values = {name: record.get(name) for name, _ in kind.fields if name in record}
    for key, value in (record.get("custom") or {}).items():
        values[f"custom.{key}"] = value
    return values


def _posted(kind, fields, definitions):
    """The form's values as the API takes them, by field name (``custom.<key>`` for custom fields)."""
    values = {}
    for name, input_kind in fields:
        if input_kind == "checkbox":
            values[name] = request.form.get(name) == "true"
        else:
            values[name] = forms.text(name)
    for definition in definitions:
        name = f"custom.{definition['key']}"
        if definition["type"] == "multi_choice":
            values[name] = [v for v in request.form.getlist(name) if v] or None
            continue
        raw = forms.text(name)
        if definition["type"] == "boolean":
            values[name] = {"true": True, "false": False}.get(raw)
        elif definition["type"] == "number" and re.fullmatch(r"-?\d{1,15}", raw or ""):
            values[name] = int(raw)
        else:
            values[name] = raw
    return values


def _split(values):
    standard = {k: v for k, v in values.items() if not k.startswith("custom.")}
    custom = {k[len("custom."):]: v for k, v in values.items() if k.startswith("custom.")}
    return standard, custom


def _create(kind):
    definitions = _custom_fields(kind)
    fields, custom_fields = _writable(kind), _writable_custom(kind, definitions)
    values = _posted(kind, fields, custom_fields)
    values["list_ids"] = [v for v in request.form.getlist("list_ids") if v]
    standard, custom = _split(values)
    body = {k: v for k, v in standard.items() if v not in ("", None, [])}
    if "subscribed" in standard:
        body["subscribed"] = standard["subscribed"]
    body["list_ids"] = values["list_ids"]
    custom = {k: v for k, v in custom.items() if v not in ("", None)}
    if custom:
        body["custom"] = custom
    try:
        created = calls.run("POST", f"/{kind.module}", body=body)
    except CarnetError as exc:
        errors, message = forms.shown(exc)
        return _form_page(kind, None, values, errors=errors, message=message,
                          status=exc.status, definitions=definitions)
    flash(f"records.{kind.kind}_created")
    return redirect(kind.url(created["id"]), 303)


def _update(kind, record_id):
    definitions = _custom_fields(kind)
    record = calls.run("GET", kind.item, **{kind.id_param: record_id})
    fields, custom_fields = _writable(kind, record), _writable_custom(kind, definitions, record)
    values = _posted(kind, fields, custom_fields)
    standard, custom = _split(values)
    before_standard, before_custom = _split(_record_values(kind, record))
    body = forms.changed(before_standard, standard)
    custom_changed = forms.changed(before_custom, custom)
    if custom_changed:
        body["custom"] = custom_changed
    version = forms.text("version")
    if not body:
        flash("records.unchanged")
        return redirect(kind.url(record_id), 303)
    body["version"] = int(version) if version.isdigit() else version
    try:
        calls.run("PATCH", kind.item, body=body, **{kind.id_param: record_id})
    except CarnetError as exc:
        errors, message = forms.shown(exc)
        shown = {**record, "version": version}
        return _form_page(kind, shown, values, errors=errors, message=message,
                          status=exc.status, definitions=definitions, conflict=exc.status == 409)
    flash("records.saved")
    return redirect(kind.url(record_id), 303)


def _form_page(kind, record, values, *, errors=None, message="", status=200, definitions=None, conflict=False):
    definitions = definitions if definitions is not None else _custom_fields(kind)
    principal = session.principal()
    users = users_by_id()
    user_options = [("", "—")] + sorted(((u["id"], u["full_name"]) for u in users.values()
                                         if u.get("active", True) or u["id"] in (values.get("rep1_id"),
                                                                                   values.get("rep2_id"))),
                                        key=lambda pair: pair[1].lower())
    fields = _writable(kind, record)
    context = {
        "kind": kind, "record": record, "values": values, "errors": errors or {}, "message": message,
        "conflict": conflict, "fields": fields,
        "custom_fields": [{**d, "label": custom_label(d), "options": [(c, c) for c in d.get("choices") or []]}
                          for d in _writable_custom(kind, definitions, record)],
        "user_options": user_options,
        "title": (i18n.t("records.edit_title", name=record_name(kind, record)) if record
                  else i18n.t(f"records.new_{kind.kind}")),
        "status_options": [("active", i18n.t("records.status.active")),
                           ("inactive", i18n.t("records.status.inactive"))],
        "language_options": _language_options(values.get("language")),
        "may_write": may(principal, kind.module, "write"),
    }
    if record is None:
        context["lists"] = _lists()
    if any(input_kind == "account" for _, input_kind in fields):
        context["account_options"] = _account_options(values.get("account_id"), (record or {}).get("account_name"))
    return render_template("records/form.html", **context), status


def _language_options(current):
    options = [("", "—"), ("fr", i18n.t("records.language.fr")), ("en", i18n.t("records.language.en"))]
    if current and current not in ("fr", "en"):
        options.append((current, current))
    return options


def _account_options(current, current_name):
    """The accounts a contact may be put in: the first ones the caller sees, by name, and its current one."""
    try:
        page = calls.run("GET", "/accounts", query={"per_page": MANY})
    except CarnetError:
        page = {"items": []}
    options = sorted(((a["id"], a.get("name") or i18n.t("records.unnamed")) for a in page["items"]),
                     key=lambda pair: pair[1].lower())
    if current and current not in {value for value, _ in options}:
        options.insert(0, (current, current_name or i18n.t("records.hidden_account")))
    return [("", i18n.t("records.no_account"))] + options


# The delete conversation (C-10) ------------------------------------------------------------------------------

@blueprint.route("/contacts/<contact_id>/delete", methods=["GET", "POST"])
@session.login_required
def delete_contact(contact_id):
    return _delete(CONTACT, contact_id)


@blueprint.route("/accounts/<account_id>/delete", methods=["GET", "POST"])
@session.login_required
def delete_account(account_id):
    return _delete(ACCOUNT, account_id)


def _delete(kind, record_id):
    chosen = {"dependents": request.form.get("dependents", "reattach"),
              "delete_account": request.form.get("delete_account") == "true"}
    if request.method == "POST":
        query = {"dependents": chosen["dependents"]}
        if kind is CONTACT and chosen["delete_account"]:
            query["delete_account"] = "true"
        try:
            done = calls.run("DELETE", kind.item, query=query, **{kind.id_param: record_id})
        except CarnetError as exc:
            _, message = forms.shown(exc, (403, 409, 422, 503))  # 503: dependents=delete, opportunities silent
            return _delete_page(kind, record_id, chosen, message=message, status=exc.status)
        left = (done or {}).get("dependents", {}).get("left_total", 0)
        if left:  # dependents=delete: what the user may not delete (or cannot see) stayed; say so, and why
            flash(f"records.{kind.kind}_deleted", "records.dependents_left", f"dependents_left_{kind.kind}",
                  count=left)
        else:
            flash(f"records.{kind.kind}_deleted")
        return redirect(f"/app/{kind.module}", 303)
    return _delete_page(kind, record_id, chosen)


def _delete_page(kind, record_id, chosen, *, message="", status=200):
    preview = calls.run("GET", kind.item + "/delete-preview", **{kind.id_param: record_id})
    has_dependents = bool(preview.get("opportunities_total") or preview.get("tasks_total")
                          or preview.get("dependents_unavailable"))
    return render_template("records/delete.html", kind=kind, record_id=record_id, preview=preview,
                           name=preview.get("name") or i18n.t("records.unnamed"), chosen=chosen,
                           has_dependents=has_dependents, message=message), status


# The trash --------------------------------------------------------------------------------------------------

@blueprint.get("/trash")
@session.login_required
def trash():
    return _trash_page()


def _trash_page(*, message="", status=200, failed=None):
    page = calls.run("GET", "/trash", query={"page": _page_arg("page"), "per_page": PER_PAGE})
    principal = session.principal()
    users = users_by_id()
    items = [{**item, "kind": KINDS[f"{item['record_type']}s"],
              "by": user_name(users, item.get("deleted_by")),
              "may_restore": may(principal, f"{item['record_type']}s", "delete")} for item in page["items"]]
    return render_template("records/trash.html", page=page, items=items, message=message, failed=failed,
                           timezone=_timezone()), status


@blueprint.post("/trash/<trash_id>/restore")
@session.login_required
def restore(trash_id):
    try:
        restored = calls.run("POST", "/trash/{trash_id}/restore", trash_id=trash_id)
    except CarnetError as exc:
        _, message = forms.shown(exc, (403, 409))
        return _trash_page(message=message, status=exc.status, failed=trash_id)
    flash("records.restored")
    return redirect(KINDS[f"{restored['record_type']}s"].url(restored["id"]), 303)
