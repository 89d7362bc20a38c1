"""A form submission accepted by the forms service (F-3, issue 14) becomes a contact, once per submission.

The contact is the organization's oldest one not in the trash with the submitted address (case-insensitive), or a
new one. It joins the form's list (a list deleted since: the contact is made or updated all the same, in no new
list, and the answer says ``list_missing``). Only non-empty submitted values are written, so a submission never
blanks a field someone filled (an empty first name keeps the stored one); the contact's language, when the form did
not ask for it, is the one the visitor used if the contact had none. A new contact's rep 1 is the form's
``rep_user_id`` (so that users who see only their own contacts see it, S-4); an existing contact keeps its reps.
Values are checked as the contact's own contract and custom field definitions check them (C-14): an invalid one is
dropped and named in ``rejected``.

The change is made the way any change of a contact is (C-17 history, version + 1, ``contact_created`` /
``contact_updated`` / ``membership_changed`` through the outbox) by nobody (``user_id`` null), with a history entry
``form_submission`` naming the form and the submission. ``form_submission_contacts`` remembers the contact of each
submission: a redelivered or republished event answers that contact again and changes nothing (exactly once); the
address's lock serialises two submissions of one new address, so they make one contact.
"""
from marshmallow import ValidationError

from carnet_common.errors import InvalidInput
from carnet_contacts import events, norms
from carnet_contacts.customization import repository as customization
from carnet_contacts.form_submissions import repository
from carnet_contacts.lists import repository as lists
from carnet_contacts.models import CONTACT_FIELDS
from carnet_contacts.records import repository as records
from carnet_contacts.records.usecases import contact_event_read, new_id
from carnet_contracts.records import ContactUpdate
from carnet_custom_fields import values as custom_values

HISTORY_FIELD = "form_submission"
# What a form may write of a contact: its own data, never who owns it, its state or its account (F-3).
FORM_FIELDS = tuple(f for f in CONTACT_FIELDS
                    if f not in ("email", "rep1_id", "rep2_id", "subscribed", "account_id", "status"))
LANGUAGES = ("fr", "en")


def empty(value):
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


def standard_values(values):
    """``(clean, rejected)``: the non-empty known fields of ``values`` as the contact's contract loads them; the
    names of those it refuses (``rejected``). Unknown names are ignored (the forms service checked them)."""
    clean, rejected = {}, []
    schema = ContactUpdate()
    for key, value in (values or {}).items():
        if key not in FORM_FIELDS or empty(value):
            continue
        try:
            loaded = schema.load({key: value})
        except ValidationError:
            rejected.append(key)
            continue
        if not empty(loaded.get(key)):
            clean[key] = loaded[key]
    return clean, rejected


def custom_field_values(definitions, values):
    """``(clean, rejected)``: the non-empty custom values the organization's definitions accept (C-14), each checked
    alone so that one invalid value drops only itself; ``rejected`` names the others ``custom.<key>``."""
    clean, rejected = {}, []
    for key, value in (values or {}).items():
        if empty(value):
            continue
        try:
            clean.update(custom_values.clean_values(definitions, {key: value}))
        except InvalidInput:
            rejected.append(f"custom.{key}")
    return clean, rejected


def _valid(data):
    return all(isinstance(data.get(k), str) and data.get(k) for k in ("org_id", "submission_id", "email")) \
        and "@" in data["email"] and len(data["email"]) <= 254


def apply_submission(session, *, outbox, data):
    """``forms.submission_accepted`` handled (once per event by the inbox, once per submission here): the contact
    made or updated and ``contacts.form_submission_applied`` written; a malformed event changes nothing."""
    if not _valid(data):
        return None
    org_id, submission_id, email = data["org_id"], data["submission_id"], data["email"].strip()
    repository.lock_address(session, org_id=org_id, email=email)
    done = repository.applied(session, submission_id)
    if done is not None:  # applied before: the same answer, nothing changed
        outbox.add(session, events.FORM_SUBMISSION_APPLIED, _applied_payload(
            data, contact_id=done["contact_id"], created=done["created"], list_missing=False, rejected=[]))
        return done["contact_id"]
    target = lists.get_list(session, data["list_id"]) if isinstance(data.get("list_id"), str) else None
    list_ids = [target["id"]] if target is not None and target["org_id"] == org_id else []
    values, rejected = standard_values(data.get("values"))
    definitions = customization.custom_field_rows_by_module(session, org_id=org_id, modules=["contacts"])["contacts"]
    custom, rejected_custom = custom_field_values(definitions, data.get("custom"))
    language = data.get("language") if data.get("language") in LANGUAGES else None
    row = repository.contact_by_email(session, org_id=org_id, email=email, email_norm=norms.fold(email))
    entry = {"form_id": data.get("form_id"), "submission_id": submission_id, "version": data.get("version")}
    if row is None:
        rep_id = data.get("rep_user_id") if isinstance(data.get("rep_user_id"), str) else None
        contact_id = _create(session, outbox=outbox, org_id=org_id, email=email, values=values, custom=custom,
                             language=language, list_ids=list_ids, entry=entry, definitions=definitions,
                             rep_id=rep_id)
    else:
        contact_id = row["id"]
        _update(session, outbox=outbox, row=row, values=values, custom=custom, language=language,
                list_ids=list_ids, entry=entry, definitions=definitions)
    repository.record_applied(session, submission_id=submission_id, org_id=org_id, contact_id=contact_id,
                              created=row is None)
    outbox.add(session, events.FORM_SUBMISSION_APPLIED, _applied_payload(
        data, contact_id=contact_id, created=row is None, list_missing=bool(data.get("list_id")) and not list_ids,
        rejected=rejected + rejected_custom))
    return contact_id


