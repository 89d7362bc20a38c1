"""Roles and permissions (S-2, S-3): changes apply at the next request."""
import pytest
import sqlalchemy as sa
from identity_harness import actor

from carnet_common import redis_keys
from carnet_common.errors import Conflict, Forbidden, InvalidInput, NotFound


def generation(identity, org_id):
    return int(identity.redis.get(redis_keys.authz_generation_key(org_id)) or 0)


PERMISSIONS = {
    "modules": {"contacts": {"read": True, "write": True, "export": True}, "settings": {"read": True}},
    "fields": {"contacts.email": {"read": False, "write": True}, "contacts.custom.tier": {"write": False}},
    "special": {"primary_contact": {"read": True}, "primary_contact_quickbooks": {"write": True}},
}


def test_a_new_role_starts_with_the_default_permissions(svc, org):
    role = svc.create_role(org.admin, {"name": "  Sales  "})

    assert role["name"] == "Sales" and role["user_count"] == 0
    perms = svc.get_permissions(org.admin, role["id"])
    assert perms["modules"]["contacts"] == {"read": True, "write": True, "delete": False, "export": False}
    assert perms["modules"]["settings"]["read"] is False
    assert [r["id"] for r in svc.list_roles(org.admin)] == [role["id"]]


def test_a_role_name_is_unique_within_an_organization_whatever_its_case(svc, make_org):
    org, other = make_org(), make_org()
    svc.create_role(org.admin, {"name": "Sales"})

    with pytest.raises(Conflict) as caught:
        svc.create_role(org.admin, {"name": "SALES"})
    assert caught.value.errors == {"name": ["role_name_taken"]}
    assert svc.create_role(other.admin, {"name": "Sales"})["name"] == "Sales"

    support = svc.create_role(org.admin, {"name": "Support"})
    with pytest.raises(Conflict):
        svc.update_role(org.admin, support["id"], {"name": "sales"})
    assert svc.update_role(org.admin, support["id"], {"name": "Customer care"})["name"] == "Customer care"


def test_permissions_round_trip_normalised(svc, org):
    role = svc.create_role(org.admin, {"name": "Sales"})

    stored = svc.set_permissions(org.admin, role["id"], PERMISSIONS)

    assert svc.get_permissions(org.admin, role["id"]) == stored
    assert stored["modules"]["contacts"] == {"read": True, "write": True, "delete": False, "export": True}
    assert stored["modules"]["accounts"] == {"read": False, "write": False, "delete": False, "export": False}
    assert stored["fields"] == {"contacts.email": {"read": False, "write": False},
                                "contacts.custom.tier": {"read": True, "write": False}}
    assert stored["special"] == {"primary_contact": {"read": True, "write": False},
                                 "primary_contact_acomba": {"write": False},
                                 "primary_contact_quickbooks": {"write": True}}


def test_bad_permissions_are_refused_per_field_and_nothing_changes(svc, org):
    role = svc.create_role(org.admin, {"name": "Sales"})
    before = svc.get_permissions(org.admin, role["id"])

    with pytest.raises(InvalidInput) as caught:
        svc.set_permissions(org.admin, role["id"], {"modules": {"contacts": {"read": "yes"}},
                                                    "fields": {"contacts.Bad Key": {"read": True}}})

    assert set(caught.value.errors) == {"modules.contacts.value.read", "fields.contacts.Bad Key.key"}
    assert svc.get_permissions(org.admin, role["id"]) == before


def test_only_admins_manage_roles(svc, org):
    role = svc.create_role(org.admin, {"name": "Sales"})
    member = actor(org.add_user(role_id=role["id"]))

    for call in (lambda: svc.create_role(member, {"name": "Mine"}),
                 lambda: svc.update_role(member, role["id"], {"name": "Mine"}),
                 lambda: svc.get_permissions(member, role["id"]),
                 lambda: svc.set_permissions(member, role["id"], {}),
                 lambda: svc.delete_role(member, role["id"])):
        with pytest.raises(Forbidden):
            call()


def test_the_principal_reflects_a_permission_change_at_the_next_request(svc, org, identity):
    role = svc.create_role(org.admin, {"name": "Sales"})
    member = org.add_user(role_id=role["id"])
    assert svc.get_principal(member["id"])["permissions"]["modules"]["contacts"]["delete"] is False
    before = generation(identity, org.id)

    svc.set_permissions(org.admin, role["id"], {"modules": {"contacts": {"read": True, "delete": True}}})

    principal = svc.get_principal(member["id"])
    assert principal["permissions"]["modules"]["contacts"] == {"read": True, "write": False, "delete": True,
                                                                "export": False}
    assert principal["role"] == {"id": role["id"], "name": "Sales"}
    assert generation(identity, org.id) > before


def test_the_principal_follows_a_role_change_of_the_user(svc, org, identity):
    reader = svc.create_role(org.admin, {"name": "Reader"})
    svc.set_permissions(org.admin, reader["id"], {"modules": {"contacts": {"read": True}}})
    member = org.add_user()
    assert svc.get_principal(member["id"])["permissions"]["modules"]["contacts"]["read"] is False
    before = generation(identity, org.id)

    svc.update_user(org.admin, member["id"], {"role_id": reader["id"]})

    assert svc.get_principal(member["id"])["permissions"]["modules"]["contacts"]["read"] is True
    assert generation(identity, org.id) > before
    admin_principal = svc.get_principal(org.admin_user["id"])
    assert admin_principal["is_admin"] is True
    assert admin_principal["permissions"]["modules"]["settings"]["delete"] is True


def role_row(identity, role_id):
    with identity.engine.connect() as conn:
        return conn.execute(sa.text("SELECT * FROM identity.roles WHERE id = :id"), {"id": role_id}).mappings().first()


def test_a_role_held_by_a_user_cannot_be_deleted_and_nothing_changes(svc, org, identity):
    role = svc.create_role(org.admin, {"name": "Sales"})
    svc.set_permissions(org.admin, role["id"], PERMISSIONS)
    holder = org.add_user(role_id=role["id"])
    before = role_row(identity, role["id"])

    with pytest.raises(Conflict) as caught:
        svc.delete_role(org.admin, role["id"])

    assert caught.value.code == "role_in_use" and caught.value.params == {"users": "1"}
    assert role_row(identity, role["id"]) == before
    assert svc.get_user(org.admin, holder["id"])["role_id"] == role["id"]
    assert [r["user_count"] for r in svc.list_roles(org.admin)] == [1]


def test_a_role_nobody_holds_is_deleted(svc, org, identity):
    role = svc.create_role(org.admin, {"name": "Sales"})
    holder = org.add_user(role_id=role["id"])
    svc.update_user(org.admin, holder["id"], {"role_id": None})

    svc.delete_role(org.admin, role["id"])

    assert role_row(identity, role["id"]) is None
    assert svc.list_roles(org.admin) == []
    with pytest.raises(NotFound):
        svc.get_permissions(org.admin, role["id"])


def test_a_role_held_only_by_deleted_users_can_be_deleted(svc, org, identity):
    role = svc.create_role(org.admin, {"name": "Temps"})
    former = org.add_user(role_id=role["id"])
    svc.delete_user(org.admin, former["id"])
    assert [r["user_count"] for r in svc.list_roles(org.admin)] == [0]

    svc.delete_role(org.admin, role["id"])

    assert role_row(identity, role["id"]) is None
