"""Merges of duplicates (C-20 merge and undo, issue 12): choosing the second record, the field-by-field preview
with a radio per field, the merge, its result page with Undo, and the list of merges with their undo deadline.

Every read and write is the ``/api/v1`` operation itself (``calls.run``: ``GET /merges/preview``, ``POST
/merges``, ``GET /merges/{merge_id}``, ``POST /merges/{merge_id}/undo``, ``GET /merges``), so the page shows only
the fields and counts the API answers the user (S-3) and every refusal is the API's (404, 403, 409 with the
fields changed since, 422). Post/redirect/get; no script.

``/app/merges/new?type=contact&ids=<winner>,<loser>``: the first record stays (``swap`` reverses them); with one id,
a search (the contacts or accounts search of the API) offers the second.
"""
from flask import redirect, render_template, request

from carnet_common.errors import CarnetError, NotFound
from carnet_contracts.permissions import may
from carnet_gateway.web import blueprint, calls, forms, i18n, session
from carnet_gateway.web.pages import flash
from carnet_gateway.web.views.records_pages import (
    KINDS,
    custom_label,
    record_name,
    shown_value,
    user_name,
    users_by_id,
)

TYPES = {"contact": KINDS["contacts"], "account": KINDS["accounts"]}
PER_PAGE = 20


def _kind():
    return TYPES.get(request.values.get("type", "contact"), TYPES["contact"])


def _ids():
    raw = request.values.get("ids", "")
    return [part.strip() for part in raw.split(",") if part.strip()][:2]


def _labels(kind):
    """Field → label: the record form's texts, custom fields by their name in the user's language."""
    labels = {name: i18n.t(f"records.field.{name}") for name, _ in kind.fields}
    try:
        definitions = calls.run("GET", "/custom-fields/{module}", module=kind.module)
    except CarnetError:
        definitions = []
    labels.update({f"custom.{d['key']}": custom_label(d) for d in definitions})
    types = {**dict(kind.fields), **{f"custom.{d['key']}": d["type"] for d in definitions}}
    return labels, types


def _source_label(source, labels):
    if source in ("winner", "loser"):
        return i18n.t(f"merges.source.{source}")
    side, slot = source.split(":", 1)
    return i18n.t(f"merges.source.{side}_slot", field=labels.get(slot, slot))


def _shown(kind, value, users):
    """A value of the preview as the record page shows it: a rep by the user's name, an account by its name (as its
    GET shows it to the user; its id when they may not see it), not their ids."""
    if kind == "user":
        return {"text": user_name(users, value) if value else "", "href": None}
    if kind == "account" and value:
        try:
            account = calls.run("GET", KINDS["accounts"].item, account_id=value)
        except CarnetError:
            return {"text": str(value), "href": None}
        return {"text": record_name(KINDS["accounts"], account), "href": KINDS["accounts"].url(value)}
    return shown_value(kind, value)


def _rows(preview, labels, types, chosen):
    """The preview's fields as the page shows them: each source with its value, the chosen (or proposed) one
    checked."""
    rows = []
    users = users_by_id() if any(types.get(entry["field"]) == "user" for entry in preview["fields"]) else {}
    for entry in preview["fields"]:
        field = entry["field"]
        kind = types.get(field, "text")
        sides = {"winner": entry["winner"], "loser": entry["loser"]}
        options = []
        for source in entry["sources"]:
            if ":" in source:
                if source != entry["proposed"] and source != chosen.get(field):
                    continue  # another slot's number: offered when proposed or chosen, as the API computed it
                value = entry["proposed_value"]
            else:
                value = sides[source]
            checked = chosen.get(field, entry["proposed"]) == source
            options.append({"source": source, "label": _source_label(source, labels),
                            "value": _shown(kind, value, users), "checked": checked})
        differs = entry["winner"] != entry["loser"] or any(":" in o["source"] for o in options)
        rows.append({"field": field, "label": labels.get(field, field), "options": options,
                     "locked": entry["locked"], "differs": differs})
    return rows


