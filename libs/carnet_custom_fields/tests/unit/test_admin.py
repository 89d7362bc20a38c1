"""The administration of custom field definitions shared by contacts and opportunities (C-14, S-9), over a
hand-written in-memory store standing for a service's repository: pure rules."""
import dataclasses
from datetime import datetime, timezone

import pytest

from carnet_common.errors import Conflict, Forbidden, NotFound
from carnet_custom_fields.admin import CustomFieldAdmin, CustomFieldCreate, segment

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
ADMIN = {"org_id": "o1", "user_id": "u1", "is_admin": True}
USER = {"org_id": "o1", "user_id": "u2", "is_admin": False}


class Store:
    """The queries a service passes in, over a list of rows."""

    def __init__(self):
        self.rows, self.locks = [], []

    def select(self, session, *, org_id, module, for_update=False):
        found = [r for r in self.rows if r["org_id"] == org_id and r["module"] == module]
        return sorted(found, key=lambda r: (r["position"], r["key"]))

    def lock(self, session, *, org_id, module):
        self.locks.append((org_id, module))

    def insert(self, session, values):
        if any(r["org_id"] == values["org_id"] and r["module"] == values["module"] and r["key"] == values["key"]
               for r in self.rows):
            return False
        self.rows.append({**values, "created_at": NOW, "updated_at": NOW})
        return True

    def update(self, session, field_id, values):
        next(r for r in self.rows if r["id"] == field_id).update(values)

    def delete(self, session, *, org_id, module, key):
        self.rows = [r for r in self.rows if (r["org_id"], r["module"], r["key"]) != (org_id, module, key)]


def admin_over(store, **kwargs):
    return CustomFieldAdmin(modules=("contacts", "accounts"), rows=store.select, lock=store.lock,
                            insert=store.insert, update=store.update, delete=store.delete, now=lambda: NOW, **kwargs)


def data(key, kind="text", **extra):
    return {"key": key, "type": kind, "label_fr": key.title(), "label_en": key.title(), **extra}


@pytest.fixture
def store():
    return Store()


def test_a_new_field_comes_last_and_is_read_back(store):
    admin = admin_over(store)
    admin.create_field(None, actor=ADMIN, module="contacts", data=data("secteur"))
    read = admin.create_field(None, actor=ADMIN, module="contacts", data=data("taille", "textarea", height=3))
    assert store.locks == [("o1", "contacts")] * 2
    assert read["position"] == 2 and read["height"] == 3 and read["hidden"] is False
    assert read["created_at"] == NOW.isoformat() and "product_type" not in read


def test_extra_columns_are_stored_and_read(store):
    admin = admin_over(store, extra_columns=("product_type",))
    read = admin.create_field(None, actor=ADMIN, module="accounts", data=data("essence", product_type="Bois"))
    assert read["product_type"] == "Bois"
    assert admin.update_field(None, actor=ADMIN, module="accounts", key="essence",
                              data={"product_type": None})["product_type"] is None


def test_writes_are_for_administrators_and_modules_served_only(store):
    admin = admin_over(store)
    with pytest.raises(Forbidden):
        admin.create_field(None, actor=USER, module="contacts", data=data("secteur"))
    with pytest.raises(NotFound):
        admin.create_field(None, actor=ADMIN, module="opportunities", data=data("secteur"))
    with pytest.raises(NotFound):
        admin.list_fields(None, actor=USER, module="")


def test_a_taken_key_is_a_conflict_and_the_limit_is_70(store):
    admin = admin_over(store)
    for i in range(70):
        admin.create_field(None, actor=ADMIN, module="contacts", data=data(f"f{i}"))
    with pytest.raises(Conflict) as info:  # the module is full: 409 (issue 10 §5)
        admin.create_field(None, actor=ADMIN, module="contacts", data=data("one_more"))
    assert info.value.code == "custom_fields_limit"
    store.rows.pop()
    with pytest.raises(Conflict) as conflict:
        admin.create_field(None, actor=ADMIN, module="contacts", data=data("f0"))
    assert conflict.value.errors == {"key": ["custom_field_key_taken"]}


def test_hidden_fields_are_listed_to_administrators_only(store):
    admin = admin_over(store)
    admin.create_field(None, actor=ADMIN, module="contacts", data=data("interne", hidden=True))
    admin.create_field(None, actor=ADMIN, module="contacts", data=data("secteur"))
    assert [f["key"] for f in admin.list_fields(None, actor=ADMIN, module="contacts")] == ["interne", "secteur"]
    assert [f["key"] for f in admin.list_fields(None, actor=USER, module="contacts")] == ["secteur"]


def test_an_update_keeps_the_type_rules_and_stamps_the_change(store):
    admin = admin_over(store)
    admin.create_field(None, actor=ADMIN, module="contacts", data=data("secteur"))
    with pytest.raises(Conflict) as info:  # the stored type refuses a valid body: 409
        admin.update_field(None, actor=ADMIN, module="contacts", key="secteur", data={"choices": ["a"]})
    assert info.value.errors == {"choices": ["custom_field_no_choices"]}
    later = datetime(2026, 11, 26, tzinfo=timezone.utc)
    admin = dataclasses.replace(admin, now=lambda: later)
    read = admin.update_field(None, actor=ADMIN, module="contacts", key="secteur", data={"label_en": "Sector"})
    assert read["label_en"] == "Sector" and read["updated_at"] == later.isoformat()
    with pytest.raises(NotFound):
        admin.update_field(None, actor=ADMIN, module="contacts", key="absent", data={})


def test_a_deleted_field_is_gone(store):
    admin = admin_over(store)
    admin.create_field(None, actor=ADMIN, module="contacts", data=data("secteur"))
    with pytest.raises(Forbidden):
        admin.delete_field(None, actor=USER, module="contacts", key="secteur")
    admin.delete_field(None, actor=ADMIN, module="contacts", key="secteur")
    assert store.rows == []
    with pytest.raises(NotFound):
        admin.delete_field(None, actor=ADMIN, module="contacts", key="secteur")


def test_the_definition_contract_fits_options_to_the_type():
    schema = CustomFieldCreate()
    assert schema.validate(data("Bad-Key")) == {"key": ["custom_field_key"]}
    assert schema.validate(data("tags", "multi_choice")) == {"choices": ["custom_field_choices_required"]}
    assert schema.validate(data("note", height=2)) == {"height": ["custom_field_height_textarea"]}
    assert schema.validate(data("tags", "multi_choice", choices=["a"])) == {}


def test_a_path_segment_is_short_text_or_nothing():
    assert segment("secteur") == "secteur"
    assert segment(["secteur"]) == segment("") == segment("x" * 65) == ""
