"""The administration of custom field definitions (C-14; writes by administrators only, S-9), the same in every
service that owns some: contacts for contacts and accounts, opportunities for opportunities. What differs is
passed in: the modules a service serves, the columns its definitions have beyond the common ones (a product type
on opportunities, O-2) and the queries of its own ``custom_fields`` table. Each service keeps its tables and its
repository; this module builds no query. The checks of the values records carry are ``custom_values``'.
"""
import uuid
from dataclasses import dataclass
from typing import Callable

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from carnet_common.contracts import load_or_raise
from carnet_common.entrypoints import rpc_method
from carnet_common.errors import Conflict, Forbidden, NotFound
from carnet_contracts.customization import CustomFieldCreate, CustomFieldUpdate
from carnet_custom_fields import values as custom_values

COLUMNS = ("key", "module", "type", "label_fr", "label_en", "hidden", "height", "choices", "position")


def custom_field_table(metadata, *extra_columns):
    """The ``custom_fields`` table of a service's schema (C-14): the same columns in contacts (migration
    0003_customization) and opportunities (0004_custom_fields, which adds ``product_type`` as an extra column)."""
    return sa.Table(
        "custom_fields", metadata,
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("org_id", sa.Text, nullable=False),
        sa.Column("module", sa.Text, nullable=False),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("label_fr", sa.Text, nullable=False),
        sa.Column("label_en", sa.Text, nullable=False),
        sa.Column("hidden", sa.Boolean, nullable=False),
        sa.Column("height", sa.Integer),
        sa.Column("choices", JSONB),
        sa.Column("position", sa.Integer, nullable=False),
        *extra_columns,
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("org_id", "module", "key", name="custom_fields_key"),
    )


# The rules ------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CustomFieldAdmin:
    """The definitions of ``modules``, kept by the owning service's queries:

    - ``rows(session, *, org_id, module, for_update=False)``: the module's definitions, by position then key;
    - ``lock(session, *, org_id, module)``: serialises additions to the module until the transaction ends;
    - ``insert(session, values)``: False when the key is taken in the organization and module;
    - ``update(session, field_id, values)``;
    - ``delete(session, *, org_id, module, key)``: the definition and its value on every record;
    - ``now()``: the time stamped on a change.
    """
    modules: tuple
    rows: Callable
    lock: Callable
    insert: Callable
    update: Callable
    delete: Callable
    now: Callable
    extra_columns: tuple = ()

    def field_read(self, row):
        return {**{column: row[column] for column in COLUMNS + self.extra_columns},
                "created_at": row["created_at"].isoformat(), "updated_at": row["updated_at"].isoformat()}

    def _module(self, module):
        """A module this service does not serve names nothing (404)."""
        if module not in self.modules:
            raise NotFound()
        return module

    def _get(self, session, actor, module, key):
        for row in self.rows(session, org_id=actor["org_id"], module=self._module(module), for_update=True):
            if row["key"] == key:
                return row
        raise NotFound()

    def list_fields(self, session, *, actor, module):
        """Everyone may read the definitions (to show labels); hidden ones only administrators."""
        rows = self.rows(session, org_id=actor["org_id"], module=self._module(module))
        return [self.field_read(r) for r in rows if actor["is_admin"] or not r["hidden"]]

    def create_field(self, session, *, actor, module, data):
        """C-14: at most 70 fields per module, added one at a time; the key is unique in the organization and
        module (409); a new field comes last."""
        _admin(actor)
        module = self._module(module)
        self.lock(session, org_id=actor["org_id"], module=module)
        existing = self.rows(session, org_id=actor["org_id"], module=module)
        custom_values.check_room(len(existing))
        values = {"id": str(uuid.uuid4()), "org_id": actor["org_id"], "module": module, "key": data["key"],
                  "type": data["type"], "label_fr": data["label_fr"], "label_en": data["label_en"],
                  "hidden": data.get("hidden", False), "height": data.get("height"), "choices": data.get("choices"),
                  **{column: data.get(column) for column in self.extra_columns},
                  "position": max((r["position"] for r in existing), default=0) + 1}
        if not self.insert(session, values):
            raise Conflict("custom_field_key_taken", errors={"key": ["custom_field_key_taken"]})
        return self.field_read(self._get(session, actor, module, data["key"]))

    def update_field(self, session, *, actor, module, key, data):
        """Labels, hidden flag, height, choices (and the extra columns) change; the key and type never do (stored
        values keep their meaning). Removed choices stay on the records that hold them until those are edited."""
        _admin(actor)
        row = self._get(session, actor, module, key)
        custom_values.check_update(row["type"], data)
        if data:
            self.update(session, row["id"], {**data, "updated_at": self.now()})
        return self.field_read(self._get(session, actor, module, key))

    def delete_field(self, session, *, actor, module, key):
        """The definition and its values on every record go (documented choice: nothing invisible is kept)."""
        _admin(actor)
        self._get(session, actor, module, key)
        self.delete(session, org_id=actor["org_id"], module=module, key=key)


def _admin(actor):
    """S-9: definitions are written by administrators only (403)."""
    if not actor["is_admin"]:
        raise Forbidden("admin_only")


# The entrypoints --------------------------------------------------------------------------------------------------

def segment(value):
    """Path segments arrive as text; anything else names nothing."""
    return value if isinstance(value, str) and 0 < len(value) <= 64 else ""


class CustomFieldRpc:
    """The RPC methods of custom fields, the same in every service that owns some, so the gateway calls either by
    module. Mixed into a service class (which provides ``db``) that names its ``custom_field_admin`` (a
    ``CustomFieldAdmin``), its ``actor_contract`` and, when its definitions have extra columns, its contracts (the
    definitions' contracts are ``carnet_contracts.customization``', declared once with the gateway)."""
    custom_field_admin = None
    actor_contract = None
    create_contract = CustomFieldCreate
    update_contract = CustomFieldUpdate

    def _custom_field_actor(self, actor):
        return load_or_raise(self.actor_contract(), actor)

    @rpc_method
    def list_custom_fields(self, actor, module):
        return self.custom_field_admin.list_fields(self.db, actor=self._custom_field_actor(actor),
                                                   module=segment(module))

    @rpc_method
    def create_custom_field(self, actor, module, data):
        actor, data = self._custom_field_actor(actor), load_or_raise(self.create_contract(), data)
        with self.db.begin():
            return self.custom_field_admin.create_field(self.db, actor=actor, module=segment(module), data=data)

    @rpc_method
    def update_custom_field(self, actor, module, key, data):
        actor, data = self._custom_field_actor(actor), load_or_raise(self.update_contract(), data)
        with self.db.begin():
            return self.custom_field_admin.update_field(self.db, actor=actor, module=segment(module),
                                                        key=segment(key), data=data)

    @rpc_method
    def delete_custom_field(self, actor, module, key):
        with self.db.begin():
            self.custom_field_admin.delete_field(self.db, actor=self._custom_field_actor(actor),
                                                 module=segment(module), key=segment(key))