def _pick_page(kind, winner_id):
    """One record chosen: a search for the other (records the user sees, by the API's search)."""
    record = calls.run("GET", kind.item, **{kind.id_param: winner_id})
    q = request.args.get("q", "").strip()
    found = []
    if q:
        page = calls.run("GET", f"/{kind.module}", query={"q": q, "per_page": PER_PAGE})
        found = [item for item in page["items"] if item["id"] != winner_id]
    return render_template("merges/pick.html", kind=kind, record=record, q=q, found=found)


@blueprint.get("/merges/new")
@session.login_required
def new_merge():
    kind, ids = _kind(), _ids()
    if not ids:
        raise NotFound()
    if len(ids) == 1:
        return _pick_page(kind, ids[0])
    return _preview_page(kind, ids[0], ids[1])


def _preview_page(kind, winner_id, loser_id, *, chosen=None, errors=None, message="", status=200):
    preview = calls.run("GET", "/merges/preview", query={"record_type": kind.kind, "winner_id": winner_id,
                                                         "loser_id": loser_id})
    labels, types = _labels(kind)
    rows = _rows(preview, labels, types, chosen or {})
    return render_template("merges/new.html", kind=kind, preview=preview, rows=rows, errors=errors or {},
                           message=message, winner_id=winner_id, loser_id=loser_id), status


def _integer(value):
    """A posted version as the API's contract takes it (an integer); anything else as sent, which it refuses (422)."""
    return int(value) if value and value.isdigit() and len(value) < 12 else value


@blueprint.post("/merges")
@session.login_required
def merge():
    kind = _kind()
    winner_id, loser_id = request.form.get("winner_id", ""), request.form.get("loser_id", "")
    chosen = {key[len("field:"):]: value for key, value in request.form.items() if key.startswith("field:")}
    body = {"record_type": kind.kind, "winner_id": winner_id, "loser_id": loser_id,
            "winner_version": _integer(request.form.get("winner_version")),
            "loser_version": _integer(request.form.get("loser_version")), "choices": chosen}
    try:
        merged = calls.run("POST", "/merges", body=body)
    except CarnetError as exc:
        errors, message = forms.shown(exc, (403, 409, 422))
        return _preview_page(kind, winner_id, loser_id, chosen=chosen, errors=errors, message=message,
                             status=exc.status)
    flash("merges.merged")
    return redirect(f"/app/merges/{merged['id']}", 303)


def _merge_page(merge_id, *, message="", status=200):
    merge = calls.run("GET", "/merges/{merge_id}", merge_id=merge_id)
    kind = TYPES[merge["record_type"]]
    return render_template("merges/merge.html", merge=merge, kind=kind, message=message,
                           may_undo=_may_undo(kind), timezone=_timezone()), status


def _may_undo(kind):
    principal = session.principal()
    return may(principal, kind.module, "write") and may(principal, kind.module, "delete")


def _timezone():
    return ((session.principal() or {}).get("organization") or {}).get("timezone")


@blueprint.get("/merges/<merge_id>")
@session.login_required
def merge_result(merge_id):
    return _merge_page(merge_id)


@blueprint.post("/merges/<merge_id>/undo")
@session.login_required
def undo(merge_id):
    try:
        calls.run("POST", "/merges/{merge_id}/undo", merge_id=merge_id)
    except CarnetError as exc:
        _, message = forms.shown(exc, (403, 409))
        if request.form.get("from") == "list":
            return _list_page(message=message, status=exc.status, failed=merge_id)
        return _merge_page(merge_id, message=message, status=exc.status)
    flash("merges.undone")
    return redirect(f"/app/merges/{merge_id}", 303)


def _list_page(*, message="", status=200, failed=None):
    page_arg = request.args.get("page", "1")
    page = calls.run("GET", "/merges", query={"page": page_arg if page_arg.isdigit() else "1", "per_page": PER_PAGE})
    items = [{**item, "kind": TYPES[item["record_type"]], "may_undo": _may_undo(TYPES[item["record_type"]])}
             for item in page["items"]]
    return render_template("merges/list.html", page=page, items=items, message=message, failed=failed,
                           timezone=_timezone()), status


@blueprint.get("/merges")
@session.login_required
def merges():
    return _list_page()
