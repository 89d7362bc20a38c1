"""Settings for administrators (issue 11, part C): users, roles and their permission matrix, lists and their grants,
custom fields and list layouts, stages and sub-stages, the organization profile. Everything under
``/app/settings``.

Every page and every post of the area first runs ``GET /roles`` for the page's user: that operation is the API's
administrators-only one (S-9), so a non-administrator gets the API's own 403 (``admin_only``) as a page, for the
lists or custom-field pages too whose reads are open to every user. Nothing here re-decides a rule: each change is
the ``/api/v1`` operation, and its refusals (seats exhausted, last administrator, manager cycle, a private list
made public...) come back on the form.
"""
import functools

from flask import abort, redirect, render_template, request, url_for

from carnet_common.errors import CarnetError
from carnet_contracts.customization import CHOICE_TYPES, CUSTOM_FIELD_TYPES
from carnet_contracts.identity import FIELD_ACTIONS, LANGUAGES, MODULE_ACTIONS, MODULES, SPECIAL, TIME_ZONES
from carnet_gateway.web import blueprint, calls, forms, i18n, session
from carnet_gateway.web.pages import flash

# The API's answers a form shows on itself (everything else is an error page).
# The standard fields of each module a role's field permissions name (S-3; carnet_contracts' records, opportunities
# and tasks contracts, with the values an opportunity shows: probability, total, source).
RECORD_FIELDS = {
    "contacts": ("first_name", "last_name", "title", "email", "phone", "mobile", "other_phone", "fax", "website",
                 "street", "city", "province", "postal_code", "country", "language", "subscribed", "account_id",
                 "rep1_id", "rep2_id", "status"),
    "accounts": ("name", "email", "phone", "fax", "website", "street", "city", "province", "postal_code", "country",
                 "rep1_id", "rep2_id", "status"),
    "opportunities": ("title", "account_id", "contact_id", "stage_id", "probability", "substage_id", "rep1_id",
                      "rep2_id", "close_date", "lines", "total", "source"),
    "tasks": ("type", "status", "title", "description", "due_at", "assignee_id", "contact_id", "account_id",
              "opportunity_id"),
}
FIELD_MODULES = tuple(RECORD_FIELDS)
# Columns a list layout may show besides custom fields (the contacts service's criteria.STANDARD and EXTRA, C-15).
LAYOUT_FIELDS = {
    "contacts": ("last_name", "first_name", "title", "email", "phone", "mobile", "other_phone", "fax", "website",
                 "street", "city", "province", "postal_code", "country", "language", "subscribed", "account_name",
                 "rep1_id", "rep2_id", "status", "created_at", "updated_at"),
    "accounts": ("name", "email", "phone", "fax", "website", "street", "city", "province", "postal_code", "country",
                 "rep1_id", "rep2_id", "status", "created_at", "updated_at"),
}
CUSTOM_MODULES = ("contacts", "accounts", "opportunities")
USER_FLAGS = ("all_contacts", "hierarchy_contacts", "own_records_only")
PER_PAGE = 25


def admin_page(view):
    """Signed in, and an administrator as the API says: ``GET /roles`` answers 403 to anyone else."""
    @functools.wraps(view)
    @session.login_required
    def wrapper(**kwargs):
        roles = calls.run("GET", "/roles")
        return view(roles=roles, **kwargs)
    return wrapper


def _checked(name):
    return request.form.get(name) in ("true", "on", "1")


def _done(key, target):
    flash(key)
    return redirect(target, 303)


def field_label(module, name, custom_fields=()):
    """A field's label in the page's language: a standard one from the catalogue, a custom one its own label."""
    if name.startswith("custom."):
        key = name.split(".", 1)[1]
        for custom in custom_fields:
            if custom["key"] == key:
                return custom["label_fr"] if i18n.language() == "fr" else custom["label_en"]
        return key
    return i18n.t(f"settings.field.{name}")


# Home ------------------------------------------------------------------------------------------------------------

@blueprint.get("/settings")
@admin_page
def settings_home(roles):
    return render_template("settings/home.html", custom_modules=CUSTOM_MODULES)


# Users -----------------------------------------------------------------------------------------------------------

def _users(query):
    return calls.run("GET", "/users", query=query)


def _all_users():
    """Every user (for the manager select and list grants), a page of 200 at a time."""
    found, page = [], 1
    while True:
        answer = _users({"page": page, "per_page": 200})
        found.extend(answer["items"])
        if page * answer["per_page"] >= answer["total"]:
            return found
        page += 1


