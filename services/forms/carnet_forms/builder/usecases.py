"""Use cases of the builder area (F-1, F-2). Each runs inside the caller's transaction; SQL is built by
``builder/repository.py`` only; the contacts service is a collaborator passed in (``contacts``, its proxy).

What a form is. A form belongs to its organization (another organization's id is a 404, as an unknown one); the
gateway checks the ``forms`` module permissions (S-3), so every user who may read forms reads every form of the
organization. Its ``key`` is random (``secrets.token_urlsafe(16)``: 22 characters), public and never changed (F-2:
the embed snippet names only it).

Drafts and versions (F-2). The draft is saved as it is, incomplete or not (``definition.check_draft``: its
structure, 422 naming ``draft.<path>``); the custom fields it names are the organization's visible custom fields of
module contacts (C-14: asked of the contacts service, typed from them: a hidden or unknown one is 422
``unknown_custom_field``), and its target list one the caller may access when it is newly chosen, one of the
organization's when it was already the form's (422 ``unknown_list``). Publishing copies
the draft into a new immutable version (number + 1) that becomes current; an incomplete draft is a 409
``form_not_publishable`` naming each missing part (``definition.check_publishable``), and the custom fields and the
list are checked again then (one may have gone since the draft was saved). Changing the draft after a publish never
changes a version. Unpublishing keeps the versions (the public side answers 404); publishing again re-enables.

Deleting. A form without submissions goes with its versions; one with submissions is a 409 ``form_has_submissions``
(unpublish it instead: its submissions are the proof of consents, E-11).
"""
import secrets
import uuid
from datetime import datetime

from nameko.exceptions import UnknownService

from carnet_common.errors import Conflict, InvalidInput, NotFound, ServiceUnavailable
from carnet_common.rpc import RpcTimeout
from carnet_contracts.actors import FLAGS
from carnet_forms import definition as definitions
from carnet_forms.builder import repository
from carnet_forms.intake import repository as intake

CONTACTS_ERRORS = (RpcTimeout, OSError, UnknownService)
FORM_HAS_SUBMISSIONS = "form_has_submissions"
FORM_NOT_PUBLISHED = "form_not_published"
UNKNOWN_CUSTOM_FIELD = "unknown_custom_field"
UNKNOWN_LIST = "unknown_list"
KEY_BYTES, SECRET_BYTES = 16, 32


def _iso(value):
    return value.isoformat() if isinstance(value, datetime) else value


def form_read(row):
    return {"id": row["id"], "key": row["key"], "name": row["name"], "status": row["status"],
            "current_version": row["current_version"], "draft": row["draft"],
            "webhook_secret": row["webhook_secret"], "created_at": _iso(row["created_at"]),
            "updated_at": _iso(row["updated_at"]), "published_at": _iso(row["published_at"])}


def form_summary(row, stats=None):
    stats = stats or {}
    return {"id": row["id"], "key": row["key"], "name": row["name"], "status": row["status"],
            "current_version": row["current_version"], "updated_at": _iso(row["updated_at"]),
            "stats": {name: int(stats.get(name) or 0) for name in ("views", "submissions", "quarantined")}}


def _form_uuid(form_id):
    """A form id names a row only as a uuid (the column's type): anything else is an unknown id."""
    try:
        return str(uuid.UUID(form_id))
    except (TypeError, ValueError, AttributeError):
        raise NotFound() from None


def _own(session, actor, form_id, *, for_update=False):
    row = repository.get_form(session, org_id=actor["org_id"], form_id=_form_uuid(form_id), for_update=for_update)
    if row is None:
        raise NotFound()
    return row


# The contacts service: custom fields and lists (C-14, L-1) ---------------------------------------------------------

def contacts_actor(actor):
    """The caller as the contacts service takes it (``carnet_contracts.actors.ContactsActor``): who, in which
    organization, whether an administrator; no visibility flag (the builder reads definitions and lists only)."""
    return {"org_id": actor["org_id"], "user_id": actor["user_id"], "is_admin": actor["is_admin"],
            "request_id": actor.get("request_id"), "flags": dict.fromkeys(FLAGS, False), "subordinate_ids": [],
            "timezone": actor.get("timezone") or "America/Toronto"}


def _ask(call, *args):
    try:
        return call(*args)
    except CONTACTS_ERRORS:
        raise ServiceUnavailable("service_unavailable", params={"service": "contacts"}) from None


