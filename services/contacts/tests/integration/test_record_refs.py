"""The read-through of other services' read models (``get_record_refs``, issue 10 §3): what contacts answers about
the records a caller names, at the source, against the service as a process (real PostgreSQL and RabbitMQ).

A record the caller sees comes back as its events carry it to a read model (the same fields, every list, the
version that orders it with the events); one it does not see, or in the trash, is only said to be so (C-2, C-10);
another organization's, or none, is not answered at all."""
import sqlalchemy as sa
from contacts_helpers import expect, make_actor

from carnet_common.errors import InvalidInput
from carnet_contacts.references.contracts import MAX_IDS


def _created_record(engine, event_type, record_id):
    """The ``record`` of the record's creation event, as the read models received it."""
    with engine.connect() as conn:
        return conn.execute(sa.text(
            "SELECT envelope->'data'->'record' FROM contacts.outbox WHERE event_type = :type "
            "AND envelope->'data'->'record'->>'id' = :id"), {"type": event_type, "id": record_id}).scalar_one()


def _by_id(answers):
    return {answer["id"]: answer for answer in answers}


def test_a_record_the_caller_sees_is_answered_as_its_events_carry_it(rpc, engine):
    admin = make_actor(is_admin=True)
    shared = rpc.create_list(admin, {"name": "Partagée", "access_all_users": True})["id"]
    closed = rpc.create_list(admin, {"name": "Fermée"})["id"]
    member = make_actor(admin["org_id"])
    rpc.set_selected_lists(member, {"list_ids": [shared]})
    account = rpc.create_account(admin, {"name": "Gagnon inc.", "list_ids": [shared, closed],
                                         "rep1_id": member["user_id"]})
    contact = rpc.create_account_contact(admin, account["id"], {"first_name": "Émile", "last_name": "Roy",
                                                                "email": "emile@gagnon.test",
                                                                "rep1_id": member["user_id"]})
    answer = rpc.get_record_refs(member, {"contact": [contact["id"]], "account": [account["id"]]})
    [contact_answer], [account_answer] = answer["contact"], answer["account"]
    assert contact_answer["state"] == account_answer["state"] == "live"
    for answered, event_type, record_id in ((contact_answer, "contact_created", contact["id"]),
                                            (account_answer, "account_created", account["id"])):
        created = _created_record(engine, event_type, record_id)
        # every list, the caller's or not: the read model judges visibility with the lists of each caller
        assert answered["record"]["list_ids"] == sorted([shared, closed])
        assert {key: value for key, value in answered["record"].items() if key != "list_ids"} == {
            key: created[key] for key in answered["record"] if key != "list_ids"}
    assert contact_answer["record"]["account_id"] == account["id"]
    assert (contact_answer["record"]["first_name"], contact_answer["record"]["email"]) == ("Émile", "emile@gagnon.test")
    assert account_answer["record"]["name"] == "Gagnon inc." and account_answer["record"]["version"] == 1

    # an update moves the version, as its event does
    rpc.update_contact(admin, contact["id"], {"email": "e.roy@gagnon.test"})
    [after] = rpc.get_record_refs(member, {"contact": [contact["id"]]})["contact"]
    assert (after["record"]["email"], after["record"]["version"]) == ("e.roy@gagnon.test", 2)


def test_what_the_caller_may_not_see_or_is_in_the_trash_is_only_said_so(rpc):
    admin = make_actor(is_admin=True)
    shared = rpc.create_list(admin, {"name": "Partagée", "access_all_users": True})["id"]
    member = make_actor(admin["org_id"])
    rpc.set_selected_lists(member, {"list_ids": [shared]})
    theirs = rpc.create_contact(admin, {"first_name": "Zoé", "list_ids": [shared]})    # rep 1: the admin (S-4)
    trashed = rpc.create_contact(admin, {"first_name": "Léa", "list_ids": [shared], "rep1_id": member["user_id"]})
    rpc.trash_contact(admin, trashed["id"])
    other = make_actor(is_admin=True)
    other_list = rpc.create_list(other, {"name": "Ailleurs"})["id"]
    elsewhere = rpc.create_contact(other, {"first_name": "Noé", "list_ids": [other_list]})

    answer = rpc.get_record_refs(member, {"contact": [theirs["id"], trashed["id"], elsewhere["id"], "nope"]})
    assert _by_id(answer["contact"]) == {theirs["id"]: {"id": theirs["id"], "state": "hidden"},
                                         trashed["id"]: {"id": trashed["id"], "state": "deleted"}}
    assert answer["account"] == []
    # the administrator sees the first one; in the trash is in the trash for everyone
    seen = _by_id(rpc.get_record_refs(admin, {"contact": [theirs["id"], trashed["id"]]})["contact"])
    assert (seen[theirs["id"]]["state"], seen[trashed["id"]]["state"]) == ("live", "deleted")


def test_a_question_is_bounded_and_checked(rpc):
    admin = make_actor(is_admin=True)
    with expect(InvalidInput) as info:
        rpc.get_record_refs(admin, {"contact": [f"c{n}" for n in range(MAX_IDS + 1)]})
    assert "contact" in info.value.errors
    with expect(InvalidInput) as info:
        rpc.get_record_refs(admin, {"opportunity": ["o1"]})
    assert "opportunity" in info.value.errors
    assert rpc.get_record_refs(admin, {}) == {"contact": [], "account": []}
