"""Forms (F-1…F-5): the builder, versions, submissions, quarantine and statistics under ``/api/v1/forms``; served by
the forms service (builder area: forms and versions; intake area: submissions and statistics). Every route needs the
``forms`` module permissions (S-3): read to list and read, write to create, change, publish, unpublish, rotate the
webhook secret, release and discard, delete to delete. A form is the organization's: another organization's id is a
404 on every route.

What a submission shows of the visitor's values goes through the field permissions of module contacts (S-3, C-14):
a submission never shows more than the contact's GET would (``readable_data``). The webhook secret shows only to a
caller who may write forms (it signs posts to the form). The embed snippet names only the form's key, so it never
changes across publishes (F-2)."""
from markupsafe import escape

from carnet_common.errors import NotFound
from carnet_contracts import permissions
from carnet_gateway import actors, public_pages, services, user_refs
from carnet_gateway.api import INPUT_ERRORS, READ_ERRORS, WRITE_ERRORS, api
from carnet_gateway.schemas import contacts as contact_schemas
from carnet_gateway.schemas import forms as s

TAGS = ("forms",)
READ = ("forms", "read")
WRITE = ("forms", "write")
DELETE = ("forms", "delete")
STATE_ERRORS = (401, 403, 404, 409)
REP_FIELD = "draft.task.rep_user_id"
CONTACT_REP_FIELD = "draft.rep_user_id"
MAX_VERSION = 2**31 - 1
VERSION_PARAMETER = {"type": "integer", "minimum": 1, "maximum": MAX_VERSION}
# The contact's fields a submission's data may show: those a contact's GET answers (an allow-list, as records.py).
CONTACT_FIELDS = frozenset(contact_schemas.ContactRead._declared_fields)


def _actor(call):
    return call.actor(actors.FORMS)


def _form_id(call):
    return call.path["form_id"]


def _with_secret(call, form):
    """The form as the caller may see it: the webhook secret only with the forms write permission."""
    if form is not None and not permissions.may(call.principal, "forms", "write"):
        form = {**form, "webhook_secret": None}
    return form


def _rep_named(body):
    """The users a body names (the task's, the new contacts' rep: ``{field: id}``), checked as every user id a
    request names (issue 10 §2)."""
    draft = body.get("draft") or {}
    task = draft.get("task") or {}
    named = {REP_FIELD: task.get("rep_user_id"), CONTACT_REP_FIELD: draft.get("rep_user_id")}
    return {field: user_id for field, user_id in named.items() if user_id}


def readable_data(principal, data):
    """A submission's values without the contact fields the caller may not read (S-3): standard fields by the
    contact's read allow-list and ``contacts.<field>``, custom ones by ``contacts.custom.<key>`` (as ``custom``
    values or as ``custom.<key>`` names)."""
    shown = {}
    for key, value in (data or {}).items():
        if key == "custom" and isinstance(value, dict):
            custom = permissions.readable_custom(principal, "contacts", value)
            if custom:
                shown["custom"] = custom
        elif key.startswith("custom.") or key in CONTACT_FIELDS:
            if permissions.may_field(principal, "contacts", key, "read"):
                shown[key] = value
    return shown


def _readable_submission(call, submission):
    return {**submission, "data": readable_data(call.principal, submission.get("data"))}


@api.route("/forms", "GET", permission=READ, response=s.FormSummary, many=True, tags=TAGS, errors=(401, 403),
           summary="The organization's forms (F-1), most recently changed first, with their views, submissions and "
                   "quarantined counts")
def list_forms(call):
    return services.forms.call("list_forms", _actor(call))


@api.route("/forms", "POST", permission=WRITE, body=s.FormCreate, response=s.FormRead, status=201, tags=TAGS,
           errors=(401, 403, 422),
           summary="Create a form (F-1) with a draft (it may be incomplete: publishing checks it); its key, which "
                   "the embed snippet names, never changes")
def create_form(call):
    user_refs.check_users(call, _rep_named(call.body))
    return services.forms.call("create_form", _actor(call), call.body)


@api.route("/forms/fields", "GET", permission=READ, response=s.CatalogField, many=True, tags=TAGS, errors=(401, 403),
           summary="The fields a form may hold (F-1): a contact's standard fields and the organization's custom "
                   "fields of contacts (C-14), with their labels in French and English")
def form_field_catalog(call):
    return services.forms.call("form_field_catalog", _actor(call))


@api.route("/forms/{form_id}", "GET", permission=READ, response=s.FormRead, tags=TAGS, errors=READ_ERRORS,
           summary="A form and its draft (the webhook secret only with the forms write permission)")
def get_form(call):
    return _with_secret(call, services.forms.call("get_form", _actor(call), _form_id(call)))


@api.route("/forms/{form_id}", "PATCH", permission=WRITE, body=s.FormUpdate, response=s.FormRead, tags=TAGS,
           errors=WRITE_ERRORS,
           summary="Change a form's name or draft (F-1); the published version is unchanged until the next publish "
                   "(F-2)")
def update_form(call):
    def held():
        form = services.forms.call("get_form", _actor(call), _form_id(call))
        return _rep_named(form)
    user_refs.check_users(call, _rep_named(call.body), held=held)
    return services.forms.call("update_form", _actor(call), _form_id(call), call.body)


@api.route("/forms/{form_id}", "DELETE", permission=DELETE, status=204, tags=TAGS, errors=STATE_ERRORS,
           summary="Delete a form; one that received submissions is kept (409 `form_has_submissions`: unpublish "
                   "it instead)")