def custom_fields(contacts, actor):
    """The organization's visible custom fields of module contacts, by key (a hidden one takes no value: C-14)."""
    rows = _ask(contacts.list_custom_fields, contacts_actor(actor), "contacts")
    return {row["key"]: row for row in rows if not row.get("hidden")}


def _list_ids(contacts, actor, *, org_wide=False):
    """The ids of the lists the caller may access (L-1, S-6), or with ``org_wide`` of every list of the organization
    (read as its administrator would: ids only, never shown; the list a form already names must still exist)."""
    caller = contacts_actor(actor)
    if org_wide:
        caller = {**caller, "is_admin": True}
    return {row["id"] for row in _ask(contacts.list_lists, caller)}


def _typed_custom(field, row, index, errors):
    """A custom field of the draft typed by its definition: its form type, custom type and choices (a choice the
    definition does not have is refused); labels it lacks taken from the definition."""
    kind = definitions.FORM_TYPE_OF_CUSTOM[row["type"]]
    path = f"draft.fields.{index}"
    if field["type"] is not None and field["type"] != kind:
        errors.setdefault(f"{path}.type", []).append("field_type_mismatch")
    typed = {**field, "type": kind, "custom_type": row["type"],
             "label": {language: field["label"][language] or row.get(f"label_{language}") or ""
                       for language in definitions.LANGUAGES}}
    choices = list(row.get("choices") or [])
    if kind in definitions.CHOICE_TYPES:
        options = field.get("options") or choices
        if any(option not in choices for option in options):
            errors.setdefault(f"{path}.options", []).append("invalid_option")
        typed["options"] = [option for option in options if option in choices]
    else:
        typed.pop("options", None)
    return typed


def resolve(draft, *, contacts, actor, kept_list_id=None, error=InvalidInput, code=None):
    """The draft with its custom fields typed from the organization's definitions and its list checked; ``error``
    (422 while editing, 409 at publish) naming each field or list that is not the organization's.

    A list newly named must be one the caller may access (a user routes contacts only into a list they see); the
    list the form already names (``kept_list_id``: another user may have chosen it) must only still exist."""
    errors = {}
    names = [f["name"] for f in draft["fields"] if f["name"].startswith(definitions.CUSTOM_PREFIX)]
    known = custom_fields(contacts, actor) if names else {}
    fields = []
    for index, field in enumerate(draft["fields"]):
        if not field["name"].startswith(definitions.CUSTOM_PREFIX):
            fields.append(field)
            continue
        row = known.get(field["name"][len(definitions.CUSTOM_PREFIX):])
        if row is None:
            errors.setdefault(f"draft.fields.{index}.name", []).append(UNKNOWN_CUSTOM_FIELD)
            continue
        fields.append(_typed_custom(field, row, index, errors))
    list_id, params = draft["list_id"], {}
    if list_id and list_id not in _list_ids(contacts, actor, org_wide=list_id == kept_list_id):
        errors.setdefault("draft.list_id", []).append(UNKNOWN_LIST)
        params["ids"] = list_id   # the message names it, as contacts' ``unknown_list`` does
    if errors:
        raise error(code, errors=errors, params=params)
    return {**draft, "fields": fields}


# Forms --------------------------------------------------------------------------------------------------------------

def list_forms(session, *, actor):
    """The organization's forms, most recently changed first, with their counts (the intake area's)."""
    rows = repository.forms_of_org(session, actor["org_id"])
    counts = intake.form_counts(session, actor["org_id"], [row["id"] for row in rows]) if rows else {}
    return [form_summary(row, counts.get(row["id"])) for row in rows]


def get_form(session, *, actor, form_id):
    return form_read(_own(session, actor, form_id))


def create_form(session, *, actor, data, contacts):
    draft = resolve(definitions.check_draft(data.get("draft")), contacts=contacts, actor=actor)
    form_id, at = str(uuid.uuid4()), repository.now()
    repository.insert_form(session, {
        "id": form_id, "org_id": actor["org_id"], "key": secrets.token_urlsafe(KEY_BYTES), "name": data["name"],
        "status": "draft", "draft": draft, "current_version": None,
        "webhook_secret": secrets.token_hex(SECRET_BYTES), "created_by": actor["user_id"], "created_at": at,
        "updated_at": at, "published_at": None})
    return get_form(session, actor=actor, form_id=form_id)


