"""Pages of campaigns and one-to-one e-mails (E-2…E-5, E-10): drafts, lists, content, sending, progress; sent e-mails
(web client conventions: gateway/carnet_gateway/web/README.md).

- ``/app/campaigns``: the organization's campaigns (drafts and sent ones, a status filter) and, on its second tab
  (``?tab=sent``), the module's sent e-mails with their statistics.
- ``/app/campaigns/new`` and a draft's page ``/app/campaigns/<id>``: the builder (name, the user's active lists as
  checkboxes, template, subject, HTML, text, from name, from address = local part + a usable sending domain,
  reply-to, express consent required), its counters (E-4 and E-11) refreshed by "Count" (htmx swaps the counters
  block; without JavaScript the button submits the form and the whole page comes back with them), Send with a
  confirmation, Delete.
- A campaign that left the draft state has the same address: its status, its progress (polled by htmx while it
  sends), Pause / Resume / Cancel, a copy into a new draft and the report (``/app/campaigns/<id>/report``, the
  engagement area's page).
- ``/app/contacts/<id>/email``: the one-to-one composer (E-3): template, subject, HTML, text, Send; from the user's
  own address.

Every read and write is the ``/api/v1`` operation (``calls.run``): another organization's campaign is the 404 page,
the ``emails`` permission and the plan's ``emails`` feature the API's 403, a list the user may not access a 422 on
its field.
"""
from flask import redirect, render_template, request, url_for

from carnet_common.errors import CarnetError
from carnet_contracts.campaigns import STATUSES
from carnet_contracts.permissions import may
from carnet_gateway.web import blueprint, calls, forms, i18n, session
from carnet_gateway.web.pages import flash

COUNTERS = ("total", "valid", "selected", "duplicates", "unsubscribed", "invalid", "no_consent", "consent_expired")
STATES = ("queued", "sending", "sent", "retry", "failed", "suppressed", "cancelled")
PER_PAGE = 25


def _may(action):
    return may(session.principal(), "emails", action)


def _page_number():
    try:
        return max(1, int(request.args.get("page", "1")))
    except ValueError:
        return 1


# The list and the sent e-mails -----------------------------------------------------------------------------------

@blueprint.get("/campaigns")
@session.login_required
def campaigns():
    tab = "sent" if request.args.get("tab") == "sent" else "campaigns"
    status = request.args.get("status") if request.args.get("status") in STATUSES else None
    query = {"page": _page_number(), "per_page": PER_PAGE}
    if tab == "sent":
        found = calls.run("GET", "/sent-emails", query=query)
    else:
        found = calls.run("GET", "/campaigns", query={**query, "status": status})
    args = {"tab": tab} if tab == "sent" else ({"status": status} if status else {})
    return render_template("campaigns/list.html", tab=tab, page=found, status=status, args=args,
                           statuses=[("", i18n.t("campaigns.all_statuses"))]
                           + [(item, i18n.t(f"campaigns.status.{item}")) for item in STATUSES],
                           may_write=_may("write"))


# The builder -----------------------------------------------------------------------------------------------------

def _lists():
    """The lists the user may target: their active lists (``/me``'s selection, L-2), as the API checks them."""
    lists = calls.run("GET", "/lists")
    selected = calls.run("GET", "/me").get("selected_list_ids")
    if selected is not None:
        lists = [item for item in lists if item["id"] in set(selected)]
    return [(item["id"], item["name"]) for item in lists]


def _optional(method, path, default, **kwargs):
    """A read of another area the page can do without (its route not there, or refused): ``default``."""
    try:
        return calls.run(method, path, **kwargs)
    except (KeyError, CarnetError):
        return default


def _domains():
    """The usable sending domains of the organization (verified and approved), for the from address."""
    found = _optional("GET", "/sending-domains", [])
    items = found.get("items", []) if isinstance(found, dict) else found
    usable = []
    for item in items or []:
        state = item.get("usable")
        if state is None:
            state = bool(item.get("verified") or item.get("verified_at")) and item.get("approval") == "approved"
        if state:
            usable.append(item["domain"])
    return usable


