"""Identity's RPC contracts refuse what the service must never store."""
import pytest
from marshmallow import ValidationError

from carnet_common.errors import flatten_messages
from carnet_identity import contracts


def valid_admin(**changes):
    return {"username": "marie.tremblay", "password": "a-long-password", "full_name": "Marie Tremblay",
            "email": "marie@example.com", **changes}


def valid_org(**changes):
    return {"name": "Acme", "admin": valid_admin(), **changes}


def errors_of(schema, data):
    with pytest.raises(ValidationError) as caught:
        schema.load(data)
    return flatten_messages(caught.value.messages)


def test_a_valid_organization_loads_with_trimmed_text():
    loaded = contracts.OrganizationCreate().load(valid_org(name="  Acme  "))
    assert loaded["name"] == "Acme"
    assert loaded["admin"]["username"] == "marie.tremblay"


@pytest.mark.parametrize("schema, data, path", [
    (contracts.OrganizationCreate(), valid_org(owner="x"), "owner"),
    (contracts.OrganizationCreate(), valid_org(admin=valid_admin(is_admin=True)), "admin.is_admin"),
    (contracts.UserCreate(), {**valid_admin(), "password_hash": "x"}, "password_hash"),
    (contracts.UserUpdate(), {"org_id": "other"}, "org_id"),
    (contracts.RoleCreate(), {"name": "Sales", "permissions": {}}, "permissions"),
], ids=["org", "nested-admin", "user-create", "user-update", "role"])
def test_unknown_fields_are_refused(schema, data, path):
    assert errors_of(schema, data)[path] == ["Unknown field."]


@pytest.mark.parametrize("password", ["", "short", "elevenchars"])
def test_a_password_under_12_characters_is_refused(password):
    assert errors_of(contracts.UserCreate(), valid_admin(password=password)) == {"password": ["password_length"]}


def test_a_password_of_12_characters_is_accepted():
    assert contracts.UserCreate().load(valid_admin(password="x" * 12))["password"] == "x" * 12


def test_the_admins_short_password_is_reported_under_its_nested_path():
    assert errors_of(contracts.OrganizationCreate(), valid_org(admin=valid_admin(password="short"))) == \
        {"admin.password": ["password_length"]}


@pytest.mark.parametrize("email", ["not-an-email", "a@", "@b.com", "a b@c.com"])
def test_a_bad_email_is_refused(email):
    assert "email" in errors_of(contracts.UserCreate(), valid_admin(email=email))


@pytest.mark.parametrize("username", ["marie tremblay", "marie/t", "émilie", "x<script>", "a;b"])
def test_a_username_with_other_characters_is_refused(username):
    assert errors_of(contracts.UserCreate(), valid_admin(username=username)) == {"username": ["username_chars"]}


@pytest.mark.parametrize("username", ["marie.t", "m_t-1", "marie+crm@acme.ca"])
def test_a_username_of_letters_digits_and_dot_underscore_at_plus_dash_is_accepted(username):
    assert contracts.UserCreate().load(valid_admin(username=username))["username"] == username


def test_a_password_is_never_dumped():
    assert "password" not in contracts.UserCreate().dump(valid_admin())


@pytest.mark.parametrize("key", ["contacts.Email", "contacts", "invoices.total", "contacts.custom.",
                                 "contacts.1abc", "contacts.a-b", "contacts.custom.x.y", "contacts." + "a" * 64])
def test_permissions_refuse_a_bad_field_key(key):
    errors = errors_of(contracts.PermissionsSet(), {"fields": {key: {"read": True}}})
    assert errors == {f"fields.{key}.key": ["field_key"]}


@pytest.mark.parametrize("key", ["contacts.email", "accounts.custom.tier_2", "tasks.due_at",
                                 "opportunities.custom." + "a" * 63])
def test_permissions_accept_standard_and_custom_field_keys(key):
    loaded = contracts.PermissionsSet().load({"fields": {key: {"read": True, "write": False}}})
    assert loaded["fields"][key] == {"read": True, "write": False}


def test_permissions_refuse_unknown_modules_actions_and_special_entries():
    errors = errors_of(contracts.PermissionsSet(), {
        "modules": {"payroll": {"read": True}, "contacts": {"approve": True}},
        "fields": {"contacts.email": {"delete": True}},
        "special": {"primary_contact_acomba": {"read": True}, "superuser": {"write": True}},
    })

    assert set(errors) == {"modules.payroll.key", "modules.contacts.value.approve",
                           "fields.contacts.email.value.delete", "special.primary_contact_acomba.read",
                           "special.superuser"}


def test_permissions_refuse_more_than_1000_field_entries():
    document = {"fields": {f"contacts.custom.f{i}": {"read": True} for i in range(1001)}}
    assert errors_of(contracts.PermissionsSet(), document) == {"fields": ["too_many_entries"]}


def test_actor_requires_org_user_and_admin_flag():
    assert set(errors_of(contracts.Actor(), {})) == {"org_id", "user_id", "is_admin"}


def test_list_query_bounds_paging():
    assert contracts.ListQuery().load({}) == {"page": 1, "per_page": 50}
    assert set(errors_of(contracts.ListQuery(), {"page": 0, "per_page": 201})) == {"page", "per_page"}