def update_form(session, *, actor, form_id, data, contacts):
    """The name and/or the whole draft (replacing the previous one); versions never change (F-2)."""
    stored = _own(session, actor, form_id)   # another organization's: 404 before anything else
    form_uuid, draft = stored["id"], None
    if "draft" in data:
        draft = resolve(definitions.check_draft(data["draft"]), contacts=contacts, actor=actor,
                        kept_list_id=stored["draft"].get("list_id"))
    row = _own(session, actor, form_uuid, for_update=True)
    values = {"updated_at": repository.now()}
    if data.get("name") is not None:
        values["name"] = data["name"]
    if draft is not None:
        values["draft"] = draft
    repository.update_form(session, row["id"], values)
    return get_form(session, actor=actor, form_id=form_uuid)


def publish_form(session, *, actor, form_id, contacts):
    """F-2: the draft, complete, becomes version number + 1, the one the public side serves."""
    row = _own(session, actor, form_id, for_update=True)
    publishable = definitions.check_publishable(row["draft"])
    publishable = resolve(publishable, contacts=contacts, actor=actor, kept_list_id=publishable["list_id"],
                          error=Conflict, code=definitions.NOT_PUBLISHABLE)
    number, at = repository.last_version_number(session, row["id"]) + 1, repository.now()
    repository.insert_version(session, {"form_id": row["id"], "number": number, "definition": publishable,
                                        "published_at": at, "published_by": actor["user_id"]})
    repository.update_form(session, row["id"], {"status": "published", "current_version": number,
                                                "published_at": at, "updated_at": at})
    return get_form(session, actor=actor, form_id=row["id"])


def unpublish_form(session, *, actor, form_id):
    """The public side answers 404 until the form is published again; a form never published is a 409."""
    row = _own(session, actor, form_id, for_update=True)
    if row["current_version"] is None:
        raise Conflict(FORM_NOT_PUBLISHED, errors={"status": [FORM_NOT_PUBLISHED]})
    if row["status"] != "unpublished":
        repository.update_form(session, row["id"], {"status": "unpublished", "updated_at": repository.now()})
    return get_form(session, actor=actor, form_id=row["id"])


def delete_form(session, *, actor, form_id):
    row = _own(session, actor, form_id, for_update=True)
    if intake.submission_count(session, row["id"]) > 0:
        raise Conflict(FORM_HAS_SUBMISSIONS, errors={"id": [FORM_HAS_SUBMISSIONS]})
    intake.delete_views(session, row["id"])   # all the intake area keeps of a form without submissions
    repository.delete_form(session, row["id"])


def rotate_webhook_secret(session, *, actor, form_id):
    """A new secret; posts signed with the old one are refused from now on (F-2)."""
    row = _own(session, actor, form_id, for_update=True)
    repository.update_form(session, row["id"], {"webhook_secret": secrets.token_hex(SECRET_BYTES),
                                                "updated_at": repository.now()})
    return get_form(session, actor=actor, form_id=row["id"])


# Versions ----------------------------------------------------------------------------------------------------------

def _version_summary(row):
    return {"number": row["number"], "published_at": _iso(row["published_at"]), "published_by": row["published_by"]}


def list_form_versions(session, *, actor, form_id):
    row = _own(session, actor, form_id)
    return [_version_summary(version) for version in repository.versions(session, row["id"])]


def get_form_version(session, *, actor, form_id, number):
    row = _own(session, actor, form_id)
    if isinstance(number, bool) or not isinstance(number, int) or not 0 < number < 2 ** 31:
        raise NotFound()
    version = repository.version(session, row["id"], number)
    if version is None:
        raise NotFound()
    return {**_version_summary(version), "definition": version["definition"]}


# The field catalogue --------------------------------------------------------------------------------------------------

def form_field_catalog(*, actor, contacts):
    """What a form may hold (F-1): a contact's standard fields with their FR/EN labels, then the organization's
    visible custom fields of module contacts (C-14) by their position, typed for a form, with their choices."""
    catalog = []
    for name, spec in definitions.STANDARD_FIELDS.items():
        item = {"name": name, "type": spec["type"], "label": dict(definitions.STANDARD_LABELS[name]), "custom": False}
        if "options" in spec:
            item["options"] = list(spec["options"])
        catalog.append(item)
    for key, row in custom_fields(contacts, actor).items():
        kind = definitions.FORM_TYPE_OF_CUSTOM.get(row["type"])
        if kind is None:
            continue
        item = {"name": f"{definitions.CUSTOM_PREFIX}{key}", "type": kind,
                "label": {"fr": row.get("label_fr") or key, "en": row.get("label_en") or key}, "custom": True}
        if kind in definitions.CHOICE_TYPES:
            item["options"] = list(row.get("choices") or [])
        catalog.append(item)
    return catalog
