"""Opportunities (O-1..O-7): the list, the record with its stage, sub-stage and product lines, the create and edit
forms (product lines as repeated rows: without JavaScript a submit button re-renders the form with one more row or
one fewer; with it, the ``<product-lines>`` island adds and removes rows and shows the totals as they change), and
the delete confirmation.

Everything shown comes from the ``/api/v1`` answer of the same user (``calls.run``): a field the role may not read
(S-3: ``total`` with ``lines``, ``probability`` with ``stage_id``…) is absent from the answer and therefore from the
page; the page never computes an amount the API left out. The form shows only controls for fields the role may
write (``may_field``, the API refusing them anyway), and an edit sends only what changed, with the version read.
A line total shown in the form before saving is a preview of what the user typed (exact decimals, rounded half up
to the cent as O-5 stores it); the record page shows the API's totals.
"""
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel import numbers as babel_numbers
from flask import redirect, render_template, request

from carnet_common.errors import CarnetError, Conflict, Forbidden, InvalidInput, NotFound
from carnet_contracts.permissions import may, may_field
from carnet_gateway.web import blueprint, calls, forms, i18n, session
from carnet_gateway.web.pages import flash

MODULE = "opportunities"
TOP_FIELDS = ("title", "account_id", "contact_id", "stage_id", "substage_id", "rep1_id", "rep2_id", "close_date")
# The request fields each control writes (a sub-stage needs the stage's write too, as the API's ties say).
LINE_FIELDS = ("product_group", "product_code", "description", "quantity", "unit_price", "shipping", "discount")
AMOUNT_FIELDS = ("quantity", "unit_price", "shipping", "discount")
MAX_FORM_LINES = 500
CENT = Decimal("0.01")
PER_PAGE_CHOICES = ("25", "50", "100")


# Reading ---------------------------------------------------------------------------------------------------------

def _stages():
    """The organization's stages (labels in the page's language) with their sub-stages."""
    return calls.run("GET", "/stages")


def _users():
    """The organization's active users (reps are chosen among them): id -> full name."""
    try:
        page = calls.run("GET", "/users", query={"active": "true", "per_page": "200"})
    except Forbidden:
        return {}
    return {user["id"]: user.get("full_name") or user.get("username") for user in page["items"]}


def _quantity(value):
    """A quantity (up to 4 decimals, O-5) as people read it: every decimal the API gave that is not a trailing
    zero, none rounded away."""
    text = str(value)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    try:
        return babel_numbers.format_decimal(Decimal(text), locale=i18n.locale(), decimal_quantization=False)
    except InvalidOperation:
        return text


def _stage_maps(stages):
    by_id = {stage["id"]: stage for stage in stages}
    substages = {sub["id"]: sub for stage in stages for sub in stage.get("substages") or ()}
    return by_id, substages


@blueprint.get("/opportunities")
@session.login_required
def opportunities_list():
    # account_id and contact_id: the opportunities of an account or a contact (O-1), as their pages link here.
    args = {key: request.args.get(key, "").strip() for key in ("q", "stage", "page", "per_page", "account_id",
                                                               "contact_id")}
    args = {key: value for key, value in args.items() if value}
    errors, message, status = {}, "", 200
    try:
        page = calls.run("GET", "/opportunities", query=args)
    except (InvalidInput, Forbidden) as exc:
        if exc.status == 403 and not exc.errors:
            raise
        errors, message, status = forms.field_errors(exc), forms.summary(exc), exc.status
        page = {"items": [], "total": 0, "page": 1, "per_page": 50}
    stages = _stages()
    principal = session.principal()
    stage_by_id, substage_by_id = _stage_maps(stages)
    return render_template(
        "opportunities/list.html", page=page, items=page["items"], args=args, stages=stages,
        stage_by_id=stage_by_id, substage_by_id=substage_by_id, errors=errors, message=message,
        may_write=may(principal, MODULE, "write"), per_page_choices=PER_PAGE_CHOICES,
        filter_stage=may_field(principal, MODULE, "stage_id", "read"),
        filter_q=may_field(principal, MODULE, "title", "read") and may_field(principal, MODULE, "account_name",
                                                                               "read"),
    ), status