@blueprint.get("/settings/users")
@admin_page
def settings_users(roles):
    q = request.args.get("q", "").strip()
    active = request.args.get("active", "")
    active = active if active in ("true", "false") else ""
    page_number = request.args.get("page", "1")
    page_number = page_number if page_number.isdigit() and 0 < int(page_number) < 10_000 else "1"
    page = _users({"q": q or None, "active": active or None, "page": page_number, "per_page": PER_PAGE})
    return render_template("settings/users.html", page=page, q=q, active=active,
                           role_names={role["id"]: role["name"] for role in roles},
                           args={key: value for key, value in (("q", q), ("active", active)) if value})


USER_TEXTS = ("username", "full_name", "email")


def _language_options():
    return [(code, i18n.t(f"settings.language.{code}")) for code in LANGUAGES]


def _user_form(values, roles, errors=None, message="", user=None, status=200, reset_errors=None):
    users = [u for u in _all_users() if user is None or u["id"] != user["id"]]
    return render_template("settings/user_form.html", values=values, user=user, errors=errors or {},
                           message=message, role_options=[(role["id"], role["name"]) for role in roles],
                           managers=[(u["id"], f"{u['full_name']} ({u['username']})") for u in users],
                           languages=_language_options(), flags=USER_FLAGS,
                           reset_errors=reset_errors or {}), status


def _user_body():
    body = {name: forms.text(name) for name in USER_TEXTS}
    body["language"] = forms.text("language") or None
    body["role_id"] = forms.text("role_id") or None
    body["manager_id"] = forms.text("manager_id") or None
    for flag in (*USER_FLAGS, "is_admin"):
        body[flag] = _checked(flag)
    return body


@blueprint.get("/settings/users/new")
@admin_page
def settings_user_new(roles):
    return _user_form({"language": i18n.language(), "active": True}, roles)


@blueprint.post("/settings/users/new")
@admin_page
def settings_user_create(roles):
    body = _user_body()
    body["password"] = request.form.get("password", "")
    body = {key: value for key, value in body.items() if value not in ("", None)}
    try:
        created = calls.run("POST", "/users", body=body)
    except CarnetError as exc:
        errors, message = forms.shown(exc)
        body.pop("password", None)
        return _user_form(body, roles, errors, message, status=exc.status)
    return _done("settings.user_created", url_for("web.settings_user", user_id=created["id"]))


@blueprint.get("/settings/users/<user_id>")
@admin_page
def settings_user(roles, user_id):
    user = calls.run("GET", "/users/{user_id}", user_id=user_id)
    return _user_form(user, roles, user=user)


@blueprint.post("/settings/users/<user_id>")
@admin_page
def settings_user_update(roles, user_id):
    user = calls.run("GET", "/users/{user_id}", user_id=user_id)
    after = _user_body()
    body = forms.changed(user, {key: value for key, value in after.items() if key not in (*USER_FLAGS, "is_admin")})
    body.update({key: after[key] for key in (*USER_FLAGS, "is_admin") if bool(user.get(key)) != after[key]})
    for key in USER_TEXTS:
        if key in body and body[key] is None:
            body[key] = ""  # a required text emptied: the API says so on the field
    password = request.form.get("password", "")
    if password:
        body["password"] = password
    if {"username", "email", "password"} & set(body):
        body["current_password"] = request.form.get("current_password", "")
    try:
        if body:
            calls.run("PATCH", "/users/{user_id}", user_id=user_id, body=body)
    except CarnetError as exc:
        errors, message = forms.shown(exc)
        return _user_form({**user, **after}, roles, errors, message, user=user, status=exc.status)
    return _done("form.saved", url_for("web.settings_user", user_id=user_id))


@blueprint.post("/settings/users/<user_id>/active")
@admin_page
def settings_user_active(roles, user_id):
    user = calls.run("GET", "/users/{user_id}", user_id=user_id)
    try:
        calls.run("PATCH", "/users/{user_id}", user_id=user_id, body={"active": not user["active"]})
    except CarnetError as exc:
        errors, message = forms.shown(exc)
        return _user_form(user, roles, errors, message, user=user, status=exc.status)
    return _done("settings.user_deactivated" if user["active"] else "settings.user_activated",
                 url_for("web.settings_user", user_id=user_id))


