"""Enrichment of a contact (C-6) in the web client: the "Enrich" action of the record page
(``enrichment/record_action.html``, shown on a contact with an email to a caller who may write contacts), the
proposals page with a checkbox per field (the record's value beside the proposed one), and applying the chosen ones.

Both steps are the ``/api/v1`` operations (``calls.run``): the proposals page runs ``POST /contacts/{id}/enrichment``
(nothing written; it holds only fields the role may read, a field it may not write is shown but not offered), and
the form posts the chosen fields with the version read to ``/enrichment/apply``; success is post/redirect/get to the
record with a flash, a refusal (403, 409, 422) re-renders the proposals with the API's message.
"""
from flask import redirect, render_template, request

from carnet_common.errors import CarnetError
from carnet_gateway.web import blueprint, calls, forms, i18n, session
from carnet_gateway.web.pages import flash
from carnet_gateway.web.views.records_pages import CONTACT, custom_label, record_name, shown_value

PATH = "/contacts/{contact_id}/enrichment"
KINDS = {"phone": "tel", "fax": "tel", "website": "url"}


def _labels():
    definitions = calls.run("GET", "/custom-fields/{module}", module="contacts")
    labels = {f"custom.{d['key']}": custom_label(d) for d in definitions}
    types = {f"custom.{d['key']}": d["type"] for d in definitions}
    return labels, types


def _page(contact_id, *, message="", errors=None, status=200):
    record = calls.run("GET", CONTACT.item, contact_id=contact_id)
    try:
        found = calls.run("POST", PATH, contact_id=contact_id)
    except CarnetError as exc:   # refused (an inside address, no email, a permission): said on the page
        _, refusal = forms.shown(exc, (403, 422))
        found = {"message": refusal, "proposals": [], "other_facts": {}, "source": None, "refused": True}
    labels, types = _labels()
    rows = []
    for proposal in found["proposals"]:
        field = proposal["field"]
        kind = types.get(field) or KINDS.get(field, "text")
        rows.append({**proposal, "id": "f-enrich-" + field.replace(".", "-"),
                     "label": labels.get(field) or i18n.t(f"records.field.{field}"),
                     "current_shown": shown_value(kind, proposal["current"]),
                     "proposed_shown": shown_value(kind, proposal["proposed"])})
    other = [{"name": i18n.t(f"enrichment.fact.{key}"), "value": shown_value("url" if "://" in value else "text",
                                                                               value)}
             for key, value in found["other_facts"].items()]
    return render_template("enrichment/proposals.html", record=record, name=record_name(CONTACT, record),
                           found=found, rows=rows, other=other, message=message, errors=errors or {},
                           record_url=CONTACT.url(contact_id)), status


@blueprint.get("/contacts/<contact_id>/enrichment")
@session.login_required
def contact_enrichment(contact_id):
    return _page(contact_id)


@blueprint.post("/contacts/<contact_id>/enrichment")
@session.login_required
def apply_contact_enrichment(contact_id):
    chosen = request.form.getlist("field")
    standard = {name: forms.text(f"value.{name}") for name in chosen if not name.startswith("custom.")}
    custom = {name[len("custom."):]: forms.text(f"value.{name}") for name in chosen if name.startswith("custom.")}
    if custom:
        standard["custom"] = custom
    version = forms.text("version")
    body = {"version": int(version) if version.isdigit() else version, "fields": standard,
            "source": forms.text("source") or None}
    try:
        calls.run("POST", PATH + "/apply", contact_id=contact_id, body=body)
    except CarnetError as exc:
        errors, message = forms.shown(exc)
        return _page(contact_id, message=message, errors=errors, status=exc.status)
    flash("enrichment.applied", count=str(len(chosen)))
    return redirect(CONTACT.url(contact_id), 303)