def _templates():
    found = _optional("GET", "/email-templates", [])
    items = found.get("items", []) if isinstance(found, dict) else found
    return [("", i18n.t("campaigns.no_template"))] + [(item["id"], item["name"]) for item in items or []]


def _values(campaign):
    if campaign is None:
        return {"name": "", "list_ids": [], "template_id": "", "subject": "", "html": "", "text": "",
                "from_name": session.principal()["organization"].get("name") or "", "from_local": "",
                "from_domain": "", "reply_to": "", "require_express": False}
    local, _, domain = (campaign["from_email"] or "").partition("@")
    return {"name": campaign["name"], "list_ids": campaign["list_ids"], "template_id": campaign["template_id"] or "",
            "subject": campaign["subject"], "html": campaign["html"], "text": campaign["text"],
            "from_name": campaign["from_name"], "from_local": local, "from_domain": domain,
            "reply_to": campaign["reply_to"] or "", "require_express": campaign["require_express"]}


def _posted():
    values = {key: forms.text(key) for key in ("name", "template_id", "subject", "from_name", "from_local",
                                               "from_domain", "reply_to")}
    values.update(html=request.form.get("html", ""), text=request.form.get("text", ""),
                  list_ids=request.form.getlist("list_ids"), require_express=request.form.get("require_express")
                  == "true")
    return values


def _from_email(values):
    if not values["from_local"] and not values["from_domain"]:
        return None
    return f"{values['from_local']}@{values['from_domain']}"


def _body(values, campaign=None):
    """The API body of the form: a template newly chosen fills subject, HTML and text (those of the form are left
    out); empty parts are left out of a new draft."""
    body = {"name": values["name"], "list_ids": values["list_ids"], "from_name": values["from_name"],
            "from_email": _from_email(values), "reply_to": values["reply_to"] or None,
            "require_express": values["require_express"], "template_id": values["template_id"] or None}
    new_template = values["template_id"] and values["template_id"] != ((campaign or {}).get("template_id") or "")
    for part in ("subject", "html", "text"):
        if not new_template and (values[part] or campaign is not None):
            body[part] = values[part]
    if campaign is None:
        body = {key: value for key, value in body.items() if value not in (None, "")}
    return body


def _counters_of(campaign):
    if campaign is None or not campaign["list_ids"]:
        return None
    return _optional("GET", "/campaigns/{campaign_id}/counters", None, campaign_id=campaign["id"])


def _builder(*, campaign=None, values=None, errors=None, message="", counters=None, count_errors=(), status=200):
    values = values if values is not None else _values(campaign)
    domains = _domains()
    if values["from_domain"] and values["from_domain"] not in domains:
        domains = [values["from_domain"]] + domains
    return render_template(
        "campaigns/builder.html", campaign=campaign, values=values, errors=errors or {}, message=message,
        lists=_lists(), templates=_templates(), domain_options=[("", i18n.t("campaigns.choose_domain"))]
        + [(domain, domain) for domain in domains], counters=counters, counter_keys=COUNTERS,
        count_errors=list(count_errors),
        may_write=_may("write"), may_delete=_may("delete")), status


@blueprint.get("/campaigns/new")
@session.login_required
def campaign_new():
    calls.run("GET", "/campaigns", query={"per_page": 1})   # the API's plan gate and permission (403 page)
    return _builder()


@blueprint.post("/campaigns")
@session.login_required
def campaign_create():
    values = _posted()
    try:
        created = calls.run("POST", "/campaigns", body=_body(values))
    except CarnetError as exc:
        errors, message = forms.shown(exc)
        return _builder(values=values, errors=_on_form(errors), message=message, status=exc.status)
    flash("campaigns.created", name=created["name"])
    return redirect(url_for("web.campaign", campaign_id=created["id"]), 303)


def _on_form(errors):
    """The API's errors keyed as the form's fields (``from_email`` is the local part and domain pair)."""
    if "from_email" in errors:
        errors = {**errors, "from_local": errors["from_email"]}
    return errors


