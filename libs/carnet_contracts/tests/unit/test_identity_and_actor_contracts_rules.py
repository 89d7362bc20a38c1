"""Identity's shared contracts and the actors (S-3, S-4, N-6): the rules beyond the fields' declarations, and
what a service takes when the gateway leaves an optional key out."""
import pytest
from marshmallow import ValidationError

from carnet_contracts import actors, identity

CALLER = {"org_id": "o", "user_id": "u", "is_admin": False}


def messages(schema, body):
    with pytest.raises(ValidationError) as refused:
        schema.load(body)
    return refused.value.messages


def test_a_permission_document_has_at_most_1000_field_entries():
    fields = {f"contacts.custom.f{i}": {"read": True} for i in range(identity.MAX_FIELD_ENTRIES)}
    assert identity.Permissions().load({"fields": fields})["fields"] == fields
    assert messages(identity.Permissions(), {"fields": {**fields, "contacts.email": {"read": False}}}) == {
        "fields": ["too_many_entries"]}


def test_a_permission_document_reads_and_writes_its_fields_under_fields():
    document = {"modules": {"contacts": {"read": True}}, "fields": {"contacts.email": {"read": False}}}
    assert identity.Permissions().load(document) == document
    assert identity.Permissions().dump(document) == document


def test_users_and_the_audit_journal_page_alike():
    assert identity.UserQuery().load({"q": "marie", "active": "true"}) == {
        "q": "marie", "active": True, "page": 1, "per_page": 50}


def test_every_actor_names_the_caller():
    for contract in (actors.Actor, actors.ContactsActor, actors.OpportunitiesActor, actors.TasksActor):
        assert set(messages(contract(), {})) == {"org_id", "user_id", "is_admin"}


def test_a_caller_without_flags_sees_as_a_plain_user():
    for contract in (actors.ContactsActor, actors.OpportunitiesActor, actors.TasksActor):
        loaded = contract().load({**CALLER, "flags": {"hierarchy_contacts": True}})
        assert loaded["flags"] == {"all_contacts": False, "hierarchy_contacts": True, "own_records_only": False}
        assert contract().load(CALLER)["flags"] == dict.fromkeys(actors.FLAGS, False)


def test_opportunities_speak_english_and_tasks_french_unless_told():
    assert actors.OpportunitiesActor().load(CALLER)["language"] == "en"
    task_caller = actors.TasksActor().load(CALLER)
    assert (task_caller["language"], task_caller["timezone"], task_caller["list_ids"]) == ("fr", "America/Toronto", [])
    for contract in (actors.OpportunitiesActor, actors.TasksActor):
        assert messages(contract(), {**CALLER, "language": "de"}) == {"language": ["Must be one of: en, fr."]}


def test_a_task_caller_needs_a_known_time_zone():
    assert actors.TasksActor().load({**CALLER, "timezone": "Europe/Paris"})["timezone"] == "Europe/Paris"
    assert messages(actors.TasksActor(), {**CALLER, "timezone": "Mars/Base"}) == {
        "timezone": ["task_timezone_unknown"]}


def test_the_lists_a_caller_sends_are_bounded():
    assert set(messages(actors.OpportunitiesActor(), {**CALLER, "list_ids": ["l"] * 10_001})) == {"list_ids"}


def test_an_organization_time_zone_is_one_the_database_knows():
    """The document lists them (an enum: issue 10 §5); another is refused by the gateway as by identity."""
    from carnet_contracts.identity import OrganizationUpdate
    assert OrganizationUpdate().load({"timezone": "America/Toronto"}) == {"timezone": "America/Toronto"}
    for name in ("\u008f", "Mars/Olympus_Mons", "", "america/toronto"):
        with pytest.raises(ValidationError) as refused:
            OrganizationUpdate().load({"timezone": name})
        assert refused.value.messages == {"timezone": ["unknown_timezone"]}
