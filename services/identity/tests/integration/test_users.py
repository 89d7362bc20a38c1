"""Users, seats, flags and hierarchy (S-1, S-4, S-5, S-7, S-9)."""
import pytest
import sqlalchemy as sa
from identity_harness import PASSWORD, actor

from carnet_common import redis_keys
from carnet_common.errors import Conflict, Forbidden, NotFound, Unauthorized
from carnet_testing import eventually


def generation(identity, org_id):
    return int(identity.redis.get(redis_keys.authz_generation_key(org_id)) or 0)


def test_an_admin_creates_a_user_with_role_manager_and_flags(svc, org):
    role = svc.create_role(org.admin, {"name": "Sales"})

    user = org.add_user(role_id=role["id"], manager_id=org.admin_user["id"], all_contacts=True, language="en")

    assert user["role_id"] == role["id"] and user["manager_id"] == org.admin_user["id"]
    assert user["all_contacts"] is True and user["hierarchy_contacts"] is False
    assert user["active"] is True and user["is_admin"] is False
    assert svc.get_user(org.admin, user["id"]) == user


def test_a_non_admin_cannot_create_users(svc, org):
    member = org.add_user()

    with pytest.raises(Forbidden) as caught:
        svc.create_user(actor(member), {"username": "sneaky.one", "password": PASSWORD, "full_name": "X",
                                        "email": "x@example.com", "is_admin": True})

    assert caught.value.code == "admin_only"
    assert svc.list_users(org.admin)["total"] == 2


def test_a_non_admin_may_change_only_their_own_name_email_password_and_language(svc, org):
    member, other = org.add_user(), org.add_user()
    me = actor(member)

    assert svc.update_user(me, member["id"], {"full_name": "New Name", "language": "en"})["full_name"] == "New Name"
    with pytest.raises(Forbidden):
        svc.update_user(me, member["id"], {"is_admin": True})
    with pytest.raises(Forbidden):
        svc.update_user(me, other["id"], {"full_name": "Renamed by a peer"})
    assert svc.get_user(org.admin, member["id"])["is_admin"] is False


def test_seats_are_exhausted_on_the_solo_plan(svc, make_org):
    solo = make_org(plan="solo")

    with pytest.raises(Conflict) as caught:
        solo.add_user()
    assert caught.value.code == "plan_seats_exhausted"
    assert caught.value.errors == {"active": ["plan_seats_exhausted"]}
    assert caught.value.params == {"seats": "1"}

    # An inactive user uses no seat (S-1) and cannot be activated while the plan is full.
    inactive = solo.add_user(active=False)
    with pytest.raises(Conflict) as caught:
        svc.update_user(solo.admin, inactive["id"], {"active": True})
    assert caught.value.code == "plan_seats_exhausted"
    assert svc.list_users(solo.admin, {"active": True})["total"] == 1


def test_concurrent_creations_never_exceed_the_plans_seats(identity, make_org):
    collaborator = make_org(plan="collaborator")  # 3 seats, the admin holds one
    with identity.proxy() as cluster:
        pending = [cluster.identity.create_user.call_async(collaborator.admin, {
            "username": f"racer{i}-{collaborator.id[:8]}", "password": PASSWORD, "full_name": "Racer",
            "email": "r@example.com"}) for i in range(6)]
        outcomes = []
        for reply in pending:
            try:
                outcomes.append(reply.result()["id"])
            except Conflict as exc:
                outcomes.append(exc.code)

    assert outcomes.count("plan_seats_exhausted") == 4
    with identity.engine.connect() as conn:
        active = conn.execute(sa.text("SELECT count(*) FROM identity.users WHERE org_id = :org AND active"),
                              {"org": collaborator.id}).scalar_one()
    assert active == 3


def test_flags_and_manager_are_updated_and_shape_the_principal(svc, org):
    manager, member = org.add_user(), org.add_user()

    updated = svc.update_user(org.admin, member["id"], {
        "manager_id": manager["id"], "hierarchy_contacts": True, "own_records_only": True, "all_contacts": False})

    assert updated["manager_id"] == manager["id"]
    assert (updated["hierarchy_contacts"], updated["own_records_only"], updated["all_contacts"]) == (True, True, False)
    principal = svc.get_principal(member["id"])
    assert principal["flags"] == {"all_contacts": False, "hierarchy_contacts": True, "own_records_only": True}
    assert svc.get_principal(manager["id"])["subordinate_ids"] == [member["id"]]
    cleared = svc.update_user(org.admin, member["id"], {"manager_id": None})
    assert cleared["manager_id"] is None
    assert svc.get_principal(manager["id"])["subordinate_ids"] == []


def test_subordinates_are_found_at_any_depth(svc, org):
    top = org.add_user()
    middle = org.add_user(manager_id=top["id"])
    bottom = org.add_user(manager_id=middle["id"])

    assert svc.get_principal(top["id"])["subordinate_ids"] == sorted([middle["id"], bottom["id"]])


