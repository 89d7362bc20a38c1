"""Duplicates (C-20) in the web client: the review queue (``/app/duplicates``, contacts or accounts) with each
pair's score and reasons, a "Merge" link to the merges area's preview (``/app/merges/new?type=…&ids=<a>,<b>``) and
Dismiss; the administrator's "Scan now"; the notice on a record with open pairs (``duplicates/record_notice.html``,
loaded by htmx from ``/app/duplicates/notice``, a plain link without JavaScript); the warning on the new-record form
(``duplicates/form_check.html``: htmx posts the form's values to ``/app/duplicates/check`` on every change).

Every read and write is the ``/api/v1`` operation (``calls.run``), so the page shows exactly the pairs, records,
fields and reasons the API answers the user (C-2, S-3). Post/redirect/get for Dismiss and Scan.
"""
from flask import redirect, render_template, request, url_for

from carnet_common.errors import CarnetError
from carnet_contracts.permissions import may
from carnet_gateway.web import blueprint, calls, forms, session
from carnet_gateway.web.pages import flash
from carnet_gateway.web.views.records_pages import KINDS, record_name

TYPES = {"contact": KINDS["contacts"], "account": KINDS["accounts"]}
PER_PAGE = 20
CANDIDATE_FIELDS = {"contact": ("first_name", "last_name", "email", "phone", "mobile", "fax", "other_phone", "city"),
                    "account": ("name", "email", "phone", "fax", "website", "city")}


def _kind():
    return TYPES.get(request.values.get("type", "contact"), TYPES["contact"])


def _number(name, default="1"):
    value = request.args.get(name, default)
    return value if value.isdigit() and len(value) < 7 else default


def _queue_page(*, message="", status=200):
    kind, principal = _kind(), session.principal()
    query = {"page": _number("page"), "per_page": str(PER_PAGE)}
    record_id = request.args.get("record_id", "")
    if record_id:
        query["record_id"] = record_id[:64]
    page = calls.run("GET", f"/{kind.module}/duplicates", query=query)
    scan = calls.run("GET", f"/{kind.module}/duplicates/scan")
    items = [{**item, "a_name": record_name(kind, item["a"]), "b_name": record_name(kind, item["b"])}
             for item in page["items"]]
    args = {"type": kind.kind, **({"record_id": query["record_id"]} if record_id else {})}
    return render_template("duplicates/queue.html", kind=kind, page=page, items=items, scan=scan, args=args,
                           record_id=query.get("record_id"), message=message,
                           may_write=may(principal, kind.module, "write"), is_admin=principal["is_admin"],
                           types=TYPES), status


@blueprint.get("/duplicates")
@session.login_required
def duplicates():
    return _queue_page()


@blueprint.post("/duplicates/dismiss")
@session.login_required
def dismiss_duplicate():
    kind = _kind()
    body = {"a_id": forms.text("a_id"), "b_id": forms.text("b_id")}
    try:
        calls.run("POST", f"/{kind.module}/duplicates/dismiss", body=body)
    except CarnetError as exc:
        _, message = forms.shown(exc, (403, 404, 422))
        return _queue_page(message=message, status=exc.status)
    flash("duplicates.dismissed")
    return redirect(url_for("web.duplicates", type=kind.kind), 303)


@blueprint.post("/duplicates/scan")
@session.login_required
def scan_duplicates():
    kind = _kind()
    try:
        calls.run("POST", f"/{kind.module}/duplicates/scan")
    except CarnetError as exc:
        _, message = forms.shown(exc, (403,))
        return _queue_page(message=message, status=exc.status)
    flash("duplicates.scan_requested")
    return redirect(url_for("web.duplicates", type=kind.kind), 303)


@blueprint.get("/duplicates/notice")
@session.login_required
def duplicates_notice():
    """The fragment of a record page: how many open pairs the record has (nothing when none, or when the API
    refuses: the record page itself answered already)."""
    kind, record_id = _kind(), request.args.get("record_id", "")[:64]
    try:
        page = calls.run("GET", f"/{kind.module}/duplicates", query={"record_id": record_id, "per_page": "1"})
    except CarnetError:
        page = {"total": 0}
    return render_template("duplicates/notice.html", kind=kind, record_id=record_id, total=page["total"])


@blueprint.post("/duplicates/check")
@session.login_required
def check_duplicates():
    """The fragment under the new-record form: the probable duplicates of the values typed so far."""
    kind = _kind()
    body = {name: forms.text(name) or None for name in CANDIDATE_FIELDS[kind.kind] if name in request.form}
    try:
        found = calls.run("POST", f"/{kind.module}/duplicates/check", body=body)["items"]
    except CarnetError:      # half-typed values the API refuses (too long): no warning yet
        found = []
    items = [{**item, "name": record_name(kind, item["record"])} for item in found]
    return render_template("duplicates/check.html", kind=kind, items=items)
