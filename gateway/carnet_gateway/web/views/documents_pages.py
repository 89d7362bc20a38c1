"""Documents (C-21): the file manager ``/app/documents`` (folders, upload, move, rename, delete) and the documents
section of contact and account pages (``documents/record_section.html``, loaded as a fragment from
``/app/documents/record/<kind>/<id>``, with a plain link as the no-JavaScript fallback).

Every read and write is the ``/api/v1`` operation (``calls.run``), so a page shows exactly what the same user's API
call would (routes/documents.py has the rules). An upload posted by a page is streamed as the API's is: this module
raises the request's body limit to the upload's declared one (``routes.UPLOAD``) before the CSRF check reads the
form, for a signed-in user only.
"""
from flask import redirect, render_template, request, url_for

from carnet_common.errors import CarnetError, NotFound
from carnet_contracts.permissions import may
from carnet_gateway import auth
from carnet_gateway.routes import documents as routes
from carnet_gateway.web import blueprint, calls, forms, session
from carnet_gateway.web.pages import flash

UPLOAD_ENDPOINTS = {"web.documents_upload"}


@blueprint.before_request
def _upload_limit():
    """Runs before the session's CSRF check reads the form (this module is imported before it registers): a
    signed-in user's upload page may post up to 100 MB and its margin; anyone else keeps the app's limit."""
    if request.endpoint in UPLOAD_ENDPOINTS and request.method == "POST":
        token = request.cookies.get(session.COOKIE)
        if token and len(token) <= 512:
            try:
                auth.authenticate(token)
            except Exception:  # noqa: BLE001 - not signed in: the small limit stays, the CSRF check refuses
                return
            request.max_content_length = routes.UPLOAD.content_limit()


# Pages -------------------------------------------------------------------------------------------------------------

RECORD_KINDS = {"contact": ("contacts", "/contacts/{contact_id}", "contact_id"),
                "account": ("accounts", "/accounts/{account_id}", "account_id")}


def _folders():
    folders = calls.run("GET", "/document-folders")
    by_id = {f["id"]: f for f in folders}

    def path(folder_id):
        trail, seen = [], set()
        while folder_id in by_id and folder_id not in seen:
            seen.add(folder_id)
            trail.append(by_id[folder_id])
            folder_id = by_id[folder_id]["parent_id"]
        return list(reversed(trail))
    # every folder with its full path, for the "Move to" select
    choices = sorted(((f["id"], " / ".join(p["name"] for p in path(f["id"]))) for f in folders),
                     key=lambda c: c[1].lower())
    return by_id, path, choices


def _manager(folder_id, *, status=200, errors=None, message=""):
    principal = session.principal()
    by_id, path, choices = _folders()
    if folder_id and folder_id not in by_id:
        raise NotFound()
    query = {"folder_id": folder_id} if folder_id else {}
    context = {
        "folder": by_id.get(folder_id), "trail": path(folder_id) if folder_id else [],
        "subfolders": [f for f in by_id.values() if f["parent_id"] == (folder_id or None)],
        "documents": calls.run("GET", "/documents", query=query), "choices": choices,
        "usage": calls.run("GET", "/documents/usage"),
        "may_write": may(principal, "documents", "write"), "may_delete": may(principal, "documents", "delete"),
        "errors": errors or {}, "message": message, "here": _here(folder_id),
    }
    return render_template("documents/manager.html", **context), status


def _here(folder_id):
    return url_for("web.documents", folder=folder_id) if folder_id else url_for("web.documents")


def _folder_arg(value=None):
    """The folder a page is about: ``?folder=`` in the URL (forms post to their page's URL with it)."""
    value = value or request.args.get("folder") or None
    return value if value is None or (len(value) <= 64 and value.isprintable()) else ""


@blueprint.get("/documents")
@session.login_required
def documents():
    return _manager(_folder_arg())


