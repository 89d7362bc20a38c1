"""The automations pages (AU-1, issue 12): the list of the user's automations (name, source → target, on change,
last run, Run now), the form that defines or changes one (the lists the user may access, the contacts filter
builder of the lists pages for its criteria, a JSON textarea without JavaScript), its deletion, and its last run.

Every read and write is the ``/api/v1`` operation (``calls.run``), so the rules are the API's, decided once
(carnet_gateway/routes/automations.py, carnet_contacts/automations/usecases.py): another user's automation is the
404 page, the automations permission is the API's 403, a list the user may not access is a 422 on its field. The
filter builder offers what the lists pages offer (``lists_pages._filter_fields``): only fields the role may read.
A run is a job: the page of the automation shows its last run, polled by htmx while it is queued or running (a
Refresh link without JavaScript).
"""
import json

from flask import redirect, render_template, request, url_for

from carnet_common.errors import CarnetError
from carnet_contracts.automations import CRITERIA_EXAMPLE
from carnet_contracts.permissions import may
from carnet_gateway.web import blueprint, calls, forms, i18n, session
from carnet_gateway.web.pages import flash
from carnet_gateway.web.views import lists_pages

FIELDS = ("name", "source_list_id", "target_list_id", "criteria", "on_change")
UNFINISHED = ("queued", "running")


def _list_names():
    return {item["id"]: item["name"] for item in calls.run("GET", "/lists")}


@blueprint.get("/automations")
@session.login_required
def automations():
    found = calls.run("GET", "/automations")
    principal = session.principal()
    return render_template("automations/list.html", automations=found, names=_list_names(),
                           may_write=_may_write(principal))


def _may_write(principal):
    """Whether the page offers changes (the API refuses them otherwise: the buttons are only hidden)."""
    return all(may(principal, module, action) for module, action in
               (("automations", "write"), ("contacts", "read"), ("contacts", "write")))


def _form_page(*, automation=None, values=None, errors=None, message="", status=200):
    """The form of a new automation (``automation`` None) or of an existing one, with its last run and deletion."""
    principal = session.principal()
    lists = calls.run("GET", "/lists")
    custom = calls.run("GET", "/custom-fields/{module}", module="contacts")
    values = values if values is not None else _values(automation)
    errors = errors or {}
    module = lists_pages.MODULES["contacts"]
    return render_template(
        "automations/form.html", automation=automation, values=values, errors=errors, message=message,
        list_options=[("", i18n.t("automations.choose_list"))] + [(item["id"], item["name"]) for item in lists],
        names={item["id"]: item["name"] for item in lists}, may_write=_may_write(principal),
        criteria_invalid=any(key.startswith("criteria") for key in errors),
        criteria_errors=[text for key, texts in errors.items() if key.startswith("criteria") for text in texts],
        filter_fields=lists_pages._filter_fields(principal, module, custom, lists),
        cmps={kind: [(cmp, i18n.t(f"lists.cmp_{cmp}")) for cmp in ops] for kind, ops in lists_pages.CMPS.items()},
        polling=bool(automation and (automation.get("last_run") or {}).get("status") in UNFINISHED)), status


def _values(automation):
    if automation is None:
        return {"name": "", "source_list_id": "", "target_list_id": "", "on_change": False,
                "criteria": json.dumps(CRITERIA_EXAMPLE, ensure_ascii=False)}
    return {**{key: automation[key] for key in ("name", "source_list_id", "target_list_id", "on_change")},
            "criteria": json.dumps(automation["criteria"], ensure_ascii=False)}


def _posted():
    """``(values as shown again, body for the API, criteria error)``; JSON that does not parse is the form's own 422."""
    values = {"name": forms.text("name"), "source_list_id": forms.text("source_list_id"),
              "target_list_id": forms.text("target_list_id"), "on_change": request.form.get("on_change") == "true",
              "criteria": forms.text("criteria")}
    body = {key: values[key] for key in ("name", "source_list_id", "target_list_id", "on_change")}
    if not values["criteria"]:
        return values, body, {"criteria": [i18n.t("automations.criteria_required")]}
    try:
        body["criteria"] = json.loads(values["criteria"])
    except ValueError:
        return values, body, {"criteria": [i18n.t("lists.filter_bad_json")]}
    return values, body, None


@blueprint.get("/automations/new")
@session.login_required
def automation_new():
    calls.run("GET", "/automations")   # the automations permission, as the API decides it (403 page otherwise)
    return _form_page()


@blueprint.post("/automations")
@session.login_required
def automation_create():
    values, body, invalid = _posted()
    if invalid:
        return _form_page(values=values, errors=invalid, message=i18n.t("automations.not_saved"), status=422)
    try:
        created = calls.run("POST", "/automations", body=body)
    except CarnetError as exc:
        errors, message = forms.shown(exc, (403, 422))
        return _form_page(values=values, errors=errors, message=message, status=exc.status)
    flash("automations.created", name=created["name"])
    return redirect(url_for("web.automations"), 303)


@blueprint.get("/automations/<automation_id>")
@session.login_required
def automation(automation_id):
    found = calls.run("GET", "/automations/{automation_id}", automation_id=automation_id)
    return _form_page(automation=found)


@blueprint.post("/automations/<automation_id>")
@session.login_required
def automation_update(automation_id):
    found = calls.run("GET", "/automations/{automation_id}", automation_id=automation_id)
    values, body, invalid = _posted()
    if invalid:
        return _form_page(automation=found, values=values, errors=invalid,
                          message=i18n.t("automations.not_saved"), status=422)
    try:
        calls.run("PATCH", "/automations/{automation_id}", automation_id=automation_id, body=body)
    except CarnetError as exc:
        errors, message = forms.shown(exc, (403, 409, 422))
        return _form_page(automation=found, values=values, errors=errors, message=message, status=exc.status)
    flash("automations.saved")
    return redirect(url_for("web.automation", automation_id=automation_id), 303)


@blueprint.post("/automations/<automation_id>/delete")
@session.login_required
def automation_delete(automation_id):
    found = calls.run("GET", "/automations/{automation_id}", automation_id=automation_id)
    calls.run("DELETE", "/automations/{automation_id}", automation_id=automation_id)
    flash("automations.deleted", name=found["name"])
    return redirect(url_for("web.automations"), 303)


@blueprint.post("/automations/<automation_id>/run")
@session.login_required
def automation_run(automation_id):
    """Run now: the job is queued and the automation's page follows its last run."""
    try:
        calls.run("POST", "/automations/{automation_id}/runs", automation_id=automation_id)
    except CarnetError as exc:
        if exc.status != 429:
            raise
        flash("automations.run_later")
        return redirect(url_for("web.automation", automation_id=automation_id), 303)
    flash("automations.run_queued")
    return redirect(url_for("web.automation", automation_id=automation_id), 303)


@blueprint.get("/automations/<automation_id>/delete")
@blueprint.get("/automations/<automation_id>/run")
def automation_back(automation_id):
    """A form's address asked again (a reload after a post): the automation."""
    return redirect(url_for("web.automation", automation_id=automation_id), 303)
