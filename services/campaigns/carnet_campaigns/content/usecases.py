"""Use cases of e-mail templates (E-2, E-8). Each runs inside the caller's transaction; SQL is built by
``content/repository.py`` only.

Which templates. The built-in ones (``builtins.py``: ``builtin:blank`` and others), the same for every organization,
answered in the caller's language and listed first; then the organization's own, by name. Built-in templates are
read-only: a change or a deletion is a 409 ``template_builtin_read_only`` (the request is valid, the template's
state refuses it: docs/rules/http-api.md).

Who. Own templates belong to the organization, not to their author: every user with the ``emails`` module's read
permission lists and reads them, with its write permission creates, changes and deletes them (the gateway checks the
permissions and the plan's ``emails`` feature, E-1). Another organization's template is a 404, as an unknown id.

What is stored. The subject, HTML and text parts are checked for merge fields (``render.check``: 422
``merge_field_unknown`` or ``merge_field_broken`` naming ``subject``, ``html`` or ``text``) and the HTML is stored
sanitised (``render.sanitize``, E-8), so what is read back is what could be shown. A change carries the version read
(409 ``version_conflict`` when stale, with the current version).

From a sent e-mail (E-2). ``template_from_campaign`` copies the subject and both parts of a campaign of the
organization that is no longer a draft (a draft is a 409 ``template_source_not_sent``); a one-to-one e-mail
(kind ``single``) is its sender's: only they, or an administrator, may copy it (404 for anyone else, as its
contact may be one they cannot see).

Previews. The template rendered (``render.render``) with sample values (``render.SAMPLE_VALUES``) in each language,
a built-in template with its texts of that language; the HTML sanitised again after the values are in. Given a
``contact_id``, the contact's names and address replace the samples: a contact the caller sees (the audience area's
``confirm_contact``: its read model, a miss confirmed at the contacts service), else 404.
"""
import uuid
from datetime import datetime

from carnet_campaigns.audience import usecases as audience
from carnet_campaigns.content import builtins, render, repository
from carnet_common.errors import Conflict, InvalidInput, NotFound

READ_ONLY = "template_builtin_read_only"
NOT_SENT = "template_source_not_sent"


def _iso(value):
    return value.isoformat() if isinstance(value, datetime) else value


def _builtin_read(item, language):
    return {"id": item["id"], "name": item["name"], "builtin": True, "subject": item["subject"],
            "html": item["html"], "text": item["text"], "language": builtins.content_language(language),
            "merge_fields": render.fields_used(subject=item["subject"], html=item["html"], text=item["text"]),
            "source_campaign_id": None, "created_by": None, "created_at": None, "updated_at": None, "version": None}


def template_read(row):
    return {"id": row["id"], "name": row["name"], "builtin": False, "subject": row["subject"],
            "html": render.sanitize(row["html"]), "text": row["text"], "language": None,
            "merge_fields": render.fields_used(subject=row["subject"], html=row["html"], text=row["text"]),
            "source_campaign_id": row["source_campaign_id"], "created_by": row["created_by"],
            "created_at": _iso(row["created_at"]), "updated_at": _iso(row["updated_at"]), "version": row["version"]}


def list_templates(session, *, actor):
    language = actor.get("language")
    return ([_builtin_read(item, language) for item in builtins.all_builtins(language)]
            + [template_read(row) for row in repository.of_org(session, actor["org_id"])])


def _own(session, actor, template_id, *, for_update=False):
    row = repository.get(session, org_id=actor["org_id"], template_id=template_id, for_update=for_update)
    if row is None:
        raise NotFound()
    return row


def get_template(session, *, actor, template_id, language=None):
    if builtins.is_builtin(template_id):
        item = builtins.builtin(template_id, language or actor.get("language"))
        if item is None:
            raise NotFound()
        return _builtin_read(item, language or actor.get("language"))
    return template_read(_own(session, actor, template_id))


def template_content(session, *, actor, template_id, language=None):
    """``{subject, html, text}`` of a template the caller may read (a built-in one in ``language``, else the
    caller's): what a campaign draft or a one-to-one e-mail copies (E-2: the template stays unchanged). 404 when
    there is no such template for the caller's organization."""
    found = get_template(session, actor=actor, template_id=template_id, language=language)
    return {key: found[key] for key in ("subject", "html", "text")}


