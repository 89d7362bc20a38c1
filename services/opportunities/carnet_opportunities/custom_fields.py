"""Custom fields of opportunities (C-14, O-2): their administration, and the rules of the values opportunities
carry in ``custom``. This service owns the definitions (schema ``opportunities``); the typed checks of values are
the shared ones of ``carnet_common.custom_values``, so a value means the same on a contact and an opportunity.

A field may be tied to a product type: a product line's ``product_group`` (O-5), compared trimmed and
case-insensitively. Such a field shows only on opportunities with a line of that group: a value is accepted only
then (422 on ``custom.<key>`` otherwise), and it is left out of every read, export and event of an opportunity
without such a line. A value stays stored when its line goes (it shows again when a line of that group comes
back), as contacts keep a removed choice until the record is edited.
"""
import uuid

from carnet_common import custom_values
from carnet_common.errors import Conflict, Forbidden, InvalidInput, NotFound
from carnet_opportunities import custom_field_repository as repository
from carnet_opportunities.repository import now

MODULE = "opportunities"


def field_read(row):
    return {"key": row["key"], "module": row["module"], "type": row["type"], "label_fr": row["label_fr"],
            "label_en": row["label_en"], "hidden": row["hidden"], "height": row["height"],
            "choices": row["choices"], "position": row["position"], "product_type": row["product_type"],
            "created_at": row["created_at"].isoformat(), "updated_at": row["updated_at"].isoformat()}


# Values on opportunities --------------------------------------------------------------------------------------

def product_type_key(value):
    """How a product type is compared: trimmed, inner spaces collapsed, case-insensitive."""
    return " ".join(value.split()).casefold() if value else None


def product_groups(lines):
    """The product types an opportunity has: the groups of its lines (mappings with ``product_group``)."""
    return {product_type_key(line.get("product_group")) for line in lines if line.get("product_group")}


def applies(definition, groups):
    """C-14: a field tied to a product type shows only when the opportunity has a line of that type."""
    return definition["product_type"] is None or product_type_key(definition["product_type"]) in groups


def definitions(session, org_id):
    """The organization's opportunity fields, ``{key: row}``."""
    return {row["key"]: row for row in repository.field_rows(session, org_id=org_id, module=MODULE)}


def clean(fields, values, *, groups):
    """``values`` checked by type (unknown and hidden keys refused) and by product type: a value (not a clearing
    ``null``) of a tied field needs a line of its type among ``groups``. Every error at once, 422 on
    ``custom.<key>``."""
    try:
        cleaned, errors = custom_values.clean_values(fields, values), {}
    except InvalidInput as exc:
        errors = dict(exc.errors)
        cleaned = custom_values.clean_values(fields, {key: value for key, value in values.items()
                                                      if f"custom.{key}" not in errors})
    errors.update({f"custom.{key}": ["custom_field_product_type"] for key, value in cleaned.items()
                   if value is not None and not applies(fields[key], groups)})
    if errors:
        raise InvalidInput(errors=errors)
    return cleaned


def shown(fields, stored, *, groups):
    """The values a reader sees: of fields that exist, are not hidden and apply to the opportunity's lines."""
    return {key: value for key, value in custom_values.visible_values(fields, stored).items()
            if applies(fields[key], groups)}


# Administration (S-9: writes by administrators only) ------------------------------------------------------------

def _module(module):
    if module != MODULE:
        raise NotFound()
    return module


def _admin(actor):
    if not actor["is_admin"]:
        raise Forbidden("admin_only")


def list_fields(session, *, actor, module):
    """Everyone may read the definitions (to show labels); hidden ones only administrators."""
    rows = repository.field_rows(session, org_id=actor["org_id"], module=_module(module))
    return [field_read(r) for r in rows if actor["is_admin"] or not r["hidden"]]


def _get(session, actor, module, key):
    for row in repository.field_rows(session, org_id=actor["org_id"], module=_module(module), for_update=True):
        if row["key"] == key:
            return row
    raise NotFound()


def create_field(session, *, actor, module, data):
    """C-14: at most 70 fields; the key is unique in the organization (409)."""
    _admin(actor)
    module = _module(module)
    repository.lock_fields(session, org_id=actor["org_id"], module=module)
    existing = repository.field_rows(session, org_id=actor["org_id"], module=module)
    custom_values.check_room(len(existing))
    values = {"id": str(uuid.uuid4()), "org_id": actor["org_id"], "module": module, "key": data["key"],
              "type": data["type"], "label_fr": data["label_fr"], "label_en": data["label_en"],
              "hidden": data.get("hidden", False), "height": data.get("height"), "choices": data.get("choices"),
              "product_type": data.get("product_type"),
              "position": max((r["position"] for r in existing), default=0) + 1}
    if not repository.insert_field(session, values):
        raise Conflict("custom_field_key_taken", errors={"key": ["custom_field_key_taken"]})
    return field_read(_get(session, actor, module, data["key"]))


def update_field(session, *, actor, module, key, data):
    """Labels, hidden flag, height, choices and product type change; the key and type never do. Removed
    choices stay on the opportunities that hold them until those are edited."""
    _admin(actor)
    row = _get(session, actor, module, key)
    custom_values.check_update(row["type"], data)
    if data:
        repository.update_field(session, row["id"], {**data, "updated_at": now()})
    return field_read(_get(session, actor, module, key))


def delete_field(session, *, actor, module, key):
    """The definition and its values on every opportunity go (nothing invisible is kept)."""
    _admin(actor)
    _get(session, actor, module, key)
    repository.delete_field(session, org_id=actor["org_id"], module=module, key=key)