@blueprint.post("/settings/users/<user_id>/delete")
@admin_page
def settings_user_delete(roles, user_id):
    user = calls.run("GET", "/users/{user_id}", user_id=user_id)
    try:
        calls.run("DELETE", "/users/{user_id}", user_id=user_id)
    except CarnetError as exc:
        errors, message = forms.shown(exc)
        return _user_form(user, roles, errors, message, user=user, status=exc.status)
    return _done("form.deleted", url_for("web.settings_users"))


@blueprint.post("/settings/users/<user_id>/second-factor")
@admin_page
def settings_user_totp_reset(roles, user_id):
    user = calls.run("GET", "/users/{user_id}", user_id=user_id)
    try:
        calls.run("POST", "/users/{user_id}/totp/reset", user_id=user_id,
                  body={"current_password": request.form.get("current_password", "")})
    except CarnetError as exc:
        errors, message = forms.shown(exc)
        return _user_form(user, roles, {}, message, user=user, status=exc.status, reset_errors=errors)
    return _done("settings.totp_reset_done", url_for("web.settings_user", user_id=user_id))


# Roles and the permission matrix (S-2, S-3) -----------------------------------------------------------------------

@blueprint.get("/settings/roles")
@admin_page
def settings_roles(roles):
    return render_template("settings/roles.html", roles=roles, errors={}, message="", values={})


@blueprint.post("/settings/roles")
@admin_page
def settings_role_create(roles):
    name = forms.text("name")
    try:
        created = calls.run("POST", "/roles", body={"name": name})
    except CarnetError as exc:
        errors, message = forms.shown(exc)
        return render_template("settings/roles.html", roles=roles, errors=errors, message=message,
                               values={"name": name}), exc.status
    return _done("settings.role_created", url_for("web.settings_role", role_id=created["id"]))


def _custom_fields(module):
    return calls.run("GET", "/custom-fields/opportunities" if module == "opportunities" else "/custom-fields/{module}",
                     **({} if module == "opportunities" else {"module": module}))


def _matrix_fields():
    """Per module, (key without the module, label) of every field a role's permissions may narrow."""
    rows = {}
    for module in FIELD_MODULES:
        customs = _custom_fields(module) if module in CUSTOM_MODULES else []
        rows[module] = ([(name, field_label(module, name)) for name in RECORD_FIELDS[module]]
                        + [(f"custom.{c['key']}", field_label(module, f"custom.{c['key']}", customs))
                           for c in customs])
    return rows


def _role_page(roles, role_id, permissions=None, errors=None, message="", status=200, form=None):
    role = next((r for r in roles if r["id"] == role_id), None)
    stored = calls.run("GET", "/roles/{role_id}/permissions", role_id=role_id)  # another organization's: 404
    return render_template("settings/role.html", role=role, permissions=permissions or stored,
                           matrix_fields=_matrix_fields(), modules=MODULES, module_actions=MODULE_ACTIONS,
                           field_actions=FIELD_ACTIONS, special=SPECIAL, errors=errors or {}, message=message,
                           form=form), status


@blueprint.get("/settings/roles/<role_id>")
@admin_page
def settings_role(roles, role_id):
    return _role_page(roles, role_id)


@blueprint.post("/settings/roles/<role_id>/rename")
@admin_page
def settings_role_rename(roles, role_id):
    try:
        calls.run("PATCH", "/roles/{role_id}", role_id=role_id, body={"name": forms.text("name")})
    except CarnetError as exc:
        errors, message = forms.shown(exc)
        return _role_page(roles, role_id, errors=errors, message=message, status=exc.status, form="rename")
    return _done("form.saved", url_for("web.settings_role", role_id=role_id))


@blueprint.post("/settings/roles/<role_id>/delete")
@admin_page
def settings_role_delete(roles, role_id):
    try:
        calls.run("DELETE", "/roles/{role_id}", role_id=role_id)
    except CarnetError as exc:
        errors, message = forms.shown(exc)
        return _role_page(roles, role_id, errors=errors, message=message, status=exc.status, form="delete")
    return _done("form.deleted", url_for("web.settings_roles"))


def permissions_from_form(matrix_fields):
    """The permission document the matrix's checkboxes say: every module action and special entry, and a field
    entry only where it narrows its module (a field without an entry follows its module, S-3)."""
    document = {
        "modules": {module: {action: _checked(f"m.{module}.{action}") for action in MODULE_ACTIONS}
                    for module in MODULES},
        "fields": {},
        "special": {name: {action: _checked(f"s.{name}.{action}") for action in actions}
                    for name, actions in SPECIAL.items()},
    }
    for module, rows in matrix_fields.items():
        for name, _label in rows:
            entry = {action: _checked(f"f.{module}.{name}.{action}") for action in FIELD_ACTIONS}
            if not all(entry.values()):
                document["fields"][f"{module}.{name}"] = entry
    return document