def _refused(exc, folder_id, next_url):
    """An API refusal of a form: shown on the file manager (with the API's status), or, for a form of a record's
    page, as a one-time message there (the record page is not re-rendered here)."""
    if exc.status not in REFUSALS:
        raise exc
    if next_url:
        flash(exc.code, **{k: v for k, v in exc.params.items() if isinstance(v, (str, int))})
        return redirect(next_url, 303)
    errors, message = forms.shown(exc, REFUSALS)
    return _manager(folder_id, status=exc.status, errors=errors, message=message)


REFUSALS = (403, 409, 413, 415, 422)


@blueprint.post("/documents/upload")
@session.login_required
def documents_upload():
    folder_id = _folder_arg(request.form.get("folder_id"))
    next_url = session.safe_next(request.form.get("next"), "")
    try:
        calls.run("POST", "/documents")  # reads the multipart form of this request (routes/documents.py)
    except CarnetError as exc:
        return _refused(exc, folder_id, next_url)
    flash("documents.uploaded")
    return redirect(next_url or _here(folder_id), 303)


@blueprint.post("/documents/folders")
@session.login_required
def documents_folder_create():
    parent_id = _folder_arg()
    try:
        created = calls.run("POST", "/document-folders", body={"name": request.form.get("name", ""),
                                                               "parent_id": parent_id})
    except CarnetError as exc:
        return _refused(exc, parent_id, None)
    flash("documents.folder_created")
    return redirect(_here(created["id"]), 303)


@blueprint.post("/documents/folders/<folder_id>/delete")
@session.login_required
def documents_folder_delete(folder_id):
    parent = (_folders()[0].get(folder_id) or {}).get("parent_id")
    try:
        calls.run("DELETE", "/document-folders/{folder_id}", folder_id=folder_id)
    except CarnetError as exc:
        return _refused(exc, folder_id, None)
    flash("documents.folder_deleted")
    return redirect(_here(parent), 303)


@blueprint.post("/documents/<document_id>")
@session.login_required
def documents_update(document_id):
    folder_id = _folder_arg()
    body = {"name": request.form.get("name", "")}
    if "folder_id" in request.form:
        body["folder_id"] = request.form.get("folder_id") or None
    try:
        calls.run("PATCH", "/documents/{document_id}", document_id=document_id, body=body)
    except CarnetError as exc:
        return _refused(exc, folder_id, None)
    flash("documents.saved")
    return redirect(_here(folder_id), 303)


@blueprint.post("/documents/<document_id>/delete")
@session.login_required
def documents_delete(document_id):
    folder_id = _folder_arg()
    next_url = session.safe_next(request.form.get("next"), "")
    try:
        calls.run("DELETE", "/documents/{document_id}", document_id=document_id)
    except CarnetError as exc:
        return _refused(exc, folder_id, next_url)
    flash("documents.deleted")
    return redirect(next_url or _here(folder_id), 303)


@blueprint.get("/documents/<document_id>/download")
@session.login_required
def documents_download(document_id):
    """The file, streamed as the API streams it (same headers: attachment, nosniff)."""
    response = calls.run("GET", "/documents/{document_id}/content", document_id=document_id)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@blueprint.get("/documents/record/<kind>/<record_id>")
@session.login_required
def documents_of_record(kind, record_id):
    """The documents section of a contact's or an account's page: the whole page, of which the record page loads
    ``#record-documents`` (htmx); without JavaScript, the record page links here."""
    if kind not in RECORD_KINDS:
        raise NotFound()
    module, item, id_param = RECORD_KINDS[kind]
    principal = session.principal()
    record = calls.run("GET", item, **{id_param: record_id})  # 404 for a record the caller does not see
    found = calls.run("GET", "/documents", query={f"{kind}_id": record_id})
    back = f"/app/{module}/{record_id}"
    return render_template("documents/record.html", kind=kind, record=record, documents=found, back=back,
                           may_upload=may(principal, "documents", "write") and may(principal, module, "write"),
                           may_delete=may(principal, "documents", "delete"))


@blueprint.app_template_global("documents_readable")
def documents_readable():
    """Whether the signed-in user's role reads documents (the record page's section is shown only then)."""
    principal = session.principal()
    return principal is not None and may(principal, "documents", "read")
