"""Custom fields of opportunities (C-14, O-2): their administration, and the rules of the values opportunities
carry in ``custom``. This service owns the definitions (schema ``opportunities``); the typed checks of values are
the shared ones of ``carnet_custom_fields.values``, so a value means the same on a contact and an opportunity.

A field may be tied to a product type: a product line's ``product_group`` (O-5), compared trimmed and
case-insensitively. Such a field shows only on opportunities with a line of that group: a value is accepted only
then (422 on ``custom.<key>`` otherwise), and it is left out of every read, export and event of an opportunity
without such a line. A value stays stored when its line goes (it shows again when a line of that group comes
back), as contacts keep a removed choice until the record is edited.
"""
from carnet_common.errors import InvalidInput
from carnet_custom_fields import values as custom_values
from carnet_custom_fields.admin import CustomFieldAdmin
from carnet_opportunities.opportunities.repository import custom_fields as repository
from carnet_opportunities.opportunities.repository import now

MODULE = "opportunities"


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


# Administration (S-9: writes by administrators only): the rules shared with contacts over this service's table,
# with a product type.
ADMIN = CustomFieldAdmin(modules=(MODULE,), rows=repository.field_rows, lock=repository.lock_fields,
                         insert=repository.insert_field, update=repository.update_field, delete=repository.delete_field,
                         now=now, extra_columns=("product_type",))