@blueprint.post("/settings/roles/<role_id>/permissions")
@admin_page
def settings_role_permissions(roles, role_id):
    document = permissions_from_form(_matrix_fields())
    try:
        calls.run("PUT", "/roles/{role_id}/permissions", role_id=role_id, body=document)
    except CarnetError as exc:
        errors, message = forms.shown(exc)
        return _role_page(roles, role_id, permissions=document, errors=errors, message=message, status=exc.status,
                          form="permissions")
    return _done("settings.permissions_saved", url_for("web.settings_role", role_id=role_id))


# Lists and grants (L-1..L-3, S-6) ---------------------------------------------------------------------------------

def _lists_page(errors=None, message="", values=None, status=200):
    return render_template("settings/lists.html", lists=calls.run("GET", "/lists"), errors=errors or {},
                           message=message, values=values or {}), status


@blueprint.get("/settings/lists")
@admin_page
def settings_lists(roles):
    return _lists_page()


def _access():
    """The sharing radio: all users, the granted users only, or private (its creator alone)."""
    chosen = request.form.get("access", "granted")
    return {"access_all_users": chosen == "all", "private": chosen == "private"}


@blueprint.post("/settings/lists")
@admin_page
def settings_list_create(roles):
    body = {"name": forms.text("name"), **_access()}
    try:
        created = calls.run("POST", "/lists", body=body)
    except CarnetError as exc:
        errors, message = forms.shown(exc)
        return _lists_page(errors, message, {"name": body["name"], "access": request.form.get("access")},
                           status=exc.status)
    return _done("settings.list_created", url_for("web.settings_list", list_id=created["id"]))


def _list_page(list_id, errors=None, message="", values=None, status=200, form=None):
    grants = calls.run("GET", "/lists/{list_id}/grants", list_id=list_id)  # another organization's: 404
    found = next((item for item in calls.run("GET", "/lists") if item["id"] == list_id), None)
    if found is None:
        abort(404)
    return render_template("settings/list.html", item=found, grants=set(grants["user_ids"]), users=_all_users(),
                           errors=errors or {}, message=message, values=values or {}, form=form), status


@blueprint.get("/settings/lists/<list_id>")
@admin_page
def settings_list(roles, list_id):
    return _list_page(list_id)


@blueprint.post("/settings/lists/<list_id>")
@admin_page
def settings_list_update(roles, list_id):
    body = {"name": forms.text("name"), **_access()}
    try:
        calls.run("PATCH", "/lists/{list_id}", list_id=list_id, body=body)
    except CarnetError as exc:
        errors, message = forms.shown(exc)
        return _list_page(list_id, errors, message, {"name": body["name"], "access": request.form.get("access")},
                          status=exc.status, form="edit")
    return _done("form.saved", url_for("web.settings_list", list_id=list_id))


@blueprint.post("/settings/lists/<list_id>/grants")
@admin_page
def settings_list_grants(roles, list_id):
    user_ids = [value for value in request.form.getlist("user_ids") if value]
    try:
        calls.run("PUT", "/lists/{list_id}/grants", list_id=list_id, body={"user_ids": user_ids})
    except CarnetError as exc:
        errors, message = forms.shown(exc)
        return _list_page(list_id, errors, message, status=exc.status, form="grants")
    return _done("settings.grants_saved", url_for("web.settings_list", list_id=list_id))


@blueprint.post("/settings/lists/<list_id>/delete")
@admin_page
def settings_list_delete(roles, list_id):
    try:
        calls.run("DELETE", "/lists/{list_id}", list_id=list_id)
    except CarnetError as exc:
        errors, message = forms.shown(exc)
        return _list_page(list_id, errors, message, status=exc.status, form="delete")
    return _done("form.deleted", url_for("web.settings_lists"))


# Custom fields (C-14) and list layouts (C-15) ----------------------------------------------------------------------

def _module_or_404(module):
    if module not in CUSTOM_MODULES:
        abort(404)


def _field_path(module, key=None):
    if module == "opportunities":
        return ("/custom-fields/opportunities/{key}", {"key": key}) if key else ("/custom-fields/opportunities", {})
    if key:
        return "/custom-fields/{module}/{key}", {"module": module, "key": key}
    return "/custom-fields/{module}", {"module": module}