@blueprint.get("/opportunities/<opportunity_id>")
@session.login_required
def opportunity_record(opportunity_id):
    record = calls.run("GET", "/opportunities/{opportunity_id}", opportunity_id=opportunity_id)
    stages = _stages()
    stage_by_id, substage_by_id = _stage_maps(stages)
    principal = session.principal()
    return render_template("opportunities/record.html", record=record, stage_by_id=stage_by_id,
                           substage_by_id=substage_by_id, users=_users(),
                           timezone=(principal.get("organization") or {}).get("timezone"),
                           may_write=may(principal, MODULE, "write") and not record.get("read_only"),
                           may_delete=may(principal, MODULE, "delete") and not record.get("read_only"),
                           may_tasks=may(principal, "tasks", "read"), quantity=_quantity)


# Forms -------------------------------------------------------------------------------------------------------

def _normal_amount(value):
    """A typed amount as the API reads it: spaces dropped, a decimal comma (French) as a point."""
    value = "".join(value.split()).replace("\u202f", "")
    if "," in value and "." not in value:
        value = value.replace(",", ".")
    return value


def _posted_lines():
    """The product lines of the posted form, in their order (``lines.<n>.<field>``), blank rows left out."""
    indexes = sorted({int(key.split(".")[1]) for key in request.form
                      if key.startswith("lines.") and key.count(".") == 2 and key.split(".")[1].isdigit()})
    lines = []
    for index in indexes[:MAX_FORM_LINES]:
        line = {name: forms.text(f"lines.{index}.{name}") for name in LINE_FIELDS}
        for name in AMOUNT_FIELDS:
            line[name] = _normal_amount(line[name])
        if any(line.values()):
            lines.append(line)
    return lines


def _line_body(line):
    """A line as the API takes it: quantity and unit price always (blank ones are the API's 422), the others when
    given."""
    return {name: line.get(name, "") for name in LINE_FIELDS
            if line.get(name, "") != "" or name in ("quantity", "unit_price")}


def _preview_total(line):
    """What the user typed adds up to (O-5: quantity × unit price + shipping − discount, half up to the cent), or
    None while a number is missing or unreadable. Shown in the form only, before the API checks it."""
    try:
        amounts = {name: Decimal(line.get(name) or ("0" if name in ("shipping", "discount") else ""))
                   for name in AMOUNT_FIELDS}
    except InvalidOperation:
        return None
    if not all(value.is_finite() for value in amounts.values()):
        return None
    return (amounts["quantity"] * amounts["unit_price"] + amounts["shipping"] - amounts["discount"]).quantize(
        CENT, rounding=ROUND_HALF_UP)


def _with_previews(lines):
    shown = [{**line, "preview": _preview_total(line)} for line in lines]
    previews = [line["preview"] for line in shown]
    total = sum(previews, Decimal("0.00")) if shown and all(p is not None for p in previews) else None
    return shown, total


def _accounts(account_q, selected_id, selected_name):
    """Accounts to choose among: those the search ``account_q`` finds (the first page), with the chosen one."""
    query = {"per_page": "50"}
    if account_q:
        query["q"] = account_q
    try:
        found = [(item["id"], item.get("name") or item["id"]) for item in
                 calls.run("GET", "/accounts", query=query)["items"]]
    except (Forbidden, InvalidInput):
        found = []
    if selected_id and selected_id not in {value for value, _ in found}:
        if not selected_name:
            try:
                selected_name = calls.run("GET", "/accounts/{account_id}", account_id=selected_id).get("name")
            except (NotFound, Forbidden, InvalidInput):
                selected_name = None
        found.insert(0, (selected_id, selected_name or selected_id))
    return found


