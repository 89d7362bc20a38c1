"""Pages of the audience of campaigns (E-11): a contact's consent section (``audience/contact_section.html``,
included by records/record.html for contacts and loaded as a fragment from ``/app/audience/contact/<id>``, with a
plain link as the no-JavaScript fallback: the consent state, the ledger, a small form to record a consent, a button
to withdraw one) and the organization's suppression list ``/app/suppressions`` (search, add by hand, remove a manual
entry). Every read and write is the ``/api/v1`` operation (``calls.run``), so the rules are the API's
(carnet_gateway/routes/audience.py): a contact the user does not see is the 404 page, the ``emails`` permission and
the plan's ``emails`` feature the API's 403, bad input a 422 shown on its field.
"""
from flask import redirect, render_template, request, url_for

from carnet_common.errors import CarnetError
from carnet_contracts.audience import BASES, KINDS, REASONS, STATES
from carnet_contracts.permissions import may
from carnet_gateway.web import blueprint, calls, forms, i18n, session
from carnet_gateway.web.pages import flash

SOURCES = ("manual", "form", "import", "double_opt_in", "purchase", "inquiry", "other")
PER_PAGE = 50


def _record_page(contact_id):
    return f"/app/contacts/{contact_id}"


def _consent_page(contact_id, *, values=None, errors=None, message="", status=200):
    principal = session.principal()
    ledger = calls.run("GET", "/contacts/{contact_id}/consents", contact_id=contact_id)  # 404: not visible
    return render_template(
        "audience/contact.html", contact_id=contact_id, ledger=ledger, back=_record_page(contact_id),
        values=values or {"kind": "express", "basis": "", "source": "manual", "proof": "", "expires_at": ""},
        errors=errors or {}, message=message,
        may_write=may(principal, "emails", "write") and may(principal, "contacts", "read"),
        labels=_labels(), kinds=[(kind, i18n.t(f"audience.kind_{kind}")) for kind in KINDS],
        bases=[("", i18n.t("audience.basis_none"))] + [(basis, i18n.t(f"audience.basis_{basis}")) for basis in BASES],
        sources=[(source, i18n.t(f"audience.source_{source}")) for source in SOURCES]), status


def _labels():
    """The texts of the values a page shows (state, kind, basis, source, reason), by value."""
    return {"state": {state: i18n.t(f"audience.state_{state}") for state in STATES},
            "kind": {kind: i18n.t(f"audience.kind_{kind}") for kind in KINDS},
            "basis": {basis: i18n.t(f"audience.basis_{basis}") for basis in BASES},
            "source": {source: i18n.t(f"audience.source_{source}") for source in SOURCES},
            "reason": {reason: i18n.t(f"audience.reason_{reason}") for reason in REASONS}}


@blueprint.get("/audience/contact/<contact_id>")
@session.login_required
def audience_contact(contact_id):
    """The consent section of a contact's page: the whole page, of which the record page loads
    ``#contact-consents`` (htmx); without JavaScript, the record page links here."""
    return _consent_page(contact_id)


def _expiry(text):
    """A date (``YYYY-MM-DD``, a date input's value) as the API's date-time: the end of that day, UTC."""
    return f"{text}T23:59:59Z" if len(text) == 10 else text


@blueprint.post("/audience/contact/<contact_id>/consents")
@session.login_required
def audience_record_consent(contact_id):
    values = {name: forms.text(name) for name in ("kind", "basis", "source", "proof", "expires_at")}
    body = {"kind": values["kind"], "source": values["source"] or "manual", "proof": values["proof"]}
    if values["basis"]:
        body["basis"] = values["basis"]
    if values["expires_at"]:
        body["expires_at"] = _expiry(values["expires_at"])
    try:
        calls.run("POST", "/contacts/{contact_id}/consents", contact_id=contact_id, body=body)
    except CarnetError as exc:
        errors, message = forms.shown(exc, (403, 422))
        return _consent_page(contact_id, values=values, errors=errors, message=message, status=exc.status)
    flash("audience.consent_recorded")
    return redirect(_record_page(contact_id) + "#consents", 303)


@blueprint.post("/audience/contact/<contact_id>/consents/<consent_id>/withdraw")
@session.login_required
def audience_withdraw_consent(contact_id, consent_id):
    try:
        calls.run("POST", "/contacts/{contact_id}/consents/{consent_id}/withdraw", contact_id=contact_id,
                  consent_id=consent_id)
    except CarnetError as exc:
        _, message = forms.shown(exc, (409,))
        return _consent_page(contact_id, message=message, status=exc.status)
    flash("audience.consent_withdrawn")
    return redirect(_record_page(contact_id) + "#consents", 303)


@blueprint.app_template_global("consents_readable")
def consents_readable():
    """Whether the contact page shows the consent section: the plan has e-mails (E-1) and the role reads them."""
    principal = session.principal()
    if principal is None or not (may(principal, "emails", "read") and may(principal, "contacts", "read")):
        return False
    return bool(((principal.get("organization") or {}).get("limits") or {}).get("emails"))


# The suppression list ------------------------------------------------------------------------------------------

def _page_number():
    try:
        return max(1, min(int(request.args.get("page", "1")), 100_000))
    except ValueError:
        return 1


def _suppressions_page(*, values=None, errors=None, message="", status=200):
    principal = session.principal()
    q = (request.args.get("q") or "").strip()[:254]
    page = calls.run("GET", "/suppressions", query={"page": _page_number(), "per_page": PER_PAGE, "q": q or None})
    return render_template("audience/suppressions.html", page=page, q=q, values=values or {"email": ""},
                           labels=_labels(),
                           errors=errors or {}, message=message, may_write=may(principal, "emails", "write")), status


@blueprint.get("/suppressions")
@session.login_required
def suppressions():
    return _suppressions_page()


@blueprint.post("/suppressions")
@session.login_required
def suppressions_add():
    values = {"email": forms.text("email")}
    try:
        added = calls.run("POST", "/suppressions", body={"email": values["email"]})
    except CarnetError as exc:
        errors, message = forms.shown(exc, (403, 422))
        return _suppressions_page(values=values, errors=errors, message=message, status=exc.status)
    flash("audience.suppression_added", email=added["email"])
    return redirect(url_for("web.suppressions"), 303)


@blueprint.post("/suppressions/remove")
@session.login_required
def suppressions_remove():
    email = forms.text("email")
    try:
        calls.run("DELETE", "/suppressions/{email}", email=email)
    except CarnetError as exc:
        _, message = forms.shown(exc, (409,))
        return _suppressions_page(message=message, status=exc.status)
    flash("audience.suppression_removed", email=email)
    return redirect(url_for("web.suppressions"), 303)
