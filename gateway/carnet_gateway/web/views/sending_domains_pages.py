"""Pages of sending domains (E-5, E-6): the organization's domains with their state, the form that adds one (the
API's refusals — look-alike, free-mail, taken — on its field), a domain's page with the three DNS records to copy
(name, type, value; the long DKIM value in a ``<code>`` block), the Check button with each record's result, the
approval state ("waiting for Carnet's approval"), and its deletion (web client conventions:
gateway/carnet_gateway/web/README.md).

Every read and write is the ``/api/v1`` operation (``calls.run``): administrators manage domains (the API's 403
page for anyone else on a domain's page or a change); users with the ``emails`` read permission see the list only
(the API answers them without the records); another organization's domain is the API's 404 page."""
from flask import redirect, render_template, url_for

from carnet_common.errors import CarnetError
from carnet_gateway.web import blueprint, calls, forms, session
from carnet_gateway.web.pages import flash


def status(domain):
    """The catalogue key of a domain's state, as a person reads it."""
    if domain["approval"] == "refused":
        return "refused"
    if domain["usable"]:
        return "usable"
    if not domain["verified"]:
        return "unverified"
    return "waiting_approval"


def _list_page(*, values=None, errors=None, message="", status_code=200):
    domains = calls.run("GET", "/sending-domains")
    principal = session.principal()
    return render_template("sending_domains/list.html", domains=domains, status=status,
                           is_admin=bool(principal and principal["is_admin"]), values=values or {"domain": ""},
                           errors=errors or {}, message=message), status_code


@blueprint.get("/sending-domains")
@session.login_required
def sending_domains():
    return _list_page()


@blueprint.post("/sending-domains")
@session.login_required
def sending_domain_create():
    values = {"domain": forms.text("domain")}
    try:
        created = calls.run("POST", "/sending-domains", body=values)
    except CarnetError as exc:
        errors, message = forms.shown(exc, (409, 422))
        if exc.status == 409 and not errors:
            errors = {"domain": [message]}
        return _list_page(values=values, errors=errors, message=message, status_code=exc.status)
    flash("sending_domains.added", domain=created["display_domain"])
    return redirect(url_for("web.sending_domain", domain_id=created["id"]), 303)


@blueprint.get("/sending-domains/<domain_id>")
@session.login_required
def sending_domain(domain_id):
    found = calls.run("GET", "/sending-domains/{domain_id}", domain_id=domain_id)
    return render_template("sending_domains/domain.html", domain=found, status=status(found))


@blueprint.post("/sending-domains/<domain_id>/check")
@session.login_required
def sending_domain_check(domain_id):
    checked = calls.run("POST", "/sending-domains/{domain_id}/check", domain_id=domain_id)
    flash("sending_domains.checked_ok" if checked["verified"] else "sending_domains.checked_not_yet")
    return redirect(url_for("web.sending_domain", domain_id=domain_id), 303)


@blueprint.post("/sending-domains/<domain_id>/delete")
@session.login_required
def sending_domain_delete(domain_id):
    found = calls.run("GET", "/sending-domains/{domain_id}", domain_id=domain_id)
    calls.run("DELETE", "/sending-domains/{domain_id}", domain_id=domain_id)
    flash("sending_domains.deleted", domain=found["display_domain"])
    return redirect(url_for("web.sending_domains"), 303)
