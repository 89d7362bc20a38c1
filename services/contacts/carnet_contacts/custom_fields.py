"""Custom fields of contacts and accounts (C-14): their administration. The typed validation of the values
records carry in ``custom`` is shared with the opportunities service (``carnet_common.custom_values``), which
owns the definitions of opportunity fields: this service serves contacts and accounts only.
"""
import uuid

from carnet_common import custom_values
from carnet_common.errors import Conflict, Forbidden, NotFound
from carnet_contacts import repository

MODULES = ("contacts", "accounts")
RECORD_MODULES = {"contact": "contacts", "account": "accounts"}
# C-14, A-7: with Acomba the accounts module keeps 5 fields for accounting; enforced by the accounting issue.
MAX_ACCOUNTS_WITH_ACOMBA = 65


# Administration (S-9: administrators only) ------------------------------------------------------------------

def field_read(row):
    return {"key": row["key"], "module": row["module"], "type": row["type"], "label_fr": row["label_fr"],
            "label_en": row["label_en"], "hidden": row["hidden"], "height": row["height"],
            "choices": row["choices"], "position": row["position"],
            "created_at": row["created_at"].isoformat(), "updated_at": row["updated_at"].isoformat()}


def _module(module):
    if module not in MODULES:
        raise NotFound()
    return module


def _admin(actor):
    if not actor["is_admin"]:
        raise Forbidden("admin_only")


def list_fields(session, *, actor, module):
    """Everyone may read the definitions (to show labels); hidden ones only administrators."""
    rows = repository.custom_field_rows(session, org_id=actor["org_id"], module=_module(module))
    return [field_read(r) for r in rows if actor["is_admin"] or not r["hidden"]]


def _get(session, actor, module, key):
    for row in repository.custom_field_rows(session, org_id=actor["org_id"], module=_module(module),
                                            for_update=True):
        if row["key"] == key:
            return row
    raise NotFound()


def create_field(session, *, actor, module, data):
    _admin(actor)
    module = _module(module)
    repository.lock_custom_fields(session, org_id=actor["org_id"], module=module)
    existing = repository.custom_field_rows(session, org_id=actor["org_id"], module=module)
    custom_values.check_room(len(existing))
    values = {"id": str(uuid.uuid4()), "org_id": actor["org_id"], "module": module, "key": data["key"],
              "type": data["type"], "label_fr": data["label_fr"], "label_en": data["label_en"],
              "hidden": data.get("hidden", False), "height": data.get("height"), "choices": data.get("choices"),
              "position": max((r["position"] for r in existing), default=0) + 1}
    if not repository.insert_custom_field(session, values):
        raise Conflict("custom_field_key_taken", errors={"key": ["custom_field_key_taken"]})
    return field_read(_get(session, actor, module, data["key"]))


def update_field(session, *, actor, module, key, data):
    """Labels, hidden flag, height and choices change; the key and type never do (stored values keep
    their meaning). Removed choices stay on the records that hold them until those are edited."""
    _admin(actor)
    row = _get(session, actor, module, key)
    custom_values.check_update(row["type"], data)
    if data:
        repository.update_custom_field(session, row["id"], {**data, "updated_at": repository.now()})
    return field_read(_get(session, actor, module, key))


def delete_field(session, *, actor, module, key):
    """The definition and its values on every record go (documented choice: nothing invisible is kept)."""
    _admin(actor)
    _get(session, actor, module, key)
    repository.delete_custom_field(session, org_id=actor["org_id"], module=module, key=key)