def _counted(values):
    """The counters of the form's lists (``POST /campaigns/audience``), or the error on its field."""
    if not values["list_ids"]:
        return None, {"list_ids": [i18n.t("campaign_no_list")]}
    try:
        return calls.run("POST", "/campaigns/audience", body={"list_ids": values["list_ids"],
                                                               "require_express": values["require_express"]}), {}
    except KeyError:   # the audience area's counters route is not there (an installation without it)
        return None, {"list_ids": [i18n.t("campaigns.counters_unavailable")]}
    except CarnetError as exc:
        errors, _ = forms.shown(exc, (403, 422))
        return None, errors


def _messages(errors):
    """Errors of a count, shown in the counters block (the part of the page "Count" replaces)."""
    return [text for texts in errors.values() for text in texts]


@blueprint.post("/campaigns/count")
@session.login_required
def campaign_count_new():
    values = _posted()
    counters, errors = _counted(values)
    return _builder(values=values, counters=counters, count_errors=_messages(errors))


@blueprint.post("/campaigns/<campaign_id>/count")
@session.login_required
def campaign_count(campaign_id):
    found = calls.run("GET", "/campaigns/{campaign_id}", campaign_id=campaign_id)
    values = _posted()
    counters, errors = _counted(values)
    return _builder(campaign=found, values=values, counters=counters, count_errors=_messages(errors))


@blueprint.get("/campaigns/<campaign_id>")
@session.login_required
def campaign(campaign_id):
    found = calls.run("GET", "/campaigns/{campaign_id}", campaign_id=campaign_id)
    if found["status"] == "draft":
        return _builder(campaign=found, counters=_counters_of(found))
    progress = calls.run("GET", "/campaigns/{campaign_id}/progress", campaign_id=campaign_id)
    return render_template("campaigns/campaign.html", campaign=found, progress=progress, states=STATES,
                           counter_keys=COUNTERS, polling=progress["status"] == "sending",
                           may_write=_may("write"))


@blueprint.post("/campaigns/<campaign_id>")
@session.login_required
def campaign_update(campaign_id):
    found = calls.run("GET", "/campaigns/{campaign_id}", campaign_id=campaign_id)
    values = _posted()
    try:
        body = {**_body(values, found), "version": int(request.form.get("version") or found["version"])}
        calls.run("PATCH", "/campaigns/{campaign_id}", campaign_id=campaign_id, body=body)
    except CarnetError as exc:
        errors, message = forms.shown(exc)
        return _builder(campaign=found, values=values, errors=_on_form(errors), message=message, status=exc.status)
    flash("campaigns.saved")
    return redirect(url_for("web.campaign", campaign_id=campaign_id), 303)


@blueprint.post("/campaigns/<campaign_id>/send")
@session.login_required
def campaign_send(campaign_id):
    found = calls.run("GET", "/campaigns/{campaign_id}", campaign_id=campaign_id)
    try:
        calls.run("POST", "/campaigns/{campaign_id}/send", campaign_id=campaign_id,
                  body={"version": int(request.form.get("version") or found["version"])})
    except CarnetError as exc:
        errors, message = forms.shown(exc)
        return _builder(campaign=found, errors=_on_form(errors), message=message, counters=_counters_of(found),
                        status=exc.status)
    flash("campaigns.sending_started", name=found["name"])
    return redirect(url_for("web.campaign", campaign_id=campaign_id), 303)


def _action(campaign_id, action, done):
    try:
        calls.run("POST", f"/campaigns/{{campaign_id}}/{action}", campaign_id=campaign_id)
    except CarnetError as exc:
        if exc.status != 409:
            raise
        flash(exc.code)
        return redirect(url_for("web.campaign", campaign_id=campaign_id), 303)
    flash(done)
    return redirect(url_for("web.campaign", campaign_id=campaign_id), 303)


@blueprint.post("/campaigns/<campaign_id>/pause")
@session.login_required
def campaign_pause(campaign_id):
    return _action(campaign_id, "pause", "campaigns.paused")


@blueprint.post("/campaigns/<campaign_id>/resume")
@session.login_required
def campaign_resume(campaign_id):
    return _action(campaign_id, "resume", "campaigns.resumed")


@blueprint.post("/campaigns/<campaign_id>/cancel")
@session.login_required
def campaign_cancel(campaign_id):
    return _action(campaign_id, "cancel", "campaigns.cancelled")