def _contacts(account_id):
    """The account's contacts the user sees (C-2), or none when the role may not read them."""
    if not account_id:
        return []
    try:
        page = calls.run("GET", "/accounts/{account_id}/contacts", account_id=account_id, query={"per_page": "200"})
    except (NotFound, Forbidden, InvalidInput):
        return []
    options = []
    for item in page["items"]:
        name = " ".join(part for part in (item.get("first_name"), item.get("last_name")) if part)
        options.append((item["id"], name or item.get("email") or item["id"]))
    return options


def _kept(options, value, label):
    """``options`` with the chosen ``value`` among them: saving a form never clears a choice the first page of
    choices did not hold (a contact the user does not see, a rep past the 200 first users)."""
    if value and value not in {key for key, _ in options}:
        return [(value, label or value), *options]
    return options


def _user_options(values):
    users = list(_users().items())
    for key in ("rep1_id", "rep2_id"):
        chosen = values.get(key)
        if chosen and chosen not in {user_id for user_id, _ in users}:
            try:
                found = calls.run("GET", "/users/{user_id}", user_id=chosen)
                users = _kept(users, chosen, found.get("full_name") or found.get("username"))
            except (NotFound, Forbidden):
                users = _kept(users, chosen, chosen)
    return users


def _writable(principal):
    """The controls the form shows: fields the role may write (the API refuses the others, 403)."""
    names = set(TOP_FIELDS) | {"lines"}
    return {name for name in names if may_field(principal, MODULE, name, "write")}


def _render_form(*, record, values, lines, errors=None, message="", status=200, conflict=False):
    principal = session.principal()
    stages = _stages()
    writable = _writable(principal)
    if record is not None:
        # An edit shows what the API answered: a field it left out is neither shown nor written.
        writable = {name for name in writable if name in record}
    account_q = forms.text("account_q") if request.method == "POST" else request.args.get("account_q", "")
    shown_lines, form_total = _with_previews(lines)
    return render_template(
        "opportunities/form.html", record=record, values=values, lines=shown_lines, form_total=form_total,
        errors=errors or {}, message=message, conflict=conflict, writable=writable, stages=stages,
        accounts=_accounts(account_q, values.get("account_id"), (record or {}).get("account_name"))
        if "account_id" in writable else [],
        account_q=account_q, contacts=_kept(_contacts(values.get("account_id")), values.get("contact_id"),
                                            (record or {}).get("contact_name")
                                            or i18n.t("opportunities.hidden_contact")),
        users=_user_options(values),
        action=request.path,
    ), status


def _values_from_record(record):
    return {name: record.get(name) or "" for name in TOP_FIELDS if name in record}


def _lines_from_record(record):
    return [{name: (line.get(name) if line.get(name) is not None else "") for name in LINE_FIELDS}
            for line in record.get("lines") or ()]


def _posted_values(writable):
    return {name: forms.text(name) for name in TOP_FIELDS if name in writable}


def _line_action():
    """The no-JavaScript row buttons: ``add_line``, or ``remove_line`` with the row's index (None otherwise)."""
    if "add_line" in request.form:
        return "add", None
    if "remove_line" in request.form:
        try:
            return "remove", int(request.form["remove_line"])
        except ValueError:
            return "remove", None
    if "find_account" in request.form:
        return "find", None
    return None, None


def _rows_after(action, index):
    """The posted rows, blank ones kept, with one more (add) or one fewer (remove): the form again."""
    indexes = sorted({int(key.split(".")[1]) for key in request.form
                      if key.startswith("lines.") and key.count(".") == 2 and key.split(".")[1].isdigit()})
    rows = [{name: forms.text(f"lines.{i}.{name}") for name in LINE_FIELDS} for i in indexes[:MAX_FORM_LINES]]
    if action == "add" and len(rows) < MAX_FORM_LINES:
        rows.append(dict.fromkeys(LINE_FIELDS, ""))
    elif action == "remove" and index is not None and 0 <= index < len(rows):
        rows.pop(index)
    return rows