def _layout_options(module, customs):
    names = list(LAYOUT_FIELDS[module]) + [f"custom.{c['key']}" for c in customs]
    return [(name, field_label(module, name, customs)) for name in names]


def _fields_page(module, errors=None, message="", values=None, status=200, form=None):
    customs = _custom_fields(module)
    layout = calls.run("GET", "/layouts/{module}", module=module) if module in LAYOUT_FIELDS else None
    def label(name):
        return field_label(module, name, customs)
    shown = [" / ".join(label(name) for name in column) for column in (layout or {}).get("columns", [])]
    return render_template("settings/fields.html", module=module, customs=customs, layout=layout,
                           layout_options=_layout_options(module, customs) if layout else [], layout_shown=shown,
                           label=label,
                           type_options=[(kind, i18n.t(f"settings.type.{kind}")) for kind in CUSTOM_FIELD_TYPES],
                           modules=CUSTOM_MODULES, errors=errors or {}, message=message, values=values or {},
                           form=form), status


@blueprint.get("/settings/fields")
@admin_page
def settings_fields_home(roles):
    return redirect(url_for("web.settings_fields", module="contacts"), 303)


@blueprint.get("/settings/fields/<module>")
@admin_page
def settings_fields(roles, module):
    _module_or_404(module)
    return _fields_page(module)


def _choices():
    return [line.strip() for line in request.form.get("choices", "").splitlines() if line.strip()]


def _custom_field_body(kind):
    body = {"label_fr": forms.text("label_fr"), "label_en": forms.text("label_en"), "hidden": _checked("hidden")}
    if kind in CHOICE_TYPES:
        body["choices"] = _choices()
    if kind == "textarea" and forms.text("height"):
        body["height"] = forms.text("height")
    return body


@blueprint.post("/settings/fields/<module>")
@admin_page
def settings_field_create(roles, module):
    _module_or_404(module)
    kind = forms.text("type")
    body = {"key": forms.text("key"), "type": kind, **_custom_field_body(kind)}
    if module == "opportunities" and forms.text("product_type"):
        body["product_type"] = forms.text("product_type")
    path, params = _field_path(module)
    try:
        calls.run("POST", path, body=body, **params)
    except CarnetError as exc:
        errors, message = forms.shown(exc)
        values = {**body, "choices": request.form.get("choices", "")}
        return _fields_page(module, errors, message, values, status=exc.status, form="create")
    return _done("settings.field_created", url_for("web.settings_fields", module=module))


def _one_field(module, key):
    found = next((c for c in _custom_fields(module) if c["key"] == key), None)
    if found is None:
        abort(404)
    return found


def _field_form(module, field, values=None, errors=None, message="", status=200):
    return render_template("settings/field.html", module=module, field=field, values=values or field,
                           errors=errors or {}, message=message, choice_types=CHOICE_TYPES), status


@blueprint.get("/settings/fields/<module>/<key>")
@admin_page
def settings_field(roles, module, key):
    _module_or_404(module)
    return _field_form(module, _one_field(module, key))


@blueprint.post("/settings/fields/<module>/<key>")
@admin_page
def settings_field_update(roles, module, key):
    _module_or_404(module)
    field = _one_field(module, key)
    body = _custom_field_body(field["type"])
    if module == "opportunities":
        body["product_type"] = forms.text("product_type") or None
    path, params = _field_path(module, key)
    try:
        calls.run("PATCH", path, body=body, **params)
    except CarnetError as exc:
        errors, message = forms.shown(exc)
        return _field_form(module, field, {**field, **body, "choices": _choices()}, errors, message, exc.status)
    return _done("form.saved", url_for("web.settings_fields", module=module))


@blueprint.post("/settings/fields/<module>/<key>/delete")
@admin_page
def settings_field_delete(roles, module, key):
    _module_or_404(module)
    path, params = _field_path(module, key)
    calls.run("DELETE", path, **params)
    return _done("form.deleted", url_for("web.settings_fields", module=module))


def layout_after(columns, action):
    """The columns once ``action`` is applied: ``up:i``, ``down:i``, ``remove:i`` or ``add`` (the chosen field, and
    an optional second one under it, as a new last column)."""
    columns = [list(column) for column in columns]
    verb, _, index = action.partition(":")
    if verb == "add":
        column = [name for name in (forms.text("add_field"), forms.text("add_second")) if name]
        if column:
            columns.append(list(dict.fromkeys(column)))
        return columns
    if not index.isdigit() or int(index) >= len(columns):
        return columns
    i = int(index)
    if verb == "up" and i > 0:
        columns[i - 1], columns[i] = columns[i], columns[i - 1]
    elif verb == "down" and i + 1 < len(columns):
        columns[i + 1], columns[i] = columns[i], columns[i + 1]
    elif verb == "remove":
        del columns[i]
    return columns