def delete_form(call):
    services.forms.call("delete_form", _actor(call), _form_id(call))


@api.route("/forms/{form_id}/publish", "POST", permission=WRITE, response=s.FormRead, tags=TAGS,
           errors=STATE_ERRORS + (422,),
           summary="Publish the draft as a new immutable version (F-2), which the public side serves at once; an "
                   "incomplete draft is refused naming its fields (`form_not_publishable`: `draft.list_id`, "
                   "`draft.fields`…)")
def publish_form(call):
    return services.forms.call("publish_form", _actor(call), _form_id(call))


@api.route("/forms/{form_id}/unpublish", "POST", permission=WRITE, response=s.FormRead, tags=TAGS,
           errors=STATE_ERRORS,
           summary="Unpublish a form (F-2): the public side answers 404 until it is published again (409 "
                   "`form_not_published` for a form never published)")
def unpublish_form(call):
    return services.forms.call("unpublish_form", _actor(call), _form_id(call))


@api.route("/forms/{form_id}/versions", "GET", permission=READ, response=s.VersionSummary, many=True, tags=TAGS,
           errors=READ_ERRORS, summary="The published versions of a form (F-2), newest first")
def list_form_versions(call):
    return services.forms.call("list_form_versions", _actor(call), _form_id(call))


@api.route("/forms/{form_id}/versions/{number}", "GET", permission=READ, response=s.VersionRead, tags=TAGS,
           errors=READ_ERRORS, path_params={"number": VERSION_PARAMETER},
           summary="One published version of a form, as it was published (F-2: versions never change)")
def get_form_version(call):
    number = call.path["number"]
    if not number.isascii() or not number.isdigit() or not 1 <= int(number) <= MAX_VERSION:
        raise NotFound()
    return services.forms.call("get_form_version", _actor(call), _form_id(call), int(number))


@api.route("/forms/{form_id}/webhook-secret", "POST", permission=WRITE, response=s.FormRead, tags=TAGS,
           errors=READ_ERRORS,
           summary="Replace the form's webhook secret (F-2): posts signed with the previous one are refused from now")
def rotate_webhook_secret(call):
    return services.forms.call("rotate_webhook_secret", _actor(call), _form_id(call))


@api.route("/forms/{form_id}/embed", "GET", permission=READ, response=s.EmbedRead, tags=TAGS, errors=READ_ERRORS,
           summary="How to put the form on a site (F-2): the snippet (it names only the key: publishing again never "
                   "changes it), the URL a hand-written HTML form posts to, and the signed webhook's URL")
def form_embed(call):
    form = services.forms.call("get_form", _actor(call), _form_id(call))
    base = f"{public_pages.public_base_url()}/f/{form['key']}"
    return {"script_url": f"{base}.js",
            "snippet_html": f'<div data-carnet-form="{escape(form["key"])}"></div>\n'
                            f'<script src="{escape(base)}.js" async></script>',
            "post_url": base, "webhook_url": f"{base}/webhook"}


@api.route("/forms/{form_id}/submissions", "GET", permission=READ, query=s.SubmissionQuery,
           response=s.SubmissionPage, tags=TAGS, errors=INPUT_ERRORS,
           summary="A form's submissions (F-3, F-4), newest first, paged by `next_cursor`; `status=quarantined` for "
                   "the quarantine; the values show only the contact fields the caller may read (S-3)")
def list_submissions(call):
    page = services.forms.call("list_submissions", _actor(call), _form_id(call), call.query)
    return {**page, "items": [_readable_submission(call, item) for item in page["items"]]}


@api.route("/forms/{form_id}/submissions/{submission_id}", "GET", permission=READ, response=s.SubmissionRead,
           tags=TAGS, errors=READ_ERRORS,
           summary="One submission of a form, with the contact fields the caller may read (S-3)")
def get_submission(call):
    return _readable_submission(call, services.forms.call("get_submission", _actor(call), _form_id(call),
                                                          call.path["submission_id"]))


@api.route("/forms/{form_id}/submissions/{submission_id}/release", "POST", permission=WRITE,
           response=s.SubmissionRead, tags=TAGS, errors=STATE_ERRORS,
           summary="Release a quarantined submission (F-4): accepted, then applied to its contact as any accepted "
                   "one (409 `submission_not_quarantined` otherwise)")
def release_submission(call):
    return _readable_submission(call, services.forms.call("release_submission", _actor(call), _form_id(call),
                                                          call.path["submission_id"]))


@api.route("/forms/{form_id}/submissions/{submission_id}/discard", "POST", permission=WRITE,
           response=s.SubmissionRead, tags=TAGS, errors=STATE_ERRORS,
           summary="Discard a quarantined submission (F-4): never applied, its values kept for audit (409 "
                   "`submission_not_quarantined` otherwise)")
def discard_submission(call):
    return _readable_submission(call, services.forms.call("discard_submission", _actor(call), _form_id(call),
                                                          call.path["submission_id"]))


@api.route("/forms/{form_id}/stats", "GET", permission=READ, query=s.StatsQuery, response=s.StatsRead, tags=TAGS,
           errors=INPUT_ERRORS,
           summary="A form's views, submissions by status and conversion (F-3), in all and by day of the "
                   "organization's time zone, between `from` and `to` (at most 366 days, `from` not after `to`: "
                   "422 naming `from`)")
def form_stats(call):
    return services.forms.call("form_stats", _actor(call), _form_id(call), call.query)