@blueprint.get("/opportunities/new")
@session.login_required
def opportunity_new():
    values = {"account_id": request.args.get("account_id", ""), "contact_id": request.args.get("contact_id", "")}
    stages = _stages()
    open_stage = next((stage for stage in stages if 0 < stage["probability"] < 100), None)
    if open_stage:
        values["stage_id"] = open_stage["id"]
    return _render_form(record=None, values=values, lines=[dict.fromkeys(LINE_FIELDS, "")])


@blueprint.post("/opportunities/new")
@session.login_required
def opportunity_create():
    writable = _writable(session.principal())
    values = _posted_values(writable)
    action, index = _line_action()
    if action:
        return _render_form(record=None, values=values, lines=_rows_after(action, index))
    lines = _posted_lines() if "lines" in writable else []
    body = {name: value for name, value in values.items() if value != ""}
    if "lines" in writable and lines:
        body["lines"] = [_line_body(line) for line in lines]
    try:
        created = calls.run("POST", "/opportunities", body=body)
    except CarnetError as exc:
        errors, message = forms.shown(exc, (403, 404, 409, 422))
        return _render_form(record=None, values=values, lines=lines or _rows_after(None, None),
                            errors=errors, message=message, status=exc.status)
    flash("opportunities.created")
    return redirect(f"/app/opportunities/{created['id']}", 303)


@blueprint.get("/opportunities/<opportunity_id>/edit")
@session.login_required
def opportunity_edit(opportunity_id):
    record = calls.run("GET", "/opportunities/{opportunity_id}", opportunity_id=opportunity_id)
    lines = _lines_from_record(record) if "lines" in record else []
    return _render_form(record=record, values=_values_from_record(record), lines=lines)


@blueprint.post("/opportunities/<opportunity_id>/edit")
@session.login_required
def opportunity_update(opportunity_id):
    record = calls.run("GET", "/opportunities/{opportunity_id}", opportunity_id=opportunity_id)
    try:
        version = int(request.form.get("version", ""))
    except ValueError:
        version = record["version"]
    shown = {**record, "version": version}
    writable = {name for name in _writable(session.principal()) if name in record}
    values = _posted_values(writable)
    action, index = _line_action()
    if action:
        return _render_form(record=shown, values=values, lines=_rows_after(action, index))
    body = forms.changed(_values_from_record(record), values)
    lines = []
    if "lines" in writable:
        lines = _posted_lines()
        if [_line_body(line) for line in lines] != [_line_body(line) for line in _lines_from_record(record)]:
            body["lines"] = [_line_body(line) for line in lines]
    body["version"] = version
    try:
        calls.run("PATCH", "/opportunities/{opportunity_id}", opportunity_id=opportunity_id, body=body)
    except CarnetError as exc:
        errors, message = forms.shown(exc, (403, 404, 409, 422))
        return _render_form(record=shown, values=values, lines=lines, errors=errors,
                            message=message, status=exc.status,
                            conflict=isinstance(exc, Conflict) and exc.code != "opportunity_read_only")
    flash("opportunities.saved")
    return redirect(f"/app/opportunities/{opportunity_id}", 303)


@blueprint.get("/opportunities/<opportunity_id>/delete")
@session.login_required
def opportunity_delete_confirm(opportunity_id):
    record = calls.run("GET", "/opportunities/{opportunity_id}", opportunity_id=opportunity_id)
    return render_template("opportunities/delete.html", record=record, message="")


@blueprint.post("/opportunities/<opportunity_id>/delete")
@session.login_required
def opportunity_delete(opportunity_id):
    try:
        calls.run("DELETE", "/opportunities/{opportunity_id}", opportunity_id=opportunity_id)
    except Conflict as exc:
        record = calls.run("GET", "/opportunities/{opportunity_id}", opportunity_id=opportunity_id)
        return render_template("opportunities/delete.html", record=record, message=forms.summary(exc)), 409
    flash("opportunities.deleted")
    return redirect("/app/opportunities", 303)