@blueprint.post("/settings/layouts/<module>")
@admin_page
def settings_layout(roles, module):
    if module not in LAYOUT_FIELDS:
        abort(404)
    current = [column.split(",") for column in request.form.getlist("column") if column]
    columns = layout_after(current, request.form.get("action", ""))
    try:
        calls.run("PUT", "/layouts/{module}", module=module, body={"columns": columns})
    except CarnetError as exc:
        errors, message = forms.shown(exc)
        return _fields_page(module, errors, message, status=exc.status, form="layout")
    return _done("settings.layout_saved", url_for("web.settings_fields", module=module) + "#layout")


# Stages and sub-stages (O-3) ---------------------------------------------------------------------------------------

def _stages_page(errors=None, message="", form=None, values=None, status=200):
    return render_template("settings/stages.html", stages=calls.run("GET", "/stages"), errors=errors or {},
                           message=message, form=form, values=values or {}), status


@blueprint.get("/settings/stages")
@admin_page
def settings_stages(roles):
    return _stages_page()


def _labels():
    return {"label_fr": forms.text("label_fr"), "label_en": forms.text("label_en")}


@blueprint.post("/settings/stages/<stage_id>")
@admin_page
def settings_stage_update(roles, stage_id):
    try:
        calls.run("PATCH", "/stages/{stage_id}", stage_id=stage_id, body=_labels())
    except CarnetError as exc:
        errors, message = forms.shown(exc)
        return _stages_page(errors, message, form=f"stage-{stage_id}", values=_labels(), status=exc.status)
    return _done("form.saved", url_for("web.settings_stages"))


@blueprint.post("/settings/stages/<stage_id>/substages")
@admin_page
def settings_substage_create(roles, stage_id):
    body = {**_labels(), "locked": _checked("locked")}
    try:
        calls.run("POST", "/stages/{stage_id}/substages", stage_id=stage_id, body=body)
    except CarnetError as exc:
        errors, message = forms.shown(exc)
        return _stages_page(errors, message, form=f"new-{stage_id}", values=body, status=exc.status)
    return _done("settings.substage_created", url_for("web.settings_stages"))


@blueprint.post("/settings/substages/<substage_id>")
@admin_page
def settings_substage_update(roles, substage_id):
    try:
        calls.run("PATCH", "/substages/{substage_id}", substage_id=substage_id, body=_labels())
    except CarnetError as exc:
        errors, message = forms.shown(exc)
        return _stages_page(errors, message, form=f"sub-{substage_id}", values=_labels(), status=exc.status)
    return _done("form.saved", url_for("web.settings_stages"))


# Organization profile (S-7, S-8, S-10) -----------------------------------------------------------------------------

ORGANIZATION_TEXTS = ("name", "street", "city", "province", "postal_code", "country", "phone", "website", "logo_url",
                      "sender_name", "legal_text")


def _organization_page(organization, values=None, errors=None, message="", status=200):
    return render_template("settings/organization.html", organization=organization, values=values or organization,
                           errors=errors or {}, message=message, languages=_language_options(),
                           time_zones=[(zone, zone) for zone in TIME_ZONES]), status


@blueprint.get("/settings/organization")
@admin_page
def settings_organization(roles):
    return _organization_page(calls.run("GET", "/organization"))


@blueprint.post("/settings/organization")
@admin_page
def settings_organization_update(roles):
    organization = calls.run("GET", "/organization")
    after = {name: forms.text(name) for name in ORGANIZATION_TEXTS}
    after.update(language=forms.text("language"), timezone=forms.text("timezone"))
    body = forms.changed(organization, after)
    if "name" in body and body["name"] is None:
        body["name"] = ""
    for key in ("language", "timezone"):
        if key in body and body[key] is None:
            del body[key]
    if _checked("require_totp") != bool(organization.get("require_totp")):
        body["require_totp"] = _checked("require_totp")
    try:
        if body:
            calls.run("PATCH", "/organization", body=body)
    except CarnetError as exc:
        errors, message = forms.shown(exc)
        return _organization_page(organization, {**organization, **after, "require_totp": _checked("require_totp")},
                                  errors, message, exc.status)
    return _done("form.saved", url_for("web.settings_organization"))