def test_a_manager_cycle_is_a_conflict(svc, org):
    """The stored hierarchy refuses a valid body: 409 naming the field (issue 10 §5)."""
    top = org.add_user()
    middle = org.add_user(manager_id=top["id"])
    bottom = org.add_user(manager_id=middle["id"])

    for user, manager in ((top, bottom), (top, middle), (top, top)):
        with pytest.raises(Conflict) as caught:
            svc.update_user(org.admin, user["id"], {"manager_id": manager["id"]})
        assert caught.value.code == "manager_cycle" and caught.value.errors == {"manager_id": ["manager_cycle"]}
    assert svc.get_user(org.admin, top["id"])["manager_id"] is None


def test_the_last_admin_cannot_be_deactivated_or_demoted(svc, org):
    admin_id = org.admin_user["id"]

    with pytest.raises(Conflict) as caught:
        svc.update_user(org.admin, admin_id, {"active": False})
    assert caught.value.code == "last_admin" and caught.value.errors == {"active": ["last_admin"]}
    with pytest.raises(Conflict) as caught:
        svc.update_user(org.admin, admin_id, {"is_admin": False})
    assert caught.value.errors == {"is_admin": ["last_admin"]}

    second = org.add_user(is_admin=True)
    demoted = svc.update_user(actor(second), admin_id, {"is_admin": False})
    assert demoted["is_admin"] is False
    with pytest.raises(Conflict) as caught:
        svc.update_user(actor(second), second["id"], {"active": False})
    assert caught.value.code == "last_admin"


def test_deactivation_revokes_every_session_and_moves_the_authorization_generation(svc, org, identity):
    user = org.add_user()
    digests = [redis_keys.token_digest(svc.login(user["username"], PASSWORD)["token"]) for _ in range(2)]
    assert all(identity.redis.exists(redis_keys.session_key(d)) for d in digests)
    before = generation(identity, org.id)

    svc.update_user(org.admin, user["id"], {"active": False})

    assert not any(identity.redis.exists(redis_keys.session_key(d)) for d in digests)
    assert not identity.redis.exists(redis_keys.user_sessions_key(user["id"]))
    assert generation(identity, org.id) > before
    with pytest.raises(Unauthorized):
        svc.get_principal(user["id"])


def test_a_rename_changes_the_login(svc, org):
    user = org.add_user()
    new_name = "renamed." + user["username"]

    svc.update_user(org.admin, user["id"], {"username": new_name, "current_password": PASSWORD})

    assert svc.login(new_name, PASSWORD)["user"]["id"] == user["id"]
    with pytest.raises(Unauthorized):
        svc.login(user["username"], PASSWORD)


def test_a_deleted_user_leaves_the_lists_cannot_log_in_and_loses_its_sessions(svc, org, identity):
    user = org.add_user()
    digest = redis_keys.token_digest(svc.login(user["username"], PASSWORD)["token"])
    before = generation(identity, org.id)

    svc.delete_user(org.admin, user["id"])

    with pytest.raises(NotFound):
        svc.get_user(org.admin, user["id"])
    assert user["id"] not in {u["id"] for u in svc.list_users(org.admin)["items"]}
    with pytest.raises(Unauthorized) as caught:
        svc.login(user["username"], PASSWORD)
    assert caught.value.code == "invalid_credentials"
    assert not identity.redis.exists(redis_keys.session_key(digest))
    assert generation(identity, org.id) > before
    with identity.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT deleted_at IS NOT NULL FROM identity.users WHERE id = :id"),
                            {"id": user["id"]}).scalar_one() is True


def test_an_admin_cannot_delete_themselves(svc, org):
    with pytest.raises(Conflict) as caught:
        svc.delete_user(org.admin, org.admin_user["id"])
    assert caught.value.code == "cannot_delete_self"


def test_list_users_searches_and_pages(svc, org):
    for name in ("Gagnon", "Gagné", "Roy"):
        org.add_user(full_name=f"Jean {name}")

    found = svc.list_users(org.admin, {"q": "gagn", "per_page": 1, "page": 2})

    assert found["total"] == 2 and len(found["items"]) == 1
    assert svc.list_users(org.admin, {"q": "50%_"})["total"] == 0


def test_a_plan_downgrade_waits_for_a_concurrent_activation_and_then_sees_it(svc, identity, make_org):
    org = make_org(plan="collaborator")
    inactive = org.add_user(active=False)  # the admin alone would fit the solo plan
    with identity.engine.connect() as concurrent_change:
        # What update_user does while activating someone: lock the organization, change a user.
        concurrent_change.execute(sa.text("SELECT id FROM identity.organizations WHERE id = :org FOR UPDATE"),
                                  {"org": org.id})
        concurrent_change.execute(sa.text("UPDATE identity.users SET active = true WHERE id = :id"),
                                  {"id": inactive["id"]})
        with identity.proxy() as cluster:
            downgrade = cluster.identity.set_plan.call_async(org.id, "solo")
            assert eventually(lambda: waiting_on_a_lock(identity)), "the downgrade never reached the database"
            concurrent_change.commit()
            with pytest.raises(Conflict) as caught:
                downgrade.result()

    assert caught.value.code == "plan_too_small"
    assert svc.get_organization(org.admin)["plan"] == "collaborator"


def waiting_on_a_lock(identity):
    with identity.engine.connect() as conn:
        return conn.execute(sa.text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )).scalar_one()
