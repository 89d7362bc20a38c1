"""Use cases of enrichment (C-6): propose what the provider found about a contact, apply the fields the user chose.

- ``propose`` writes nothing. It proposes only fields the caller may read (``readable``, from the gateway's field
  permissions, S-3) and only values that differ from the record's; it reads the contact's email only when the
  caller may read it (the lookup would tell its domain). Facts with no field of the organization to hold them
  (company, industry, social profiles without a custom field named for them) are answered as ``other_facts``.
- ``apply`` goes through the normal update path (``records.usecases.update_contact``: field rules, optimistic
  version, history per field, the ``contact_updated`` event) and adds one history entry ``enrichment`` whose new
  value is the source page, so the history says where the values came from (C-17).
- A primary contact (C-13) is enriched only by a caller the gateway says holds the "primary contact" permission
  (read to propose, write to apply: ``primary_allowed``).

Records the caller cannot see are ``NotFound``, as everywhere. SQL stays in the repositories (records'
``get_visible``/``add_history``, customization's field definitions).
"""
import re

from carnet_common.errors import Conflict, Forbidden, InvalidInput, NotFound
from carnet_contacts.customization import repository as customization
from carnet_contacts.enrichment import safe_fetch
from carnet_contacts.lists.usecases import Scope
from carnet_contacts.records import repository as records
from carnet_contacts.records import usecases as record_usecases
from carnet_contracts.enrichment import CUSTOM_KEYS, ENRICHABLE

HISTORY_FIELD = "enrichment"
CUSTOM_TEXT_TYPES = ("text", "textarea", "url")  # the types a found text can be written to as it is
DIGITS = re.compile(r"\D")


def _contact(session, actor, contact_id):
    row = records.get_visible(session, "contact", contact_id, actor=actor, list_ids=Scope(session, actor).selected)
    if row is None:
        raise NotFound()
    return row


def _check_primary(row, primary_allowed):
    if row["is_primary"] and not primary_allowed:
        raise Forbidden("primary_contact_permission")


def _comparable(field, value):
    """Two values are the same when they differ only in case, spacing, a URL's scheme or final slash, or a
    phone's punctuation."""
    if value is None:
        return ""
    value = " ".join(str(value).split()).lower()
    if field in ("phone", "fax"):
        return DIGITS.sub("", value)
    if field == "website" or field.startswith("custom."):
        return re.sub(r"^https?://(www\.)?", "", value).rstrip("/")
    return value


def proposals_of(*, row, facts, readable, custom_definitions):
    """``(proposals, other_facts)``: a proposal ``{field, current, proposed}`` per fact the contact holds in a field
    the caller may read whose value differs; the facts without such a field, as found."""
    readable = set(readable)
    proposals, used = [], set()
    for field in ENRICHABLE:
        if field in facts and field in readable:
            used.add(field)
            if _comparable(field, row.get(field)) != _comparable(field, facts[field]):
                proposals.append({"field": field, "current": row.get(field), "proposed": facts[field]})
    for key in CUSTOM_KEYS:
        definition = custom_definitions.get(key)
        name = f"custom.{key}"
        if key in facts and definition is not None and not definition["hidden"] \
                and definition["type"] in CUSTOM_TEXT_TYPES and name in readable:
            used.add(key)
            current = (row.get("custom") or {}).get(key)
            if _comparable(name, current) != _comparable(name, facts[key]):
                proposals.append({"field": name, "current": current, "proposed": facts[key]})
    other = {key: value for key, value in facts.items() if key in CUSTOM_KEYS and key not in used}
    return proposals, other


def propose(session, *, actor, contact_id, readable, primary_allowed, provider):
    """What ``provider`` found about the contact, as proposals (nothing is written). Call outside a transaction:
    the lookup takes up to the fetch's deadline."""
    row = _contact(session, actor, contact_id)
    _check_primary(row, primary_allowed)
    if "email" not in readable:
        raise Forbidden("field_not_readable", errors={"email": ["field_not_readable"]}, params={"field": "email"})
    # The request is valid; the stored email refuses it: a 409 naming the field (docs/rules/http-api.md, issue 10 §5)
    if not row["email"]:
        raise Conflict("enrichment_needs_email", errors={"email": ["enrichment_needs_email"]})
    try:
        finding = provider.lookup(email=row["email"])
    except safe_fetch.Refused:   # logged with the address by safe_fetch
        raise Conflict("enrichment_refused", errors={"email": ["enrichment_refused"]}) from None
    definitions = customization.custom_field_rows_by_module(session, org_id=actor["org_id"],
                                                            modules=["contacts"])["contacts"]
    proposals, other = proposals_of(row=row, facts=finding.facts, readable=readable, custom_definitions=definitions)
    outcome = finding.outcome
    if outcome == "found" and not proposals:
        outcome = "nothing_new"
    return {"contact_id": row["id"], "version": row["version"], "provider": provider.name, "outcome": outcome,
            "source": finding.source, "proposals": proposals, "other_facts": other}


def apply(session, *, outbox, actor, contact_id, data, primary_allowed):
    """Write the chosen ``data["fields"]`` through the contact's update (version checked), and note the source."""
    row = _contact(session, actor, contact_id)
    _check_primary(row, primary_allowed)
    chosen = dict(data["fields"])
    if not chosen or chosen == {"custom": {}}:
        raise InvalidInput(errors={"fields": ["enrichment_nothing_chosen"]})
    unknown = [key for key in (chosen.get("custom") or {}) if key not in CUSTOM_KEYS]
    if unknown:
        raise InvalidInput(errors={f"fields.custom.{key}": ["not_enrichable"] for key in unknown})
    update = {**chosen, "version": data["version"]}
    try:
        read = record_usecases.update_contact(session, outbox=outbox, actor=actor, contact_id=contact_id, data=update)
    except InvalidInput as exc:   # the custom values' checks name their key: say it is in ``fields``
        errors = {(f"fields.{key}" if key.startswith("custom") else key): value for key, value in exc.errors.items()}
        raise InvalidInput(exc.code, errors=errors, params=exc.params) from None
    if read["version"] != row["version"]:
        records.add_history(session, [{"org_id": actor["org_id"], "record_type": "contact", "record_id": contact_id,
                                       "user_id": actor["user_id"], "field": HISTORY_FIELD, "old": None,
                                       "new": data.get("source") or HISTORY_FIELD}])
    return read