def _applied_payload(data, *, contact_id, created, list_missing, rejected):
    return {"org_id": data["org_id"], "actor_id": None, "submission_id": data["submission_id"],
            "form_id": data.get("form_id"), "contact_id": contact_id, "created": created,
            "list_missing": list_missing, "rejected": rejected}


def _history(org_id, contact_id, field, old, new):
    return {"org_id": org_id, "record_type": "contact", "record_id": contact_id, "user_id": None, "field": field,
            "old": old, "new": new}


def _create(session, *, outbox, org_id, email, values, custom, language, list_ids, entry, definitions, rep_id):
    contact_id = new_id()
    row = {key: values.get(key) for key in CONTACT_FIELDS}
    row.update(id=contact_id, org_id=org_id, email=email, language=values.get("language") or language,
               subscribed=True, status="active", is_primary=False, custom=custom, version=1, created_by=None,
               rep1_id=rep_id, rep2_id=None, account_id=None)
    row.update(norms.contact_norms(row, None))
    records.insert_record(session, "contact", row)
    records.set_members(session, "contact", contact_id, list_ids)
    records.add_history(session, [_history(org_id, contact_id, "created", None, None),
                                  _history(org_id, contact_id, HISTORY_FIELD, None, entry)])
    outbox.add(session, events.CONTACT_CREATED, events.record_payload(
        contact_event_read(session, contact_id, definitions), {"org_id": org_id, "user_id": None}, list_ids=list_ids))
    return contact_id


def _update(session, *, outbox, row, values, custom, language, list_ids, entry, definitions):
    org_id, contact_id = row["org_id"], row["id"]
    if language and "language" not in values and not row["language"]:
        values = {**values, "language": language}
    changes = {key: value for key, value in values.items() if row[key] != value}
    stored_custom = row["custom"] or {}
    custom_changes = {key: value for key, value in custom.items() if stored_custom.get(key) != value}
    before = records.member_list_ids(session, "contact", [contact_id])[contact_id]
    after = sorted(set(before) | set(list_ids))
    history = [_history(org_id, contact_id, key, row[key], value) for key, value in changes.items()]
    history += [_history(org_id, contact_id, f"custom.{key}", stored_custom.get(key), value)
                for key, value in custom_changes.items()]
    joined = after != sorted(before)
    if joined:
        history.append(_history(org_id, contact_id, "list_ids", sorted(before), after))
        records.set_members(session, "contact", contact_id, after)
    if changes or custom_changes or joined:
        merged = {**row, **changes}
        account = records.get_account(session, row["account_id"]) if row["account_id"] else None
        records.update_record(session, "contact", contact_id, {
            **changes, "custom": custom_values.merge(stored_custom, custom_changes),
            **norms.contact_norms(merged, account), "version": row["version"] + 1, "updated_at": records.now()})
    records.add_history(session, history + [_history(org_id, contact_id, HISTORY_FIELD, None, entry)])
    actor = {"org_id": org_id, "user_id": None}
    if changes or custom_changes:
        outbox.add(session, events.CONTACT_UPDATED, events.record_payload(
            contact_event_read(session, contact_id, definitions), actor,
            changed=[h["field"] for h in history if h["field"] != "list_ids"]))
    if joined:
        outbox.add(session, events.MEMBERSHIP_CHANGED, {
            "org_id": org_id, "record_type": "contact", "record_id": contact_id,
            "added": sorted(set(after) - set(before)), "removed": [], "actor_id": None})
