"""The import wizard (C-19, N-4) under ``/app/imports``: upload, mapping (a select per column with the API's
proposal), dry run report, progress, result and revert, in both languages.

Every step is the ``/api/v1`` operation (``calls.run``): the upload posts this request's multipart form to
``POST /imports`` (routes/imports.py reads it), the mapping offers the fields the API answers as available (those the
role may write), and a job's page shows ``GET /jobs/{id}`` (status, progress, counts, the first row errors and
duplicates, the error file). An import is its uploader's only: anyone else gets the API's 404 page.
"""
from flask import redirect, render_template, request, url_for

from carnet_common.errors import CarnetError, NotFound
from carnet_gateway import auth
from carnet_gateway.routes import imports as routes
from carnet_gateway.web import blueprint, calls, forms, i18n, session
from carnet_gateway.web.pages import flash
from carnet_gateway.web.views import records_pages as records

UPLOAD_ENDPOINTS = {"web.imports_upload"}
REFUSALS = (403, 409, 413, 415, 422, 429)
MODULES = {"contact": "contacts", "account": "accounts"}


@blueprint.before_request
def _upload_limit():
    """Before the session's CSRF check reads the form: a signed-in user's upload may post up to ``IMPORT_MAX_BYTES``
    and the form's margin; anyone else keeps the app's limit (the pattern of documents' upload page)."""
    if request.endpoint in UPLOAD_ENDPOINTS and request.method == "POST":
        token = request.cookies.get(session.COOKIE)
        if token and len(token) <= 512:
            try:
                auth.authenticate(token)
            except Exception:  # noqa: BLE001 - not signed in: the small limit stays, the CSRF check refuses
                return
            request.max_content_length = routes.UPLOAD.content_limit()  # declared by the route


def _field_label(field, custom):
    if field.startswith("custom."):
        definition = custom.get(field[7:])
        if definition:
            return definition["label_fr"] if i18n.language() == "fr" else definition["label_en"]
        return field
    return i18n.t(f"records.field.{field}") if field != "id" else i18n.t("imports.field_id")


@blueprint.get("/imports")
@session.login_required
def imports():
    return render_template("imports/upload.html", errors={}, message="", record_type="contact")


@blueprint.post("/imports")
@session.login_required
def imports_upload():
    record_type = request.form.get("record_type", "contact")
    try:
        answer = calls.run("POST", "/imports")  # reads the multipart form of this request (routes/imports.py)
    except CarnetError as exc:
        errors, message = forms.shown(exc, REFUSALS)
        return render_template("imports/upload.html", errors=errors, message=message,
                               record_type=record_type), exc.status
    return redirect(url_for("web.imports_mapping", import_id=answer.get_json()["id"]), 303)


def _mapping_page(import_id, *, errors=None, message="", status=200, chosen=None):
    found = calls.run("GET", "/imports/{import_id}", import_id=import_id)
    module = MODULES[found["record_type"]]
    custom = {c["key"]: c for c in calls.run("GET", "/custom-fields/{module}", module=module)}
    choices = [("", i18n.t("imports.not_imported"))] + [(f, _field_label(f, custom))
                                                       for f in found["fields_available"]]
    options = chosen or found.get("options") or {}
    mapping = options.get("mapping") or {c["column"]: c["proposed"] for c in found["columns"]}
    lists = calls.run("GET", "/lists")
    return render_template("imports/mapping.html", imp=found, choices=choices, mapping=mapping, options=options,
                           lists=lists, errors=errors or {}, message=message,
                           keys=[("email", _field_label("email", custom)), ("id", i18n.t("imports.field_id"))]
                           + [(f"custom.{k}", _field_label(f"custom.{k}", custom)) for k in custom]), status


@blueprint.get("/imports/<import_id>")
@session.login_required
def imports_mapping(import_id):
    return _mapping_page(import_id)


def _options():
    form = request.form
    mapping = {key[len("map."):]: value or None for key, value in form.items() if key.startswith("map.")}
    options = {"mapping": mapping, "list_ids": form.getlist("list_ids"), "mode": form.get("mode", "create"),
               "create_duplicates": form.get("create_duplicates") == "true",
               "create_missing": form.get("create_missing", "true") == "true"}
    if options["mode"] == "update":
        options["key"] = form.get("key") or None
    return options


@blueprint.post("/imports/<import_id>/start")
@session.login_required
def imports_start(import_id):
    options = _options()
    path = "/imports/{import_id}/run" if request.form.get("action") == "run" else "/imports/{import_id}/dry-run"
    try:
        answer = calls.run("POST", path, import_id=import_id, body=options)
    except CarnetError as exc:
        errors, message = forms.shown(exc, REFUSALS)
        return _mapping_page(import_id, errors=errors, message=message, status=exc.status, chosen=options)
    return redirect(url_for("web.imports_job", import_id=import_id, job_id=answer.get_json()["job_id"]), 303)


@blueprint.post("/imports/<import_id>/revert")
@session.login_required
def imports_revert(import_id):
    try:
        answer = calls.run("POST", "/imports/{import_id}/revert", import_id=import_id)
    except CarnetError as exc:
        forms.shown(exc, REFUSALS)
        flash(exc.code)
        return redirect(url_for("web.imports_mapping", import_id=import_id), 303)
    return redirect(url_for("web.imports_job", import_id=import_id, job_id=answer.get_json()["job_id"]), 303)


@blueprint.get("/imports/<import_id>/jobs/<job_id>")
@session.login_required
def imports_job(import_id, job_id):
    found = calls.run("GET", "/imports/{import_id}", import_id=import_id)
    job = calls.run("GET", "/jobs/{job_id}", job_id=job_id)
    if job.get("import_id") != found["id"]:
        raise NotFound()
    finished = job["status"] in ("done", "failed")
    labels, names = {}, {}
    if finished:  # once, not at each refresh of the progress
        module = MODULES[found["record_type"]]
        custom = {c["key"]: c for c in calls.run("GET", "/custom-fields/{module}", module=module)}
        labels = {e["field"]: _field_label(e["field"], custom) for e in job.get("row_errors") or [] if e.get("field")}
        names = _record_names(records.KINDS[module], [i for d in job.get("duplicates") or [] for i in d["record_ids"]])
    return render_template("imports/job.html", imp=found, job=job, finished=finished, labels=labels, names=names)


def _record_names(kind, record_ids, limit=50):
    """The names of the records a dry run found duplicated, as their own GET shows them to the caller (the first
    ``limit``; the others, and any the caller can no longer see, keep their id)."""
    names = {}
    for record_id in list(dict.fromkeys(record_ids))[:limit]:
        try:
            names[record_id] = records.record_name(kind, calls.run("GET", kind.item, **{kind.id_param: record_id}))
        except NotFound:
            continue
    return names
