"""Pages of what recipients did (E-7, E-9): per-recipient report, a contact's e-mails (web client conventions:
gateway/carnet_gateway/web/README.md).

- ``/app/campaigns/<id>/report``: the totals and the recipients' table (paged), both the ``/api/v1`` answers for the
  page's user (``GET /campaigns/{id}/report`` and ``/recipients``): only the recipients whose contact they see.
- ``/app/engagement/contact/<id>``: the e-mails sent to a contact (``GET /contacts/{id}/emails``), the whole page of
  which the contact's record page loads ``#contact-emails`` (htmx; a link without JavaScript), with a link to the
  one-to-one composer (``/app/contacts/<id>/email``, the campaigns pages) for roles that write e-mails.
The public pages of the e-mails themselves (unsubscribe, a bad link) are ``carnet_gateway/public_links.py``'s."""
from flask import render_template, request, url_for

from carnet_contracts.permissions import may
from carnet_gateway.web import blueprint, calls, session


def _page_number():
    value = request.args.get("page", "1")
    return value if value.isdigit() and 0 < len(value) <= 6 else "1"


def _state():
    value = request.args.get("state") or None
    return value if value in ("queued", "sending", "sent", "retry", "failed", "suppressed", "cancelled") else None


@blueprint.get("/campaigns/<campaign_id>/report")
@session.login_required
def campaign_report(campaign_id):
    report = calls.run("GET", "/campaigns/{campaign_id}/report", campaign_id=campaign_id)  # 404 for another org's
    state = _state()
    page = calls.run("GET", "/campaigns/{campaign_id}/recipients", campaign_id=campaign_id,
                     query={"page": _page_number(), "per_page": 50, "state": state})
    return render_template("engagement/report.html", report=report, page=page, state=state,
                           args={"campaign_id": campaign_id, **({"state": state} if state else {})},
                           back=f"/app/campaigns/{campaign_id}")


@blueprint.get("/engagement/contact/<contact_id>")
@session.login_required
def contact_emails(contact_id):
    """The e-mails section of a contact's page: the whole page, of which the record page loads ``#contact-emails``."""
    principal = session.principal()
    found = calls.run("GET", "/contacts/{contact_id}/emails", contact_id=contact_id,
                      query={"page": _page_number(), "per_page": 20})  # 404 for a contact the caller does not see
    return render_template("engagement/contact.html", contact_id=contact_id, page=found,
                           args={"contact_id": contact_id}, back=f"/app/contacts/{contact_id}",
                           composer=f"/app/contacts/{contact_id}/email" if may(principal, "emails", "write") else None)


@blueprint.app_template_global("emails_readable")
def emails_readable():
    """Whether the signed-in user's plan has e-mails (E-1) and their role reads them (the section shows only then)."""
    principal = session.principal()
    if principal is None or not may(principal, "emails", "read"):
        return False
    return bool(((principal.get("organization") or {}).get("limits") or {}).get("emails"))


@blueprint.app_template_global("contact_emails_url")
def contact_emails_url(contact_id):
    return url_for("web.contact_emails", contact_id=contact_id)