def checked(*, subject, html, text):
    """The parts as stored: merge fields checked (422 naming the part), the HTML sanitised."""
    errors = render.check(subject=subject, html=html, text=text)
    if errors:
        raise InvalidInput(errors=errors)
    clean = render.sanitize(html)
    errors = render.check(subject=subject, html=clean, text=text)
    if errors:   # the sanitiser cut a merge field in two (in an attribute it dropped)
        raise InvalidInput(errors=errors)
    return {"subject": render.one_line(subject), "html": clean, "text": text}


def create_template(session, *, actor, data, source_campaign_id=None):
    parts = checked(subject=data.get("subject", ""), html=data.get("html", ""), text=data.get("text", ""))
    template_id = uuid.uuid4().hex
    repository.insert(session, {"id": template_id, "org_id": actor["org_id"], "name": data["name"], **parts,
                                "source_campaign_id": source_campaign_id, "created_by": actor["user_id"],
                                "version": 1})
    return template_read(_own(session, actor, template_id))


def _writable(session, actor, template_id):
    if builtins.is_builtin(template_id):
        if builtins.builtin(template_id, "en") is None:
            raise NotFound()
        raise Conflict(READ_ONLY, errors={"id": [READ_ONLY]})
    return _own(session, actor, template_id, for_update=True)


def update_template(session, *, actor, template_id, data):
    row = _writable(session, actor, template_id)
    if data["version"] != row["version"]:
        raise Conflict("version_conflict", errors={"version": ["version_conflict"]},
                       params={"version": row["version"]})
    merged = {key: data.get(key, row[key]) for key in ("name", "subject", "html", "text")}
    parts = checked(subject=merged["subject"], html=merged["html"], text=merged["text"])
    repository.update(session, template_id, {"name": merged["name"], **parts, "version": row["version"] + 1})
    return template_read(_own(session, actor, template_id))


def delete_template(session, *, actor, template_id):
    _writable(session, actor, template_id)
    repository.delete(session, template_id)


def template_from_campaign(session, *, actor, campaign_id, data):
    """A new own template with the subject and parts of a sent campaign or one-to-one e-mail (module docstring)."""
    found = repository.campaign(session, org_id=actor["org_id"], campaign_id=campaign_id)
    if found is None or (found["kind"] == "single" and found["created_by"] != actor["user_id"]
                         and not actor.get("is_admin")):
        raise NotFound()
    if found["status"] == "draft":
        raise Conflict(NOT_SENT, errors={"campaign_id": [NOT_SENT]})
    name = data.get("name") or (found["name"] or found["subject"] or campaign_id)[:100]
    return create_template(session, actor=actor, source_campaign_id=campaign_id,
                           data={"name": name, "subject": found["subject"], "html": found["html"],
                                 "text": found["text"]})


def _values(contact, language):
    """The merge values of a preview: the sample ones, or ``contact``'s names and address (the sender's name stays
    the sample one: a template has no sender yet)."""
    values = dict(render.SAMPLE_VALUES[language])
    if contact is not None:
        first, last = contact.get("first_name") or "", contact.get("last_name") or ""
        values.update(first_name=first, last_name=last, full_name=" ".join(p for p in (first, last) if p),
                      email=contact.get("email") or "")
    return values


def preview_template(session, *, actor, template_id, language=None, contact_id=None, contacts=None):
    """The template rendered in ``language``, or in English and French, with sample values or, given
    ``contact_id``, with that contact's (one the caller sees: ``audience.usecases.confirm_contact``, else 404)."""
    languages = [language] if language else list(render.LANGUAGES)
    items = {lang: get_template(session, actor=actor, template_id=template_id, language=lang) for lang in languages}
    contact = None
    if contact_id is not None:
        contact = audience.confirm_contact(session, contacts=contacts, actor=actor, contact_id=contact_id)
    previews, merge_values = [], {}
    for lang, item in items.items():
        merge_values[lang] = values = _values(contact, lang)
        subject, html, text = render.render(subject=item["subject"], html=item["html"], text=item["text"],
                                            values=values, language=lang)
        previews.append({"language": lang, "subject": subject, "html": html,
                         "html_shown": render.sanitize_for_display(html), "text": text})
    return {"template_id": template_id, "merge_values": merge_values, "previews": previews}