@blueprint.post("/campaigns/<campaign_id>/copy")
@session.login_required
def campaign_copy(campaign_id):
    copied = calls.run("POST", "/campaigns/{campaign_id}/copy", campaign_id=campaign_id)
    flash("campaigns.copied")
    return redirect(url_for("web.campaign", campaign_id=copied["id"]), 303)


@blueprint.post("/campaigns/<campaign_id>/template")
@session.login_required
def campaign_template(campaign_id):
    """A template made of a sent e-mail (E-2, the content area's route), opened in the templates' editor."""
    try:
        made = calls.run("POST", "/email-templates/from-campaign/{campaign_id}", campaign_id=campaign_id, body={})
    except CarnetError as exc:
        if exc.status != 409:
            raise
        flash(exc.code)
        return redirect(url_for("web.campaign", campaign_id=campaign_id), 303)
    flash("campaigns.template_made", name=made["name"])
    return redirect(f"/app/templates/{made['id']}", 303)


@blueprint.post("/campaigns/<campaign_id>/delete")
@session.login_required
def campaign_delete(campaign_id):
    found = calls.run("GET", "/campaigns/{campaign_id}", campaign_id=campaign_id)
    try:
        calls.run("DELETE", "/campaigns/{campaign_id}", campaign_id=campaign_id)
    except CarnetError as exc:
        if exc.status != 409:
            raise
        flash(exc.code)
        return redirect(url_for("web.campaign", campaign_id=campaign_id), 303)
    flash("campaigns.deleted", name=found["name"])
    return redirect(url_for("web.campaigns"), 303)


@blueprint.get("/campaigns/<campaign_id>/send")
@blueprint.get("/campaigns/<campaign_id>/pause")
@blueprint.get("/campaigns/<campaign_id>/resume")
@blueprint.get("/campaigns/<campaign_id>/cancel")
@blueprint.get("/campaigns/<campaign_id>/copy")
@blueprint.get("/campaigns/<campaign_id>/delete")
@blueprint.get("/campaigns/<campaign_id>/template")
@blueprint.get("/campaigns/<campaign_id>/count")
def campaign_back(campaign_id):
    """A form's address asked again (a reload after a post): the campaign."""
    return redirect(url_for("web.campaign", campaign_id=campaign_id), 303)


# The one-to-one composer (E-3) -----------------------------------------------------------------------------------

def _composer(contact, *, values, errors=None, message="", status=200):
    return render_template("campaigns/composer.html", contact=contact, values=values, errors=errors or {},
                           message=message, templates=_templates(), me=session.principal(),
                           may_write=_may("write")), status


@blueprint.get("/contacts/<contact_id>/email")
@session.login_required
def contact_email(contact_id):
    contact = calls.run("GET", "/contacts/{contact_id}", contact_id=contact_id)
    values = {"template_id": request.args.get("template_id", ""), "subject": "", "html": "", "text": ""}
    if values["template_id"]:
        found = _optional("GET", "/email-templates/{template_id}", None, template_id=values["template_id"])
        if found:
            values.update({part: found.get(part) or "" for part in ("subject", "html", "text")})
    return _composer(contact, values=values)


@blueprint.post("/contacts/<contact_id>/email")
@session.login_required
def contact_email_send(contact_id):
    contact = calls.run("GET", "/contacts/{contact_id}", contact_id=contact_id)
    values = {"template_id": forms.text("template_id"), "subject": forms.text("subject"),
              "html": request.form.get("html", ""), "text": request.form.get("text", "")}
    body = {part: values[part] for part in ("subject", "html", "text")}
    if values["template_id"]:
        body["template_id"] = values["template_id"]
        body = {key: value for key, value in body.items() if value}
    try:
        calls.run("POST", "/contacts/{contact_id}/emails", contact_id=contact_id, body=body)
    except CarnetError as exc:
        errors, message = forms.shown(exc)
        return _composer(contact, values=values, errors=errors, message=message, status=exc.status)
    flash("campaigns.email_sent", email=contact.get("email") or "")
    return redirect(f"/app/contacts/{contact_id}", 303)
