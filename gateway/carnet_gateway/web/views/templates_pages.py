"""Pages of e-mail templates (E-2, E-8): the list (built-in first, then the organization's own), the editor (name,
subject, HTML and text parts, the merge fields as help, the API's refusals on their fields), the previews in each
language and the deletion (web client conventions: gateway/carnet_gateway/web/README.md).

Every read and write is the ``/api/v1`` operation (``calls.run``), so the rules are the API's
(carnet_gateway/routes/templates.py, carnet_campaigns/content/usecases.py): the plan's ``emails`` feature and the
``emails`` permissions (403 page), another organization's template (404 page), merge fields (422 on the field), a
stale version (409 on the form), built-ins read-only (their page has no form, only "Use as a start", which opens
the editor of a new template with their texts).

File links (E-8): ``/app/templates/file-links`` picks a document of the file manager (by folder) and answers its
public, expiring link and an HTML snippet to paste into a template (``POST /api/v1/email-templates/file-links``).

Previews (E-8). The HTML a user wrote is never put in the page as markup: each language's preview is the API's
``html_shown`` (sanitised by the service, without style attributes nor image sources, which the page's CSP refuses)
inside a whole document given to ``<iframe sandbox srcdoc="…">``: Jinja escapes it as an attribute's value (no
``|safe``), and the empty ``sandbox`` runs no script and gives the frame an origin of its own.
"""
from flask import redirect, render_template, request, url_for
from markupsafe import escape

from carnet_common.errors import CarnetError
from carnet_contracts.permissions import may
from carnet_contracts.templates import MERGE_FIELDS
from carnet_gateway.web import blueprint, calls, forms, i18n, session
from carnet_gateway.web.pages import flash

FIELDS = ("name", "subject", "html", "text")


def _may_write():
    return may(session.principal(), "emails", "write")


def frame_document(html, language, title):
    """A whole document for an ``<iframe srcdoc>`` holding ``html`` (already sanitised for the CRM's pages)."""
    return (f'<!doctype html><html lang="{escape(language)}"><head><meta charset="utf-8"><title>{escape(title)}'
            f"</title></head><body>{html}</body></html>")


@blueprint.get("/templates")
@session.login_required
def templates():
    found = calls.run("GET", "/email-templates")
    return render_template("templates/list.html", builtin=[item for item in found if item["builtin"]],
                           own=[item for item in found if not item["builtin"]], may_write=_may_write())


def _editor(*, template=None, values=None, errors=None, message="", status=200):
    previews = []
    if template is not None:
        found = calls.run("GET", "/email-templates/{template_id}/preview", template_id=template["id"])
        for item in found["previews"]:
            title = i18n.t("templates.preview_in", language=i18n.t(f"templates.language_{item['language']}"))
            previews.append({**item, "title": title,
                             "document": frame_document(item["html_shown"], item["language"], item["subject"]
                                                        or title)})
    if values is None:
        values = {key: (template or {}).get(key) or "" for key in FIELDS}
    return render_template("templates/form.html", template=template, values=values, errors=errors or {},
                           message=message, previews=previews,
                           merge_fields=[(name, i18n.t(f"templates.field_{name}")) for name in MERGE_FIELDS],
                           may_write=_may_write()), status


def _posted():
    return {"name": forms.text("name"), "subject": forms.text("subject"),
            "html": request.form.get("html", ""), "text": request.form.get("text", "")}


@blueprint.get("/templates/new")
@session.login_required
def template_new():
    start = request.args.get("from", "")
    values = None
    if start:
        source = calls.run("GET", "/email-templates/{template_id}", template_id=start)
        values = {key: source.get(key) or "" for key in FIELDS}
        values["name"] = i18n.t("templates.copy_of", name=source["name"])
    else:
        calls.run("GET", "/email-templates")   # the plan and permission, as the API decides them (403 page)
    return _editor(values=values)


@blueprint.post("/templates")
@session.login_required
def template_create():
    values = _posted()
    body = {key: value for key, value in values.items() if key != "name" or value}
    try:
        created = calls.run("POST", "/email-templates", body=body)
    except CarnetError as exc:
        errors, message = forms.shown(exc, (403, 422))
        return _editor(values=values, errors=errors, message=message, status=exc.status)
    flash("templates.created", name=created["name"])
    return redirect(url_for("web.template", template_id=created["id"]), 303)


@blueprint.get("/templates/<template_id>")
@session.login_required
def template(template_id):
    found = calls.run("GET", "/email-templates/{template_id}", template_id=template_id)
    return _editor(template=found)


@blueprint.post("/templates/<template_id>")
@session.login_required
def template_update(template_id):
    found = calls.run("GET", "/email-templates/{template_id}", template_id=template_id)
    values = _posted()
    body = {key: value for key, value in values.items() if key != "name" or value}
    try:
        body["version"] = int(request.form.get("version", ""))
    except ValueError:
        body["version"] = 0
    try:
        calls.run("PATCH", "/email-templates/{template_id}", template_id=template_id, body=body)
    except CarnetError as exc:
        errors, message = forms.shown(exc, (403, 409, 422))
        return _editor(template=found, values=values, errors=errors, message=message, status=exc.status)
    flash("templates.saved")
    return redirect(url_for("web.template", template_id=template_id), 303)


@blueprint.post("/templates/<template_id>/delete")
@session.login_required
def template_delete(template_id):
    found = calls.run("GET", "/email-templates/{template_id}", template_id=template_id)
    calls.run("DELETE", "/email-templates/{template_id}", template_id=template_id)
    flash("templates.deleted", name=found["name"])
    return redirect(url_for("web.templates"), 303)


@blueprint.get("/templates/file-links")
@session.login_required
def template_file_links():
    return _file_links_page()


def _file_links_page(*, link=None, errors=None, message="", status=200):
    calls.run("GET", "/email-templates")   # the plan and the emails permission, as the API decides them
    folders = calls.run("GET", "/document-folders")
    folder = request.values.get("folder") or ""
    if folder and folder not in {item["id"] for item in folders}:
        folder = ""
    documents = calls.run("GET", "/documents", query={"folder_id": folder} if folder else {})
    snippet = f'<a href="{escape(link["url"])}">{escape(link["name"])}</a>' if link else ""
    expires = i18n.date(link["expires_at"]) if link else ""
    return render_template(
        "templates/file_links.html", link=link, snippet=snippet, expires=expires, errors=errors or {}, message=message,
        folder=folder, folder_options=[("", i18n.t("templates.root_folder"))]
        + sorted(((item["id"], item["name"]) for item in folders), key=lambda pair: pair[1].lower()),
        document_options=[("", i18n.t("templates.choose_document"))] + [(item["id"], item["name"])
                                                                        for item in documents],
        may_write=_may_write()), status


@blueprint.post("/templates/file-links")
@session.login_required
def template_file_link_create():
    document_id = forms.text("document_id")
    if not document_id:
        return _file_links_page(errors={"document_id": [i18n.t("templates.document_required")]},
                                message=i18n.t("templates.no_link"), status=422)
    try:
        link = calls.run("POST", "/email-templates/file-links", body={"document_id": document_id})
    except CarnetError as exc:
        errors, message = forms.shown(exc, (403, 404, 422))
        return _file_links_page(errors={"document_id": [message]} if exc.status == 404 else errors,
                                message=message, status=exc.status)
    return _file_links_page(link=link)
